/**
 * The independence attacks (SPEC 1.1 §2, §4) as snapshots judged by `provenance-gate evaluate`:
 * each attack is blocked (exit 1, for the reason named), and its legitimate twin passes (exit 0).
 * docs/security.md cites these names.
 */
import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run, type CliIO } from "../src/cli/main.js";

const POLICY = `version: 1
classes:
  eval: ["evals/**"]
  data: ["data/**"]
rules:
  - name: ai-in-eval-and-data
    classes: [eval, data]
    require:
      approvals: 1
  - name: any-data-change
    classes: [data]
    when: any-change
    require:
      approvals: 1
`;

const PUSHED = "2026-11-20T10:00:00Z";
const REVIEWED = "2026-11-20T11:00:00Z";
const AI_SHA = "a1".repeat(20);
const PLAIN_SHA = "b2".repeat(20);
const CLAUDE = "Co-Authored-By: Claude Opus 4.6 <noreply@anthropic.com>";

type Json = Record<string, any>;
const dir = mkdtempSync(join(tmpdir(), "independence-"));
writeFileSync(join(dir, "policy.yml"), POLICY);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const who = (login: string | null, name = login ?? "Someone", email = `${(login ?? name).toLowerCase()}@acme.example`) => ({ login, name, email, type: "User" });
const commit = (sha: string, by: Json, files: unknown[], ai = false): Json => ({
  sha,
  message: ai ? `Change\n\n${CLAUDE}` : "Change",
  author: by,
  committer: by,
  files,
});
const approval = (login: string): Json => ({ user: { login, type: "User" }, state: "APPROVED", submitted_at: REVIEWED, permission: "write" });

function snapshot(parts: { pr?: Json; files: Json[]; commits: Json[]; reviews?: Json[] }): Json {
  return {
    repository: "acme/models",
    pull_request: {
      number: 7,
      author: "carol",
      author_type: "User",
      base_ref: "main",
      head_ref: "feature",
      head_sha: "f".repeat(40),
      labels: [],
      body: "",
      last_push_at: PUSHED,
      ...parts.pr,
    },
    files: parts.files,
    commits: parts.commits,
    reviews: parts.reviews ?? [],
  };
}

let n = 0;
async function evaluateSnapshot(s: Json): Promise<{ code: number; verdict: Json }> {
  const file = `s${++n}.json`;
  writeFileSync(join(dir, file), JSON.stringify(s));
  let stdout = "";
  const io: CliIO = { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: () => true }, cwd: dir, env: {}, now: () => new Date("2026-11-21T00:00:00Z") };
  const code = await run(["evaluate", "--snapshot", file, "--config", "policy.yml", "--format", "json"], io);
  return { code, verdict: JSON.parse(stdout) };
}

interface Scenario {
  name: string;
  attack: Json;
  twin: Json;
  /** What the attack's verdict must say: a pending rule, and optionally a review not counted. */
  blockedBy: string;
  notCounted?: RegExp;
}

const mv = (from: string, to: string) => ({ filename: to, status: "renamed", previous_filename: from });
/** A commit's file entry with the blob it left (GitHub's commit file `sha`). */
const wrote = (filename: string, sha: string) => ({ filename, status: "added", sha });
const AI_BLOB = "ab".repeat(20);
const HUMAN_BLOB = "cd".repeat(20);
const EMPTY_BLOB = "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391";
const PLAIN_SHA_2 = "b3".repeat(20);

/** Jules' pull request, whose description names who started the task; its commits carry no co-author. */
function julesPullRequest(approver: string): Json {
  const jules = who(null, "google-labs-jules[bot]", "161369871+google-labs-jules[bot]@users.noreply.github.com");
  return snapshot({
    pr: { author: "google-labs-jules[bot]", author_type: "Bot", body: "Fixes the task.\n\n---\n*PR created automatically by Jules for task [123](https://jules.google.com/task/123) started by @alice*" },
    files: [{ filename: "evals/t1.yaml", status: "modified" }],
    commits: [commit(PLAIN_SHA, jules, ["evals/t1.yaml"])],
    reviews: [approval(approver)],
  });
}

/** Copilot's pull request as Alice left it: she assigned Copilot, then unassigned herself; no trailer names her. */
function copilotsPullRequest(approver: string): Json {
  const copilot = who(null, "copilot-swe-agent[bot]", "198982749+Copilot@users.noreply.github.com");
  return snapshot({
    pr: { author: "Copilot", author_type: "Bot", assignees: ["Copilot"], requesters: [{ login: "alice", agent: "Copilot", via: "assigned" }] },
    files: [{ filename: "evals/t1.yaml", status: "modified" }],
    commits: [commit(PLAIN_SHA, copilot, ["evals/t1.yaml"])],
    reviews: [approval(approver)],
  });
}

/** Carol's pull request; Alice's comment asked the Claude app, which pushed a commit of its own (no co-author line). */
function claudeAppPush(approver: string): Json {
  const claude = { login: "claude[bot]", name: "claude[bot]", email: "209825114+claude[bot]@users.noreply.github.com", type: "Bot" };
  return snapshot({
    pr: { pushers: ["claude[bot]"], requesters: [{ login: "alice", agent: "claude", via: "mentioned" }] },
    files: [{ filename: "evals/t1.yaml", status: "modified" }],
    commits: [commit(PLAIN_SHA, who("carol"), ["README.md"]), commit(AI_SHA, claude, ["evals/t1.yaml"])],
    reviews: [approval(approver)],
  });
}

const SCENARIOS: Scenario[] = [
  {
    name: "a plain commit renames AI output from scratch/ into evals/",
    attack: snapshot({ files: [{ filename: "evals/tasks/t1.yaml", status: "added" }], commits: [commit(AI_SHA, who("carol"), ["scratch/t1.yaml"], true), commit(PLAIN_SHA, who("carol"), [mv("scratch/t1.yaml", "evals/tasks/t1.yaml")])] }),
    twin: snapshot({ files: [{ filename: "evals/tasks/t1.yaml", status: "added" }], commits: [commit(AI_SHA, who("carol"), ["scratch/notes.md"], true), commit(PLAIN_SHA, who("carol"), [mv("scratch/t1.yaml", "evals/tasks/t1.yaml")])] }),
    blockedBy: "ai-in-eval-and-data",
  },
  {
    name: "git mv drafts/ evals/ after an AI commit wrote the drafts",
    attack: snapshot({
      files: [{ filename: "evals/a.yaml", status: "added" }, { filename: "evals/b.yaml", status: "added" }],
      commits: [commit(AI_SHA, who("carol"), ["drafts/a.yaml", "drafts/b.yaml"], true), commit(PLAIN_SHA, who("carol"), [mv("drafts/a.yaml", "evals/a.yaml"), mv("drafts/b.yaml", "evals/b.yaml")])],
    }),
    twin: snapshot({
      files: [{ filename: "evals/a.yaml", status: "added" }, { filename: "evals/b.yaml", status: "added" }],
      commits: [commit(AI_SHA, who("carol"), ["src/helper.py"], true), commit(PLAIN_SHA, who("carol"), [mv("drafts/a.yaml", "evals/a.yaml"), mv("drafts/b.yaml", "evals/b.yaml")])],
    }),
    blockedBy: "ai-in-eval-and-data",
  },
  {
    name: "a case-only rename EVALS/ → evals/",
    attack: snapshot({ files: [{ filename: "evals/t1.yaml", status: "added" }], commits: [commit(AI_SHA, who("carol"), ["EVALS/t1.yaml"], true), commit(PLAIN_SHA, who("carol"), ["EVALS/t1.yaml", "evals/t1.yaml"])] }),
    twin: snapshot({ files: [{ filename: "evals/t1.yaml", status: "added" }], commits: [commit(AI_SHA, who("carol"), ["EVALS-notes.md"], true), commit(PLAIN_SHA, who("carol"), ["evals/t1.yaml"])] }),
    blockedBy: "ai-in-eval-and-data",
  },
  {
    name: "a plain commit copies AI output from scratch/ into evals/ (git lists it as added)",
    attack: snapshot({
      files: [{ filename: "evals/t1.yaml", status: "added", sha: AI_BLOB }, { filename: "scratch/t1.yaml", status: "added", sha: AI_BLOB }],
      commits: [commit(AI_SHA, who("carol"), [wrote("scratch/t1.yaml", AI_BLOB)], true), commit(PLAIN_SHA, who("carol"), [wrote("evals/t1.yaml", AI_BLOB)])],
    }),
    twin: snapshot({
      files: [{ filename: "evals/t1.yaml", status: "added", sha: HUMAN_BLOB }, { filename: "scratch/t1.yaml", status: "added", sha: AI_BLOB }],
      commits: [commit(AI_SHA, who("carol"), [wrote("scratch/t1.yaml", AI_BLOB)], true), commit(PLAIN_SHA, who("carol"), [wrote("evals/t1.yaml", HUMAN_BLOB)])],
    }),
    blockedBy: "ai-in-eval-and-data",
  },
  {
    name: "plain commits rename AI output into evals/ and restore scratch/, read as one net change",
    attack: snapshot({
      files: [{ filename: "evals/t1.yaml", status: "added", sha: AI_BLOB }],
      commits: [commit(AI_SHA, who("carol"), [wrote("scratch/t1.yaml", AI_BLOB)], true), commit(PLAIN_SHA, who("carol"), [wrote("evals/t1.yaml", AI_BLOB)]), commit(PLAIN_SHA_2, who("carol"), [wrote("evals/t1.yaml", AI_BLOB)])],
    }),
    twin: snapshot({
      files: [{ filename: "evals/__init__.py", status: "added", sha: EMPTY_BLOB }],
      commits: [commit(AI_SHA, who("carol"), [wrote("scratch/__init__.py", EMPTY_BLOB)], true), commit(PLAIN_SHA, who("carol"), [wrote("evals/__init__.py", EMPTY_BLOB)]), commit(PLAIN_SHA_2, who("carol"), [wrote("evals/__init__.py", EMPTY_BLOB)])],
    }),
    blockedBy: "ai-in-eval-and-data",
  },
  {
    name: "Mallory pushes an AI commit under Carol's identity to Carol's pull request, then approves",
    attack: snapshot({ pr: { pushers: ["mallory"] }, files: [{ filename: "evals/t1.yaml", status: "modified" }], commits: [commit(AI_SHA, who("carol"), ["evals/t1.yaml"], true)], reviews: [approval("mallory")] }),
    twin: snapshot({ pr: { pushers: ["mallory"] }, files: [{ filename: "evals/t1.yaml", status: "modified" }], commits: [commit(AI_SHA, who("carol"), ["evals/t1.yaml"], true)], reviews: [approval("bob")] }),
    blockedBy: "ai-in-eval-and-data",
    notCounted: /^@mallory is an AI-session author: pushed to the head branch$/,
  },
  {
    name: "Mallory pushes a commit under a tool's identity (no person at all), then approves",
    attack: snapshot({ pr: { pushers: ["carol", "mallory"] }, files: [{ filename: "evals/t1.yaml", status: "modified" }], commits: [commit(AI_SHA, who(null, "Claude", "noreply@anthropic.com"), ["evals/t1.yaml"])], reviews: [approval("mallory")] }),
    twin: snapshot({ pr: { pushers: ["carol"] }, files: [{ filename: "evals/t1.yaml", status: "modified" }], commits: [commit(AI_SHA, who(null, "Claude", "noreply@anthropic.com"), ["evals/t1.yaml"])], reviews: [approval("mallory")] }),
    blockedBy: "ai-in-eval-and-data",
    notCounted: /^@mallory is an AI-session author: pushed to the head branch$/,
  },
  {
    name: "Mallory's second account opens Mallory's own policy change; Mallory approves",
    attack: snapshot({ pr: { author: "mallory-two" }, files: [{ filename: ".provenance.yml", status: "modified" }], commits: [commit(PLAIN_SHA, who("mallory"), [".provenance.yml"])], reviews: [approval("mallory")] }),
    twin: snapshot({ pr: { author: "mallory-two" }, files: [{ filename: ".provenance.yml", status: "modified" }], commits: [commit(PLAIN_SHA, who("mallory"), [".provenance.yml"])], reviews: [approval("bob")] }),
    blockedBy: "provenance-policy",
    notCounted: /^@mallory authored and committed b2b2b2b, which changes \.provenance\.yml$/,
  },
  {
    name: "Dave's second account opens Dave's own data change under an any-change rule; Dave approves",
    attack: snapshot({ pr: { author: "dave-two" }, files: [{ filename: "data/x.csv", status: "modified" }], commits: [commit(PLAIN_SHA, who("dave"), ["data/x.csv"])], reviews: [approval("dave")] }),
    twin: snapshot({ pr: { author: "dave-two" }, files: [{ filename: "data/x.csv", status: "modified" }], commits: [commit(PLAIN_SHA, who("dave"), ["data/x.csv"])], reviews: [approval("erin")] }),
    blockedBy: "any-data-change",
    notCounted: /^@dave authored and committed b2b2b2b, which changes data\/x\.csv$/,
  },
  {
    name: "Devin's pull request says `Requested by: @alice`; Alice approves",
    attack: snapshot({
      pr: { author: "devin-ai-integration[bot]", author_type: "Bot", body: "Link to Devin run: https://app.devin.ai/sessions/0a1b\nRequested by: Alice (@alice)" },
      files: [{ filename: "evals/t1.yaml", status: "modified" }],
      commits: [commit(PLAIN_SHA, who("devin-ai-integration[bot]"), ["evals/t1.yaml"])],
      reviews: [approval("alice")],
    }),
    twin: snapshot({
      pr: { author: "devin-ai-integration[bot]", author_type: "Bot", body: "Link to Devin run: https://app.devin.ai/sessions/0a1b\nRequested by: Alice (@alice)" },
      files: [{ filename: "evals/t1.yaml", status: "modified" }],
      commits: [commit(PLAIN_SHA, who("devin-ai-integration[bot]"), ["evals/t1.yaml"])],
      reviews: [approval("bob")],
    }),
    blockedBy: "ai-in-eval-and-data",
    notCounted: /^@alice is an AI-session author: asked Devin for this pull request$/,
  },
  {
    name: "Devin's pull request links the requester's profile, `Requested by: [Alice](https://github.com/alice)`; Alice approves",
    attack: snapshot({
      pr: { author: "devin-ai-integration[bot]", author_type: "Bot", body: "Link to Devin run: https://app.devin.ai/sessions/0a1b\nRequested by: [Alice](https://github.com/alice)" },
      files: [{ filename: "evals/t1.yaml", status: "modified" }],
      commits: [commit(PLAIN_SHA, who("devin-ai-integration[bot]"), ["evals/t1.yaml"])],
      reviews: [approval("alice")],
    }),
    twin: snapshot({
      pr: { author: "devin-ai-integration[bot]", author_type: "Bot", body: "Link to Devin run: https://app.devin.ai/sessions/0a1b\nRequested by: [Alice](https://github.com/alice)" },
      files: [{ filename: "evals/t1.yaml", status: "modified" }],
      commits: [commit(PLAIN_SHA, who("devin-ai-integration[bot]"), ["evals/t1.yaml"])],
      reviews: [approval("bob")],
    }),
    blockedBy: "ai-in-eval-and-data",
    notCounted: /^@alice is an AI-session author: asked Devin for this pull request$/,
  },
  {
    name: "Copilot's pull request is assigned to the person who asked for it; they approve",
    attack: snapshot({ pr: { author: "Copilot", author_type: "Bot", assignees: ["alice", "Copilot"] }, files: [{ filename: "evals/t1.yaml", status: "modified" }], commits: [commit(PLAIN_SHA, who("Copilot"), ["evals/t1.yaml"])], reviews: [approval("alice")] }),
    twin: snapshot({ pr: { author: "Copilot", author_type: "Bot", assignees: ["alice", "Copilot"] }, files: [{ filename: "evals/t1.yaml", status: "modified" }], commits: [commit(PLAIN_SHA, who("Copilot"), ["evals/t1.yaml"])], reviews: [approval("bob")] }),
    blockedBy: "ai-in-eval-and-data",
    notCounted: /^@alice is an AI-session author: asked GitHub Copilot for this pull request$/,
  },
  {
    name: "Jules' pull request says it was started by @alice; Alice approves",
    attack: julesPullRequest("alice"),
    twin: julesPullRequest("bob"),
    blockedBy: "ai-in-eval-and-data",
    notCounted: /^@alice is an AI-session author: asked Jules for this pull request$/,
  },
  {
    name: "Alice assigns Copilot to the issue, Copilot opens the PR, Alice unassigns herself and approves",
    attack: copilotsPullRequest("alice"),
    twin: copilotsPullRequest("bob"),
    blockedBy: "ai-in-eval-and-data",
    notCounted: /^@alice is an AI-session author: asked GitHub Copilot for this pull request$/,
  },
  {
    name: "Alice writes `@claude fix this` on Carol's PR, the Claude app pushes, Alice approves",
    attack: claudeAppPush("alice"),
    twin: claudeAppPush("bob"),
    blockedBy: "ai-in-eval-and-data",
    notCounted: /^@alice is an AI-session author: asked Claude Code for this pull request$/,
  },
  {
    name: "a plain commit turns evals/t1.yaml into a symlink to scratch/, an honest AI commit rewrites scratch/",
    attack: snapshot({
      files: [{ filename: "evals/t1.yaml", status: "changed", mode: "120000", link_target: "../scratch/t1.yaml" }, { filename: "scratch/t1.yaml", status: "modified", mode: "100644" }],
      commits: [commit(PLAIN_SHA, who("carol"), ["evals/t1.yaml"]), commit(AI_SHA, who("carol"), ["scratch/t1.yaml"], true)],
    }),
    twin: snapshot({
      files: [{ filename: "evals/t1.yaml", status: "modified", mode: "100644" }, { filename: "scratch/t1.yaml", status: "modified", mode: "100644" }],
      commits: [commit(PLAIN_SHA, who("carol"), ["evals/t1.yaml"]), commit(AI_SHA, who("carol"), ["scratch/t1.yaml"], true)],
    }),
    blockedBy: "provenance-links",
  },
  {
    name: "a submodule added under evals/",
    attack: snapshot({ files: [{ filename: "evals/vendored", status: "added", mode: "160000", link_target: "c".repeat(40) }], commits: [commit(PLAIN_SHA, who("carol"), ["evals/vendored"])] }),
    twin: snapshot({ files: [{ filename: "vendor/lib", status: "added", mode: "160000", link_target: "c".repeat(40) }], commits: [commit(PLAIN_SHA, who("carol"), ["vendor/lib"])] }),
    blockedBy: "provenance-links",
  },
];

describe("independence attacks through `provenance-gate evaluate`", () => {
  it.each(SCENARIOS)("attack: $name", async (s) => {
    const { code, verdict } = await evaluateSnapshot(s.attack);
    expect(code).toBe(1);
    expect(verdict.conclusion).toBe("action_required");
    expect(verdict.rules.find((r: Json) => r.name === s.blockedBy)?.status).toBe("pending");
    if (s.notCounted) expect(verdict.disqualified.map((d: Json) => d.reason)).toContainEqual(expect.stringMatching(s.notCounted));
  });

  it.each(SCENARIOS)("twin: $name", async (s) => {
    const { code, verdict } = await evaluateSnapshot(s.twin);
    expect(verdict.conclusion).toBe("success");
    expect(code).toBe(0);
  });

  it("a copy's verdict says where the AI content came from", async () => {
    const { verdict } = await evaluateSnapshot(SCENARIOS.find((s) => s.name.startsWith("a plain commit copies"))!.attack);
    expect(verdict.files.find((f: Json) => f.filename === "evals/t1.yaml").content_from).toEqual({ filename: "scratch/t1.yaml", commit: "a1a1a1a", tools: ["claude-code"], at_head: true });
  });

  it("the links rule names the link and its target, and is listed as not applicable when no link changed", async () => {
    const attack = await evaluateSnapshot(SCENARIOS.find((s) => s.blockedBy === "provenance-links")!.attack);
    expect(attack.verdict.title).toBe("Needs 1 independent approval for the link evals/t1.yaml → ../scratch/t1.yaml");
    const twin = await evaluateSnapshot(SCENARIOS[0].twin);
    expect(twin.verdict.rules.map((r: Json) => [r.name, r.status])).toContainEqual(["provenance-links", "not_applicable"]);
  });
});
