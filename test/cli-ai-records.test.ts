/**
 * The gate through the CLI's git loader, where the only AI evidence is outside the commit
 * message: a git-ai note, an Agent Trace note, or a record in `.agent-trace/traces.jsonl`.
 */
import { afterEach, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { run, type CliIO } from "../src/cli/main.js";
import { GIT_ENV, TestRepo } from "./helpers/git-repo.js";

const POLICY = `version: 1
classes:
  eval: ["evals/**"]
rules:
  - name: independent-review
    classes: [eval]
    require:
      approvals: 1
`;

const repos: TestRepo[] = [];
afterEach(() => {
  while (repos.length) repos.pop()!.remove();
});

async function check(dir: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const io: CliIO = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, cwd: dir, env: { ...GIT_ENV }, now: () => new Date("2026-11-21T09:00:00Z") };
  const code = await run(["check", "--base", "main", "--format", "json"], io);
  return { code, stdout, stderr };
}

function branchWithHumanLookingCommit(): { repo: TestRepo; sha: string } {
  const repo = new TestRepo();
  repos.push(repo);
  repo.write(".provenance.yml", POLICY).write("evals/t.yaml", "a: 1\n").commit("Initial");
  repo.git("checkout", "-q", "-b", "feature");
  const sha = repo.write("evals/t.yaml", "a: 1\nb: 2\nc: 3\n").commit("Add two eval cases");
  return { repo, sha };
}

function addNote(repo: TestRepo, ref: string, sha: string, text: string): void {
  execFileSync("git", ["notes", `--ref=${ref}`, "add", "-f", "-F", "-", sha], { cwd: repo.dir, input: text, env: GIT_ENV });
}

const GIT_AI_NOTE = `evals/t.yaml
  s_c9883b05a2487d::t_9f8e7d6c5b4a32 2-3
---
{"schema_version":"authorship/3.0.0","base_commit_sha":"x","prompts":{},"sessions":{"s_c9883b05a2487d":{"agent_id":{"tool":"cursor","id":"c1","model":"gpt-5"}}}}
`;

const trace = (revision: string) =>
  JSON.stringify({ version: "1.0", id: "t-1", vcs: { type: "git", revision }, tool: { name: "claude-code" }, files: [{ path: "evals/t.yaml", conversations: [{ contributor: { type: "ai" }, ranges: [{ start_line: 2, end_line: 3 }] }] }] });

describe("check: attestations outside the message mark commits", () => {
  it("passes without them (the control)", async () => {
    const { repo } = branchWithHumanLookingCommit();
    const r = await check(repo.dir);
    expect(r.code).toBe(0);
  });

  it("blocks on a git-ai note naming an AI session", async () => {
    const { repo, sha } = branchWithHumanLookingCommit();
    addNote(repo, "refs/notes/ai", sha, GIT_AI_NOTE);
    const r = await check(repo.dir);
    expect(r.code).toBe(1);
    const verdict = JSON.parse(r.stdout);
    expect(verdict.ai.signals).toEqual([
      expect.objectContaining({ tool: "cursor", kind: "git-ai-note", commit: sha, evidence: "refs/notes/ai: session s_c9883b05a2487d (cursor, gpt-5), 2 lines in evals/t.yaml" }),
    ]);
    expect(verdict.rules.find((x: { name: string }) => x.name === "independent-review").status).toBe("pending");
  });

  it("blocks on an Agent Trace note", async () => {
    const { repo, sha } = branchWithHumanLookingCommit();
    addNote(repo, "refs/notes/agent-trace", sha, trace(sha));
    const r = await check(repo.dir);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).ai.signals.map((s: { tool: string; kind: string }) => `${s.tool} ${s.kind}`)).toEqual(["claude-code agent-trace"]);
  });

  it("blocks on a record in the traces file at the head naming the commit", async () => {
    const { repo, sha } = branchWithHumanLookingCommit();
    repo.write(".agent-trace/traces.jsonl", `${trace(sha.slice(0, 12))}\n`).commit("Record the trace");
    const r = await check(repo.dir);
    expect(r.code).toBe(1);
    const signals = JSON.parse(r.stdout).ai.signals;
    expect(signals).toEqual([expect.objectContaining({ tool: "claude-code", kind: "agent-trace", commit: sha })]);
  });

  it("a malformed note is a warning, and the rest is still judged", async () => {
    const { repo, sha } = branchWithHumanLookingCommit();
    addNote(repo, "refs/notes/ai", sha, "evals/t.yaml\n  s_1 oops\n---\n{\"schema_version\":\"authorship/3.0.0\"}");
    const r = await check(repo.dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`provenance-gate: warning: refs/notes/ai on ${sha.slice(0, 7)}: line 2: unreadable line ranges "oops" (ignored)\n`);
  });
});
