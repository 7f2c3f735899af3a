// Runs the Observable Framework CLI with npm imports answered from node_modules (see offline-npm.ts) and
// d3 and Plot served as one module each (see nodeBundles.ts).
// Usage: tsx scripts/observable.ts build | preview [--host 127.0.0.1] ...
import config from "../observablehq.config.js";
import {writeNodeBundles} from "./nodeBundles.js";
import {installOfflineNpm} from "./offline-npm.js";

process.env.OBSERVABLE_TELEMETRY_DISABLE = "true";
installOfflineNpm(process.cwd());
await writeNodeBundles(process.cwd(), config.root);
await import("@observablehq/framework/dist/bin/observable.js");
