/**
 * The package's lib/ as `npm run build` emits it, built once per test run and shared by every
 * file that runs the code as its own process (`node lib/server.js`, the CLI's bin, the audit
 * child). Type errors are `tsc --noEmit`'s job in `npm test`; here each source file is emitted on
 * its own with the build config's options (`transpileModule`), which gives tsc's output byte for
 * byte because the sources are written for isolated emit (`isolatedModules` in tsconfig.json), in
 * a fraction of a full program's time (it parses no declaration file).
 *
 * The first file that asks builds it into the run's directory (test/helpers/global-setup.ts
 * provides one and removes it after the run); a file asking meanwhile waits for that build.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { inject } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const BUILD_TIMEOUT_MS = 120_000;

/** A directory laid out as an installed package: `lib/`, `package.json`, `node_modules`. */
export interface BuiltLib {
  root: string;
  serverJs: string;
}

export function builtLib(): BuiltLib {
  const root = inject("builtLibDir") ?? ownDirectory();
  const done = join(root, "built");
  const failed = join(root, "failed");
  if (!existsSync(done) && !existsSync(failed)) {
    if (claim(join(root, "building"))) buildInto(root, done, failed);
    else waitFor(done, failed);
  }
  if (existsSync(failed)) throw new Error(`the build of lib/ failed: ${readFileSync(failed, "utf8")}`);
  return { root, serverJs: join(root, "lib/server.js") };
}

/** Outside a run of the project's config (no directory provided): one for this file, removed at exit. */
let own: string | undefined;
function ownDirectory(): string {
  if (!own) {
    const dir = mkdtempSync(join(tmpdir(), "provenance-gate-lib-"));
    process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
    own = dir;
  }
  return own;
}

function claim(lock: string): boolean {
  try {
    mkdirSync(lock);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
}

function buildInto(root: string, done: string, failed: string): void {
  try {
    const staging = join(root, "lib.partial");
    transpileSources(staging);
    renameSync(staging, join(root, "lib"));
    copyFileSync(join(ROOT, "package.json"), join(root, "package.json"));
    symlinkSync(join(ROOT, "node_modules"), join(root, "node_modules"), "dir");
    writeFileSync(done, "");
  } catch (error) {
    writeFileSync(failed, (error as Error).stack ?? String(error));
    throw error;
  }
}

function transpileSources(outDir: string): void {
  const config = ts.getParsedCommandLineOfConfigFile(join(ROOT, "tsconfig.build.json"), { outDir }, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    },
  });
  if (!config) throw new Error("tsconfig.build.json could not be read");
  const rootDir = config.options.rootDir ?? join(ROOT, "src");
  // The package is "type": "module", so NodeNext emits every .ts file as ESM: say so directly,
  // since a file compiled alone cannot look up its package.json.
  const compilerOptions = { ...config.options, module: ts.ModuleKind.ESNext };
  for (const file of config.fileNames) {
    const target = join(outDir, relative(rootDir, file));
    mkdirSync(dirname(target), { recursive: true });
    const out = ts.transpileModule(readFileSync(file, "utf8"), { compilerOptions, fileName: file, reportDiagnostics: false });
    const js = target.replace(/\.ts$/, ".js");
    writeFileSync(js, out.outputText);
    if (out.sourceMapText) writeFileSync(`${js}.map`, out.sourceMapText);
  }
  // JSON modules are emitted beside the sources that import them, as tsc does with resolveJsonModule.
  for (const file of readdirSync(rootDir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".json"))) {
    mkdirSync(dirname(join(outDir, file)), { recursive: true });
    copyFileSync(join(rootDir, file), join(outDir, file));
  }
}

function waitFor(done: string, failed: string): void {
  const deadline = Date.now() + BUILD_TIMEOUT_MS;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  while (!existsSync(done) && !existsSync(failed)) {
    if (Date.now() > deadline) throw new Error(`lib/ was not built within ${BUILD_TIMEOUT_MS / 1000} s by the file that started it`);
    Atomics.wait(pause, 0, 0, 50);
  }
}

declare module "vitest" {
  export interface ProvidedContext {
    builtLibDir: string;
  }
}
