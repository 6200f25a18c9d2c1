/**
 * Adversarial scenarios (issue 5 item 1), each through the real app path: a webhook delivered to a
 * real Probot instance, GitHub mocked with nock, the posted check run's conclusion asserted. Every
 * scenario has a legitimate twin (passes, or is blocked for the right reason) and an exploit twin
 * (the attack), and is named for the attack. docs/security.md cites these names.
 */
import { describe, expect, it } from "vitest";
import { AI_SHA, HEAD, HUMAN_SHA, POLICY, PUSHED, REVIEWED, guardGitHubMocks } from "./fixtures/github/harness.js";
import {
  aiCommit,
  humanCommit,
  review,
  runScenario,
  runTwin,
  sha,
  type AttackEvent,
  type Scenario,
  type Twin,
} from "./helpers/attack.js";
import { assertConclusion } from "../src/app/publish.js";

// Every twin also asserts that each of its mocks was used (helpers/attack.ts).
guardGitHubMocks({ activity: false });

// ---------- policies ----------

const LAX_POLICY = `version: 1
classes:
  data: ["data/**"]
rules:
  - name: data-review
    classes: [data]
    require:
      approvals: 1
`;

const ANY_CHANGE_POLICY = `version: 1
classes:
  eval: ["evals/**"]
rules:
  - name: any-eval-change
    classes: [eval]
    when: any-change
    require:
      approvals: 1
`;

const externalPolicy = (internal: boolean) => `version: 1
classes:
  eval: ["evals/**"]
${internal ? `ai:
  tools:
    metacode:
      trust: internal
      trailers: ["Assisted-by: MetaCode"]
` : ""}rules:
  - name: external-ai-review
    classes: [eval]
    when: external-ai
    require:
      approvals: 1
      from: ["carol"]
`;

const fromPolicy = (from: string[], approvals = 1) => `version: 1
classes:
  eval: ["evals/**"]
  data: ["data/**"]
ai:
  tools:
    metacode:
      bots: ["metacode-helper"]
      emails: ["metacode@corp.example"]
rules:
  - name: owners-review
    classes: [eval, data]
    require:
      approvals: ${approvals}
      from: ${JSON.stringify(from)}
`;

const FORBID_POLICY = `version: 1
classes:
  eval: ["evals/**"]
rules:
  - name: no-claude-in-evals
    classes: [eval]
    when: external-ai
    tools: [claude-code]
    forbid: true
`;

const SPELLING_POLICY = `version: 1
classes:
  eval: ["./evals/**"]
  data: ["/données/**"]
rules:
  - name: independent-review
    classes: [eval, data]
    require:
      approvals: 1
`;

const BROKEN_POLICY = "version: 1\nclases:\n  eval: ['evals/**']\nrules: []\n";
const ALIAS_BOMB = `version: 1
a: &a ["x","x","x","x","x","x","x","x","x"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: [*e,*e,*e,*e,*e,*e,*e,*e,*e]
`;
const DOCS_ONLY_POLICY = `version: 1
classes:
  docs: ["docs/**"]
rules:
  - name: docs-review
    classes: [docs]
    require:
      approvals: 1
`;

// ---------- building blocks ----------

const NEW_HEAD = "4".repeat(40);
const SYNC: AttackEvent = { kind: "pull_request", action: "synchronize" };
const REVIEW: AttackEvent = { kind: "review", action: "submitted" };
const EVAL = "evals/tasks/t1.yaml";
const file = (filename: string, status = "modified", previous_filename?: string) => ({ filename, status, ...(previous_filename ? { previous_filename } : {}) });
const BOB = [review("bob")];
const NOBODY: Twin = { reviews: [] };
/** One AI-marked commit on one file. */
const aiOn = (path: string, status = "modified", previous?: string): Twin => ({
  files: [file(path, status, previous)],
  commits: [aiCommit(AI_SHA, [path])],
});
/** The typical PR's commits with the AI commit authored by someone else. */
const aiBy = (author: { name: string; email: string; login: string | null }, extra: Partial<ReturnType<typeof aiCommit>> = {}): Twin => ({
  files: [file(EVAL)],
  commits: [aiCommit(AI_SHA, [EVAL], { author, ...extra })],
});
const DAVE = { name: "Dave", email: "dave@acme.example", login: "dave" };
const ERIN = { name: "Erin", email: "erin@acme.example", login: "erin" };
const AFTER_FORCE_PUSH = [
  { id: 7, external_id: "42", started_at: "2026-11-20T11:30:00Z" },
  { id: 8, external_id: "42", started_at: "2026-11-20T11:50:00Z" },
];
const pending = (rule: string) => new RegExp(`${rule}[^\\n]*pending`);
const notCounted = (login: string, why: string) => new RegExp(`@${login}[^\\n]*${why}`, "i");

// ---------- the scenarios ----------

const policyScenarios: Scenario[] = [
  {
    attack: "a PR edits .provenance.yml to weaken its own policy",
    event: SYNC,
    base: {
      files: [file(EVAL), file(".provenance.yml")],
      commits: [humanCommit(HUMAN_SHA, [".provenance.yml"]), aiCommit(AI_SHA, [EVAL])],
      headPolicy: DOCS_ONLY_POLICY,
    },
    legit: { reviews: BOB },
    exploit: NOBODY,
    expected: { legit: "success", exploit: "action_required" },
    // The base policy still judges the eval change, and the floor rule the policy change.
    summary: [pending("independent-review"), pending("provenance-policy")],
  },
  {
    attack: "a change to .provenance.yml alone without an approval (floor rule)",
    event: SYNC,
    base: { files: [file(".provenance.yml")], commits: [humanCommit(HUMAN_SHA, [".provenance.yml"])], headPolicy: POLICY },
    legit: { reviews: BOB },
    exploit: NOBODY,
    expected: { legit: "success", exploit: "action_required" },
    summary: [pending("provenance-policy"), /the change to \.provenance\.yml/],
  },
  {
    attack: "a PR's own .provenance.yml is broken",
    event: SYNC,
    base: { files: [file(".provenance.yml")], commits: [humanCommit(HUMAN_SHA, [".provenance.yml"])], reviews: BOB },
    legit: { headPolicy: POLICY },
    exploit: { headPolicy: "version: 1\nclasses:\n  eval: []\nrules:\n  - name: x\n    classes: [evil]\n" },
    expected: { legit: "success", exploit: "failure" },
    summary: [/\.provenance\.yml:\d+:\d+/],
    check: ({ judged }) => expect(judged!.output.annotations.some((a: any) => a.path === ".provenance.yml" && a.annotation_level === "failure")).toBe(true),
  },
  {
    attack: "a PR's edited policy declares its own AI tool internal",
    event: SYNC,
    base: { reviews: BOB },
    // Legit: the base policy declares MetaCode internal, so the external-AI rule does not apply.
    legit: {
      policy: externalPolicy(true),
      files: [file(EVAL)],
      commits: [{ sha: AI_SHA, message: "Tune eval\n\nAssisted-by: MetaCode v2", files: [EVAL] }],
    },
    // Exploit: the same declaration in the PR's own .provenance.yml must not take effect.
    exploit: {
      policy: externalPolicy(false),
      files: [file(EVAL), file(".provenance.yml")],
      commits: [
        { sha: AI_SHA, message: "Tune eval\n\nAssisted-by: MetaCode v2", files: [EVAL] },
        humanCommit(HUMAN_SHA, [".provenance.yml"]),
      ],
      headPolicy: externalPolicy(true),
    },
    expected: { legit: "success", exploit: "action_required" },
    summary: [pending("external-ai-review"), /carol/],
  },
  {
    attack: "a PR deletes .provenance.yml",
    event: SYNC,
    base: { files: [file(".provenance.yml", "removed")], commits: [humanCommit(HUMAN_SHA, [".provenance.yml"])] },
    legit: { reviews: BOB },
    exploit: NOBODY,
    expected: { legit: "success", exploit: "action_required" },
    summary: [pending("provenance-policy")],
  },
  {
    attack: "a .provenance.yml in a subdirectory posing as the policy",
    event: SYNC,
    base: { reviews: [] },
    // A nested file is neither the policy nor under the floor rule: changing it alone needs nothing.
    legit: { files: [file("sub/.provenance.yml")], commits: [humanCommit(HUMAN_SHA, ["sub/.provenance.yml"])] },
    // ...and it exempts nothing: the root policy still judges the AI eval change.
    exploit: {
      files: [file("sub/.provenance.yml"), file(EVAL)],
      commits: [humanCommit(HUMAN_SHA, ["sub/.provenance.yml"]), aiCommit(AI_SHA, [EVAL])],
    },
    expected: { legit: "success", exploit: "action_required" },
    summary: [pending("independent-review")],
  },
  {
    attack: "a repository without its own policy escapes the organisation's .github policy",
    event: SYNC,
    base: { reviews: [], fallback: POLICY },
    legit: { policy: LAX_POLICY },
    exploit: { policy: null },
    expected: { legit: "success", exploit: "action_required" },
    summary: [/acme\/\.github:\.provenance\.yml/],
  },
  {
    attack: "a broken base policy to make the app fail open",
    event: SYNC,
    policy: BROKEN_POLICY,
    base: aiOn("src/util.ts"),
    legit: { reviews: BOB },
    exploit: NOBODY,
    expected: { legit: "success", exploit: "action_required" },
    summary: [/policy is broken/i, /strict fallback/i],
  },
  {
    attack: "a YAML alias bomb as the base policy",
    event: SYNC,
    policy: ALIAS_BOMB,
    base: aiOn("src/util.ts"),
    legit: { reviews: BOB },
    exploit: NOBODY,
    expected: { legit: "success", exploit: "action_required" },
    summary: [/strict fallback/i],
  },
  {
    attack: "a base policy too large for GitHub to return in full",
    event: SYNC,
    base: {
      ...aiOn("src/util.ts"),
      mutate: (data) => {
        data.repository.policy = { oid: "e".repeat(40), text: "version: 1\nclasses:\n  ev", isTruncated: true };
      },
    },
    legit: { reviews: BOB },
    exploit: NOBODY,
    expected: { legit: "success", exploit: "action_required" },
    summary: [/strict fallback/i, /too large or binary/],
  },
  {
    attack: "retargeting the base branch after a green check",
    event: { kind: "pull_request", action: "edited", changes: { base: { ref: { from: "dev" }, sha: { from: "0".repeat(40) } } } },
    base: { reviews: [], policies: { dev: LAX_POLICY, main: POLICY } },
    legit: { baseRef: "dev" },
    exploit: { baseRef: "main" },
    expected: { legit: "success", exploit: "action_required" },
    check: ({ policyExprs }) => expect(policyExprs).toEqual(["refs/heads/main:.provenance.yml"]),
  },
  {
    attack: "an event that still names the old, laxer base branch",
    event: { kind: "pull_request", action: "edited", changes: { base: { ref: { from: "dev" }, sha: { from: "0".repeat(40) } } }, payloadBaseRef: "dev" },
    base: { reviews: [], policies: { dev: LAX_POLICY, main: POLICY } },
    legit: { baseRef: "dev" },
    // GitHub's answer says the pull request now targets main: its policy must judge.
    exploit: { baseRef: "main" },
    expected: { legit: "success", exploit: "action_required" },
    check: ({ policyExprs }) => expect(policyExprs).toEqual(["refs/heads/dev:.provenance.yml", "refs/heads/main:.provenance.yml"]),
  },
];

const timingScenarios: Scenario[] = [
  {
    attack: "approval before the latest push",
    event: SYNC,
    legit: { reviews: [review("bob", "APPROVED", REVIEWED)] },
    exploit: { reviews: [review("bob", "APPROVED", "2026-11-20T09:00:00Z")] },
    expected: { legit: "success", exploit: "action_required" },
    summary: [notCounted("bob", "before the latest push")],
  },
  {
    attack: "approval in the same second as the push",
    event: SYNC,
    legit: { reviews: [review("bob", "APPROVED", "2026-11-20T10:00:01Z")] },
    exploit: { reviews: [review("bob", "APPROVED", PUSHED)] },
    expected: { legit: "success", exploit: "action_required" },
  },
  {
    attack: "approval before a force-push (push time from the app's latest recorded push of the new head)",
    event: REVIEW,
    base: { headSha: NEW_HEAD, runs: AFTER_FORCE_PUSH },
    // The head was pushed at 11:30 and pushed again at 11:50: only approvals after 11:50 count.
    legit: { reviews: [review("bob", "APPROVED", "2026-11-20T11:55:00Z")] },
    exploit: { reviews: [review("bob", "APPROVED", "2026-11-20T11:45:00Z")] },
    expected: { legit: "success", exploit: "action_required" },
    summary: [notCounted("bob", "before the latest push at 2026-11-20T11:50:00Z")],
  },
  {
    attack: "a review whose commit_id GitHub re-pointed to the force-pushed head",
    event: { kind: "review", action: "edited" },
    base: {
      headSha: NEW_HEAD,
      runs: [{ id: 7, external_id: "42", started_at: "2026-11-20T11:30:00Z" }],
      mutate: (data) => {
        for (const node of data.repository.pullRequest.reviews.nodes) node.commit = { oid: NEW_HEAD };
      },
    },
    legit: { reviews: [review("bob", "APPROVED", "2026-11-20T11:31:00Z")] },
    exploit: { reviews: [review("bob", "APPROVED", "2026-11-20T11:00:00Z")] },
    expected: { legit: "success", exploit: "action_required" },
    summary: [notCounted("bob", "before the latest push")],
  },
  {
    attack: "another app's run named Provenance Gate claiming an earlier push time",
    event: REVIEW,
    base: {
      runs: [
        { id: 7, external_id: "42", started_at: "2026-11-20T11:30:00Z" },
        { id: 8, external_id: "42", started_at: "2026-11-20T09:00:00Z", appId: 999 },
      ],
    },
    legit: { reviews: [review("bob", "APPROVED", "2026-11-20T11:45:00Z")] },
    exploit: { reviews: [review("bob", "APPROVED", "2026-11-20T11:00:00Z")] },
    expected: { legit: "success", exploit: "action_required" },
    // Our run (7) is updated, never the other app's (8): asserted by the PATCH mock on 7.
    check: ({ writes }) => expect(writes.map((w) => w.check_run_id)).toEqual([7]),
  },
  {
    // KNOWN BUG (red until fixed): the push time is the earliest start of our runs on the SHA,
    // so a head that was pushed before, left, and force-pushed back keeps its first push time.
    attack: "force-pushing back to an older head after an approval of a different head",
    // The head X was first pushed (and evaluated) at 09:00; the author force-pushed Y, bob approved
    // Y at 09:30, and the author force-pushed X back at 10:00 (this synchronize event).
    event: { kind: "pull_request", action: "synchronize", updatedAt: PUSHED },
    base: { runs: [{ id: 7, external_id: "42", started_at: "2026-11-20T09:00:00Z" }] },
    legit: { reviews: [review("bob", "APPROVED", "2026-11-20T10:30:00Z")] },
    exploit: { reviews: [review("bob", "APPROVED", "2026-11-20T09:30:00Z")] },
    expected: { legit: "success", exploit: "action_required" },
    summary: [notCounted("bob", "before the latest push")],
  },
  {
    attack: "editing an approval given before the push to refresh it",
    event: { kind: "review", action: "edited" },
    legit: { reviews: [review("bob", "APPROVED", REVIEWED)] },
    exploit: { reviews: [review("bob", "APPROVED", "2026-11-20T09:30:00Z")] },
    expected: { legit: "success", exploit: "action_required" },
  },
  {
    attack: "an approval while the app was down at the push (no run to date the push)",
    event: REVIEW,
    legit: { runs: [{ id: 7, external_id: "42", started_at: PUSHED }] },
    // No run on the head: the push time is taken as now, so earlier approvals cannot count.
    exploit: { runs: [] },
    expected: { legit: "success", exploit: "action_required" },
    check: ({ judged }) => expect(judged!.started_at).toBe("2026-11-20T12:00:00Z"),
  },
];

const reviewerScenarios: Scenario[] = [
  {
    attack: "approval by a bot account",
    event: SYNC,
    legit: { reviews: BOB },
    exploit: { reviews: [review("review-helper", "APPROVED", REVIEWED, { typename: "Bot" })] },
    expected: { legit: "success", exploit: "action_required" },
    summary: [notCounted("review-helper\\\\?\\[bot\\\\?\\]", "bot or AI agent")],
  },
  {
    attack: "approval by a [bot] login typed as a user",
    event: SYNC,
    legit: { reviews: BOB },
    exploit: { reviews: [review("sneaky[bot]")] },
    expected: { legit: "success", exploit: "action_required" },
    summary: [/bot or AI agent/],
  },
  {
    attack: "approval by the catalogue agent Copilot",
    event: SYNC,
    legit: { reviews: BOB },
    exploit: { reviews: [review("Copilot")] },
    expected: { legit: "success", exploit: "action_required" },
    summary: [notCounted("Copilot", "bot or AI agent")],
  },
  {
    attack: "approval by copilot-swe-agent[bot]",
    event: SYNC,
    legit: { reviews: BOB },
    exploit: { reviews: [review("copilot-swe-agent", "APPROVED", REVIEWED, { typename: "Bot" })] },
    expected: { legit: "success", exploit: "action_required" },
    summary: [/copilot-swe-agent\\?\[bot\\?\][^\n]*bot or AI agent/],
  },
  {
    attack: "approval by chatgpt-codex-connector[bot]",
    event: SYNC,
    legit: { reviews: BOB },
    exploit: { reviews: [review("chatgpt-codex-connector", "APPROVED", REVIEWED, { typename: "Bot" })] },
    expected: { legit: "success", exploit: "action_required" },
  },
  {
    attack: "approval by a read-only collaborator",
    event: SYNC,
    legit: { reviews: BOB },
    exploit: { reviews: [review("bob", "APPROVED", REVIEWED, { canPush: false })] },
    expected: { legit: "success", exploit: "action_required" },
    summary: [notCounted("bob", "read permission")],
  },
  {
    attack: "approval by the PR author",
    event: SYNC,
    legit: { reviews: BOB },
    exploit: { reviews: [review("alice")] },
    expected: { legit: "success", exploit: "action_required" },
    summary: [notCounted("alice", "AI-session author")],
  },
  {
    attack: "approval by a case-variant login of the PR author",
    event: SYNC,
    legit: { reviews: BOB },
    exploit: { reviews: [review("ALICE")] },
    expected: { legit: "success", exploit: "action_required" },
    summary: [/AI-session author/],
  },
  {
    attack: "approval by the author of an AI-marked commit",
    event: SYNC,
    base: aiBy(DAVE),
    legit: { reviews: BOB },
    exploit: { reviews: [review("dave")] },
    expected: { legit: "success", exploit: "action_required" },
    summary: [notCounted("dave", "AI-session author")],
  },
  {
    attack: "approval by the committer of an AI-marked commit",
    event: SYNC,
    base: aiBy({ name: "Alice", email: "alice@acme.example", login: "alice" }, { committer: ERIN }),
    legit: { reviews: BOB },
    exploit: { reviews: [review("erin")] },
    expected: { legit: "success", exploit: "action_required" },
    summary: [notCounted("erin", "AI-session author")],
  },
  {
    attack: "approval by a co-author of an AI-marked commit",
    event: SYNC,
    base: {
      files: [file(EVAL)],
      commits: [aiCommit(AI_SHA, [EVAL], { message: `Pair on evals\n\nCo-authored-by: Frank <4242+frank@users.noreply.github.com>\nCo-Authored-By: Claude <noreply@anthropic.com>` })],
    },
    legit: { reviews: BOB },
    exploit: { reviews: [review("frank")] },
    expected: { legit: "success", exploit: "action_required" },
    summary: [notCounted("frank", "AI-session author")],
  },
  {
    attack: "approval by a co-author named only by a plain e-mail tied to a login in the same PR",
    event: SYNC,
    base: {
      files: [file(EVAL), file("src/util.ts")],
      commits: [
        humanCommit(HUMAN_SHA, ["src/util.ts"], { author: { name: "Grace", email: "grace@acme.example", login: "grace" } }),
        aiCommit(AI_SHA, [EVAL], { message: `Evals\n\nCo-authored-by: Grace <grace@acme.example>\n${"Co-Authored-By: Claude <noreply@anthropic.com>"}` }),
      ],
    },
    legit: { reviews: BOB },
    exploit: { reviews: [review("grace")] },
    expected: { legit: "success", exploit: "action_required" },
    summary: [notCounted("grace", "AI-session author")],
  },
  {
    attack: "approval by a case-variant login of an AI commit's author",
    event: SYNC,
    base: aiBy(DAVE),
    legit: { reviews: BOB },
    exploit: { reviews: [review("DAVE")] },
    expected: { legit: "success", exploit: "action_required" },
    summary: [/AI-session author/],
  },
  {
    attack: "a forged Co-authored-by naming the reviewer (it may only exclude)",
    event: SYNC,
    base: { reviews: BOB },
    legit: aiBy({ name: "Alice", email: "alice@acme.example", login: "alice" }),
    exploit: {
      files: [file(EVAL)],
      commits: [aiCommit(AI_SHA, [EVAL], { message: `Evals\n\nCo-authored-by: Bob <77+bob@users.noreply.github.com>\n${"Co-Authored-By: Claude <noreply@anthropic.com>"}` })],
    },
    expected: { legit: "success", exploit: "action_required" },
    summary: [notCounted("bob", "AI-session author")],
  },
  {
    attack: "an approval by a deleted account",
    event: SYNC,
    legit: { reviews: BOB },
    exploit: {
      reviews: BOB,
      mutate: (data) => {
        for (const node of data.repository.pullRequest.reviews.nodes) node.author = null;
      },
    },
    expected: { legit: "success", exploit: "action_required" },
  },
  {
    attack: "a pending (unsubmitted) approval",
    event: SYNC,
    legit: { reviews: BOB },
    exploit: {
      reviews: [review("bob", "PENDING")],
      mutate: (data) => {
        for (const node of data.repository.pullRequest.reviews.nodes) node.submittedAt = null;
      },
    },
    expected: { legit: "success", exploit: "action_required" },
  },
  {
    attack: "one reviewer approving twice to meet approvals: 2",
    event: SYNC,
    policy: fromPolicy(["bob", "carol"], 2),
    legit: { reviews: [review("bob"), review("carol", "APPROVED", "2026-11-20T11:10:00Z")] },
    exploit: { reviews: [review("bob"), review("bob", "APPROVED", "2026-11-20T11:10:00Z")] },
    expected: { legit: "success", exploit: "action_required" },
    summary: [/Needs 1 approval/],
  },
  {
    attack: "a COMMENTED review passed off as an approval",
    event: REVIEW,
    // COMMENTED after an approval leaves the approval standing.
    legit: { reviews: [review("bob"), review("bob", "COMMENTED", "2026-11-20T11:10:00Z")] },
    exploit: { reviews: [review("bob", "COMMENTED")] },
    expected: { legit: "success", exploit: "action_required" },
    summary: [notCounted("bob", "only commented")],
  },
  {
    attack: "CHANGES_REQUESTED after an approval",
    event: REVIEW,
    legit: { reviews: [review("bob", "CHANGES_REQUESTED", "2026-11-20T10:30:00Z"), review("bob")] },
    exploit: { reviews: [review("bob"), review("bob", "CHANGES_REQUESTED", "2026-11-20T11:10:00Z")] },
    expected: { legit: "success", exploit: "action_required" },
    summary: [notCounted("bob", "requested changes")],
  },
  {
    attack: "DISMISSED after an approval",
    event: { kind: "review", action: "dismissed" },
    legit: { reviews: [review("bob", "DISMISSED", "2026-11-20T10:30:00Z"), review("bob")] },
    exploit: { reviews: [review("bob"), review("bob", "DISMISSED", "2026-11-20T11:10:00Z")] },
    expected: { legit: "success", exploit: "action_required" },
  },
  {
    attack: "from-team spoofing: the reviewer is not in the team",
    event: SYNC,
    policy: fromPolicy(["@acme/eval-owners"]),
    base: { reviews: [review("dave")] },
    legit: { memberships: [{ team: "acme/eval-owners", login: "dave", state: "active" }] },
    exploit: { memberships: [{ team: "acme/eval-owners", login: "dave", state: "absent" }] },
    expected: { legit: "success", exploit: "action_required" },
    summary: [/@acme\/eval-owners/],
  },
  {
    attack: "from-team spoofing: an invitation to the team not yet accepted",
    event: SYNC,
    policy: fromPolicy(["@acme/eval-owners"]),
    base: { reviews: [review("dave")] },
    legit: { memberships: [{ team: "acme/eval-owners", login: "dave", state: "active" }] },
    exploit: { memberships: [{ team: "acme/eval-owners", login: "dave", state: "pending" }] },
    expected: { legit: "success", exploit: "action_required" },
  },
  {
    attack: "a look-alike of an allowed from user (case-variant of the real one is allowed)",
    event: SYNC,
    policy: fromPolicy(["Carol"]),
    legit: { reviews: [review("carol")] },
    exploit: { reviews: [review("caro1")] },
    expected: { legit: "success", exploit: "action_required" },
  },
  {
    attack: "a bot listed in from",
    event: SYNC,
    policy: fromPolicy(["review-bot[bot]", "carol"]),
    legit: { reviews: [review("carol")] },
    exploit: { reviews: [review("review-bot", "APPROVED", REVIEWED, { typename: "Bot" })] },
    expected: { legit: "success", exploit: "action_required" },
  },
  {
    attack: "approval by a bot the config declares for an AI tool",
    event: SYNC,
    policy: fromPolicy(["bob", "metacode-helper"]),
    legit: { reviews: [review("bob")] },
    exploit: { reviews: [review("metacode-helper")] },
    expected: { legit: "success", exploit: "action_required" },
    summary: [/bot or AI agent/],
  },
];

const detectionScenarios: Scenario[] = [
  {
    attack: "AI trailers stripped by a force-push after detection (caught by any-change)",
    event: SYNC,
    policy: ANY_CHANGE_POLICY,
    base: { headSha: NEW_HEAD, files: [file(EVAL)], commits: [humanCommit(sha(1), [EVAL])] },
    legit: { reviews: BOB },
    exploit: NOBODY,
    expected: { legit: "success", exploit: "action_required" },
    summary: [pending("any-eval-change")],
  },
  {
    attack: "an AI footer added to the PR body by an edit",
    event: { kind: "pull_request", action: "edited", changes: { body: { from: "Fix evals." } } },
    base: { reviews: [], files: [file(EVAL)], commits: [humanCommit(HUMAN_SHA, [EVAL])] },
    legit: { body: "Fix evals." },
    exploit: { body: "Fix evals.\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)" },
    expected: { legit: "success", exploit: "action_required" },
    summary: [/pull request body/i],
  },
  {
    attack: "an ai-assisted label added after a green check, with no independent approval",
    event: { kind: "pull_request", action: "labeled", label: "ai-assisted" },
    base: { reviews: [], files: [file(EVAL)], commits: [humanCommit(HUMAN_SHA, [EVAL])] },
    legit: { labels: ["documentation"], event: { kind: "pull_request", action: "labeled", label: "documentation" } },
    exploit: { labels: ["ai-assisted"] },
    expected: { legit: "success", exploit: "action_required" },
    summary: [/label/i],
  },
  {
    attack: "the ai-assisted label removed after an approval, to hide commit-marked AI changes",
    event: { kind: "pull_request", action: "unlabeled", label: "ai-assisted" },
    // The only approval is the author's own: it never counts while anything is AI-assisted.
    base: { reviews: [review("alice")], labels: [] },
    legit: { files: [file(EVAL)], commits: [humanCommit(HUMAN_SHA, [EVAL])] },
    exploit: aiOn(EVAL),
    expected: { legit: "success", exploit: "action_required" },
  },
  {
    attack: "an agent bot as the PR author with human-looking commits",
    event: SYNC,
    base: { reviews: [], files: [file(EVAL)], commits: [humanCommit(HUMAN_SHA, [EVAL])] },
    legit: {},
    exploit: {
      // An agent that answers mentions worked on it: its inline review comments are read too.
      reviewComments: [],
      mutate: (data) => {
        data.repository.pullRequest.author = { login: "copilot-swe-agent", __typename: "Bot" };
      },
    },
    expected: { legit: "success", exploit: "action_required" },
  },
  {
    attack: "an agent as commit author behind a no-reply address",
    event: SYNC,
    base: { reviews: [], files: [file(EVAL)] },
    legit: { commits: [humanCommit(HUMAN_SHA, [EVAL])] },
    exploit: { reviewComments: [], commits: [humanCommit(HUMAN_SHA, [EVAL], { author: { name: "Copilot", email: "198982749+Copilot@users.noreply.github.com", login: null } })] },
    expected: { legit: "success", exploit: "action_required" },
  },
  {
    attack: "an AI co-author trailer with a renamed display name",
    event: SYNC,
    base: { reviews: [], files: [file(EVAL)] },
    // A human at an AI company's domain is not an AI.
    legit: { commits: [humanCommit(HUMAN_SHA, [EVAL], { message: "Evals\n\nCo-authored-by: Jane Doe <jane@anthropic.com>" })] },
    exploit: { commits: [humanCommit(HUMAN_SHA, [EVAL], { message: "Evals\n\nCo-authored-by: Helpful Intern <noreply@anthropic.com>" })] },
    expected: { legit: "success", exploit: "action_required" },
  },
  {
    attack: "a lower-case trailer key with CRLF line ends",
    event: SYNC,
    base: { reviews: [], files: [file(EVAL)] },
    legit: { commits: [humanCommit(HUMAN_SHA, [EVAL], { message: "Evals\r\n\r\nSigned-off-by: Alice <alice@acme.example>\r\n" })] },
    exploit: { commits: [humanCommit(HUMAN_SHA, [EVAL], { message: "Evals\r\n\r\nco-authored-by: claude <NOREPLY@ANTHROPIC.COM>\r\n" })] },
    expected: { legit: "success", exploit: "action_required" },
  },
  {
    attack: "an AI trailer buried in the middle of a squash-merge body",
    event: SYNC,
    base: { reviews: [], files: [file(EVAL)] },
    legit: { commits: [humanCommit(HUMAN_SHA, [EVAL], { message: "Squash (#9)\n\n* first\n\n* second\n\nSigned-off-by: A <a@acme.example>" })] },
    exploit: {
      commits: [humanCommit(HUMAN_SHA, [EVAL], { message: "Squash (#9)\n\n* first\n\nCo-authored-by: Claude <noreply@anthropic.com>\n\n* second\n\nSigned-off-by: A <a@acme.example>" })],
    },
    expected: { legit: "success", exploit: "action_required" },
  },
  {
    attack: "an AI-assisted trailer with a value other than no",
    event: SYNC,
    base: { reviews: [], files: [file(EVAL)] },
    legit: { commits: [humanCommit(HUMAN_SHA, [EVAL], { message: "Evals\n\nAI-assisted: no" })] },
    exploit: { commits: [humanCommit(HUMAN_SHA, [EVAL], { message: "Evals\n\nAI-assisted: yes" })] },
    expected: { legit: "success", exploit: "action_required" },
  },
  {
    attack: "an aider-authored commit (a committer-only suffix is the user's own edit)",
    event: SYNC,
    base: { reviews: [], files: [file(EVAL)] },
    legit: { commits: [humanCommit(HUMAN_SHA, [EVAL], { committer: { name: "Alice (aider)", email: "alice@acme.example", login: "alice" } })] },
    exploit: { commits: [humanCommit(HUMAN_SHA, [EVAL], { author: { name: "Alice (aider)", email: "alice@acme.example", login: "alice" } })] },
    expected: { legit: "success", exploit: "action_required" },
  },
  {
    attack: "a Codex task link in the PR body",
    event: { kind: "pull_request", action: "opened" },
    base: { reviews: [], files: [file(EVAL)], commits: [humanCommit(HUMAN_SHA, [EVAL])] },
    legit: { body: "Fix the eval tasks." },
    exploit: { body: "Fix the eval tasks.\n\nhttps://chatgpt.com/codex/tasks/task_e_0123456789abcdef" },
    expected: { legit: "success", exploit: "action_required" },
  },
  {
    attack: "external AI in a forbidden path, approved anyway",
    event: SYNC,
    policy: FORBID_POLICY,
    base: { reviews: BOB },
    legit: { files: [file(EVAL)], commits: [humanCommit(HUMAN_SHA, [EVAL])] },
    exploit: aiOn(EVAL),
    expected: { legit: "success", exploit: "failure" },
    summary: [/Forbidden/, /Claude Code/],
  },
];

const pathScenarios: Scenario[] = [
  {
    attack: "a rename into a protected path",
    event: SYNC,
    base: { reviews: [] },
    legit: aiOn("tmp/y.csv", "renamed", "tmp/x.csv"),
    exploit: aiOn("data/x.csv", "renamed", "tmp/x.csv"),
    expected: { legit: "success", exploit: "action_required" },
  },
  {
    attack: "a rename out of a protected path",
    event: SYNC,
    base: { reviews: [] },
    legit: aiOn("src/b.ts", "renamed", "src/a.ts"),
    exploit: aiOn("src/t1.yaml", "renamed", EVAL),
    expected: { legit: "success", exploit: "action_required" },
  },
  {
    attack: "deleting a protected file",
    event: SYNC,
    base: { reviews: [] },
    legit: aiOn("src/util.ts", "removed"),
    exploit: aiOn(EVAL, "removed"),
    expected: { legit: "success", exploit: "action_required" },
  },
  ...(
    [
      ["an Evals/ case spelling", "Evals/Tasks/T1.yaml", POLICY],
      ["an NFD spelling of a protected path", "donne\u0301es/x.csv", SPELLING_POLICY],
      ["a zero-width character in a protected path", "evals\u200b/t1.yaml", POLICY],
      ["./ and / spellings in the policy's patterns", "evals/t1.yaml", SPELLING_POLICY],
      ["a dotfile in a protected path", "evals/.hidden", POLICY],
      ["a file in a hidden directory of a protected path", "data/.cache/x.parquet", POLICY],
    ] as const
  ).map(([what, path, policy]): Scenario => ({
    attack: what,
    event: SYNC,
    policy,
    base: aiOn(path),
    legit: { reviews: BOB },
    exploit: NOBODY,
    expected: { legit: "success", exploit: "action_required" },
  })),
  {
    attack: "an AI change to a protected file hidden among human commits",
    event: SYNC,
    base: { reviews: [], files: [file(EVAL), file("src/util.ts")] },
    // Per-commit attribution: the AI commit only touched src/util.ts.
    legit: { commits: [humanCommit(HUMAN_SHA, [EVAL]), aiCommit(AI_SHA, ["src/util.ts"])] },
    exploit: { commits: [humanCommit(HUMAN_SHA, [EVAL]), aiCommit(AI_SHA, ["src/util.ts", EVAL])] },
    expected: { legit: "success", exploit: "action_required" },
  },
];

const manyFiles = (n: number) => Array.from({ length: n }, (_, i) => file(`src/f${i}.ts`));
const manyCommits = (n: number) => Array.from({ length: n }, (_, i) => humanCommit(sha(i + 1), [`src/f${i % 10}.ts`]));

const limitScenarios: Scenario[] = [
  {
    attack: "an empty file list while the PR says files changed",
    event: SYNC,
    legit: {},
    exploit: { files: [], changedFiles: 3 },
    expected: { legit: "success", exploit: "failure" },
    summary: [/listed 0 changed files/],
  },
  {
    attack: "more than 3,000 changed files",
    event: SYNC,
    base: { commits: [humanCommit(HUMAN_SHA, ["src/f0.ts"])], reviews: [] },
    legit: { files: manyFiles(250) },
    exploit: { files: manyFiles(3000), changedFiles: 3001 },
    expected: { legit: "success", exploit: "failure" },
    summary: [/3001 files/, /Split the pull request/],
  },
  {
    attack: "more than 250 commits with GraphQL paging that does not add up",
    event: SYNC,
    base: { commits: manyCommits(260), files: manyFiles(10), reviews: [] },
    legit: { commitPaging: "complete" },
    exploit: { commitPaging: "short" },
    expected: { legit: "success", exploit: "failure" },
    summary: [/listed 200 commits[^\n]*260/],
  },
];

const eventScenarios: Scenario[] = [
  {
    attack: "a fork PR re-run through external_id (check_run rerequested)",
    event: { kind: "check_run", action: "rerequested" },
    legit: { reviews: BOB },
    exploit: NOBODY,
    expected: { legit: "success", exploit: "action_required" },
  },
  {
    attack: "a fork PR re-evaluated through the button (requested_action, empty pull_requests)",
    event: { kind: "check_run", action: "requested_action" },
    legit: { reviews: BOB },
    exploit: NOBODY,
    expected: { legit: "success", exploit: "action_required" },
  },
  {
    attack: "a re-run request for another app's run named Provenance Gate",
    event: { kind: "check_run", action: "rerequested" },
    legit: { reviews: BOB },
    exploit: { event: { kind: "check_run", action: "rerequested", appId: 999 } },
    expected: { legit: "success", exploit: "ignored" },
  },
  {
    attack: "a check suite re-run of a fork PR",
    event: { kind: "check_suite" },
    legit: { reviews: BOB },
    exploit: NOBODY,
    expected: { legit: "success", exploit: "action_required" },
  },
  {
    attack: "a merge group whose PR head moved after queueing",
    event: { kind: "merge_group", queuedSha: HEAD },
    legit: {},
    exploit: { event: { kind: "merge_group", queuedSha: "6".repeat(40) } },
    expected: { legit: "success", exploit: "failure" },
    summary: [/6666666/, /1111111/],
  },
  {
    attack: "a merge group for a PR that does not pass",
    event: { kind: "merge_group", queuedSha: HEAD },
    legit: {},
    exploit: NOBODY,
    expected: { legit: "success", exploit: "failure" },
    summary: [/#42/],
  },
];

const scenarios: Scenario[] = [
  ...policyScenarios,
  ...timingScenarios,
  ...reviewerScenarios,
  ...detectionScenarios,
  ...pathScenarios,
  ...limitScenarios,
  ...eventScenarios,
];

describe("adversarial scenarios", () => {
  it("has at least 60 distinct attacks", () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(60);
    expect(new Set(scenarios.map((s) => s.attack)).size).toBe(scenarios.length);
  });

  it.each(scenarios.map((s) => [s.attack, s] as const))("attack: %s", async (_name, scenario) => {
    await runScenario(scenario);
  });
});

describe("known limits, shown", () => {
  it("limit: stripped AI trailers pass an ai-assisted policy (only any-change catches them)", async () => {
    const stripped: Scenario = {
      attack: "stripped trailers under ai-assisted",
      event: SYNC,
      base: { reviews: [], files: [file(EVAL)] },
      legit: { commits: [aiCommit(AI_SHA, [EVAL])] },
      exploit: { headSha: NEW_HEAD, commits: [humanCommit(sha(1), [EVAL])] },
      expected: { legit: "action_required", exploit: "success" },
    };
    // Before the force-push the AI commit blocks; after it the new head is judged on its own
    // commits, which carry no marker. docs/security.md names the any-change scenario as the cover.
    await runScenario(stripped);
  });
});

describe("duplicate deliveries", () => {
  it("attack: a replayed webhook delivery writes nothing the second time", async () => {
    const scenario: Scenario = { attack: "replay", event: SYNC, legit: {}, exploit: {}, expected: { legit: "success", exploit: "success" } };
    const first = await runTwin(scenario, {});
    expect(first.writes).toHaveLength(1);
    const body = first.writes[0];
    const replay = await runTwin(scenario, {
      noWrite: true,
      runs: [{ id: 900, external_id: "42", started_at: body.started_at, conclusion: body.conclusion, title: body.output.title, summary: body.output.summary }],
    });
    expect(replay.writes).toEqual([]);
  });
});

describe("no code path posts neutral or skipped", () => {
  it.each(["neutral", "skipped", "cancelled", "timed_out", "stale", "", "SUCCESS"])("assertConclusion refuses %j", (conclusion) => {
    expect(() => assertConclusion(conclusion)).toThrow(/Refusing to post conclusion/);
  });

  it.each(["success", "action_required", "failure"])("assertConclusion accepts %s", (conclusion) => {
    expect(() => assertConclusion(conclusion)).not.toThrow();
  });

  // Each twin's writes are checked as it runs (runTwin); here, that the table exercises all three.
  it("the scenarios expect every conclusion a check run may carry, and only those", () => {
    const expected = new Set(scenarios.flatMap((s) => [s.expected.legit, s.expected.exploit]).filter((c) => c !== "ignored"));
    expect([...expected].sort()).toEqual(["action_required", "failure", "success"]);
  });
});
