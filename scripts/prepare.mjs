// `prepare` (run by `npm ci` and `npm install` in a clone, and by `npm pack`): build lib/ when the
// compiler is installed. `npm ci --omit=dev` has no compiler and must not fail: it runs with the
// lib/ built beforehand (the container's build stage, docs/install.md).
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { cleanBuild, compileWith } from "./build-if-stale.mjs";

let tsc;
try {
  tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
} catch {
  console.log("provenance-gate: no TypeScript compiler (installed without devDependencies): using the lib/ built beforehand");
  process.exit(0);
}
const root = fileURLToPath(new URL("..", import.meta.url)).replace(/\/$/, "");
cleanBuild(root, compileWith(root, tsc));
