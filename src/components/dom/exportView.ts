// Export of what the reader sees: several views side by side as one standalone SVG (canvases become
// embedded images, an HTML container's text becomes SVG text, currentColor becomes the page's text colour) and
// the same picture as a PNG, behind the pages' "Export SVG" / "Export PNG" buttons. DOM nodes in, an SVG
// element / Blob / download out.
import {SVG_NS} from "../svgNamespace.js";

const XLINK_NS = "http://www.w3.org/1999/xlink";
const GAP = 16;
const PNG_SCALE = 2;
/** How long a download's object URL stays valid (the browser reads it after the click returns). */
const REVOKE_DELAY_MS = 10_000;

interface Part {
  width: number;
  height: number;
  node: SVGGElement;
}

function size(node: Element): {width: number; height: number} {
  const box = node.getBoundingClientRect();
  return {width: Math.ceil(box.width), height: Math.ceil(box.height)};
}

/**
 * Any CSS colour (var(), color-mix(), color(srgb …)) as plain rgb(), which every SVG reader understands:
 * painted on a 1×1 canvas and read back. Falls back to `fallback` when it cannot be painted.
 */
export function solidColor(css: string, fallback = "white"): string {
  const probe = document.createElement("div");
  probe.style.color = css;
  document.body.append(probe);
  const computed = getComputedStyle(probe).color;
  probe.remove();
  const ctx = document.createElement("canvas").getContext("2d", {willReadFrequently: true});
  if (!ctx || !computed) return fallback;
  ctx.fillStyle = computed;
  ctx.fillRect(0, 0, 1, 1);
  const [r, g, b, a] = ctx.getImageData(0, 0, 1, 1).data;
  return a === 0 ? fallback : `rgb(${r}, ${g}, ${b})`;
}

/** One view as an SVG group: an <svg> is cloned; a container's canvases become images under its SVG. */
function part(view: Element): Part | null {
  const {width, height} = size(view);
  if (!width || !height) return null;
  const group = document.createElementNS(SVG_NS, "g") as SVGGElement;
  const origin = view.getBoundingClientRect();
  const pieces: Element[] = view instanceof SVGSVGElement ? [view] : [...view.querySelectorAll("canvas, svg")].filter((n) => !n.parentElement?.closest("svg"));
  for (const piece of pieces) {
    const box = piece.getBoundingClientRect();
    const x = box.left - origin.left;
    const y = box.top - origin.top;
    if (piece instanceof HTMLCanvasElement) {
      const image = document.createElementNS(SVG_NS, "image");
      image.setAttribute("x", String(x));
      image.setAttribute("y", String(y));
      image.setAttribute("width", String(box.width));
      image.setAttribute("height", String(box.height));
      image.setAttribute("preserveAspectRatio", "none"); // stretched to its box, as the page stretches the canvas
      image.setAttributeNS(XLINK_NS, "xlink:href", piece.toDataURL("image/png"));
      image.setAttribute("href", piece.toDataURL("image/png"));
      // A map of fewer cells than pixels is drawn with its cells' edges (mapImage.ts), in the file as on the page.
      if (getComputedStyle(piece).imageRendering === "pixelated") image.setAttribute("style", "image-rendering: pixelated");
      group.append(image);
    } else {
      const clone = piece.cloneNode(true) as SVGSVGElement;
      clone.setAttribute("x", String(x));
      clone.setAttribute("y", String(y));
      clone.setAttribute("width", String(box.width));
      clone.setAttribute("height", String(box.height));
      clone.removeAttribute("style");
      group.append(clone);
    }
  }
  if (!(view instanceof SVGSVGElement)) group.append(...htmlTexts(view, origin));
  return {width, height, node: group};
}

/**
 * The text a container shows in HTML around its canvases and SVGs (the head grid's labels and detected types), as
 * SVG text at the same places, in the same size, weight and colour: one line per text node.
 */
function htmlTexts(view: Element, origin: DOMRect): SVGTextElement[] {
  const texts: SVGTextElement[] = [];
  const colors = new Map<string, string>();
  const walker = document.createTreeWalker(view, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    const content = node.textContent?.trim();
    if (!parent || !content || parent.closest("svg, canvas, [aria-hidden=true]")) continue;
    const style = getComputedStyle(parent);
    if (style.visibility !== "visible") continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const box = range.getBoundingClientRect();
    if (!box.width || !box.height) continue; // not shown (display: none, or an empty line)
    const text = document.createElementNS(SVG_NS, "text") as SVGTextElement;
    text.setAttribute("x", String(box.left - origin.left));
    text.setAttribute("y", String(box.top - origin.top + box.height / 2));
    text.setAttribute("dominant-baseline", "central");
    text.setAttribute("font-size", style.fontSize);
    text.setAttribute("font-weight", style.fontWeight);
    if (!colors.has(style.color)) colors.set(style.color, solidColor(style.color, "currentColor"));
    text.setAttribute("fill", colors.get(style.color)!);
    text.textContent = content;
    texts.push(text);
  }
  return texts;
}

/** The views laid out left to right in one standalone SVG, on the page's background colour. */
export function composeSvg(views: readonly Element[], colors: {foreground: string; background: string}): SVGSVGElement {
  const parts = views.map(part).filter((p): p is Part => p !== null);
  const width = parts.reduce((sum, p) => sum + p.width, 0) + GAP * Math.max(0, parts.length - 1);
  const height = Math.max(1, ...parts.map((p) => p.height));
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("xmlns", SVG_NS);
  svg.setAttribute("xmlns:xlink", XLINK_NS);
  svg.setAttribute("width", String(width));
  svg.setAttribute("height", String(height));
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("color", colors.foreground);
  // The theme variables the views use, defined for a reader that has no page stylesheet.
  svg.setAttribute("style", `color:${colors.foreground};font-family:sans-serif;--theme-foreground:${colors.foreground};--theme-background:${colors.background}`);
  const background = document.createElementNS(SVG_NS, "rect");
  background.setAttribute("width", "100%");
  background.setAttribute("height", "100%");
  background.setAttribute("fill", colors.background);
  svg.append(background);
  let x = 0;
  for (const p of parts) {
    p.node.setAttribute("transform", `translate(${x},0)`);
    svg.append(p.node);
    x += p.width + GAP;
  }
  return svg;
}

export function svgText(svg: SVGSVGElement): string {
  return new XMLSerializer().serializeToString(svg);
}

/** Rasterises a standalone SVG (as composeSvg makes) to a PNG blob. */
export async function svgToPng(svg: SVGSVGElement, scale = PNG_SCALE): Promise<Blob> {
  const width = Number(svg.getAttribute("width"));
  const height = Number(svg.getAttribute("height"));
  const url = URL.createObjectURL(new Blob([svgText(svg)], {type: "image/svg+xml"}));
  try {
    const image = new Image();
    await new Promise<void>((done, fail) => {
      image.onload = () => done();
      image.onerror = () => fail(new Error("export: the SVG could not be rasterised"));
      image.src = url;
    });
    const canvas = document.createElement("canvas");
    canvas.width = width * scale;
    canvas.height = height * scale;
    const ctx = canvas.getContext("2d");
    if (!ctx) throw new Error("export: no 2D canvas");
    ctx.scale(scale, scale);
    ctx.drawImage(image, 0, 0, width, height);
    return await new Promise<Blob>((done, fail) => canvas.toBlob((b) => (b ? done(b) : fail(new Error("export: PNG encoding failed"))), "image/png"));
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Saves a blob under a file name through a temporary link. */
export function download(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), REVOKE_DELAY_MS);
}

export type ExportFormat = "svg" | "png";

/** What an export holds: the views, left to right, and the file name without extension. */
export interface ExportContent {
  views: readonly Element[];
  name: string;
}

/** The views of every `.mixviz-export` card inside `scope`: in each card, the first match of `view`. */
export function exportCards(scope: string, view: string): Element[] {
  return [...document.querySelectorAll(`${scope} .mixviz-export`)].map((card) => card.querySelector(view)).filter((node): node is Element => node !== null);
}

/** Downloads the views as one SVG or PNG, in the theme's colours (an export from the dark theme stays dark). */
export async function exportViews({views, name}: ExportContent, format: ExportFormat): Promise<void> {
  const foreground = solidColor("var(--theme-foreground)", "black");
  const background = solidColor("var(--theme-background)", "white");
  const svg = composeSvg(views, {foreground, background});
  if (format === "svg") download(new Blob([svgText(svg)], {type: "image/svg+xml"}), `${name}.svg`);
  else download(await svgToPng(svg), `${name}.png`);
}

/** The "Export SVG" and "Export PNG" buttons; `content` says, at the click, what to export. */
export function exportButtons(content: () => ExportContent): HTMLDivElement {
  const root = document.createElement("div");
  root.className = "mixviz-export-buttons";
  for (const format of ["svg", "png"] as const) {
    const button = document.createElement("button");
    button.type = "button";
    button.dataset.export = format;
    button.textContent = `Export ${format.toUpperCase()}`;
    button.addEventListener("click", () => void exportViews(content(), format));
    root.append(button);
  }
  return root;
}
