/**
 * The stretches of plain commits between AI-marked ones, through the real app path (the sandbox
 * GitHub over HTTP, the real Probot server, signed webhooks). Each stretch is read with one
 * `compare` only where what it carries could change the judgement (`stretchesCanMatter` in
 * `build-snapshot.ts`): the attacks below are moves only a stretch's comparison shows, and each
 * still ends where the whole read ends; the twins show the comparisons left unread.
 */
import { describe, expect, it } from "vitest";
import { useSandboxApp } from "./helpers/sandbox-app.js";
import { CLAUDE_TRAILER, DEMO_POLICY } from "../src/sandbox/story.js";
import type { CommitSpec } from "../src/sandbox/state.js";

const env = useSandboxApp();

const claude = (files: CommitSpec["files"]): CommitSpec => ({ message: `Draft\n\n${CLAUDE_TRAILER}`, author: "carol", files });
const person = (author: string, files: CommitSpec["files"]): CommitSpec => ({ message: "By hand", author, files });
const added = (filename: string, content = `${filename} by its author\n`) => ({ filename, status: "added" as const, content });
const modified = (filename: string, content: string) => ({ filename, status: "modified" as const, content });
const renamed = (previous_filename: string, filename: string, content?: string) => ({ filename, status: "renamed" as const, previous_filename, ...(content ? { content } : {}) });

/** What Claude writes to scratch/: long enough that an edited copy is still recognisably it. */
const AI_TEXT = "def score(answer):\n    # written by the AI\n    return answer.strip() == 'yes'\n";
const EDITED = `${AI_TEXT}# tidied by hand\n`;

/** The demo's policy and any change in evals/ judged as a whole: its contributors cannot approve it. */
const ANY_CHANGE_POLICY = `${DEMO_POLICY}  - name: any-change-in-eval
    classes: [eval]
    when: any-change
    require:
      approvals: 1
`;

const COMPARE = "repos.compareCommitsWithBasehead";

async function open(repo: string, commits: CommitSpec[], policy = DEMO_POLICY) {
  env.sb.createRepo({ repo, files: { ".provenance.yml": policy, "README.md": "hi\n" }, collaborators: { bob: "write", carol: "write" } });
  env.sb.resetCounters();
  const { number, head_sha } = await env.sb.openPullRequest(repo, { author: "carol", head: "feature", commits });
  return { number, run: env.sb.latestCheckRun(repo, head_sha)!, reads: env.sb.requestCounters().byOperation };
}

async function approve(repo: string, number: number, login: string) {
  env.sb.resetCounters();
  await env.sb.submitReview(repo, number, login, "APPROVE");
  return { run: env.sb.latestCheckRun(repo, env.sb.pull(repo, number).head_sha)!, reads: env.sb.requestCounters().byOperation };
}

describe("plain stretches whose moves could change the judgement are read", () => {
  it("attack: a stretch renames Claude's scratch/score.py into evals/ with edits, a later stretch re-creates scratch/score.py with Claude's bytes: needs an approval", async () => {
    // At the head every path an AI-marked commit wrote holds that commit's blob, written by it
    // alone: only the first stretch's comparison says where Claude's code went.
    const { run, reads } = await open("acme/stretch-rename-recreate", [
      claude([added("scratch/score.py", AI_TEXT)]),
      person("carol", [renamed("scratch/score.py", "evals/score.py", EDITED)]),
      person("carol", [added("src/a.py")]),
      claude([added("scratch/notes.md")]),
      person("carol", [added("scratch/score.py", AI_TEXT)]),
      person("carol", [added("src/b.py")]),
    ]);
    expect(run.conclusion).toBe("action_required");
    expect(run.output.title).toBe("Needs 1 independent approval for AI-assisted changes in eval");
    expect(run.annotations.map((a) => a.path)).toContain("evals/score.py");
    expect(reads[COMPARE]).toBe(2);
  });

  it("attack: a stretch copies Claude's scratch/score.py unchanged to evals/, a later stretch edits the copy: needs an approval", async () => {
    // The copy's blob is Claude's only in the first stretch's comparison; at the head it is edited.
    const { run, reads } = await open("acme/stretch-copy-edit", [
      claude([added("scratch/score.py", AI_TEXT)]),
      person("carol", [added("evals/score.py", AI_TEXT)]),
      person("carol", [added("src/a.py")]),
      claude([added("scratch/notes.md")]),
      person("carol", [modified("evals/score.py", EDITED)]),
      person("carol", [added("src/b.py")]),
    ]);
    expect(run.conclusion).toBe("action_required");
    expect(run.output.title).toBe("Needs 1 independent approval for AI-assisted changes in eval");
    expect(run.annotations.map((a) => a.path)).toContain("evals/score.py");
    expect(reads[COMPARE]).toBe(2);
  });

  it("twin: the same commits without the copy: success, after reading the stretches", async () => {
    const { run, reads } = await open("acme/stretch-copy-edit-twin", [
      claude([added("scratch/score.py", AI_TEXT)]),
      person("carol", [added("evals/score.py", "def score(answer): return True\n")]),
      person("carol", [added("src/a.py")]),
      claude([added("scratch/notes.md")]),
      person("carol", [modified("evals/score.py", "def score(answer): return False\n")]),
      person("carol", [added("src/b.py")]),
    ]);
    expect(run.conclusion).toBe("success");
    expect(reads[COMPARE]).toBe(2);
  });

  it("attack: under an any-change rule, a stretch renames bob's src/helper.py into evals/, then bob approves: bob is a contributor and not counted", async () => {
    const repo = "acme/stretch-approver-move";
    const { number } = await open(repo, [
      person("bob", [added("src/helper.py", AI_TEXT)]),
      person("carol", [renamed("src/helper.py", "evals/helper.py", EDITED)]),
      person("carol", [added("src/x.py")]),
    ], ANY_CHANGE_POLICY);
    const { run, reads } = await approve(repo, number, "bob");
    expect(run.conclusion).toBe("action_required");
    expect(run.output.summary).toContain("@bob authored");
    expect(reads[COMPARE]).toBe(1);
    expect(run.output.summary).not.toContain("not read: nothing they could carry");
  });
});

describe("plain stretches that cannot change the judgement are left unread", () => {
  it("a stretch renames Claude's scratch/score.py into evals/ unchanged: the head's blob is Claude's, so it needs an approval without any comparison", async () => {
    const { run, reads } = await open("acme/stretch-rename-same-blob", [
      claude([added("scratch/score.py", AI_TEXT)]),
      person("carol", [renamed("scratch/score.py", "evals/score.py")]),
      person("carol", [added("src/a.py")]),
      claude([added("scratch/notes.md")]),
    ]);
    expect(run.conclusion).toBe("action_required");
    expect(run.output.title).toBe("Needs 1 independent approval for AI-assisted changes in eval");
    expect(run.annotations.map((a) => a.path)).toEqual(["evals/score.py"]);
    expect(reads[COMPARE]).toBeUndefined();
    // The report says what it did not read, and what that leaves out.
    expect(run.output.summary).toContain("1 stretch of plain commits after AI-marked ones was not read: nothing they could carry changes this result.");
  });

  it("twin: Claude writes evals/ and data/ itself, plain stretches between: needs an approval, then bob's counts, without any comparison", async () => {
    const repo = "acme/stretch-unread";
    const { number, run, reads } = await open(repo, [
      claude([added("evals/t1.yaml", "task: by the AI\n")]),
      person("carol", [added("src/a.py")]),
      person("carol", [renamed("src/a.py", "evals/a.py")]),
      claude([added("data/rows.csv", "a,b\n")]),
      person("carol", [added("src/b.py")]),
      person("carol", [modified("evals/t1.yaml", "task: by the AI, tidied\n")]),
    ]);
    expect(run.conclusion).toBe("action_required");
    expect(run.output.title).toBe("Needs 1 independent approval for AI-assisted changes in data, eval");
    expect(reads[COMPARE]).toBeUndefined();
    expect(run.output.summary).toContain("2 stretches of plain commits after AI-marked ones were not read");
    const approved = await approve(repo, number, "bob");
    expect(approved.run.conclusion).toBe("success");
    expect(approved.reads[COMPARE]).toBeUndefined();
  });
});
