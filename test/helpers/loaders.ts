// Runs data loaders as Framework runs them (each in its own process, the file on stdout) and reads their
// outputs back, for the loader contract tests (test/data.test.ts, test/lm-data.test.ts).
import {spawn} from "node:child_process";
import {tableFromIPC, type Table} from "apache-arrow";
import * as Parquet from "parquet-wasm/node";

export interface LoaderOutput {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

/** The type name apache-arrow gives the string columns our tables write. */
export const STR = "Dictionary<Int32, Utf8>";

/** Runs `src/data/<name>.ts` with `env`. */
export function runLoader(name: string, env: NodeJS.ProcessEnv): Promise<LoaderOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", `src/data/${name}.ts`], {env, stdio: ["ignore", "pipe", "pipe"]});
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({code, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString()}));
  });
}

/** The outputs of a set of loaders, by name, with readers for Arrow, Parquet and JSON. */
export class LoaderOutputs extends Map<string, LoaderOutput> {
  arrow(name: string): Table {
    return tableFromIPC(this.get(name)!.stdout);
  }

  /** A Parquet output, decoded whole to Arrow. */
  parquet(name: string): Table {
    return tableFromIPC(Parquet.readParquet(this.get(name)!.stdout).intoIPCStream());
  }

  json(name: string) {
    return JSON.parse(this.get(name)!.stdout.toString());
  }
}

/**
 * Runs the first loader alone (it trains or finds the runs the others need), then the rest `concurrency`
 * at a time, sharing the cached runs.
 */
export async function runLoaders(names: readonly string[], env: NodeJS.ProcessEnv, concurrency = 2): Promise<LoaderOutputs> {
  const outputs = new LoaderOutputs();
  outputs.set(names[0], await runLoader(names[0], env));
  const queue = names.slice(1);
  await Promise.all(
    Array.from({length: concurrency}, async () => {
      for (let name = queue.shift(); name; name = queue.shift()) outputs.set(name, await runLoader(name, env));
    })
  );
  return outputs;
}

/** Column name → Arrow type name of a table. */
export const schemaOf = (table: Table) => Object.fromEntries(table.schema.fields.map((f) => [f.name, String(f.type)]));
