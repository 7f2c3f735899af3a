// "Your data": the line under the report that says whether the file is kept in this browser, opens it in the
// head workbench, and forgets it. What a link opens is the workbench's own model id for the file.
import {element} from "../../components/element.js";
import {modelsOf} from "../../sources/uploadSource.js";
import {fileModelId} from "../workbench/state.js";
import type {Upload, UploadStore} from "./state.js";

/** The workbench's address for the kept file's first model. */
export function workbenchHref(upload: Upload): string | null {
  const data = upload.result.data;
  return upload.kept && data ? `./heads?model=${fileModelId(0, modelsOf(data).size)}` : null;
}

/** Kept: a link to the workbench and a Forget button; not kept: why; the example: nothing. */
export function keptView(upload: Upload, store: UploadStore): HTMLElement {
  const line = element("p", "mixviz-kept");
  const href = workbenchHref(upload);
  if (href) {
    const open = element("a", "", "the head workbench");
    open.href = href;
    const forget = element("button", "", "Forget this file");
    forget.type = "button";
    forget.addEventListener("click", () => void store.forget());
    line.append("Kept in this browser (nothing is uploaded), so a reload opens it again. Analyse its heads in ", open, ". ", forget);
  } else if (upload.keepError && upload.result.data && !upload.loading) {
    line.dataset.state = "warning";
    line.append(`This file could not be kept in this browser (${upload.keepError}): it is shown on this page until you leave it, and the head workbench cannot open it.`);
  }
  return line;
}
