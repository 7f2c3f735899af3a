// Reading single values out of a page's query string. Each reader returns the fallback for a missing,
// malformed or out-of-range value, so parsing a shared link never throws. Pure.

/** `value` when it is one of `allowed`, else `fallback`. */
export function pick<T extends string>(value: string | null, allowed: readonly T[], fallback: T): T {
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

/** A whole number written in plain digits within [min, max], else `fallback`. */
export function integer(value: string | null, min: number, max: number, fallback: number): number {
  if (value === null || !/^-?\d+$/.test(value.trim())) return fallback;
  const n = Number(value);
  return Number.isSafeInteger(n) && n >= min && n <= max ? n : fallback;
}

/** "1" → true, "0" → false, anything else → `fallback`. */
export function flag(value: string | null, fallback: boolean): boolean {
  return value === "1" ? true : value === "0" ? false : fallback;
}
