/**
 * `npm ci` on the oldest Node the project supports installs without an EBADENGINE warning: every
 * package in the lock file accepts it. (A transitive dependency that wants a newer Node gets an
 * `overrides` entry for a version that supports ours.) Ranges are read by `semver`, as npm reads them.
 */
import { readFileSync } from "node:fs";
import semver from "semver";
import { describe, expect, it } from "vitest";

const root = new URL("../", import.meta.url);
const pkg = JSON.parse(readFileSync(new URL("package.json", root), "utf8")) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(new URL("package-lock.json", root), "utf8")) as { packages: Record<string, { engines?: { node?: string } | string[] }> };

describe("engines", () => {
  const oldest = semver.minVersion(pkg.engines.node)!.version;

  it(`every locked package accepts Node ${oldest}, the oldest the project supports`, () => {
    const refusing = Object.entries(lock.packages)
      .filter(([name, p]) => name !== "" && p.engines && !Array.isArray(p.engines) && p.engines.node && !semver.satisfies(oldest, p.engines.node))
      .map(([name, p]) => `${name} wants node ${(p.engines as { node: string }).node}`);
    expect(refusing).toEqual([]);
  });

  it("would catch a package that wants Node 22", () => {
    expect(semver.satisfies(oldest, ">=22")).toBe(false);
    expect(semver.satisfies(oldest, "^20.19.0 || >=22.12.0")).toBe(true);
  });
});
