/** `npm run demo` builds lib/ only when it is older than its sources, and every build starts from an empty lib/. */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs script, without type declarations.
import { cleanBuild, staleness } from "../scripts/build-if-stale.mjs";

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});

function tree(files: Record<string, number>): string {
  const root = mkdtempSync(join(tmpdir(), "build-if-stale-"));
  dirs.push(root);
  for (const [path, seconds] of Object.entries(files)) {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), "");
    utimesSync(join(root, path), seconds, seconds);
  }
  return root;
}

describe("build-if-stale", () => {
  it("is fresh when every output is newer than every input", () => {
    expect(staleness(tree({ "src/a.ts": 100, "src/cli/b.ts": 110, "tsconfig.json": 50, "lib/a.js": 200, "lib/cli/b.js": 201 }))).toBeNull();
  });

  it("rebuilds when a source, a tsconfig or package.json is newer than the oldest output, or lib/ is missing", () => {
    expect(staleness(tree({ "src/cli/b.ts": 300, "lib/cli/b.js": 200 }))).toBe("src/cli/b.ts is newer than its output");
    expect(staleness(tree({ "src/a.ts": 100, "tsconfig.build.json": 300, "lib/a.js": 200 }))).toBe("tsconfig.build.json is newer than lib/");
    expect(staleness(tree({ "src/a.ts": 100, "package.json": 300, "lib/a.js": 200 }))).toBe("package.json is newer than lib/");
    expect(staleness(tree({ "src/a.ts": 100, "src/new.ts": 100, "lib/a.js": 200 }))).toBe("lib/ has no output for src/new.ts");
  });

  it("rebuilds when lib/ holds the output of a deleted source, which tsc never removes", () => {
    expect(staleness(tree({ "src/a.ts": 100, "package.json": 150, "lib/a.js": 200, "lib/a.js.map": 200, "lib/gone.js": 250 }))).toBe("lib/gone.js has no source (src/gone.ts is gone)");
    expect(staleness(tree({ "src/a.ts": 100, "lib/a.js": 200, "lib/gone.js.map": 250 }))).toBe("lib/gone.js.map has no source (src/gone.ts is gone)");
    // Source maps and JSON modules are outputs of their sources; declaration files under src/ have none.
    expect(staleness(tree({ "src/a.ts": 100, "src/types.d.ts": 300, "src/data.json": 100, "package.json": 150, "lib/a.js": 200, "lib/a.js.map": 200, "lib/data.json": 200 }))).toBeNull();
  });

  it("builds into an empty lib/: nothing of an earlier build survives", () => {
    const root = tree({ "src/a.ts": 100, "lib/a.js": 200, "lib/gone.js": 200 });
    // The compiler's part: create lib/ and write what the sources give.
    cleanBuild(root, () => {
      mkdirSync(join(root, "lib"));
      writeFileSync(join(root, "lib/a.js"), "");
    });
    expect(readdirSync(join(root, "lib"))).toEqual(["a.js"]);
  });

  it("is what `npm run demo` runs instead of an unconditional build", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
    expect(pkg.scripts.demo).toBe("node scripts/build-if-stale.mjs && node lib/cli/main.js demo");
  });
});
