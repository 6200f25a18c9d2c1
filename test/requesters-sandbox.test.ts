/**
 * Agent requesters through the real app path (SPEC §4, §5): who GitHub records asking an agent
 * for work — the actor of the timeline's assignment of Copilot, the author of a comment that
 * mentions `@claude` — is read from the main GraphQL query and cannot approve what the agent did.
 * Over real HTTP: the sandbox GitHub, the real Probot server, signed webhooks.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../src/sandbox/sandbox.js";
import { DEMO_POLICY } from "../src/sandbox/story.js";
import { useSandboxApp } from "./helpers/sandbox-app.js";

const sandboxApp = useSandboxApp();
let sb: Sandbox;
beforeAll(() => {
  sb = sandboxApp.sb;
  sb.addUser("Copilot", { type: "Bot", email: "198982749+Copilot@users.noreply.github.com" });
  sb.addUser("claude[bot]", { type: "Bot", email: "209825114+claude[bot]@users.noreply.github.com" });
});

const COLLABORATORS = { alice: "write", bob: "write", carol: "write" } as const;
let n = 0;

/**
 * Alice assigns Copilot; Copilot opens the pull request (no trailer names her), assigned to her
 * and to itself; she unassigns herself.
 */
async function copilotsPullRequest(repo: string) {
  sb.createRepo({ repo, files: { ".provenance.yml": DEMO_POLICY }, collaborators: COLLABORATORS });
  const copilot = { name: "copilot-swe-agent[bot]", email: "198982749+Copilot@users.noreply.github.com" };
  const { number } = await sb.openPullRequest(repo, { author: "Copilot", head: `copilot/fix-${++n}`, commits: [{ message: "Fix the eval task", author: copilot, files: ["evals/t1.yaml"] }] });
  await sb.assign(repo, number, "Copilot", "alice");
  await sb.assign(repo, number, "alice", "Copilot");
  await sb.unassign(repo, number, "alice", "alice");
  return number;
}

/**
 * Carol's pull request; Alice asks the Claude app on it (in the conversation, or in an inline
 * review comment), and the app pushes a commit of its own (no co-author line).
 */
async function claudeAppPush(repo: string, where: "conversation" | "inline" = "conversation") {
  sb.createRepo({ repo, files: { ".provenance.yml": DEMO_POLICY }, collaborators: COLLABORATORS });
  const { number } = await sb.openPullRequest(repo, { author: "carol", head: `feat-${++n}`, commits: [{ message: "Notes", author: "carol", files: ["README.md"] }] });
  const ask = "@claude fix this: the eval task expects the old field name.";
  if (where === "inline") sb.reviewComment(repo, number, "alice", ask, "README.md");
  else sb.comment(repo, number, "alice", ask);
  await sb.pushCommits(repo, number, [{ message: "Rename the field in the eval task", author: "claude[bot]", files: ["evals/t1.yaml"] }], "claude[bot]");
  return number;
}

/** Alice assigns Copilot an issue; Copilot's pull request closes it, and is assigned to nobody. */
async function copilotFromIssue(repo: string) {
  sb.createRepo({ repo, files: { ".provenance.yml": DEMO_POLICY }, collaborators: COLLABORATORS });
  const issue = sb.openIssue(repo, "carol", "The eval task uses the old field name");
  sb.assignIssue(repo, issue, "Copilot", "alice");
  const copilot = { name: "copilot-swe-agent[bot]", email: "198982749+Copilot@users.noreply.github.com" };
  const { number } = await sb.openPullRequest(repo, { author: "Copilot", head: `copilot/fix-${++n}`, body: `Fixes #${issue}`, commits: [{ message: "Fix the eval task", author: copilot, files: ["evals/t1.yaml"] }] });
  return number;
}

const runOf = (repo: string, number: number) => sb.latestCheckRun(repo, sb.pull(repo, number).head_sha)!;

interface Scenario {
  /** The attack (Alice approves) and its twin (Bob approves), as docs/security.md cites them. */
  attack: string;
  twin: string;
  /** Short, for repository names. */
  slug: string;
  setUp: (repo: string) => Promise<number>;
  tool: string;
}

const SCENARIOS: Scenario[] = [
  {
    attack: "Alice assigns Copilot to the issue, Copilot opens the PR, Alice unassigns herself and approves: not counted",
    twin: "Bob, who asked nothing, approves Copilot's pull request: counted",
    slug: "copilot",
    setUp: copilotsPullRequest,
    tool: "GitHub Copilot",
  },
  {
    attack: "Alice assigns Copilot the issue its pull request closes, then approves: not counted",
    twin: "Bob approves the pull request of the issue Alice assigned Copilot: counted",
    slug: "copilot-issue",
    setUp: copilotFromIssue,
    tool: "GitHub Copilot",
  },
  {
    attack: 'Alice writes "@claude fix this" on the PR, the Claude app pushes, Alice approves: not counted',
    twin: "Bob, who mentioned nobody, approves the Claude app's push: counted",
    slug: "claude",
    setUp: (repo) => claudeAppPush(repo),
    tool: "Claude Code",
  },
  {
    attack: 'Alice asks "@claude fix this" in an inline review comment, the Claude app pushes, Alice approves: not counted',
    twin: "Bob approves beside Alice's inline request: counted",
    slug: "claude-inline",
    setUp: (repo) => claudeAppPush(repo, "inline"),
    tool: "Claude Code",
  },
];

describe("the people who asked an agent, as GitHub records them", () => {
  it.each(SCENARIOS)("attack: $attack", async (s) => {
    const repo = `acme/${s.slug}-attack`;
    const number = await s.setUp(repo);
    await sb.submitReview(repo, number, "alice", "APPROVE");
    const run = runOf(repo, number);
    expect(run.conclusion).toBe("action_required");
    expect(run.output.summary).toContain(`@alice is an AI-session author: asked ${s.tool} for this pull request`);
  });

  it.each(SCENARIOS)("twin: $twin", async (s) => {
    const repo = `acme/${s.slug}-twin`;
    const number = await s.setUp(repo);
    await sb.submitReview(repo, number, "bob", "APPROVE");
    expect(runOf(repo, number).conclusion).toBe("success");
  });
});
