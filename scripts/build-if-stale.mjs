// Builds lib/ only when it is older than what it is built from: `npm run demo` and friends then
// start in a second instead of waiting for tsc. Stale means: a source under src/ has no output
// in lib/ or a newer mtime than its output, an output in lib/ has no source any more (tsc never
// removes it, and a deleted module would still be importable and shipped), or a tsconfig file or
// package.json is newer than the oldest output. Every build starts from an empty lib/.
// `--always` (`npm run build`, `prepare`) builds whatever lib/ holds.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, rmSync, statSync } from "node:fs";
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

function* files(dir) {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else yield path;
  }
}

function* sources(dir) {
  for (const path of files(dir)) if (path.endsWith(".ts") && !path.endsWith(".d.ts")) yield path;
}

/** The file under src/ an output under lib/ comes from: `x.js` and `x.js.map` from `x.ts`, a JSON module from itself. */
function sourceOf(output) {
  const emitted = output.replace(/\.map$/, "");
  return emitted.endsWith(".js") ? emitted.replace(/\.js$/, ".ts") : emitted;
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
  for (const output of files(join(root, "lib"))) {
    const rel = relative(join(root, "lib"), output);
    if (!existsSync(join(root, "src", sourceOf(rel)))) return `lib/${rel} has no source (src/${sourceOf(rel)} is gone)`;
  }
  for (const file of CONFIG) {
    if ((mtime(join(root, file)) ?? 0) > oldestOutput) return `${file} is newer than lib/`;
  }
  return null;
}

/** Empties lib/, then `compile()`s into it: nothing of an earlier build survives. */
export function cleanBuild(root, compile) {
  rmSync(join(root, "lib"), { recursive: true, force: true });
  compile();
}

/** tsc with the build config, from `root`'s own TypeScript (or the one given). */
export function compileWith(root, tsc = join(root, "node_modules/typescript/bin/tsc")) {
  return () => execFileSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json")], { stdio: "inherit" });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = fileURLToPath(new URL("..", import.meta.url)).replace(/\/$/, "");
  const why = process.argv.includes("--always") ? "asked" : staleness(root);
  if (why !== null) {
    if (why !== "asked") console.error(`provenance-gate: building (${why})`);
    cleanBuild(root, compileWith(root));
  }
}
