import {describe, expect, test} from "vitest";
import {bareFixed, fixed} from "../src/components/numberText.js";

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
});
