/**
 * The catalogue entries gathered from public histories (SPEC Appendix A, "still to gather"): each
 * identity has a real commit that must be detected as its tool, and, where history holds one,
 * a real look-alike that must not count. Cases are in fixtures/real-history-cases.jsonl (the
 * subject and the evidence lines of each commit, with its SHA); docs/detection.md has the
 * measurement over whole histories.
 */
import { describe, expect, it } from "vitest";
import { detectCommit, detectPullRequest, isAgentLogin, isToolIdentity } from "../src/evaluate/detect.js";
import { toolDisplayName } from "../src/catalogue/ai-tools.js";
import type { Policy } from "../src/model/policy.js";
import type { SnapshotPullRequest } from "../src/model/snapshot.js";
import { readCorpus, toCommit } from "./helpers/corpus.js";

const NONE: Policy["ai"] = { labels: ["ai-assisted"], tools: {} };
const cases = readCorpus(new URL("./fixtures/real-history-cases.jsonl", import.meta.url));
const toolsOf = (entry: (typeof cases)[number]) => [...new Set(detectCommit(toCommit(entry), NONE).map((s) => s.tool))];
const label = (e: (typeof cases)[number]) => `${e.repo}@${e.sha.slice(0, 10)} (${e.note.slice(0, 70)})`;

/** The identities this file is about: each needs a real positive case. */
const NEW_TOOLS = ["cline", "continue", "ellipsis", "greptile", "coderabbit", "cubic", "openhands", "devin", "copilot", "gemini"];

describe("identities found in public histories", () => {
  it.each(cases.filter((e) => e.expect === "ai").map((e) => [label(e), e] as const))("%s is AI-marked with its tool", (_, e) => {
    expect(toolsOf(e)).toEqual([e.tool]);
  });

  it.each(cases.filter((e) => e.expect === "not-ai").map((e) => [label(e), e] as const))("%s is not AI-marked", (_, e) => {
    expect(toolsOf(e)).toEqual([]);
  });

  it("has a real positive case for every identity it adds", () => {
    const covered = new Set(cases.filter((e) => e.expect === "ai").map((e) => e.tool));
    expect(NEW_TOOLS.filter((t) => !covered.has(t))).toEqual([]);
  });

  it("keeps only identities and evidence lines of each commit, never a whole message", () => {
    for (const e of cases) {
      expect(e.sha).toMatch(/^[0-9a-f]{40}$/);
      expect(e.message.split("\n").length).toBeLessThanOrEqual(8);
    }
  });
});

describe("identities taken from tool sources (no public commit at hand)", () => {
  const pr = (p: Partial<SnapshotPullRequest>): SnapshotPullRequest => ({
    number: 7,
    author: "alice",
    head_ref: "feature",
    base_ref: "main",
    head_sha: "a".repeat(40),
    labels: [],
    body: "",
    last_push_at: "2026-01-01T00:00:00Z",
    ...p,
  });

  it("OpenCode's GitHub agent commits as opencode-agent[bot] (its github.ts sets user.name and user.email so)", () => {
    const commit = {
      sha: "b".repeat(40),
      message: "Fix the flaky test\n\nCo-authored-by: alice <alice@acme.example>",
      author: { login: null, name: "opencode-agent[bot]", email: "opencode-agent[bot]@users.noreply.github.com" },
      committer: { login: null, name: "opencode-agent[bot]", email: "opencode-agent[bot]@users.noreply.github.com" },
    };
    expect(detectCommit(commit, NONE).map((s) => `${s.tool}:${s.kind}`)).toEqual(["opencode:author"]);
    expect(toolDisplayName("opencode")).toBe("OpenCode");
  });

  it("OpenCode's PR body links its session; its branch prefix is a hint only", () => {
    const signals = detectPullRequest(
      pr({ head_ref: "opencode/issue12-20260101", body: "Fixes #12\n\n[opencode session](https://opencode.ai/s/abc123)&nbsp;|&nbsp;[github run](/o/r/actions/runs/1)" }),
      NONE,
    );
    expect(signals.map((s) => `${s.tool}:${s.kind}:${s.decisive}`)).toEqual(["opencode:pr-body:true", "opencode:branch-hint:false"]);
  });

  it("a PR opened by an agent app of the new entries is agent-authored", () => {
    for (const login of ["cline-cloud[bot]", "continue[bot]", "opencode-agent[bot]"]) {
      expect(detectPullRequest(pr({ author: login }), NONE).map((s) => s.kind)).toEqual(["pr-author"]);
    }
  });
});

describe("the new accounts are tools, not people", () => {
  it.each([
    "ellipsis-dev[bot]",
    "greptile-apps[bot]",
    "coderabbitai[bot]",
    "cubic-dev-ai[bot]",
    "cline-cloud[bot]",
    "cline-agent",
    "continue-staging[bot]",
    "devin-cognition",
  ])("%s is an agent login", (login) => {
    expect(isAgentLogin(login)).toBe(true);
  });

  it.each(["mergify[bot]", "cline-test-bot", "clinetester", "continuedev"])("%s is not", (login) => {
    expect(isAgentLogin(login)).toBe(false);
  });

  it.each([
    ["cline-agent@users.noreply.github.com", true],
    ["opendevin@opendevin.ai", true],
    ["copilot@github.com", true],
    ["agent@continue.dev", true],
    ["nate@continue.dev", false],
    ["bot@cline.bot", true],
    ["max@cline.bot", false],
    ["cline@example.com", false],
  ] as const)("%s is a tool identity: %s", (email, expected) => {
    expect(isToolIdentity({ email, login: null }, NONE)).toBe(expected);
  });
});

describe("generic trailers name the new tools by their words", () => {
  it.each([
    ["Assisted-by: Cline", "cline"],
    ["Assisted-by: OpenCode (GLM-4.6)", "opencode"],
    ["Generated-by: CodeRabbit", "coderabbit"],
    ["Assisted-by: Continue.dev agent", "continue"],
  ])("%s → %s", (line, tool) => {
    const commit = { sha: "c".repeat(40), message: `Fix\n\n${line}`, author: { login: null, name: "A", email: "a@acme.example" }, committer: { login: null, name: "A", email: "a@acme.example" } };
    expect(detectCommit(commit, NONE).map((s) => s.tool)).toEqual([tool]);
  });
});
