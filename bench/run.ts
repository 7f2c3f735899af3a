// `npm run bench`: training-step time of MHA, Talking Heads and IHA (full preset; IHA also at P = 4) on
// TF.js's wasm backend (single-threaded in Node) with the fused attention kernel, and without it (the
// TF.js core that ran before), beside the same model and batch in PyTorch on the CPU (bench/torch_step.py,
// scaled_dot_product_attention, 1 thread and all cores), and each step's matmul FLOPs as a share of two
// rates measured in the same run: tfjs-wasm's 1024² matMul (one core) and the machine's practical peak
// (the fastest 1024² matmul of NumPy's BLAS on all cores and PyTorch at any thread count). Prints figures; never passes or fails on a time. Formulas and how to read
// the table: docs/benchmarks.md.
import {spawnSync} from "node:child_process";
import {cpus, loadavg} from "node:os";
import {fileURLToPath} from "node:url";
import * as tf from "@tensorflow/tfjs";
import {FULL} from "../src/model/config.js";
import {mm, trainStepFlops} from "../src/model/cost.js";
import {setAttentionKernel} from "../src/model/attention.js";
import {useAttentionKernel} from "../src/data/kernels.js";
import {benchCases, median, timeSteps, useWasm, type StepCase} from "./steps.js";

const MATMUL_N = 1024;
/** warm-up and timed steps per case (whole bench ≈ 1–2 min here, under 5 min on a loaded machine) */
const STEPS: Record<string, [number, number]> = {mha: [3, 20], talking_heads: [3, 20], "iha P=8": [2, 8], "iha P=4": [2, 10]};
const TORCH_WARMUP = 1;
const TORCH_STEPS: Record<string, number> = {mha: 10, talking_heads: 10, "iha P=8": 3, "iha P=4": 5};

/** Median GFLOP/s of an n×n float32 matMul on the current backend (one core on wasm in Node). */
function matMulRate(n: number, reps = 5): number {
  const a = tf.randomNormal([n, n]);
  const b = tf.randomNormal([n, n]);
  const ts: number[] = [];
  for (let r = 0; r <= reps; r++) {
    const t0 = performance.now();
    const c = tf.matMul(a, b);
    c.dataSync();
    if (r > 0) ts.push(performance.now() - t0);
    c.dispose();
  }
  tf.dispose([a, b]);
  return mm(n, n, n) / median(ts) / 1e6;
}

interface TorchResult {
  error?: string;
  torch?: string;
  python?: string;
  default_threads?: number;
  cpu_count?: number;
  matmul_gflops?: Record<string, number>;
  numpy_matmul_gflops?: number | null;
  cases?: {label: string; ms: Record<string, number>}[];
}

/** Runs bench/torch_step.py with the first Python that imports torch ($PYTHON, python3, /usr/bin/python3). */
function runTorch(cases: StepCase[]): TorchResult {
  const script = fileURLToPath(new URL("./torch_step.py", import.meta.url));
  const cfg = {
    cases: cases.map((c) => ({label: c.label, arch: c.cfg.arch, P: c.cfg.n_pseudo})),
    B: FULL.train.batch_size,
    N: FULL.task.m * FULL.task.m,
    m: FULL.task.m,
    D: FULL.model.d_model,
    H: FULL.model.n_heads,
    d: FULL.model.d_head,
    F: FULL.model.d_mlp,
    lr: FULL.train.lr,
    warmup: TORCH_WARMUP,
    steps: TORCH_STEPS,
    threads: [1, cpus().length],
    matmul_n: MATMUL_N,
  };
  const pythons = [process.env.PYTHON, "python3", "/usr/bin/python3"].filter((p): p is string => !!p);
  let last: TorchResult = {error: "no python3 found"};
  for (const py of pythons) {
    const r = spawnSync(py, [script, JSON.stringify(cfg)], {encoding: "utf8", maxBuffer: 1 << 20});
    if (r.error) {
      last = {error: `${py}: ${r.error.message}`};
      continue;
    }
    const line = r.stdout.trim().split("\n").pop() ?? "";
    try {
      const parsed = JSON.parse(line) as TorchResult;
      if (!parsed.error) return parsed;
      last = parsed;
    } catch {
      last = {error: `${py} exited ${r.status}: ${r.stderr.trim().split("\n").pop() ?? ""}`};
    }
  }
  return last;
}

const fmt = (x: number | undefined, digits = 1) => (x === undefined || !Number.isFinite(x) ? "—" : x.toFixed(digits));

async function main(): Promise<void> {
  await useWasm();
  const cases = benchCases();
  const B = FULL.train.batch_size;
  const started = performance.now();
  console.log(`MixViz bench · ${new Date().toISOString()} · ${cpus()[0]?.model ?? "cpu"} ×${cpus().length}`);
  console.log(`node ${process.version} · @tensorflow/tfjs ${tf.version.tfjs} · backend ${tf.getBackend()} (single-threaded in Node)`);
  console.log(`load average at start: ${loadavg().map((x) => x.toFixed(2)).join(" ")}`);
  console.log(`batch ${B}, N = ${FULL.task.m ** 2}, d_model ${FULL.model.d_model}, ${FULL.model.n_heads} heads, d_mlp ${FULL.model.d_mlp}\n`);

  const rate = matMulRate(MATMUL_N); // GFLOP/s
  console.log(`tfjs-wasm matMul ${MATMUL_N}²: ${rate.toFixed(1)} GFLOP/s (one core)`);

  // each case with the fused kernel, then without it: TF.js's attention core, products and LayerNorm (the code
  // before the kernel; the kernel also runs the layers' products and LayerNorm)
  const kernel = await useAttentionKernel();
  const wasm = new Map<string, number>();
  const before = new Map<string, number>();
  for (const c of cases) {
    const [warmup, timed] = STEPS[c.label] ?? [2, 5];
    setAttentionKernel(kernel);
    wasm.set(c.label, median(timeSteps(c.cfg, warmup, timed).ms));
    setAttentionKernel(null);
    before.set(c.label, median(timeSteps(c.cfg, warmup, timed).ms));
  }
  setAttentionKernel(kernel);

  const torch = runTorch(cases);
  const threads = torch.cases ? Object.keys(torch.cases[0]?.ms ?? {}).map(Number).sort((a, b) => a - b) : [];
  const many = threads.length > 1 ? threads[threads.length - 1] : undefined;
  if (torch.error) {
    console.log(`PyTorch: not available (${torch.error}).`);
    console.log("  Install PyTorch 2.x and NumPy into a virtual environment and point PYTHON at it:");
    console.log("  python3 -m venv .venv && .venv/bin/pip install torch numpy && PYTHON=.venv/bin/python npm run bench");
  } else {
    const mmr = torch.matmul_gflops ?? {};
    const np = torch.numpy_matmul_gflops;
    console.log(
      `torch ${torch.torch} (${torch.python}) matmul ${MATMUL_N}²: ` +
        threads.map((t) => `${fmt(mmr[String(t)])} GFLOP/s @${t} thread${t > 1 ? "s" : ""}`).join(", ") +
        (np != null ? `; numpy ${fmt(np)} GFLOP/s (BLAS, all cores)` : "") +
        ` (torch default threads: ${torch.default_threads})`,
    );
  }
  console.log("");

  // the machine's practical peak: the fastest float32 matmul measured in this run (NumPy's BLAS on all
  // cores, or PyTorch's at any thread count)
  const rates = [torch.numpy_matmul_gflops ?? 0, ...Object.values(torch.matmul_gflops ?? {})].filter((r) => r > 0);
  const peak = rates.length > 0 ? Math.max(...rates) : undefined; // GFLOP/s
  if (peak !== undefined) console.log(`machine peak (the fastest matmul above): ${peak.toFixed(1)} GFLOP/s`);
  const head = ["arch", "wasm ms/step", "before ms", "torch 1T ms", many ? `torch ${many}T ms` : "", "wasm/torch1T", many ? `wasm/torch${many}T` : "", "GFLOP/step", "% wasm matMul", "% machine peak"].filter(Boolean);
  const rows: string[][] = [];
  for (const c of cases) {
    const w = wasm.get(c.label) as number;
    const t = torch.cases?.find((x) => x.label === c.label)?.ms ?? {};
    const t1 = t["1"];
    const tn = many ? t[String(many)] : undefined;
    const gflop = trainStepFlops(c.cfg, B) / 1e9;
    const share = (r: number | undefined) => (r === undefined ? "—" : fmt((100 * gflop) / ((w / 1000) * r), 1));
    const row = [c.label, fmt(w), fmt(before.get(c.label)), fmt(t1), many ? fmt(tn) : "", fmt(w / t1, 2), many ? fmt(w / (tn as number), 2) : "", fmt(gflop, 3), share(rate), share(peak)];
    rows.push(row.filter((_, i) => many || (i !== 4 && i !== 6)));
  }
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((s, i) => (i === 0 ? s.padEnd(widths[i]) : s.padStart(widths[i]))).join("  ");
  console.log(line(head));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const r of rows) console.log(line(r));
  console.log(`\nwasm: with the fused kernel (attention core, products, LayerNorm); before: the same step without it, on TF.js's ops (attention core batched for MHA and Talking Heads, per group for IHA).`);
  console.log(`median of timed steps after warm-up (${Object.entries(STEPS).map(([k, [w, n]]) => `${k} ${w}+${n}`).join(", ")}); torch: median of ${Object.values(TORCH_STEPS).join("/")} steps after ${TORCH_WARMUP} warm-up.`);
  console.log(`load average at end: ${loadavg().map((x) => x.toFixed(2)).join(" ")} · bench took ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

await main();
