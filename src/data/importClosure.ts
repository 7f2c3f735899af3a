// The source files a worker depends on: the script and every module it imports, followed through relative
// imports. A cached product (a trained model, a run's evaluation) is keyed by a digest of these files, so
// it is remade exactly when code it depends on changes.
import {readFileSync} from "node:fs";
import {dirname, resolve} from "node:path";

/** `entry` and every file it reaches through relative imports, sorted. */
export function importClosure(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const [, spec] of readFileSync(file, "utf-8").matchAll(/(?:from|import)\s*"(\.{1,2}\/[^"]+)"/g)) {
      visit(resolve(dirname(file), spec.replace(/\.js$/, ".ts")));
    }
  };
  visit(entry);
  return [...seen].sort();
}
