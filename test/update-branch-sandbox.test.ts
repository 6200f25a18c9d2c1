/**
 * GitHub's "Update branch" through the real app path (SPEC §5): a push that only adds GitHub's
 * merge of the base does not make its sender a pusher, so they may still review; a merge that
 * adds content of its own, or merges something that is not the base, keeps them one. Over real
 * HTTP: the sandbox GitHub, the real Probot server, signed webhooks.
 */
import { describe, expect, it } from "vitest";
import { useSandboxApp } from "./helpers/sandbox-app.js";
import { CLAUDE_TRAILER, DEMO_POLICY } from "../src/sandbox/story.js";
import { summaryHashes } from "../src/report/check-run.js";

const env = useSandboxApp();

/** Carol's AI change to evals/; then main moves on (a README edit). */
async function behindMain(repo: string) {
  env.sb.createRepo({ repo, files: { ".provenance.yml": DEMO_POLICY, "README.md": "# models\n" }, collaborators: { bob: "write", carol: "write" } });
  const { number } = await env.sb.openPullRequest(repo, {
    author: "carol",
    head: "feature",
    commits: [{ message: `Update the eval\n\n${CLAUDE_TRAILER}`, author: "carol", files: ["evals/t1.yaml"] }],
  });
  await env.sb.setBaseFile(repo, "README.md", "# models, updated\n", { author: "carol" });
  return number;
}

describe("GitHub's Update branch", () => {
  it("twin: Bob clicks Update branch, then approves: not a pusher, counted", async () => {
    const repo = "acme/update-branch";
    const number = await behindMain(repo);
    const { head_sha } = await env.sb.updateBranch(repo, number, "bob");
    expect(summaryHashes(env.sb.latestCheckRun(repo, head_sha)!.output.summary)?.pushers).toEqual([]);
    await env.sb.submitReview(repo, number, "bob", "APPROVE");
    expect(env.sb.latestCheckRun(repo, head_sha)!.conclusion).toBe("success");
  });

  it("attack: Bob's merge of the base adds content of his own (the web conflict editor): he pushed, not counted", async () => {
    const repo = "acme/update-branch-extra";
    const number = await behindMain(repo);
    const extra = [{ filename: "evals/t2.yaml", status: "added" as const, content: "task: mine\n" }];
    const { head_sha } = await env.sb.updateBranch(repo, number, "bob", { extra });
    await env.sb.submitReview(repo, number, "bob", "APPROVE");
    const run = env.sb.latestCheckRun(repo, head_sha)!;
    expect(run.conclusion).toBe("action_required");
    expect(run.output.summary).toContain("@bob is an AI-session author: pushed to the head branch");
  });

  it("attack: a GitHub-made merge named like Update branch that merges another branch: he pushed, not counted", async () => {
    const repo = "acme/update-branch-other";
    const number = await behindMain(repo);
    const r = env.sb.repo(repo);
    const [side] = env.sb.state.commitToBranch(r, "main", [{ message: "side", author: "bob", files: [{ filename: "evals/t3.yaml", status: "added", content: "task: side\n" }] }]);
    // Take the side commit off main again: it is on no branch the pull request merges into.
    r.branches.set("main", side.parents[0]);
    const { head_sha } = await env.sb.updateBranch(repo, number, "bob", { secondParent: side.sha });
    await env.sb.submitReview(repo, number, "bob", "APPROVE");
    expect(env.sb.latestCheckRun(repo, head_sha)!.conclusion).toBe("action_required");
  });
});
