// A link that downloads one of the site's built files under its own name.

/** `file` is a FileAttachment (its href and name); `text` what the link says (the file's name by default). */
export function downloadLink(file: {href: string; name: string}, text: string = file.name): HTMLAnchorElement {
  const a = document.createElement("a");
  a.href = file.href;
  a.download = file.name;
  a.textContent = text;
  return a;
}
