// The one URL-state codec: a schema gives parsing (never throws; anything bad takes the default),
// clamping and serialising; a field's range may depend on the fields read before it.
import {describe, expect, it} from "vitest";
import {choiceField, clampUrlState, flagField, integerField, parseUrlState, serializeUrlState, textField, type Schema} from "../src/state/urlState.js";

interface S {
  mode: "a" | "b";
  level: "x" | "y" | "z";
  n: number;
  epoch: number;
  on: boolean;
  word: string;
}

const DEFAULTS: S = {mode: "a", level: "x", n: 2, epoch: -1, on: false, word: "hi"};
const schema: Schema<S> = {
  mode: choiceField("mode", ["a", "b"], DEFAULTS.mode),
  // "z" only exists in mode b
  level: choiceField("lv", (before) => (before.mode === "b" ? ["x", "y", "z"] : ["x", "y"]), DEFAULTS.level),
  n: integerField("n", 0, 9, DEFAULTS.n),
  epoch: integerField("epoch", 0, 4, DEFAULTS.epoch, {best: -1}),
  on: flagField("on", DEFAULTS.on),
  word: textField("w", DEFAULTS.word, (text) => (/^[a-z]+$/.test(text) ? text : undefined), (value) => value)
};
const parse = (search: string) => parseUrlState(search, schema);

describe("URL state from a schema", () => {
  it("a state survives its URL, written in schema order with the schema's keys", () => {
    const state: S = {mode: "b", level: "z", n: 9, epoch: 3, on: true, word: "abc"};
    const search = serializeUrlState(state, schema);
    expect(search).toBe("mode=b&lv=z&n=9&epoch=3&on=1&w=abc");
    expect(parse(`?${search}`)).toEqual(state);
    expect(parse(search)).toEqual(state);
  });

  it("named special values are read and written as their word", () => {
    expect(serializeUrlState({...DEFAULTS, epoch: -1}, schema)).toContain("epoch=best");
    expect(parse("?epoch=best").epoch).toBe(-1);
    expect(parse("?epoch=-1").epoch).toBe(DEFAULTS.epoch);
    expect(parse("?epoch=2").epoch).toBe(2);
  });

  it("missing, malformed and out-of-range values take their defaults", () => {
    expect(parse("")).toEqual(DEFAULTS);
    expect(parse("?")).toEqual(DEFAULTS);
    expect(parse("%%%&&==")).toEqual(DEFAULTS);
    expect(parse("?mode=c&lv=<b>&n=10&epoch=5&on=yes&w=A1")).toEqual(DEFAULTS);
    for (const n of ["", "x", "1.5", "1e1", "0x3", "-1", "+3", "99999999999999999999", "NaN", "Infinity"]) {
      expect(parse(`?n=${encodeURIComponent(n)}`).n).toBe(DEFAULTS.n);
    }
    expect(parse("?n=%203%20").n).toBe(3);
    expect(parse("?n=07").n).toBe(7);
    expect(parse("?on=0&on=1").on).toBe(false); // the first of repeated parameters counts
    expect(parse("?MODE=b").mode).toBe("a"); // keys are case-sensitive
  });

  it("a field's range may depend on the fields before it", () => {
    expect(parse("?mode=b&lv=z").level).toBe("z");
    expect(parse("?mode=a&lv=z").level).toBe(DEFAULTS.level);
    expect(parse("?lv=z&mode=b").level).toBe("z"); // the schema's order counts, not the URL's
  });

  it("clamping keeps values in range and replaces the rest by the defaults", () => {
    const wild = {mode: "q", level: "z", n: 12, epoch: -1, on: true, word: "ok"} as unknown as S;
    expect(clampUrlState(wild, schema)).toEqual({...DEFAULTS, epoch: -1, on: true, word: "ok"});
    expect(clampUrlState({...DEFAULTS, mode: "b", level: "z"}, schema).level).toBe("z");
    expect(clampUrlState({...DEFAULTS, n: 1.5}, schema).n).toBe(DEFAULTS.n);
  });
});
