/**
 * Many AI-marked commits read through one batched comparison of their trees instead of one
 * "get a commit" each (see `tree-walk.ts`), through the real app path: the sandbox GitHub over
 * real HTTP, the real Probot server, signed webhooks.
 */
import { describe, expect, it } from "vitest";
import { useSandboxApp } from "./helpers/sandbox-app.js";
import { CLAUDE_TRAILER, DEMO_POLICY } from "../src/sandbox/story.js";
import type { CommitSpec } from "../src/sandbox/state.js";

const env = useSandboxApp();

const claude = (files: CommitSpec["files"]): CommitSpec => ({ message: `Draft\n\n${CLAUDE_TRAILER}`, author: "carol", files });
const person = (author: string, files: CommitSpec["files"]): CommitSpec => ({ message: "By hand", author, files });
const added = (filename: string, content = `${filename} by its author\n`) => ({ filename, status: "added" as const, content });
/** Four AI-marked commits that write scratch notes: with them the app reads AI-marked commits through the walk. */
const scratch = [1, 2, 3, 4].map((n) => claude([added(`scratch/notes-${n}.md`)]));

/** The demo's policy and any change in evals/ judged as a whole: its contributors cannot approve it. */
const ANY_CHANGE_POLICY = `${DEMO_POLICY}  - name: any-change-in-eval
    classes: [eval]
    when: any-change
    require:
      approvals: 1
`;

async function open(repo: string, commits: CommitSpec[], policy = DEMO_POLICY) {
  env.sb.createRepo({ repo, files: { ".provenance.yml": policy, "README.md": "hi\n" }, collaborators: { bob: "write", carol: "write" } });
  env.sb.resetCounters();
  const { number, head_sha } = await env.sb.openPullRequest(repo, { author: "carol", head: "feature", commits });
  return { number, run: env.sb.latestCheckRun(repo, head_sha)!, reads: env.sb.requestCounters().byOperation };
}

describe("AI-marked commits read by comparing their trees", () => {
  it("attack: Claude's evals/t3.yaml among five AI-marked commits and plain ones between: needs an approval, no commit read one by one", async () => {
    const { run, reads } = await open("acme/walk-evals", [
      scratch[0],
      person("carol", [added("src/a.py")]),
      scratch[1],
      claude([added("scratch/plan.md"), added("evals/t3.yaml", "task: written by the AI\n")]),
      person("carol", [added("src/b.py")]),
      scratch[2],
      scratch[3],
    ]);
    expect(run.conclusion).toBe("action_required");
    expect(run.output.title).toBe("Needs 1 independent approval for AI-assisted changes in eval");
    expect(run.annotations.map((a) => a.path)).toEqual(["evals/t3.yaml"]);
    expect(reads["graphql:CommitTrees"]).toBe(1);
    expect(reads["repos.getCommit"]).toBeUndefined();
  });

  it("twin: the same commits with carol's own evals/t3.yaml in a plain commit: success", async () => {
    const { run } = await open("acme/walk-evals-twin", [
      scratch[0],
      person("carol", [added("src/a.py")]),
      scratch[1],
      claude([added("scratch/plan.md")]),
      person("carol", [added("evals/t3.yaml", "task: written by carol\n")]),
      scratch[2],
      scratch[3],
    ]);
    expect(run.conclusion).toBe("success");
  });

  it("attack: under an any-change rule, Claude moves bob's src/helper.py into evals/, then bob approves: the renaming commit is read with getCommit, bob is a contributor and not counted", async () => {
    const repo = "acme/walk-rename";
    const { number } = await open(repo, [
      person("bob", [added("src/helper.py", "def helper(): ...\n")]),
      ...scratch,
      claude([{ filename: "evals/helper.py", status: "renamed", previous_filename: "src/helper.py" }]),
    ], ANY_CHANGE_POLICY);
    env.sb.resetCounters();
    await env.sb.submitReview(repo, number, "bob", "APPROVE");
    const run = env.sb.latestCheckRun(repo, env.sb.pull(repo, number).head_sha)!;
    expect(run.conclusion).toBe("action_required");
    expect(run.output.summary).toContain("@bob authored");
    const reads = env.sb.requestCounters().byOperation;
    expect(reads["graphql:CommitTrees"]).toBe(1);
    expect(reads["repos.getCommit"]).toBe(1);
  });

  it("twin: under the same rule, Claude writes a new evals/helper.py beside bob's src/helper.py, then bob approves: counted", async () => {
    const repo = "acme/walk-rename-twin";
    const { number } = await open(repo, [
      person("bob", [added("src/helper.py", "def helper(): ...\n")]),
      ...scratch,
      claude([added("evals/helper.py", "def helper(): return 1\n")]),
    ], ANY_CHANGE_POLICY);
    await env.sb.submitReview(repo, number, "bob", "APPROVE");
    expect(env.sb.latestCheckRun(repo, env.sb.pull(repo, number).head_sha)!.conclusion).toBe("success");
  });
});
