import {describe, expect, test} from "vitest";
import {bareFixed, fixed, weightText} from "../src/components/numberText.js";

describe("numbers as the views print them", () => {
  test("a value that rounds to zero has no sign", () => {
    expect(fixed(-0.004, 2)).toBe("0.00");
    expect(fixed(-0, 3)).toBe("0.000");
    expect(fixed(-0.4, 0)).toBe("0");
    expect(bareFixed(-0.004, 2)).toBe(".00");
    expect(bareFixed(-1e-9, 2)).toBe(".00");
  });

  test("other values keep their sign and digits", () => {
    expect(fixed(-0.006, 2)).toBe("-0.01");
    expect(fixed(0.004, 2)).toBe("0.00");
    expect(fixed(-12.345, 1)).toBe("-12.3");
    expect(bareFixed(-0.25, 2)).toBe("-.25");
    expect(bareFixed(0.5, 2)).toBe(".50");
    expect(bareFixed(1.234, 2)).toBe("1.23");
    expect(bareFixed(-1.004, 2)).toBe("-1.00");
  });

  test("a weight keeps three decimals, and two significant digits when it is small", () => {
    expect(weightText(0.984)).toBe("0.984");
    expect(weightText(0.5)).toBe("0.500");
    expect(weightText(1)).toBe("1.000");
    expect(weightText(0.0012)).toBe("0.0012");
    expect(weightText(0.00186)).toBe("0.0019");
    expect(weightText(0.0123)).toBe("0.012");
    expect(weightText(0.000473)).toBe("0.00047");
    expect(weightText(-0.0012)).toBe("-0.0012");
    expect(weightText(3.14e-7)).toBe("3.1e-7");
  });

  test("a weight of zero, or one that rounds to zero, has no sign", () => {
    expect(weightText(0)).toBe("0.000");
    expect(weightText(-0)).toBe("0.000");
    for (const v of [-0, -1e-12, -0.0001, -0.00099]) expect(weightText(v)).not.toMatch(/^-0(\.0*)?(e|$)/);
  });

  test("the text reads back as the weight within half its last digit", () => {
    for (const v of [0.984, 0.0012, 0.00186, 0.049999, 0.0099999, 0.000011, 0.25, 0.001]) {
      const text = weightText(v);
      const decimals = text.split(".")[1]?.length ?? 0;
      expect(Math.abs(Number(text) - v), text).toBeLessThanOrEqual(0.5 * 10 ** -decimals + 1e-12);
      expect(Number(text) / v, text).toBeGreaterThan(0.95); // two significant digits at least
    }
  });
});

