// Framework's internals the project imports have no type declarations: the CLI entry point (imported for
// its side effect) and the config reader (test/docPage.test.ts checks the config with it).
declare module "@observablehq/framework/dist/bin/observable.js";
declare module "@observablehq/framework/dist/config.js" {
  export function normalizeConfig(spec: unknown, root?: string): Promise<unknown>;
}
