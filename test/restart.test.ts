/**
 * Restarts lose nothing (SPEC 7.1): events that arrive while the app is down — failed deliveries
 * GitHub recorded, and an event GitHub thinks was delivered but the app never handled — end in
 * the correct runs after the app starts again, with no new event: the reconciler's start-up pass
 * redelivers the failed deliveries and scans the open pull requests for heads without a run.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { Sandbox } from "../src/sandbox/sandbox.js";
import { startAppAgainstSandbox, type RunningApp } from "../src/sandbox/probot-runner.js";
import { FastOctokit, aiCommit, gatedRepo } from "./helpers/fault-app.js";

let sb: Sandbox;
let app: RunningApp | undefined;

beforeAll(async () => {
  sb = await Sandbox.start();
});
afterAll(async () => {
  await app?.stop();
  await sb?.close();
});

it("events while the app is down: after the start, correct runs on every pull request without a new event", async () => {
  const repo = "acme/restart";
  gatedRepo(sb, repo);
  app = await startAppAgainstSandbox(sb, { Octokit: FastOctokit });
  const first = await sb.openPullRequest(repo, { author: "carol", head: "first", commits: [aiCommit("carol", "evals/a.yaml")] });
  expect(sb.latestCheckRun(repo, first.head_sha)?.conclusion).toBe("action_required");
  await app.stop();
  app = undefined;

  // Down: GitHub records these deliveries as failed (nothing listens) ...
  const approval = await sb.submitReview(repo, first.number, "bob", "APPROVE");
  expect(approval.delivery?.status).toBe(0);
  const opened = [];
  for (const head of ["second", "third"]) {
    const pr = await sb.openPullRequest(repo, { author: "carol", head, commits: [aiCommit("carol", `evals/${head}.yaml`)] });
    expect(pr.delivery?.status).toBe(0);
    opened.push(pr);
  }
  // ... and this one it thinks was delivered (answered 202, then lost in a restart).
  const lost = await sb.openPullRequest(repo, { author: "carol", head: "lost", commits: [aiCommit("carol", "evals/lost.yaml")], deliver: false });
  const failedDeliveries = sb.hookDeliveries.filter((d) => d.status_code === 0).length;
  expect(failedDeliveries).toBe(3);

  const started = Date.now();
  app = await startAppAgainstSandbox(sb, { Octokit: FastOctokit, reconcileIntervalMs: 60_000 });
  const expectations: Array<[string, string]> = [
    [first.head_sha, "success"],
    ...opened.map((pr): [string, string] => [pr.head_sha, "action_required"]),
    [lost.head_sha, "action_required"],
  ];
  for (const [sha, conclusion] of expectations) {
    const run = await sb.waitForCheckRun(repo, sha, (r) => r.conclusion === conclusion, 20_000);
    expect(run.conclusion).toBe(conclusion);
  }
  console.log(`restart: ${expectations.length} pull requests correct ${Date.now() - started} ms after the start, no new event`);
  // The failed deliveries were redelivered (same GUID), each once.
  const redelivered = sb.hookDeliveries.filter((d) => d.redelivery);
  expect(redelivered).toHaveLength(3);
  expect(redelivered.every((d) => d.status_code === 200)).toBe(true);
  // One run per head: the scan left alone the heads the redeliveries had repaired.
  for (const [sha] of expectations) expect(sb.checkRuns(repo, { sha, name: "Provenance Gate" })).toHaveLength(1);
}, 60_000);
