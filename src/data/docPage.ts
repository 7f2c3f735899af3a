// docs/*.md as pages of the site: each doc is served at /docs/<name>, and a doc's mention of another
// (`docs/model.md`) becomes a link to that page, so every reference works on the site and from dist/.
// Pure.

/** A doc's markdown with every mention of a doc in `names` turned into a link to its page. */
export function docPage(markdown: string, names: ReadonlySet<string>): string {
  return markdown.replace(/`docs\/([a-z0-9-]+)\.md`/g, (mention, name: string) => (names.has(name) ? `[${mention}](./${name})` : mention));
}
