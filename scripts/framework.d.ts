// The Framework CLI entry point has no type declarations; it is only imported for its side effect.
declare module "@observablehq/framework/dist/bin/observable.js";
