// Tokens as the views print them. Tokens come from readers' files: the views set them as text, never as HTML;
// a label too narrow for a long token shows its start and an ellipsis, and the view shows the whole token on
// hover and focus.

/** A token cut to at most `most` characters (counted as the reader sees them), keeping its start and ending in "…". */
export function shortToken(token: string, most: number): string {
  const chars = [...token];
  return chars.length <= most ? token : `${chars.slice(0, Math.max(1, most - 1)).join("")}…`;
}
