// The data loaders of a build, on models already trained: every loader run alone as Framework runs it (its
// own process, the file on stdout), in the checkout at DIR ("before") and in this one ("after"), loader by
// loader in turn so that both see the same machine load. Prints wall-clock and CPU seconds (user + system,
// of the loader and every worker it waited for, from GNU time's rusage), whether both wrote the same bytes,
// and the load average. It never fails on a time.
//   git archive <commit> src package.json | tar -x -C /tmp/before && ln -s "$PWD/node_modules" /tmp/before/
//   mkdir -p /tmp/before/.cache && ln -s "$PWD/.cache/models" /tmp/before/.cache/models
//   MIXVIZ_PROFILE=full npx tsx bench/loaders.ts /tmp/before [metrics.json heads.arrow …]
// This checkout's cached run evaluations of the profile (.cache/evaluations) are removed first, so the
// first loader that needs them computes them (in the training queue's workers) and its time counts them.
import {spawn} from "node:child_process";
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync} from "node:fs";
import {loadavg, tmpdir} from "node:os";
import {join, resolve} from "node:path";

const TIME = "/usr/bin/time";
const HERE = resolve(import.meta.dirname, "..");
const [dirArg, ...picked] = process.argv.slice(2);
if (!dirArg || !existsSync(join(dirArg, "src/data"))) {
  console.error("usage: MIXVIZ_PROFILE=full npx tsx bench/loaders.ts DIR [loader …]   (DIR: another checkout with the same .cache/models)");
  process.exit(2);
}
if (!existsSync(TIME)) {
  console.error(`${TIME} (GNU time, Debian package "time") is needed for the CPU seconds of the loaders' worker processes`);
  process.exit(2);
}
const profile = process.env.MIXVIZ_PROFILE ?? "full";

/** Every loader of this checkout (src/data/<name>.<ext>.ts and src/data/weights/…), metrics.json first as in the build. */
function loaderNames(): string[] {
  const top = readdirSync(join(HERE, "src/data")).filter((f) => /^[^.]+\.[a-z]+\.ts$/.test(f));
  const weights = readdirSync(join(HERE, "src/data/weights")).map((f) => `weights/${f}`);
  const names = [...top, ...weights].map((f) => f.replace(/\.ts$/, ""));
  return ["metrics.json", ...names.filter((n) => n !== "metrics.json").sort()];
}

interface Timing {
  wall: number;
  cpu: number;
  bytes: Buffer;
}

/** Runs one loader of the checkout at `dir` under GNU time. */
function runLoader(dir: string, name: string): Promise<Timing> {
  const scratch = mkdtempSync(join(tmpdir(), "mixviz-loaders-"));
  const timeFile = join(scratch, "time");
  return new Promise((done, fail) => {
    const child = spawn(TIME, ["-f", "%e %U %S", "-o", timeFile, process.execPath, "--import", "tsx", `src/data/${name}.ts`], {
      cwd: dir,
      env: {...process.env, MIXVIZ_PROFILE: profile},
      stdio: ["ignore", "pipe", "pipe"]
    });
    const out: Buffer[] = [];
    let err = "";
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
    child.on("error", fail);
    child.on("close", (code) => {
      const [wall, user, system] = readFileSync(timeFile, "utf-8").trim().split("\n").at(-1)!.split(" ").map(Number);
      rmSync(scratch, {recursive: true, force: true});
      if (code !== 0) return fail(new Error(`${dir}: ${name} exited ${code}\n${err.slice(-2000)}`));
      done({wall, cpu: user + system, bytes: Buffer.concat(out)});
    });
  });
}

const names = picked.length ? picked : loaderNames();
const evaluations = join(HERE, ".cache/evaluations");
if (existsSync(evaluations)) {
  for (const f of readdirSync(evaluations).filter((f) => f.startsWith(`${profile}-`))) rmSync(join(evaluations, f));
}
const load = () => loadavg().map((v) => v.toFixed(2)).join(" ");
console.log(`profile ${profile}; before = ${resolve(dirArg)}, after = ${HERE}; load average at the start ${load()}`);
const rows: string[][] = [];
const totals = {before: {wall: 0, cpu: 0}, after: {wall: 0, cpu: 0}};
for (const name of names) {
  const before = await runLoader(resolve(dirArg), name);
  const after = await runLoader(HERE, name);
  for (const [side, t] of [["before", before], ["after", after]] as const) {
    totals[side].wall += t.wall;
    totals[side].cpu += t.cpu;
  }
  const same = before.bytes.equals(after.bytes) ? "yes" : `NO (${before.bytes.length} vs ${after.bytes.length} bytes)`;
  rows.push([name, before.wall.toFixed(1), before.cpu.toFixed(1), after.wall.toFixed(1), after.cpu.toFixed(1), same]);
  console.error(`${name}: before ${before.wall.toFixed(1)} s (cpu ${before.cpu.toFixed(1)}), after ${after.wall.toFixed(1)} s (cpu ${after.cpu.toFixed(1)}), same bytes: ${same}`);
}
rows.push(["total", ...[totals.before, totals.after].flatMap((t) => [t.wall.toFixed(1), t.cpu.toFixed(1)]), ""]);
const header = ["loader", "before wall s", "before cpu s", "after wall s", "after cpu s", "same bytes"];
const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
const line = (cells: string[]) => cells.map((v, c) => (c === 0 || c === 5 ? v.padEnd(widths[c]) : v.padStart(widths[c]))).join("  ");
console.log(line(header));
console.log(widths.map((w) => "-".repeat(w)).join("  "));
for (const r of rows) console.log(line(r));
console.log(`load average at the end ${load()}`);
