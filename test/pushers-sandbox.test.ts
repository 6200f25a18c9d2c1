/**
 * Pushers through the real app path (SPEC §5, §7): each `synchronize` sender joins the pull
 * request's pushers, recorded in the hidden marker of the app's run and carried from run to run,
 * so it survives a restart (and is the same on every replica); the runs on the head before a push
 * carry it across a restart between two pushes, and GitHub's repository activity brings the
 * pushes whose `synchronize` the app never received. Over real HTTP: the sandbox GitHub, the real
 * Probot server, signed webhooks.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../src/sandbox/sandbox.js";
import { CLAUDE_TRAILER, DEMO_POLICY } from "../src/sandbox/story.js";
import { summaryHashes } from "../src/report/check-run.js";
import { useSandboxApp } from "./helpers/sandbox-app.js";

const sandboxApp = useSandboxApp();
let sb: Sandbox;
beforeAll(() => void (sb = sandboxApp.sb));

const aiCommit = (author: string, file: string) => ({ message: `Update ${file}\n\n${CLAUDE_TRAILER}`, author, files: [file] });
let n = 0;

/** Carol's pull request; Mallory pushes an AI commit under Carol's name; Carol pushes once more. */
async function mallorysPush(repo: string) {
  sb.createRepo({ repo, files: { ".provenance.yml": DEMO_POLICY }, collaborators: { bob: "write", carol: "write", mallory: "write" } });
  const { number } = await sb.openPullRequest(repo, { author: "carol", head: `feat-${++n}`, commits: [aiCommit("carol", "evals/a.yaml")] });
  await sb.pushCommits(repo, number, [aiCommit("carol", "evals/b.yaml")], "mallory");
  await sb.pushCommits(repo, number, [aiCommit("carol", "evals/c.yaml")], "carol");
  return number;
}

describe("pushers across pushes and a restart", () => {
  it("attack: Mallory pushes under Carol's name, the app restarts, Mallory approves: not counted", async () => {
    const repo = "acme/pushers-attack";
    const number = await mallorysPush(repo);
    const head = sb.pull(repo, number).head_sha;
    // Mallory pushed an earlier head; the run on the newest head still names her.
    expect(summaryHashes(sb.latestCheckRun(repo, head)!.output.summary)?.pushers).toEqual(["carol", "mallory"]);

    // A restart: a new app instance with nothing in memory, only what GitHub holds.
    await sandboxApp.restart();

    await sb.submitReview(repo, number, "mallory", "APPROVE");
    const run = sb.latestCheckRun(repo, head)!;
    expect(run.conclusion).toBe("action_required");
    expect(run.output.summary).toContain("@mallory is an AI-session author: pushed to the head branch");
    expect(summaryHashes(run.output.summary)?.pushers).toEqual(["carol", "mallory"]);
  });

  it("twin: Bob, who never pushed, approves after the restart: counted", async () => {
    const repo = "acme/pushers-twin";
    const number = await mallorysPush(repo);
    await sandboxApp.restart();
    await sb.submitReview(repo, number, "bob", "APPROVE");
    expect(sb.latestCheckRun(repo, sb.pull(repo, number).head_sha)!.conclusion).toBe("success");
  });
});

/** Carol's pull request; Mallory pushes an AI commit under Carol's name, then Carol pushes again. */
async function mallorysPushThenCarols(repo: string, mallory: { deliver: boolean; restartAfter?: boolean }) {
  sb.createRepo({ repo, files: { ".provenance.yml": DEMO_POLICY }, collaborators: { bob: "write", carol: "write", mallory: "write" } });
  const { number } = await sb.openPullRequest(repo, { author: "carol", head: `feat-${++n}`, commits: [aiCommit("carol", "evals/a.yaml")] });
  await sb.pushCommits(repo, number, [aiCommit("carol", "evals/b.yaml")], "mallory", { deliver: mallory.deliver });
  if (mallory.restartAfter) await sandboxApp.restart();
  // What Carol's push costs is counted from here.
  sb.resetCounters();
  await sb.pushCommits(repo, number, [aiCommit("carol", "evals/c.yaml")], "carol");
  return number;
}

const activityReads = () => sb.requestCounters().byOperation["repos.listActivities"] ?? 0;

describe("a push the app never heard of", () => {
  it("attack: Mallory pushes while the app is down (her synchronize is lost), Carol pushes again, Mallory approves: not counted", async () => {
    const repo = "acme/pushers-lost-attack";
    const number = await mallorysPushThenCarols(repo, { deliver: false });
    await sb.submitReview(repo, number, "mallory", "APPROVE");
    const run = sb.latestCheckRun(repo, sb.pull(repo, number).head_sha)!;
    expect(run.conclusion).toBe("action_required");
    expect(run.output.summary).toContain("@mallory is an AI-session author: pushed to the head branch");
    expect(summaryHashes(run.output.summary)).toMatchObject({ pushers: ["carol", "mallory"], allPushes: true });
  });

  it("twin: the same lost push, Bob (who never pushed) approves: counted", async () => {
    const repo = "acme/pushers-lost-twin";
    const number = await mallorysPushThenCarols(repo, { deliver: false });
    await sb.submitReview(repo, number, "bob", "APPROVE");
    expect(sb.latestCheckRun(repo, sb.pull(repo, number).head_sha)!.conclusion).toBe("success");
  });
});

describe("a restart between two pushes", () => {
  it("attack: Mallory pushes, the app restarts, Carol pushes, Mallory approves: not counted (from the run on the head before Carol's push, with no activity read)", async () => {
    const repo = "acme/pushers-between-attack";
    const number = await mallorysPushThenCarols(repo, { deliver: true, restartAfter: true });
    await sb.submitReview(repo, number, "mallory", "APPROVE");
    const run = sb.latestCheckRun(repo, sb.pull(repo, number).head_sha)!;
    expect(run.conclusion).toBe("action_required");
    expect(run.output.summary).toContain("@mallory is an AI-session author: pushed to the head branch");
    // Every push was seen, by this instance or the one before: GitHub's activity had nothing to add,
    // and the runs on the earlier head came with the main query, not with a listing of their own.
    expect(activityReads()).toBe(0);
    expect(sb.requestCounters().byOperation["checks.listForRef"] ?? 0).toBe(0);
  });

  it("twin: the same restart, Bob (who never pushed) approves: counted", async () => {
    const repo = "acme/pushers-between-twin";
    const number = await mallorysPushThenCarols(repo, { deliver: true, restartAfter: true });
    await sb.submitReview(repo, number, "bob", "APPROVE");
    expect(sb.latestCheckRun(repo, sb.pull(repo, number).head_sha)!.conclusion).toBe("success");
  });
});

/**
 * Carol's pull request at A; Mallory pushes an AI commit under Carol's name (B); Carol force-pushes
 * the branch back to A. One of the two deliveries is lost, and the app may restart in between:
 * A's run from before Mallory's push still says it knew every push, which no longer holds.
 */
async function backToA(repo: string, lost: "mallory" | "force-push") {
  sb.createRepo({ repo, files: { ".provenance.yml": DEMO_POLICY }, collaborators: { bob: "write", carol: "write", mallory: "write" } });
  const { number } = await sb.openPullRequest(repo, { author: "carol", head: `feat-${++n}`, commits: [aiCommit("carol", "evals/a.yaml")] });
  const a = sb.pull(repo, number).head_sha;
  await sb.pushCommits(repo, number, [aiCommit("carol", "evals/b.yaml")], "mallory", { deliver: lost !== "mallory" });
  if (lost === "force-push") await sandboxApp.restart();
  await sb.forcePush(repo, number, a, { deliver: lost !== "force-push", pusher: "carol" });
  if (lost === "force-push") await sandboxApp.restart();
  return { number, a };
}

describe("a force-push back to an earlier head", () => {
  it.each(["mallory", "force-push"] as const)("attack: Mallory pushes, Carol force-pushes back to the first head (the %s delivery lost), Mallory approves: not counted", async (lost) => {
    const repo = `acme/pushers-back-${lost}`;
    const { number, a } = await backToA(repo, lost);
    await sb.submitReview(repo, number, "mallory", "APPROVE");
    const run = sb.latestCheckRun(repo, a)!;
    expect(run.conclusion).toBe("action_required");
    expect(run.output.summary).toContain("@mallory is an AI-session author: pushed to the head branch");
  });

  it("twin: the same force-push back with Mallory's push lost, Bob (who never pushed) approves: counted", async () => {
    const repo = "acme/pushers-back-twin";
    const { number, a } = await backToA(repo, "mallory");
    await sb.submitReview(repo, number, "bob", "APPROVE");
    expect(sb.latestCheckRun(repo, a)!.conclusion).toBe("success");
  });
});
