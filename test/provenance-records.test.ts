import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseAgentTrace, traceRecord } from "../src/provenance-records/agent-trace.js";
import { gitAiRecords, keyKind, parseGitAiNote, parseRangeList, subtract } from "../src/provenance-records/git-ai-note.js";
import { countLines, normaliseRanges, rangesContain, revisionMatches } from "../src/provenance-records/record.js";
import { commitSignals, recordEvidence, recordSignals, recordTool } from "../src/evaluate/record-signals.js";
import { validateAiRecords } from "../src/provenance-records/validate.js";
import type { Policy } from "../src/model/policy.js";
import type { SnapshotCommit } from "../src/model/snapshot.js";

const fixture = (name: string) => readFileSync(new URL(`./fixtures/provenance-records/${name}`, import.meta.url), "utf8");
const AI: Policy["ai"] = { labels: ["ai-assisted"], tools: { metacode: { id: "metacode", trust: "internal", emails: [], bots: [], trailers: [] } } };

function note(text: string) {
  const parsed = parseGitAiNote(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

describe("git-ai notes (authorship/3.x)", () => {
  it("reads session keys, quoted paths and human keys; later keys win a line", () => {
    const records = gitAiRecords(note(fixture("git-ai-sessions.txt")));
    expect(records).toEqual([
      {
        source: "git-ai",
        agent: "cursor",
        model: "claude-sonnet-4-5-20250514",
        from: "refs/notes/ai",
        key: "s_c9883b05a2487d",
        files: [{ path: "evals/tasks/t1.yaml", ranges: [[1, 10], [15, 17], [20, 20], [25, 25], [30, 35]] }],
      },
      {
        source: "git-ai",
        agent: "claude",
        model: "claude-sonnet-4-5-20250514",
        from: "refs/notes/ai",
        key: "s_e7f2a90b31cc48",
        files: [{ path: "evals/my tasks.yaml", ranges: [[1, 50]] }],
      },
    ]);
  });

  it("reads legacy 16-hex and 7-hex prompt keys, legacy messages arrays and prompts missing from the metadata", () => {
    const records = gitAiRecords(note(fixture("git-ai-legacy.txt")));
    expect(records.map((r) => [r.key, r.agent, r.model ?? null, r.files])).toEqual([
      ["abcd1234abcd1234", "codex", "gpt-5", [{ path: "data/train.csv", ranges: [[1, 10], [15, 20]] }, { path: "data/other.csv", ranges: [[1, 50]] }]],
      ["ef0b5678ef0b5678", "windsurf", null, [{ path: "data/train.csv", ranges: [[25, 25], [30, 35]] }]],
      ["1234567", "", null, [{ path: "data/train.csv", ranges: [[40, 40]] }]],
    ]);
  });

  it("an empty attestation section attributes nothing", () => {
    const parsed = note(fixture("git-ai-empty.txt"));
    expect(parsed.files).toEqual([]);
    expect(gitAiRecords(parsed)).toEqual([]);
  });

  it("merges a session's ranges over several entries of one file", () => {
    const text = "a.txt\n  s_01::t_01 1-2\n  h_02 9\n  s_01::t_02 3-4\n---\n{\"schema_version\":\"authorship/3.1.0\"}\n";
    expect(gitAiRecords(note(text))[0].files).toEqual([{ path: "a.txt", ranges: [[1, 4]] }]);
  });

  it("skips keys of no known form and files left without entries", () => {
    const text = "a.txt\n  zz_top 1-3\nb.txt\n---\n{\"schema_version\":\"authorship/3.0.0\",\"prompts\":[],\"sessions\":{\"s_1\":\"odd\"}}";
    expect(note(text).files).toEqual([]);
    expect(note("x\n  s_1 2\n---\n{\"schema_version\":\"authorship/3.0.0\",\"sessions\":{\"s_1\":{\"agent_id\":\"odd\"}}}").agents.get("s_1")).toEqual({ tool: "" });
  });

  it.each([
    ["no divider", "a.txt\n  s_1 1\n", /no '---' divider/],
    ["metadata not JSON", "---\n{oops", /metadata is not JSON/],
    ["metadata not an object", "---\n[1]", /not a JSON object/],
    ["another schema", '---\n{"schema_version":"authorship/2.0.0"}', /unsupported schema_version "authorship\/2.0.0"/],
    ["no schema", "---\n{}", /unsupported schema_version null/],
    ["entry before a path", '  s_1 1\n---\n{"schema_version":"authorship/3.0.0"}', /line 1: an attestation before any file path/],
    ["entry without ranges", 'a\n  s_1\n---\n{"schema_version":"authorship/3.0.0"}', /line 2: an attestation without line ranges/],
    ["bad ranges", 'a\n  s_1 1-x\n---\n{"schema_version":"authorship/3.0.0"}', /line 2: unreadable line ranges "1-x"/],
  ])("a malformed note is an error value, not an exception: %s", (_name, text, message) => {
    const parsed = parseGitAiNote(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(message);
  });

  it("reads CRLF notes", () => {
    expect(note("a\r\n  s_1 1-2\r\n---\r\n{\"schema_version\":\"authorship/3.0.0\"}").files).toEqual([{ path: "a", entries: [{ key: "s_1", kind: "session", ranges: [[1, 2]] }] }]);
  });

  it("classifies keys and range lists", () => {
    expect(["s_c9883b05a2487d::t_9f8e7d6c5b4a32", "s_abc", "h_31dce776f88375", "abcd1234abcd1234", "abcd123", "abcd12", "s_x"].map(keyKind)).toEqual([
      "session", "session", "human", "legacy", "legacy", undefined, undefined,
    ]);
    expect(parseRangeList("1,2,19-222,,300")).toEqual([[1, 1], [2, 2], [19, 222], [300, 300]]);
    expect(parseRangeList("0")).toBeUndefined();
    expect(parseRangeList("5-3")).toBeUndefined();
    expect(subtract([[1, 10], [20, 30]], [[3, 4], [8, 22], [29, 40]])).toEqual([[1, 2], [5, 7], [23, 28]]);
    expect(subtract([[5, 6]], [[1, 2]])).toEqual([[5, 6]]);
  });
});

describe("Agent Trace records", () => {
  it("reads ai and mixed ranges, per-range contributor overrides, version strings as in the wild, and warns on bad lines", () => {
    const parsed = parseAgentTrace(fixture("traces.jsonl"), ".agent-trace/traces.jsonl");
    expect(parsed.records).toEqual([
      {
        source: "agent-trace",
        agent: "cursor",
        model: "anthropic/claude-opus-4-5-20251101",
        from: ".agent-trace/traces.jsonl",
        key: "550e8400-e29b-41d4-a716-446655440000",
        revision: "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0",
        files: [
          { path: "evals/parser.yaml", ranges: [[42, 67]] },
          { path: "evals/helpers.yaml", ranges: [[10, 25]] },
        ],
      },
    ]);
    expect(parsed.warnings).toEqual([
      { from: ".agent-trace/traces.jsonl", message: "line 2: not JSON" },
      { from: ".agent-trace/traces.jsonl", message: 'line 4: vcs.type "jj" is not git' },
      { from: ".agent-trace/traces.jsonl", message: "line 5: no version string" },
    ]);
  });

  it("reads a note holding one pretty-printed record or an array, and names the commit in warnings", () => {
    const one = { version: "0.1.0", files: [{ path: "a", conversations: [{ url: "https://x/c/1", contributor: { type: "AI" }, ranges: [{ start_line: 1, end_line: 2 }] }] }] };
    const parsed = parseAgentTrace(JSON.stringify(one, null, 2), "refs/notes/agent-trace", "c0ffee");
    expect(parsed.records).toEqual([{ source: "agent-trace", agent: "", from: "refs/notes/agent-trace", key: "https://x/c/1", files: [{ path: "a", ranges: [[1, 2]] }] }]);
    const array = parseAgentTrace(JSON.stringify([one, 7]), "refs/notes/agent-trace", "c0ffee");
    expect(array.records).toHaveLength(1);
    expect(array.warnings).toEqual([{ from: "refs/notes/agent-trace", commit: "c0ffee", message: "record 2: not a JSON object" }]);
    expect(parseAgentTrace("{bad\n", "refs/notes/agent-trace", "c0ffee").warnings).toEqual([{ from: "refs/notes/agent-trace", commit: "c0ffee", message: "line 1: not JSON" }]);
    expect(parseAgentTrace("", "f")).toEqual({ records: [], warnings: [] });
  });

  it("ignores what the ranges cannot use", () => {
    const r = traceRecord(
      {
        version: "1.0",
        vcs: { revision: "  " },
        files: [
          7,
          { path: "a" },
          { path: "b", conversations: [7, { ranges: "x" }, { ranges: [7, { start_line: "1", end_line: 2 }, { start_line: 1, end_line: 2 }] }] },
          { path: "c", conversations: [{ contributor: { type: "ai", model_id: "" }, ranges: [{ start_line: 3, end_line: 1 }] }] },
        ],
      },
      "f",
    );
    expect(r).toEqual({ source: "agent-trace", agent: "", from: "f", files: [] });
    expect(traceRecord([], "f")).toBe("not a JSON object");
    expect(traceRecord({ version: "1", files: {} }, "f")).toBe("no files array");
  });
});

describe("ranges", () => {
  it("normalises, counts, looks up, and matches revisions", () => {
    expect(normaliseRanges([[5, 6], [1, 2], [3, 3], [0, 4], [9, 8], [1.5, 2], [7, 20], [8, 9]])).toEqual([[1, 3], [5, 20]]);
    expect(countLines([[1, 3], [5, 5]])).toBe(4);
    expect(rangesContain([[1, 3]], 3)).toBe(true);
    expect(rangesContain([[1, 3]], 4)).toBe(false);
    const sha = "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0";
    expect(revisionMatches("A1B2C3D", sha)).toBe(true);
    expect(revisionMatches("a1b2c3", sha)).toBe(false);
    expect(revisionMatches("kkmpptxz", sha)).toBe(false);
    expect(revisionMatches("a1b2c3e", sha)).toBe(false);
  });
});

describe("record signals", () => {
  const commit = (records?: SnapshotCommit["ai_records"]): SnapshotCommit => ({
    sha: "0123456789abcdef0123456789abcdef01234567",
    message: "Update the eval set",
    author: { login: "alice", name: "Alice", email: "alice@acme.example" },
    committer: { login: "alice", name: "Alice", email: "alice@acme.example" },
    ...(records ? { ai_records: records } : {}),
  });

  it("maps the names tools write for themselves to tool ids", () => {
    expect(["", "  ", "metacode", "MetaCode", "claude", "Cursor", "Claude Code", "gemini", "droid", "Windsurf Editor", "!!!"].map((a) => recordTool(a, AI))).toEqual([
      "unspecified", "unspecified", "metacode", "metacode", "claude-code", "cursor", "claude-code", "gemini", "factory-droid", "windsurf-editor", "unspecified",
    ]);
  });

  it("makes a commit without trailers AI-marked, naming the source", () => {
    const signals = commitSignals(
      commit([
        { source: "git-ai", agent: "cursor", model: "gpt-5", from: "refs/notes/ai", key: "s_01", files: [{ path: "evals/a.yaml", ranges: [[1, 3]] }] },
        { source: "agent-trace", agent: "", from: ".agent-trace/traces.jsonl", files: [{ path: "a", ranges: [[1, 1]] }, { path: "b", ranges: [[2, 2]] }] },
        { source: "git-ai", agent: "codex", from: "refs/notes/ai", files: [{ path: "x", ranges: [] }] },
      ]),
      AI,
    );
    expect(signals).toEqual([
      { tool: "cursor", kind: "git-ai-note", where: "commit 0123456", evidence: "refs/notes/ai: session s_01 (cursor, gpt-5), 3 lines in evals/a.yaml", commit: commit().sha, decisive: true },
      { tool: "unspecified", kind: "agent-trace", where: "commit 0123456", evidence: ".agent-trace/traces.jsonl: trace (an unnamed tool), 2 lines in 2 files", commit: commit().sha, decisive: true },
    ]);
    expect(recordEvidence({ source: "git-ai", agent: "x", from: "r", files: [{ path: "p", ranges: [[4, 4]] }] })).toBe("r: session (x), 1 line in p");
  });

  it("adds to what the message says and leaves commits without records alone", () => {
    expect(commitSignals(commit(), AI)).toEqual([]);
    expect(recordSignals(commit(), AI)).toEqual([]);
    const trailer = { ...commit([{ source: "git-ai", agent: "cursor", from: "refs/notes/ai", files: [{ path: "a", ranges: [[1, 1]] }] }]), message: "x\n\nCo-Authored-By: Claude <noreply@anthropic.com>" };
    expect(commitSignals(trailer, AI).map((s) => s.tool)).toEqual(["claude-code", "cursor"]);
  });
});

describe("snapshot ai_records", () => {
  const fail = (path: string, problem: string): never => {
    throw new Error(`${path}: ${problem}`);
  };
  it("accepts the shape and names the first problem", () => {
    const good = [{ source: "git-ai", agent: "cursor", from: "refs/notes/ai", model: "m", key: "k", files: [{ path: "a", ranges: [[1, 2]] }] }];
    expect(validateAiRecords(good, "c", fail)).toEqual(good);
    expect(validateAiRecords([{ source: "agent-trace", agent: "", from: "f", files: [] }], "c", fail)).toEqual([{ source: "agent-trace", agent: "", from: "f", files: [] }]);
    const bad: [unknown, RegExp][] = [
      [{}, /c: must be an array/],
      [[7], /c\[0\]: must be an object/],
      [[{ ...good[0], extra: 1 }], /c\[0\]\.extra: unknown field/],
      [[{ ...good[0], source: "x" }], /c\[0\]\.source: must be "git-ai" or "agent-trace"/],
      [[{ ...good[0], agent: 1 }], /c\[0\]\.agent: must be a string/],
      [[{ ...good[0], model: 1 }], /c\[0\]\.model: must be a string/],
      [[{ ...good[0], files: 1 }], /c\[0\]\.files: must be an array/],
      [[{ ...good[0], files: [{ path: "a", ranges: [], x: 1 }] }], /files\[0\]\.x: unknown field/],
      [[{ ...good[0], files: [{ path: "", ranges: [] }] }], /files\[0\]\.path: must be a non-empty string/],
      [[{ ...good[0], files: [{ path: "a", ranges: 1 }] }], /files\[0\]\.ranges: must be an array/],
      [[{ ...good[0], files: [{ path: "a", ranges: [[2, 1]] }] }], /ranges\[0\]: must be \[start, end\]/],
      [[{ ...good[0], files: [{ path: "a", ranges: [[0, 1]] }] }], /ranges\[0\]: must be \[start, end\]/],
      [[{ ...good[0], files: [{ path: "a", ranges: [[1]] }] }], /ranges\[0\]: must be \[start, end\]/],
    ];
    for (const [value, message] of bad) expect(() => validateAiRecords(value, "c", fail)).toThrow(message);
  });
});
