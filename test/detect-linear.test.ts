/**
 * SPEC §3: detection runs in time linear in what it reads, and a line over 4,096 characters is
 * never a trailer. The timing tests use inputs that took seconds to minutes with the old
 * backtracking regexes (a 80k-character co-author line: ~15 s; a 1 MB line: ~20 minutes) and
 * bound them loosely, so a loaded machine does not make them flaky; the property tests check
 * the hand-written scanners against the regexes they replace, on inputs short enough for those
 * regexes to be fast.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { detectCommit, detectPullRequest } from "../src/evaluate/detect.js";
import { MAX_TRAILER_LINE, parseNamedAddress, parseTrailer } from "../src/evaluate/trailers.js";
import { parseLog } from "../src/load/git/index.js";
import type { Policy } from "../src/model/policy.js";
import type { SnapshotCommit, SnapshotPullRequest } from "../src/model/snapshot.js";

const NONE: Policy["ai"] = { labels: ["ai-assisted"], tools: {} };
const SHA = "3f2a1bc0d4e5f60718293a4b5c6d7e8f90a1b2c3";
const ALICE = { login: "alice", name: "Alice", email: "alice@acme.example" };

function commit(message: string): SnapshotCommit {
  return { sha: SHA, message, author: ALICE, committer: ALICE };
}

function pr(body: string): SnapshotPullRequest {
  return { number: 1, author: "carol", author_type: "User", base_ref: "main", head_ref: "feature/x", head_sha: "f".repeat(40), labels: [], body, last_push_at: "2026-11-20T10:00:00Z" };
}

function timed<T>(f: () => T): { ms: number; value: T } {
  const t0 = performance.now();
  const value = f();
  return { ms: performance.now() - t0, value };
}

/** The shapes that made the old regexes backtrack: a key, then a long run of one character. */
const PATHOLOGICAL: [string, (n: number) => string][] = [
  ["co-author + spaces", (n) => `Co-authored-by: a${" ".repeat(n)}b`],
  ["assisted-by + spaces", (n) => `Assisted-by: a${" ".repeat(n)}b`],
  ["no-assistance + bangs", (n) => `AI-assisted: ${"!".repeat(n)}x`],
  ["name + spaces before an unclosed <", (n) => `Co-authored-by: x${" ".repeat(n)}<`],
  ["many < without >", (n) => `Co-authored-by: ${"<".repeat(n)}`],
  ["many <a> after a long name", (n) => `Co-authored-by: ${"a ".repeat(n / 2)}<b>`],
  ["key + spaces before the colon", (n) => `Co-authored-by${" ".repeat(n)}:x`],
  ["words separated by runs", (n) => `Assisted-by: factory${" ".repeat(n)}x`],
];

describe("detection is linear in the size of what it reads", () => {
  it.each(PATHOLOGICAL)("%s: a 1 MB line as a commit message and a PR body takes milliseconds", (_name, shape) => {
    const line = shape(1_000_000);
    const { ms } = timed(() => {
      detectCommit(commit(`subject\n\n${line}`), NONE);
      detectPullRequest(pr(line), NONE);
    });
    // Linear code needs ~10 ms here; the old regexes needed minutes.
    expect(ms).toBeLessThan(2000);
  });

  it("judges the largest PR body GitHub accepts (65,536 characters) of every shape in milliseconds", () => {
    const { ms } = timed(() => {
      for (const [, shape] of PATHOLOGICAL) detectPullRequest(pr(shape(65_536 - 20)), NONE);
    });
    expect(ms).toBeLessThan(1000);
  });

  it("a message of many pathological lines costs no more than their total length", () => {
    const message = ["subject", "", ...Array.from({ length: 200 }, (_, i) => PATHOLOGICAL[i % PATHOLOGICAL.length][1](4000))].join("\n");
    const { ms } = timed(() => detectCommit(commit(message), NONE));
    expect(ms).toBeLessThan(1000);
  });
});

describe("reading git's log is linear too", () => {
  it("parses a message of 200,000 blank lines in milliseconds, keeping what precedes the final newlines", () => {
    const message = `subject${"\n".repeat(200_000)}body\n\n\n`;
    const record = [SHA, "", "A", "a@x.example", "A", "a@x.example", "2026-11-20T10:00:00Z", message].join("\0");
    const { ms, value } = timed(() => parseLog(`${record}\0`));
    expect(value[0].message).toBe(`subject${"\n".repeat(200_000)}body`);
    // The old `/\n+$/` took ~20 s here.
    expect(ms).toBeLessThan(1000);
  });
});

describe("a line over 4,096 characters is never a trailer", () => {
  const trailer = "Co-Authored-By: Claude <noreply@anthropic.com>";
  const padded = (length: number) => trailer + " ".repeat(length - trailer.length);

  it("reads a trailer line of exactly 4,096 characters, and not one of 4,097", () => {
    expect(MAX_TRAILER_LINE).toBe(4096);
    expect(detectCommit(commit(`x\n\n${padded(4096)}`), NONE).map((s) => s.tool)).toEqual(["claude-code"]);
    expect(detectCommit(commit(`x\n\n${padded(4097)}`), NONE)).toEqual([]);
    expect(parseTrailer(padded(4097))).toBeUndefined();
  });

  it("still finds a footer or session link inside a long line, quoting the mark rather than the line", () => {
    const line = `${"x".repeat(10_000)} https://chatgpt.com/codex/tasks/task_e_1234 ${"y".repeat(10_000)}`;
    const signals = detectCommit(commit(`x\n\n${line}`), NONE);
    expect(signals.map((s) => [s.tool, s.kind, s.evidence])).toEqual([["codex", "session-link", "chatgpt.com/codex/tasks/task_e_1234"]]);
  });
});

// ---- The scanners agree with the regexes they replace (on short inputs, where those are fast) ----

/** SPEC §3's reading of a trailer line, as a regex: key, optional spaces, `:`, a value that is not `//…`. */
const TRAILER_ORACLE = /^\s*([A-Za-z0-9][A-Za-z0-9-]*)\s*:(?!\/\/)(.*)$/s;
const NAME_AND_ADDRESS_ORACLE = /^(.*?)\s*<([^<>]*)>/s;

const tricky = fc.constantFrom(" ", "\t", "\u00a0", "<", ">", "@", ":", "/", "!", ".", "-", "a", "B", "1", "é", "Co-authored-by", "noreply@anthropic.com");
const trickyText = fc.array(tricky, { maxLength: 24 }).map((parts) => parts.join(""));

describe("the hand-written scanners agree with the regexes they replace", () => {
  it("parseTrailer", () => {
    fc.assert(
      fc.property(trickyText, (line) => {
        const m = TRAILER_ORACLE.exec(line);
        const expected = m ? { key: m[1].toLowerCase(), value: m[2].trim() } : undefined;
        expect(parseTrailer(line)).toEqual(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it("parseNamedAddress, whenever the value has a bracketed address", () => {
    fc.assert(
      fc.property(trickyText, (value) => {
        const m = NAME_AND_ADDRESS_ORACLE.exec(value);
        fc.pre(m !== null);
        expect(parseNamedAddress(value)).toEqual({ name: m![1].trim(), email: m![2].trim().toLowerCase() });
      }),
      { numRuns: 2000 },
    );
  });

  it("detection of a message never depends on the padding around its trailers", () => {
    const lines = fc.constantFrom(
      "Co-Authored-By: Claude <noreply@anthropic.com>",
      "Co-authored-by:Codex <noreply@openai.com>",
      "Assisted-by: Cursor and Gemini",
      "AI-assisted: no!",
      "prose with : colons < and > brackets",
      "Made-with:Cursor",
    );
    const pad = fc.constantFrom("", " ", "  \t", "\u00a0");
    fc.assert(
      fc.property(fc.array(fc.tuple(pad, lines, pad), { maxLength: 6 }), (parts) => {
        const plain = detectCommit(commit(["s", "", ...parts.map(([, l]) => l)].join("\n")), NONE).map((s) => s.tool);
        const padded = detectCommit(commit(["s", "", ...parts.map(([a, l, b]) => a + l + b)].join("\r\n")), NONE).map((s) => s.tool);
        expect(padded).toEqual(plain);
      }),
      { numRuns: 500 },
    );
  });
});
