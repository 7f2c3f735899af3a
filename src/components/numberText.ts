// Numbers as the views print them. A value that rounds to zero prints without a sign: "0.00" and ".00",
// never "-0.00" or "-.00" (toFixed keeps the sign of a small negative value).

/** `value` with `digits` decimals. */
export function fixed(value: number, digits: number): string {
  const text = value.toFixed(digits);
  return /^-0(\.0*)?$/.test(text) ? text.slice(1) : text;
}

/** The same without the leading zero of a value under 1 in size (".25", "-.25"), for cells too small for it. */
export function bareFixed(value: number, digits: number): string {
  return fixed(value, digits).replace(/^(-?)0\./, "$1.");
}
