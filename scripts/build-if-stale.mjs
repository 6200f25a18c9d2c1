// Builds lib/ only when it is older than what it is built from: `npm run demo` and friends then
// start in a second instead of waiting for tsc. Stale means: a source under src/ has no output
// in lib/ or a newer mtime than its output, or a tsconfig file or package.json is newer than the
// oldest output. (Outputs of deleted sources are left out: tsc never rewrites them.)
import { execFileSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const CONFIG = ["tsconfig.json", "tsconfig.build.json", "package.json"];

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

function* sources(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(path);
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) yield path;
  }
}

/** Why lib/ under `root` must be rebuilt, or null when it is fresh. */
export function staleness(root) {
  let oldestOutput = Infinity;
  for (const source of sources(join(root, "src"))) {
    const rel = relative(join(root, "src"), source);
    const output = mtime(join(root, "lib", rel.replace(/\.ts$/, ".js")));
    if (output === undefined) return `lib/ has no output for src/${rel}`;
    if (mtime(source) > output) return `src/${rel} is newer than its output`;
    oldestOutput = Math.min(oldestOutput, output);
  }
  for (const file of CONFIG) {
    if ((mtime(join(root, file)) ?? 0) > oldestOutput) return `${file} is newer than lib/`;
  }
  return null;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = fileURLToPath(new URL("..", import.meta.url)).replace(/\/$/, "");
  const why = staleness(root);
  if (why !== null) {
    console.error(`provenance-gate: building (${why})`);
    execFileSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", join(root, "tsconfig.build.json")], { stdio: "inherit" });
  }
}
