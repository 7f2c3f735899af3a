// The head workbench's claim about the full LM build: the MHA LM has at least one previous-token head in
// layer 0 and at least one induction head in layer 1 (raw maps, DEFAULT_THRESHOLDS of
// src/model/headTypes.ts). The full preset cannot train in CI, so this test reads a full build's
// lm-heads.arrow: the file named by MIXVIZ_LM_HEADS, or else the lm-heads loader run on the full LM runs
// cached in .cache/models (never training them). Without either it skips and says why.
import {spawnSync} from "node:child_process";
import {existsSync, readFileSync} from "node:fs";
import {join} from "node:path";
import {tableFromIPC} from "apache-arrow";
import {describe, expect, it} from "vitest";
import {DEFAULT_THRESHOLDS, detect} from "../src/model/headTypes.js";
import {LM_ARCHS, LM_FULL} from "../src/model/lm/config.js";
import {RUN_FILE, runDir} from "../src/data/runs.js";
import {VIEW_SEED} from "../src/data/showcase.js";
import {LM} from "../src/model/family.js";

function fullHeadsFile(): {bytes: Uint8Array | null; reason: string} {
  const named = process.env.MIXVIZ_LM_HEADS;
  if (named) return {bytes: new Uint8Array(readFileSync(named)), reason: named};
  const missing = LM_ARCHS.map((arch) => runDir(LM, LM_FULL, arch, VIEW_SEED)).filter((dir) => !existsSync(join(dir, RUN_FILE)));
  if (missing.length > 0) {
    return {bytes: null, reason: `no full LM runs for the current code in .cache/models (missing ${missing.join(", ")}); build them with MIXVIZ_PROFILE=full npx tsx src/data/lm-heads.arrow.ts > lm-heads.arrow, or set MIXVIZ_LM_HEADS`};
  }
  const out = spawnSync(process.execPath, ["--import", "tsx", "src/data/lm-heads.arrow.ts"], {
    env: {...process.env, MIXVIZ_PROFILE: "full"},
    maxBuffer: 1 << 26
  });
  if (out.status !== 0) throw new Error(`lm-heads loader failed: ${out.stderr.toString()}`);
  return {bytes: new Uint8Array(out.stdout), reason: "the lm-heads loader on the cached full LM runs"};
}

const source = fullHeadsFile();
if (!source.bytes) console.warn(`lm-heads-full.test.ts skipped: ${source.reason}`);

describe.skipIf(!source.bytes)("the full LM build", () => {
  it("MHA: a previous-token head in layer 0 and an induction head in layer 1 (raw maps)", () => {
    const rows = tableFromIPC(source.bytes!).toArray().map((r) => r.toJSON());
    console.info(`lm-heads from ${source.reason}; thresholds ${JSON.stringify(DEFAULT_THRESHOLDS)}`);
    for (const r of rows) {
      const types = detect(r);
      console.info(
        `${r.arch} ${r.head} ${r.map.padEnd(9)} prev ${r.previous_token.toFixed(3)} first ${r.first_token.toFixed(3)} ` +
          `cur ${r.current_token.toFixed(3)} dup ${r.duplicate_token.toFixed(3)} ind ${r.induction.toFixed(3)} ` +
          `acc ${r.induction_accuracy.toFixed(3)} ablated ${r.ablated_induction_accuracy.toFixed(3)}` +
          (r.source_ablated_induction_accuracy === null ? "" : ` source-ablated ${r.source_ablated_induction_accuracy.toFixed(3)}`) +
          (types.length ? `  → ${types.join(", ")}` : "")
      );
    }
    const mhaRaw = rows.filter((r) => r.arch === "mha" && r.map === "raw");
    expect(mhaRaw).toHaveLength(2 * 8);
    const previous = mhaRaw.filter((r) => r.layer === 0 && detect(r).includes("previous_token"));
    const induction = mhaRaw.filter((r) => r.layer === 1 && detect(r).includes("induction"));
    expect(previous.map((r) => r.head), "previous-token heads in layer 0").not.toEqual([]);
    expect(induction.map((r) => r.head), "induction heads in layer 1").not.toEqual([]);
  });
});
