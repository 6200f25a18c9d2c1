/**
 * Revoked access through the real app path (SPEC §7): a collaborator removed (`member`) or a team
 * member removed (`membership`) re-evaluates the open pull requests whose result counted their
 * approval, found from the `counted=` the app keeps in its runs' hidden marker. Over real HTTP:
 * the sandbox GitHub, the real Probot server, signed webhooks.
 */
import { describe, expect, it } from "vitest";
import { useSandboxApp } from "./helpers/sandbox-app.js";
import { CLAUDE_TRAILER, DEMO_POLICY } from "../src/sandbox/story.js";
import { summaryHashes } from "../src/report/check-run.js";

const env = useSandboxApp();

const TEAM_POLICY = `version: 1
classes:
  eval: ["evals/**"]
rules:
  - name: eval-owners-review-ai
    classes: [eval]
    require:
      approvals: 1
      from: ["@acme/eval-owners"]
`;

/** Carol's AI change to evals/, approved by Bob: green, with Bob counted in the run's marker. */
async function approvedByBob(repo: string, policy = DEMO_POLICY) {
  env.sb.createRepo({ repo, files: { ".provenance.yml": policy }, collaborators: { bob: "write", carol: "write", dave: "write" } });
  const { number, head_sha } = await env.sb.openPullRequest(repo, {
    author: "carol",
    head: "feature",
    commits: [{ message: `Update the eval\n\n${CLAUDE_TRAILER}`, author: "carol", files: ["evals/t1.yaml"] }],
  });
  await env.sb.submitReview(repo, number, "bob", "APPROVE");
  const run = env.sb.latestCheckRun(repo, head_sha)!;
  expect(run.conclusion).toBe("success");
  expect(summaryHashes(run.output.summary)?.counted).toEqual(["bob"]);
  return { number, head_sha, writes: run.writes };
}

describe("a person losing access re-evaluates what their approval passed", () => {
  it("attack: Bob approves, then is removed as a collaborator: the green does not stay", async () => {
    const repo = "acme/revoked-collaborator";
    const { head_sha } = await approvedByBob(repo);
    await env.sb.removeCollaborator(repo, "bob", "acme-admin");
    const run = env.sb.latestCheckRun(repo, head_sha)!;
    expect(run.conclusion).toBe("action_required");
    expect(run.output.summary).toMatch(/@bob/);
  });

  it("twin: Dave, whose approval nothing counted, is removed: the run is left as it is", async () => {
    const repo = "acme/revoked-other";
    const { head_sha, writes } = await approvedByBob(repo);
    await env.sb.removeCollaborator(repo, "dave", "acme-admin");
    const run = env.sb.latestCheckRun(repo, head_sha)!;
    expect(run.conclusion).toBe("success");
    expect(run.writes).toBe(writes);
  });

  it("attack: Bob approves for the from-team, then leaves the team: the green does not stay", async () => {
    const repo = "acme/revoked-team";
    env.sb.addTeamMember("@acme/eval-owners", "bob");
    env.sb.addTeamMember("@acme/eval-owners", "dave");
    const { head_sha } = await approvedByBob(repo, TEAM_POLICY);
    await env.sb.removeTeamMember("@acme/eval-owners", "bob", "acme-admin");
    expect(env.sb.latestCheckRun(repo, head_sha)!.conclusion).toBe("action_required");
  });

  it("twin: Dave leaves the team; Bob's counted approval stands and the run is left as it is", async () => {
    const repo = "acme/revoked-team-other";
    env.sb.addTeamMember("@acme/eval-owners", "bob");
    env.sb.addTeamMember("@acme/eval-owners", "dave");
    const { head_sha, writes } = await approvedByBob(repo, TEAM_POLICY);
    await env.sb.removeTeamMember("@acme/eval-owners", "dave", "acme-admin");
    const run = env.sb.latestCheckRun(repo, head_sha)!;
    expect(run.conclusion).toBe("success");
    expect(run.writes).toBe(writes);
  });

  it("attack: Bob approves for the from-team, then is removed from the organisation: the green does not stay", async () => {
    const repo = "acme/revoked-organization";
    env.sb.addTeamMember("@acme/eval-owners", "bob");
    const { head_sha } = await approvedByBob(repo, TEAM_POLICY);
    await env.sb.removeOrganizationMember("acme", "bob", "acme-admin");
    expect(env.sb.latestCheckRun(repo, head_sha)!.conclusion).toBe("action_required");
  });
});
