// The one URL-state codec of the site. A page describes its state as a schema — per field the URL
// parameter, the type, the range or choices and the default — and gets parsing, serialising and clamping
// from it. Parsing never throws: a missing, malformed or out-of-range value takes the field's default, so
// any shared link opens some valid view. Fields are read in schema order, and a field's range may depend
// on the fields before it (the explorer's map kinds on the architecture). Pure: strings in, values out.

/** One field of a page's state: how it is written in the URL and which values it accepts. */
export interface Field<T> {
  /** the URL parameter */
  key: string;
  /** the value taken when the parameter is missing, malformed or out of range */
  fallback: T;
  /** the value a parameter's text stands for, or undefined when the text is malformed */
  decode(text: string): T | undefined;
  /** whether a value is in range, given the fields read before it */
  accepts(value: T, before: Record<string, unknown>): boolean;
  /** the parameter's text for a value */
  encode(value: T): string;
}

/** A schema: one field per state key, in the order they are read and written. */
export type Schema<S> = {[K in keyof S]: Field<S[K]>};

const WHOLE_NUMBER = /^-?\d+$/;

/**
 * A whole number in [min, max] written in plain digits (surrounding spaces allowed). `words` name special
 * values outside the range (the explorer's epoch "best" = −1): they are read and written as the word.
 */
export function integerField(key: string, min: number, max: number, fallback: number, words: Readonly<Record<string, number>> = {}): Field<number> {
  const byWord = new Map(Object.entries(words));
  const special = new Map(Object.entries(words).map(([word, value]) => [value, word]));
  return {
    key,
    fallback,
    decode(text) {
      if (byWord.has(text)) return byWord.get(text);
      if (!WHOLE_NUMBER.test(text.trim())) return undefined;
      const n = Number(text);
      return Number.isSafeInteger(n) ? n : undefined;
    },
    accepts: (value) => special.has(value) || (Number.isInteger(value) && value >= min && value <= max),
    encode: (value) => special.get(value) ?? String(value)
  };
}

/** One of a list of words; the list may depend on the fields read before this one. */
export function choiceField<T extends string>(key: string, choices: readonly T[] | ((before: Record<string, unknown>) => readonly T[]), fallback: T): Field<T> {
  const allowed = typeof choices === "function" ? choices : () => choices;
  return {
    key,
    fallback,
    decode: (text) => text as T,
    accepts: (value, before) => (allowed(before) as readonly string[]).includes(value),
    encode: (value) => value
  };
}

/** A switch written "1" (on) or "0" (off). */
export function flagField(key: string, fallback: boolean): Field<boolean> {
  return {
    key,
    fallback,
    decode: (text) => (text === "1" ? true : text === "0" ? false : undefined),
    accepts: () => true,
    encode: (value) => (value ? "1" : "0")
  };
}

/** A value with its own text form (the playground's relation): `read` returns undefined for bad text. */
export function textField<T>(key: string, fallback: T, read: (text: string) => T | undefined, write: (value: T) => string): Field<T> {
  return {key, fallback, decode: read, accepts: () => true, encode: write};
}

function paramsOf(search: string): URLSearchParams {
  try {
    return new URLSearchParams(search);
  } catch {
    return new URLSearchParams();
  }
}

/** The state a query string ("?a=1&b=x", with or without "?") describes; every bad or missing value takes its default. */
export function parseUrlState<S>(search: string, schema: Schema<S>): S {
  const params = paramsOf(search);
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(schema) as (keyof S & string)[]) {
    const field = schema[name];
    const text = params.get(field.key);
    const value = text === null ? undefined : field.decode(text);
    out[name] = value !== undefined && field.accepts(value, out) ? value : field.fallback;
  }
  return out as S;
}

/** The state with every value the schema does not accept replaced by its default. */
export function clampUrlState<S>(state: S, schema: Schema<S>): S {
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(schema) as (keyof S & string)[]) {
    const field = schema[name];
    out[name] = field.accepts(state[name], out) ? state[name] : field.fallback;
  }
  return out as S;
}

/** The query string of a state, without the leading "?": every field, in schema order, so a link is explicit. */
export function serializeUrlState<S>(state: S, schema: Schema<S>): string {
  const params = new URLSearchParams();
  for (const name of Object.keys(schema) as (keyof S & string)[]) params.set(schema[name].key, schema[name].encode(state[name]));
  return params.toString();
}
