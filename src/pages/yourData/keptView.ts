// "Your data": the line under the report that says whether the file is kept in this browser, opens it in the
// head workbench and in the explorer (a file opened by its URL by that URL), and forgets it. What a link opens is
// the model id both pages give the file's first model (workbench/state.fileModelId).
import {element} from "../../components/element.js";
import {modelsOf} from "../../sources/uploadSource.js";
import {fileModelId} from "../workbench/state.js";
import type {Upload, UploadStore} from "./state.js";

/** The pages that open a kept file: the head workbench and the explorer. */
export type KeptPage = "heads" | "explorer";

/**
 * A page's address for the file's first model: the kept file's, or a file opened by its URL by that URL. Null for
 * a file not kept.
 */
export function keptHref(upload: Upload, page: KeptPage): string | null {
  const file = upload.result.data ?? upload.parts;
  if (!file) return null;
  const model = fileModelId(0, modelsOf(file).size);
  if (upload.url) return `./${page}?${new URLSearchParams({model, url: upload.url, ...(upload.tokensUrl && {tokens: upload.tokensUrl})})}`;
  return upload.kept ? `./${page}?model=${model}` : null;
}

/** A link to the file in `page`. */
function pageLink(href: string, text: string, page: KeptPage): HTMLAnchorElement {
  const link = element("a", "", text);
  link.href = href;
  link.dataset.page = page;
  return link;
}

/** What the two pages do with a file read in parts. */
const IN_PARTS = "both read it in parts too, the head workbench reading every head for its detection while it draws the heads you look at";

/**
 * Kept: links to the workbench and the explorer and a Forget button; opened by its URL: links to both on that URL;
 * not kept: why; the example: nothing.
 */
export function keptView(upload: Upload, store: UploadStore): HTMLElement {
  const line = element("p", "mixviz-kept");
  const heads = keptHref(upload, "heads");
  const explorer = keptHref(upload, "explorer");
  const forget = element("button", "", "Forget this file");
  forget.type = "button";
  forget.addEventListener("click", () => void store.forget());
  if (upload.url && heads && explorer) {
    line.append("Opened by its URL, in parts (nothing is kept or uploaded). Analyse its heads in ", pageLink(heads, "the head workbench", "heads"), " or draw them in ", pageLink(explorer, "the explorer", "explorer"), `: ${IN_PARTS}.`);
  } else if (upload.kept && upload.parts && !upload.holdable && heads && explorer) {
    line.append("Kept in this browser (nothing is uploaded), so a reload opens it again, in parts. Analyse its heads in ", pageLink(heads, "the head workbench", "heads"), " or draw them in ", pageLink(explorer, "the explorer", "explorer"), `: ${IN_PARTS}. `, forget);
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
