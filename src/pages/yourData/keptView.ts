// "Your data": the line under the report that says whether the file is kept in this browser, opens it in the
// head workbench and in the explorer (a file read in parts, or opened by its URL, in the explorer), and forgets it. What a link opens is the model id both pages give the
// file's first model (workbench/state.fileModelId).
import {element} from "../../components/element.js";
import {modelsOf} from "../../sources/uploadSource.js";
import {fileModelId} from "../workbench/state.js";
import type {Upload, UploadStore} from "./state.js";
import {MAX_FILE_LABEL, MAX_WEIGHTS} from "../../upload/limits.js";

/** The pages that open a kept file: the head workbench and the explorer. */
export type KeptPage = "heads" | "explorer";

/**
 * A page's address for the file's first model: the kept file's; a file opened by its URL opens in the explorer by
 * that URL. Null where the page does not open it: a file not kept, and in the head workbench a file read in parts.
 */
export function keptHref(upload: Upload, page: KeptPage): string | null {
  const file = upload.result.data ?? upload.parts;
  if (!file) return null;
  const model = fileModelId(0, modelsOf(file).size);
  if (upload.url) return page === "explorer" ? `./explorer?${new URLSearchParams({model, url: upload.url})}` : null;
  if (!upload.kept || (upload.parts && !upload.holdable && page === "heads")) return null;
  return `./${page}?model=${model}`;
}

/** A link to the file in `page`. */
function pageLink(href: string, text: string, page: KeptPage): HTMLAnchorElement {
  const link = element("a", "", text);
  link.href = href;
  link.dataset.page = page;
  return link;
}

/** Why the head workbench does not open a file read in parts. */
const WORKBENCH_HOLDS = `the head workbench analyses only files it can hold (up to ${MAX_FILE_LABEL} and ${(MAX_WEIGHTS / 1e6).toFixed(0)} M weights), since its head types score every head`;

/**
 * Kept: links to the workbench and the explorer and a Forget button (a file read in parts: the explorer only, and
 * Forget); opened by its URL: a link to the explorer on that URL; not kept: why; the example: nothing.
 */
export function keptView(upload: Upload, store: UploadStore): HTMLElement {
  const line = element("p", "mixviz-kept");
  const heads = keptHref(upload, "heads");
  const explorer = keptHref(upload, "explorer");
  const forget = element("button", "", "Forget this file");
  forget.type = "button";
  forget.addEventListener("click", () => void store.forget());
  if (upload.url && explorer) {
    line.append("Opened by its URL, in parts (nothing is kept or uploaded). Draw it in ", pageLink(explorer, "the explorer", "explorer"), ", which reads it in parts too.");
  } else if (upload.kept && upload.parts && !upload.holdable && explorer) {
    line.append("Kept in this browser (nothing is uploaded), so a reload opens it again, in parts. Draw it in ", pageLink(explorer, "the explorer", "explorer"), `, which reads it in parts too; ${WORKBENCH_HOLDS}. `, forget);
  } else if (heads && explorer) {
    line.append(
      "Kept in this browser (nothing is uploaded), so a reload opens it again. Analyse its heads in ",
      pageLink(heads, "the head workbench", "heads"),
      ", or draw them in ",
      pageLink(explorer, "the explorer", "explorer"),
      ". ",
      forget
    );
  } else if (upload.keepError && (upload.result.data || upload.parts) && !upload.loading) {
    line.dataset.state = "warning";
    line.append(`This file could not be kept in this browser (${upload.keepError}): it is shown on this page until you leave it, and neither the head workbench nor the explorer can open it.`);
  }
  return line;
}
