// `npx tsx bench/uploadRead.ts DIR [file …]`: reading and checking a large attention file in Node, as the
// "Your data" page's worker does (workerLoad.localLoader, parquet-wasm's Node build), by two checkouts of this
// repository side by side: the one at DIR ("before") and this one ("after"), alternating, each read in a fresh
// process so that its peak memory is its own. Prints wall-clock and CPU time, the peak resident memory beside
// the file's size, and the load average. Without files it writes the 12 × 12 × 512 tidy Parquet files of
// bench/upload.ts (narrow indices) and of pandas (64-bit indices) into .cache/bench-upload.
//   git archive <commit> src test/helpers | tar -x -C /tmp/before && ln -s "$PWD/node_modules" /tmp/before/
//   npx tsx bench/uploadRead.ts /tmp/before        (ROUNDS=3 by default)
// The same tensor as pandas itself writes it (SNAPPY, its own row groups), from the 64-bit file above:
//   python -c 'import pandas as pd; pd.read_parquet("IN").to_parquet("OUT")'; npx tsx bench/uploadRead.ts /tmp/before OUT
// Prints figures; never passes or fails on a time.
import {execFileSync} from "node:child_process";
import {existsSync, mkdirSync, readFileSync, statSync, writeFileSync} from "node:fs";
import {loadavg} from "node:os";
import {join, resolve} from "node:path";
import {tableFromArrays} from "apache-arrow";
import {pandasTidyColumns, parquet, syntheticWeights, tidyTable, type Shape} from "../test/helpers/attentionFiles.js";

const LARGE: Shape = {layers: 12, heads: 12, tokens: 512};
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const MB = 1e6;
const HERE = resolve(import.meta.dirname, "..");

interface Read {
  wall: number;
  user: number;
  system: number;
  /** peak resident memory of the reading process, and its resident memory before the read (bytes) */
  peak: number;
  before: number;
  outcome: string;
}

/** One read in this process (the child's side): the file from disk through the checkout's loader. */
async function readOnce(dir: string, path: string): Promise<Read> {
  const {localLoader} = (await import(join(dir, "src/upload/workerLoad.ts"))) as typeof import("../src/upload/workerLoad.js");
  const parquetModule = join(dir, "test/helpers/parquetWasmNode.ts");
  // parquet-wasm's Node build, started as loaded; a checkout before localLoader took a start function takes the options object
  const start = Object.assign(() => import(parquetModule), {loadParquet: () => import(parquetModule), parquetWasm: "unused.wasm"});
  const load = localLoader(start);
  const before = process.memoryUsage().rss;
  const file = {name: path.split("/").pop()!, size: statSync(path).size, arrayBuffer: async () => readFileSync(path).buffer as ArrayBuffer};
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await load([file], () => {});
  const wall = performance.now() - started;
  const {user, system} = process.cpuUsage(cpu);
  const data = result.data;
  const outcome = data ? `${data.layers}×${data.heads}×${data.n}, ${data.values.length} sequence(s)` : `refused: ${result.issues.find((i) => i.level === "error")?.message.slice(0, 120)}`;
  return {wall, user: user / 1e3, system: system / 1e3, peak: process.resourceUsage().maxRSS * 1024, before, outcome};
}

if (process.argv[2] === "--child") {
  const read = await readOnce(process.argv[3], process.argv[4]).catch((error: Error) => ({outcome: `failed: ${error.message.slice(0, 120)}`}));
  console.log(JSON.stringify(read));
  process.exit(0);
}

const [dirArg, ...given] = process.argv.slice(2);
if (!dirArg) {
  console.error("usage: npx tsx bench/uploadRead.ts DIR [file …]   (DIR: another checkout, see the header)");
  process.exit(2);
}

function benchFiles(): string[] {
  const dir = join(HERE, ".cache/bench-upload");
  mkdirSync(dir, {recursive: true});
  const files: [string, () => Uint8Array][] = [
    ["tidy-12x12x512.parquet", () => parquet(tidyTable(LARGE))],
    ["tidy-12x12x512-int64.parquet", () => parquet(tableFromArrays(pandasTidyColumns(LARGE, syntheticWeights(LARGE))))]
  ];
  return files.map(([name, write]) => {
    const path = join(dir, name);
    if (!existsSync(path)) writeFileSync(path, write());
    return path;
  });
}

const files = given.length ? given.map((f) => resolve(f)) : benchFiles();
const checkouts = [
  ["before", resolve(dirArg)],
  ["after", HERE]
] as const;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const child = (dir: string, path: string): Read | {outcome: string} => {
  try {
    const out = execFileSync(process.execPath, ["--import", "tsx", join(HERE, "bench/uploadRead.ts"), "--child", dir, path], {cwd: HERE, encoding: "utf8", maxBuffer: 1 << 20});
    return JSON.parse(out.trim().split("\n").pop()!);
  } catch (error) {
    return {outcome: `the process failed: ${String((error as {stderr?: string}).stderr ?? error).trim().split("\n").slice(-1)[0].slice(0, 160)}`};
  }
};

console.log(`reading and checking in Node ${process.version}; ${ROUNDS} rounds, checkouts alternating; load average at start ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
console.log("file | MB | checkout | wall ms (median) | CPU user + system ms | peak RSS MB (RSS before the read) | peak RSS ÷ file size | outcome");
for (const path of files) {
  const size = statSync(path).size;
  const reads = new Map<string, (Read | {outcome: string})[]>(checkouts.map(([label]) => [label, []]));
  for (let round = 0; round < ROUNDS; round++) for (const [label, dir] of checkouts) reads.get(label)!.push(child(dir, path));
  for (const [label] of checkouts) {
    const all = reads.get(label)!;
    const done = all.filter((r): r is Read => "wall" in r);
    const name = path.split("/").pop();
    if (done.length < all.length) {
      console.log(`${name} | ${(size / MB).toFixed(0)} | ${label} | — | — | — | — | ${all.find((r) => !("wall" in r))!.outcome}`);
      if (!done.length) continue;
    }
    const peak = median(done.map((r) => r.peak));
    console.log(
      `${name} | ${(size / MB).toFixed(0)} | ${label} | ${median(done.map((r) => r.wall)).toFixed(0)} (${done.map((r) => r.wall.toFixed(0)).join(", ")}) | ${median(done.map((r) => r.user)).toFixed(0)} + ${median(done.map((r) => r.system)).toFixed(0)} | ${(peak / MB).toFixed(0)} (${(median(done.map((r) => r.before)) / MB).toFixed(0)}) | ${(peak / size).toFixed(2)} | ${done[0].outcome}`
    );
  }
}
console.log(`load average at end ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
