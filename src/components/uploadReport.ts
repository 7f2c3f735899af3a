// What the page says about an upload: which file(s) and how they were read, then every error and warning
// as a list item (text only: file names and messages can hold anything), and a "Renormalise" button when
// rows do not sum to 1. Pure: a report in, DOM out; the button calls back into the page.
import type {Issue} from "../upload/issues.js";

export interface UploadReportData {
  /** "loading" while the files are read and checked */
  state: "loading" | "done";
  /** while loading: what the reader is doing, or null */
  stage?: string | null;
  names: readonly string[];
  issues: readonly Issue[];
  /** a one-line summary of what was loaded ("tidy Arrow IPC stream: 2 layers × 4 heads × 36 tokens…"), or null */
  summary: string | null;
  offRows: number;
  /** counts loads, so a test can wait for the next one */
  serial: number;
}

export interface UploadReportOptions {
  onRenormalise?: () => void;
}

export function uploadReport(data: UploadReportData, options: UploadReportOptions = {}): HTMLDivElement {
  const errors = data.issues.filter((i) => i.level === "error");
  const root = document.createElement("div");
  root.className = "mixviz-upload-report";
  root.dataset.state = data.state === "loading" ? "loading" : errors.length ? "error" : data.issues.length ? "warning" : "ok";
  root.dataset.serial = String(data.serial);
  root.setAttribute("role", "status");
  root.setAttribute("aria-live", "polite");
  const head = document.createElement("p");
  const files = data.names.join(", ");
  head.textContent =
    data.state === "loading" ? `Reading and checking ${files}${data.stage ? ` (${data.stage})` : ""}…`
      : errors.length ? `Nothing is drawn from ${files}: ${errors.length === 1 ? "one problem" : `${errors.length} problems`} to fix first.`
        : `Loaded ${files}${data.summary ? ` — ${data.summary}` : ""}.`;
  root.append(head);
  if (data.issues.length) {
    const list = document.createElement("ul");
    for (const issue of data.issues) {
      const item = document.createElement("li");
      item.dataset.code = issue.code;
      item.dataset.level = issue.level;
      const level = document.createElement("b");
      level.textContent = issue.level === "error" ? "Error: " : "Warning: ";
      item.append(level, document.createTextNode(issue.message));
      list.append(item);
    }
    root.append(list);
  }
  if (data.offRows > 0 && options.onRenormalise && !errors.length) {
    const button = document.createElement("button");
    button.type = "button";
    button.dataset.action = "renormalise";
    button.textContent = `Renormalise ${data.offRows.toLocaleString("en-US")} rows so each sums to 1`;
    button.addEventListener("click", () => options.onRenormalise?.());
    root.append(button);
  }
  return root;
}
