/**
 * Links through the real app path (SPEC §2 `provenance-links`): the GitHub loader reads the head's
 * git mode of the changed files in a class from one tree query, and a link's target from its blob,
 * so a symlink or a submodule in `evals/` needs an approval even when no AI touched it. Over real
 * HTTP: the sandbox GitHub, the real Probot server, signed webhooks.
 */
import { describe, expect, it } from "vitest";
import { useSandboxApp } from "./helpers/sandbox-app.js";
import { CLAUDE_TRAILER, DEMO_POLICY } from "../src/sandbox/story.js";

const env = useSandboxApp();

const BASE_FILES = { ".provenance.yml": DEMO_POLICY, "evals/t1.yaml": "task: 1\n", "scratch/t1.yaml": "task: draft\n" };
const COLLABORATORS = { bob: "write", carol: "write" } as const;
const SUBMODULE_COMMIT = "5".repeat(40);

/** Carol's pull request: a plain commit (`first`), then an honest Claude-marked rewrite of scratch/. */
async function pullRequest(repo: string, first: { filename: string; status: "modified" | "added"; content: string; mode?: string }) {
  env.sb.createRepo({ repo, files: BASE_FILES, collaborators: COLLABORATORS });
  const { number, head_sha } = await env.sb.openPullRequest(repo, {
    author: "carol",
    head: "feature",
    commits: [
      { message: "Point the eval at the shared task", author: "carol", files: [first] },
      { message: `Rewrite the draft task\n\n${CLAUDE_TRAILER}`, author: "carol", files: [{ filename: "scratch/t1.yaml", status: "modified", content: "task: ai\n" }] },
    ],
  });
  return { number, head_sha };
}

const SYMLINK = { filename: "evals/t1.yaml", status: "modified" as const, mode: "120000", content: "../scratch/t1.yaml" };

describe("links in a class, read from GitHub's tree at the head", () => {
  it("attack: a plain commit turns evals/t1.yaml into a symlink to scratch/, an honest AI commit rewrites scratch/: needs an approval, naming the link", async () => {
    const repo = "acme/links-symlink";
    const { head_sha } = await pullRequest(repo, SYMLINK);
    const run = env.sb.latestCheckRun(repo, head_sha)!;
    expect(run.conclusion).toBe("action_required");
    expect(run.output.title).toBe("Needs 1 independent approval for the link evals/t1.yaml → ../scratch/t1.yaml");
    expect(run.output.summary).toContain("provenance-links");
  });

  it("twin: the same link, approved by Bob, who made none of it: success", async () => {
    const repo = "acme/links-symlink-approved";
    const { number, head_sha } = await pullRequest(repo, SYMLINK);
    await env.sb.submitReview(repo, number, "bob", "APPROVE");
    expect(env.sb.latestCheckRun(repo, head_sha)!.conclusion).toBe("success");
  });

  it("twin: a plain edit of evals/t1.yaml beside the same AI rewrite of scratch/: success without approvals (no link, no AI in evals/)", async () => {
    const repo = "acme/links-plain";
    const { head_sha } = await pullRequest(repo, { filename: "evals/t1.yaml", status: "modified", content: "task: 2\n" });
    const run = env.sb.latestCheckRun(repo, head_sha)!;
    expect(run.conclusion).toBe("success");
  });

  it("attack: a submodule added under evals/: needs an approval, naming the commit it points at", async () => {
    const repo = "acme/links-submodule";
    const { head_sha } = await pullRequest(repo, { filename: "evals/vendor", status: "added", mode: "160000", content: SUBMODULE_COMMIT });
    const run = env.sb.latestCheckRun(repo, head_sha)!;
    expect(run.conclusion).toBe("action_required");
    expect(run.output.title).toBe(`Needs 1 independent approval for the submodule evals/vendor → ${SUBMODULE_COMMIT}`);
  });

  it("twin: the submodule approved by Bob: success", async () => {
    const repo = "acme/links-submodule-approved";
    const { number, head_sha } = await pullRequest(repo, { filename: "evals/vendor", status: "added", mode: "160000", content: SUBMODULE_COMMIT });
    await env.sb.submitReview(repo, number, "bob", "APPROVE");
    expect(env.sb.latestCheckRun(repo, head_sha)!.conclusion).toBe("success");
  });
});
