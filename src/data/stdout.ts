// A loader's stdout is the file it builds, and nothing else. Importing this module sends every console
// message (TensorFlow.js greets on stdout) to stderr; `emit` writes the file.
for (const method of ["log", "info", "debug"] as const) console[method] = console.error;

/** Writes the loader's output and resolves once it is flushed. */
export function emit(data: string | Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => process.stdout.write(data, (error) => (error ? reject(error) : resolve())));
}
