// /docs/<doc>: the page made from docs/<doc>.md (src/data/docPage.ts).
import {readFileSync, readdirSync} from "node:fs";
import {parseArgs} from "node:util";
import {docPage} from "../data/docPage.js";

const {doc} = parseArgs({options: {doc: {type: "string"}}}).values;
const names = new Set(readdirSync("docs").filter((f) => f.endsWith(".md")).map((f) => f.slice(0, -".md".length)));
if (!doc || !names.has(doc)) throw new Error(`no doc named "${doc}" in docs/ (there are: ${[...names].join(", ")})`);
process.stdout.write(docPage(readFileSync(`docs/${doc}.md`, "utf-8"), names));
