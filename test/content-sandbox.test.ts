/**
 * Attribution that follows exact content, through the real app path (SPEC §4): the GitHub loader
 * reads the blob each AI-marked commit wrote from "get a commit", the blobs a run of plain commits
 * left from its comparison, and the head's blob of each changed file in a class from the tree
 * query it already makes for modes. Over real HTTP: the sandbox GitHub, the real Probot server,
 * signed webhooks.
 */
import { describe, expect, it } from "vitest";
import { useSandboxApp } from "./helpers/sandbox-app.js";
import { CLAUDE_TRAILER, DEMO_POLICY } from "../src/sandbox/story.js";
import type { CommitSpec } from "../src/sandbox/state.js";

const env = useSandboxApp();

const AI_TASK = "task: written by the AI\n";
const claudeWrites = (filename: string, content: string): CommitSpec => ({
  message: `Draft the task\n\n${CLAUDE_TRAILER}`,
  author: "carol",
  files: [{ filename, status: "added", content }],
});
const plain = (message: string, files: CommitSpec["files"]): CommitSpec => ({ message, author: "carol", files });

async function pullRequest(repo: string, commits: CommitSpec[]) {
  const made = env.sb.createRepo({ repo, files: { ".provenance.yml": DEMO_POLICY, "README.md": "hi\n" }, collaborators: { bob: "write", carol: "write" } });
  const opened = await env.sb.openPullRequest(repo, { author: "carol", head: "feature", commits });
  const aiSha = [...made.commits.values()].find((c) => c.message.includes(CLAUDE_TRAILER))!.sha;
  return { ...opened, run: env.sb.latestCheckRun(repo, opened.head_sha)!, aiShort: aiSha.slice(0, 7) };
}

describe("attribution follows exact content on GitHub", () => {
  it("attack: a plain commit copies Claude's scratch/t1.yaml to evals/t1.yaml (GitHub lists it as added): needs an approval, naming where it came from", async () => {
    const { run, aiShort } = await pullRequest("acme/content-copy", [
      claudeWrites("scratch/t1.yaml", AI_TASK),
      plain("Add the eval task", [{ filename: "evals/t1.yaml", status: "added", content: AI_TASK }]),
    ]);
    expect(run.conclusion).toBe("action_required");
    expect(run.output.title).toBe("Needs 1 independent approval for AI-assisted changes in eval");
    expect(run.output.summary).toContain(`evals/t1.yaml has the content Claude Code wrote to scratch/t1.yaml in ${aiShort}`);
    expect(run.annotations.find((a) => a.path === "evals/t1.yaml")?.message).toBe(
      `evals/t1.yaml has the content Claude Code wrote to scratch/t1.yaml in ${aiShort}: rule "independent-review-for-ai-in-eval-and-data" needs 1 independent approval (0 counted).`,
    );
  });

  it("twin: a human's own evals/t1.yaml beside Claude's scratch/t1.yaml: success without approvals", async () => {
    const { run } = await pullRequest("acme/content-own", [
      claudeWrites("scratch/t1.yaml", AI_TASK),
      plain("Add the eval task", [{ filename: "evals/t1.yaml", status: "added", content: "task: written by carol\n" }]),
    ]);
    expect(run.conclusion).toBe("success");
  });

  it("attack: plain commits rename Claude's scratch/t1.yaml into evals/ and restore it, read as one comparison that lists evals/t1.yaml as added: needs an approval", async () => {
    const { run, aiShort } = await pullRequest("acme/content-restore", [
      claudeWrites("scratch/t1.yaml", AI_TASK),
      plain("Move the task", [{ filename: "evals/t1.yaml", status: "renamed", previous_filename: "scratch/t1.yaml" }]),
      plain("Keep the draft too", [{ filename: "scratch/t1.yaml", status: "added", content: AI_TASK }]),
    ]);
    expect(run.conclusion).toBe("action_required");
    expect(run.output.summary).toContain(`evals/t1.yaml has the content Claude Code wrote to scratch/t1.yaml in ${aiShort}`);
  });

  it("twin: an empty evals/__init__.py beside Claude's empty scratch/__init__.py, in the same run of plain commits: success (an empty file is nobody's content)", async () => {
    const { run } = await pullRequest("acme/content-empty", [
      claudeWrites("scratch/__init__.py", ""),
      plain("Package the evals", [{ filename: "evals/__init__.py", status: "added", content: "" }]),
      plain("Add the eval task", [{ filename: "evals/t1.yaml", status: "added", content: "task: written by carol\n" }]),
    ]);
    expect(run.conclusion).toBe("success");
  });
});
