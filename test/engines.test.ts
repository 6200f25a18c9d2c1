/**
 * `npm ci` on the oldest Node the project supports installs without an EBADENGINE warning: every
 * package in the lock file accepts it. (A transitive dependency that wants a newer Node gets an
 * `overrides` entry for a version that supports ours.)
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const root = new URL("../", import.meta.url);
const pkg = JSON.parse(readFileSync(new URL("package.json", root), "utf8")) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(new URL("package-lock.json", root), "utf8")) as { packages: Record<string, { engines?: { node?: string } | string[] }> };

type Version = [number, number, number];

function parts(v: string): (number | null)[] {
  return v.replace(/^v/, "").split(".").map((p) => (p === "x" || p === "*" || p === "" ? null : Number(p)));
}

function compare(a: Version, b: (number | null)[]): number {
  for (let i = 0; i < 3; i++) {
    const d = a[i] - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The node-semver range forms npm packages use in `engines.node`, enough to judge one version. */
function satisfies(version: Version, range: string): boolean {
  return range.split("||").some((alternative) => {
    const comparators = alternative.trim().replace(/([<>=^~]+)\s+/g, "$1").split(/\s+/).filter(Boolean);
    return comparators.every((c) => {
      const [, op, v] = /^([<>=^~]*)(.*)$/.exec(c)!;
      const want = parts(v);
      if (v === "" || v === "*" || v === "x") return true;
      switch (op) {
        case ">=":
          return compare(version, want) >= 0;
        case ">":
          return compare(version, want) > 0;
        case "<":
          return compare(version, want) < 0;
        case "<=":
          return compare(version, want) <= 0;
        case "^":
          return compare(version, want) >= 0 && version[0] === want[0];
        case "~":
          return compare(version, want) >= 0 && version[0] === want[0] && version[1] === (want[1] ?? version[1]);
        default:
          // `20`, `20.x`, `6.*`, `20.19.0`: every given part must match.
          return want.every((p, i) => p === null || p === version[i]);
      }
    });
  });
}

describe("engines", () => {
  const given = parts(pkg.engines.node.replace(/^>=\s*/, ""));
  const oldest = [0, 1, 2].map((i) => given[i] ?? 0) as Version;

  it("reads the range forms of the lock file correctly", () => {
    expect(satisfies([20, 19, 0], ">=22")).toBe(false);
    expect(satisfies([20, 19, 0], "^20.19.0 || >=22.12.0")).toBe(true);
    expect(satisfies([20, 19, 0], "^20.20.0 || >=22")).toBe(false);
    expect(satisfies([20, 19, 0], ">=18.20.0 <20 || >=20.12.1")).toBe(true);
    expect(satisfies([20, 19, 0], "18 || 20 || >=22")).toBe(true);
    expect(satisfies([20, 19, 0], "6.* || 8.* || >= 10.*")).toBe(true);
    expect(satisfies([20, 19, 0], "16.x")).toBe(false);
  });

  it(`every locked package accepts Node ${oldest.join(".")}, the oldest the project supports`, () => {
    const refusing = Object.entries(lock.packages)
      .filter(([name, p]) => name !== "" && p.engines && !Array.isArray(p.engines) && p.engines.node && !satisfies(oldest, p.engines.node))
      .map(([name, p]) => `${name} wants node ${(p.engines as { node: string }).node}`);
    expect(refusing).toEqual([]);
  });
});
