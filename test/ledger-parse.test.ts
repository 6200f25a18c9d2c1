import { describe, expect, it } from "vitest";
import { parseIncrementalBlame, unquote } from "../src/ledger/blame.js";
import { LogScanner, type ScannedCommit } from "../src/ledger/log-scan.js";

const A = "a".repeat(40);
const B = "b".repeat(40);

describe("blame --incremental", () => {
  it("reads groups in file order, with git's quoted paths", () => {
    const out = [`${B} 3 4 2`, "author X", `filename "data/\\303\\251t\\303\\251 \\"q\\".csv"`, `${A} 1 1 3`, "summary s", "boundary", "filename data/a.csv", ""].join("\n");
    expect(parseIncrementalBlame(out)).toEqual([
      { sha: A, orig: 1, final: 1, count: 3, filename: "data/a.csv" },
      { sha: B, orig: 3, final: 4, count: 2, filename: 'data/été "q".csv' },
    ]);
    expect(unquote('"tab\\there\\\\"')).toBe("tab\there\\");
    expect(unquote("plain")).toBe("plain");
  });
});

describe("log scanner", () => {
  const record = (sha: string, message: string, entries: string) => `\u0001${sha}\0\0Al\0al@x\0Al\0al@x\0${message}\0\0\n${entries}`;
  it("reads commits fed in arbitrary chunks, with renames and messages holding \\x01", () => {
    const text = record(A, "one\n\u0001 odd\n", "R100\0old\0new\0M\0\u0001x\0") + record(B, "two", "");
    const seen: ScannedCommit[] = [];
    const scanner = new LogScanner((c) => seen.push(c));
    for (let i = 0; i < text.length; i += 3) scanner.push(Buffer.from(text.slice(i, i + 3)));
    scanner.end();
    expect(seen.map((c) => [c.commit.sha, c.commit.message, c.paths, c.renames])).toEqual([
      [A, "one\n\u0001 odd", ["old", "new", "\u0001x"], [["old", "new"]]],
      [B, "two", [], []],
    ]);
  });
  it("refuses output it cannot line up", () => {
    const bad = new LogScanner(() => undefined);
    expect(() => {
      bad.push(record(A, "m", "Q\0x\0"));
      bad.end();
    }).toThrow(/unexpected `git log` output/);
    const truncated = new LogScanner(() => undefined);
    expect(() => {
      truncated.push(`\u0001${A}\0p`);
      truncated.end();
    }).toThrow(/truncated/);
  });
});
