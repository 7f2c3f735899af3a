import {describe, expect, it} from "vitest";
import {direction, fmt, relation} from "../src/essay/prose.js";

describe("numbers in prose", () => {
  it("formats with digits that suit the size", () => {
    expect(fmt(0.05512)).toBe("0.055");
    expect(fmt(1.6041)).toBe("1.60");
    expect(fmt(146.2)).toBe("146");
    expect(fmt(Number.NaN)).toBe("—");
  });

  it("says how two values compare", () => {
    expect(relation(0.33, 0.34)).toBe("about the same as");
    expect(relation(0.507, 0.055)).toBe("9.2 times");
    expect(relation(0.055, 0.507)).toBe("9.2 times smaller than");
    expect(relation(0.3, 0.2)).toBe("50% higher than");
    expect(relation(0.15, 0.2)).toBe("25% lower than");
    expect(relation(1, 0)).toBe("not comparable with");
  });

  it("compares directions of change", () => {
    expect(direction(0.5, 0.05)).toBe("lower");
    expect(direction(0.34, 0.33)).toBe("about the same");
  });
});
