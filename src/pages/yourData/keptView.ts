// "Your data": the line under the report that says whether the file is kept in this browser, opens it in the
// head workbench and in the explorer, and forgets it. What a link opens is the model id both pages give the
// file's first model (workbench/state.fileModelId).
import {element} from "../../components/element.js";
import {modelsOf} from "../../sources/uploadSource.js";
import {fileModelId} from "../workbench/state.js";
import type {Upload, UploadStore} from "./state.js";
import {MAX_FILE_LABEL, MAX_WEIGHTS} from "../../upload/limits.js";

/** The pages that open a kept file: the head workbench and the explorer. */
export type KeptPage = "heads" | "explorer";

/** A page's address for the kept file's first model; null when the file is not kept. */
export function keptHref(upload: Upload, page: KeptPage): string | null {
  const data = upload.result.data;
  return upload.kept && data ? `./${page}?model=${fileModelId(0, modelsOf(data).size)}` : null;
}

/** A link to the kept file in `page`. */
function pageLink(href: string, text: string, page: KeptPage): HTMLAnchorElement {
  const link = element("a", "", text);
  link.href = href;
  link.dataset.page = page;
  return link;
}

/**
 * Kept: links to the workbench and the explorer and a Forget button (a file read in parts: Forget, and that those
 * pages do not open it); not kept: why; the example: nothing.
 */
export function keptView(upload: Upload, store: UploadStore): HTMLElement {
  const line = element("p", "mixviz-kept");
  const heads = keptHref(upload, "heads");
  const explorer = keptHref(upload, "explorer");
  const forget = element("button", "", "Forget this file");
  forget.type = "button";
  forget.addEventListener("click", () => void store.forget());
  if (upload.kept && upload.parts) {
    line.append(`Kept in this browser (nothing is uploaded), so a reload opens it again, in parts. The head workbench and the explorer open only files they can hold (up to ${MAX_FILE_LABEL} and ${(MAX_WEIGHTS / 1e6).toFixed(0)} M weights). `, forget);
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
