// Runs the Observable Framework CLI with npm imports answered from node_modules (see offline-npm.ts).
// Usage: tsx scripts/observable.ts build | preview [--host 127.0.0.1] ...
import {installOfflineNpm} from "./offline-npm.js";

process.env.OBSERVABLE_TELEMETRY_DISABLE = "true";
installOfflineNpm(process.cwd());
await import("@observablehq/framework/dist/bin/observable.js");
