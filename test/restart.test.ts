/**
 * Restarts lose nothing (SPEC 7.1): events that arrive while the app is down — failed deliveries
 * GitHub recorded, and an event GitHub thinks was delivered but the app never handled — end in
 * the correct runs after the app starts again, with no new event: the reconciler's start-up pass
 * redelivers the failed deliveries and scans the open pull requests for heads without a run, or
 * whose newest run is older than the pull request's last event. SIGTERM (`node lib/server.js` as
 * its own process) finishes the evaluations in flight and exits 0; a replica killed outright
 * leaves them to the reconciler of the next start.
 */
import { createServer, type Server } from "node:http";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Sandbox } from "../src/sandbox/sandbox.js";
import { startAppAgainstSandbox, type RunningApp } from "../src/sandbox/probot-runner.js";
import type { Probot } from "probot";
import { provenanceGate } from "../src/app/app.js";
import { AppIdentity } from "../src/app/identity.js";
import { EvaluationTurns } from "../src/app/evaluation.js";
import { Reconciler } from "../src/app/reconciler.js";
import { FastOctokit, aiCommit, conclusions, gatedRepo } from "./helpers/fault-app.js";
import { until } from "./helpers/races.js";
import { metricValue, processCluster, type ProcessCluster, type ServerProcess } from "./helpers/server-processes.js";

let sb: Sandbox;
let app: RunningApp | undefined;

beforeAll(async () => {
  sb = await Sandbox.start();
});
// Each test's app stops with it: a live one's reconciler would be a second replica, without a
// shared store, beside the next test's (two runs on one head, as two such replicas may leave).
afterEach(async () => {
  await app?.stop();
  app = undefined;
});
afterAll(async () => {
  await sb?.close();
});

it("events while the app is down: after the start, correct runs on every pull request without a new event", async () => {
  const repo = "acme/restart";
  gatedRepo(sb, repo);
  app = await startAppAgainstSandbox(sb, { Octokit: FastOctokit });
  const first = await sb.openPullRequest(repo, { author: "carol", head: "first", commits: [aiCommit("carol", "evals/a.yaml")] });
  // The run, once posted: on a busy machine Probot may answer the delivery (202) before the evaluation ends.
  expect((await sb.waitForCheckRun(repo, first.head_sha)).conclusion).toBe("action_required");
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

/** A webhook receiver that answers 202 and does nothing: a delivery lost after Probot accepted it. */
async function losingReceiver(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(202).end("Accepted"));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/api/github/webhooks`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

it("an event lost after a run was posted: the start-up scan finds the run older than the pull request's last event and evaluates it again", async () => {
  const repo = "acme/stale";
  gatedRepo(sb, repo);
  // One clock for GitHub's timestamps and the app's: the run's completion and the pull request's
  // last update are then ordered as they happened (the sandbox's default clock runs an hour behind).
  const now = () => sb.state.clock.now();
  const start = (reconcileIntervalMs?: number) =>
    startAppAgainstSandbox(sb, { Octokit: FastOctokit, app: provenanceGate({ now, reconcileIntervalMs }) as never });
  app = await start();
  const pr = await sb.openPullRequest(repo, { author: "carol", head: "feat", commits: [aiCommit("carol", "evals/a.yaml")] });
  expect(conclusions(sb, repo, pr.head_sha)).toEqual(["action_required"]);
  await app.stop();
  app = undefined;

  const lost = await losingReceiver();
  try {
    sb.setWebhook(lost.url, "unused");
    const approval = await sb.submitReview(repo, pr.number, "bob", "APPROVE");
    expect(approval.delivery?.status).toBe(202);
  } finally {
    await lost.close();
  }
  const run = sb.latestCheckRun(repo, pr.head_sha)!;
  expect(Date.parse(run.completed_at!)).toBeLessThan(Date.parse(sb.pull(repo, pr.number).updated_at));

  const deliveries = sb.hookDeliveries.length;
  app = await start(60_000);
  const repaired = await sb.waitForCheckRun(repo, pr.head_sha, (r) => r.conclusion === "success", 20_000);
  expect(repaired.conclusion).toBe("success");
  // By the scan alone: nothing was redelivered (GitHub counts the 202 as delivered), and the run was updated.
  expect(sb.hookDeliveries.slice(deliveries).filter((d) => d.redelivery)).toEqual([]);
  expect(conclusions(sb, repo, pr.head_sha)).toEqual(["success"]);
}, 60_000);

it("stopping the app stops its reconciler: no pass after the stop", async () => {
  let ticks = 0;
  /** Counts the timer's calls; a pass under way at the stop may finish, but none may start. */
  class CountingReconciler extends Reconciler {
    override pass() {
      ticks++;
      return super.pass();
    }
  }
  const reconcilerOnly = (probot: Probot) => new CountingReconciler(probot, { identity: new AppIdentity(probot), now: () => new Date(), turns: new EvaluationTurns(), intervalMs: 20 }).start();
  app = await startAppAgainstSandbox(sb, { Octokit: FastOctokit, app: reconcilerOnly as never });
  while (ticks < 3) await new Promise((r) => setTimeout(r, 10));
  await app.stop();
  app = undefined;
  const atStop = ticks;
  // Fifty of its intervals.
  await new Promise((r) => setTimeout(r, 1_000));
  expect(ticks - atStop, "passes after the stop").toBe(0);
});

it("a pass counts only what it posted: an evaluation whose run GitHub refuses is an error of the pass, not a repair", async () => {
  // A sandbox of its own: the pass scans every installation, and this one has a single pull request.
  const own = await Sandbox.start();
  let reconciler: Reconciler | undefined;
  try {
    const repo = "acme/refused";
    gatedRepo(own, repo);
    await own.openPullRequest(repo, { author: "carol", head: "feat", commits: [aiCommit("carol", "evals/a.yaml")], deliver: false });
    // Every check-run write refused, the minimal failure run too: the evaluation cannot post.
    own.http.faults.add({ operation: "checks.create", repo, fault: 403 });
    const reconcilerOnly = (probot: Probot) => {
      reconciler = new Reconciler(probot, { identity: new AppIdentity(probot), now: () => new Date(), turns: new EvaluationTurns(), intervalMs: 0 });
    };
    app = await startAppAgainstSandbox(own, { Octokit: FastOctokit, app: reconcilerOnly as never });
    const pass = await reconciler!.pass();
    expect(pass.evaluated).toEqual([]);
    expect(pass.errors).toEqual([expect.stringMatching(/^acme\/refused#1: /)]);
    const logged = app.logs.map((line) => JSON.parse(line) as Record<string, unknown>).filter((l) => l.msg === "provenance-gate: reconciled");
    expect(logged).toEqual([expect.objectContaining({ evaluated: 0, errors: pass.errors })]);
  } finally {
    await app?.stop();
    app = undefined;
    await own.close();
  }
});

describe("node lib/server.js, stopped mid-evaluation", () => {
  let c: ProcessCluster;
  beforeAll(() => {
    c = processCluster(sb);
  }, 180_000);
  afterAll(async () => {
    await c?.stopAll();
  });

  /** Eight new pull requests, each of its own installation, whose evaluations are all under way (held by a slow read of the AI commit). */
  async function eightInFlight(prefix: string, via: ServerProcess) {
    const prs = [];
    for (let i = 0; i < 8; i++) {
      const repo = `${prefix}${i}/models`;
      gatedRepo(sb, repo);
      sb.http.faults.add({ operation: "repos.getCommit", repo, fault: "slow", delayMs: 2_000, times: 1 });
      prs.push({ repo, ...(await sb.openPullRequest(repo, { author: "carol", head: "feat", commits: [aiCommit("carol", "evals/a.yaml")], deliver: false })) });
    }
    const before = sb.http.faults.hits["repos.getCommit slow"] ?? 0;
    // Each delivery's HTTP status; 0 when the connection broke (the process died under it).
    const deliveries = prs.map((pr) =>
      via.deliver("pull_request", sb.pullRequestEvent(pr.repo, pr.number, "opened")).then(
        (d) => d.status,
        () => 0,
      ),
    );
    const deadline = Date.now() + 30_000;
    while ((sb.http.faults.hits["repos.getCommit slow"] ?? 0) < before + 8) {
      if (Date.now() > deadline) throw new Error("the evaluations did not all start");
      await new Promise((r) => setTimeout(r, 10));
    }
    return { prs, deliveries };
  }

  it("SIGTERM: the eight evaluations in flight finish and are posted, then the process exits 0", async () => {
    const replica = await c.start("drained");
    const { prs, deliveries } = await eightInFlight("term", replica);
    const signalled = Date.now();
    replica.kill("SIGTERM");
    expect(await replica.exited).toBe(0);
    const ms = Date.now() - signalled;
    // Accepted, every one: 200, or 202 where Probot stopped waiting for the evaluation after 9 s
    // (a busy machine) — the drain finishes those as well, which the runs below prove.
    expect((await Promise.all(deliveries)).map((status) => (status === 200 || status === 202 ? "accepted" : status))).toEqual(prs.map(() => "accepted"));
    for (const pr of prs) expect(conclusions(sb, pr.repo, pr.head_sha), pr.repo).toEqual(["action_required"]);
    expect(replica.output()).toContain("provenance-gate: stopped cleanly");
    // Within the drain's bound (25 s), which the process enforces itself.
    console.log(`SIGTERM with 8 evaluations in flight: exit 0 after ${ms} ms, 8 runs posted`);
  }, 90_000);

  it("SIGTERM during a reconciler pass: the evaluation the pass started is posted before the process exits 0", async () => {
    const repo = "sweep/models";
    gatedRepo(sb, repo);
    const pr = await sb.openPullRequest(repo, { author: "carol", head: "feat", commits: [aiCommit("carol", "evals/a.yaml")], deliver: false });
    // The start-up pass finds the head without a run and evaluates it, held by a slow read of the AI commit.
    sb.http.faults.add({ operation: "repos.getCommit", repo, fault: "slow", delayMs: 2_000, times: 1 });
    const before = sb.http.faults.hits["repos.getCommit slow"] ?? 0;
    const replica = await c.start("sweeping", { RECONCILE_INTERVAL_MS: "600000" });
    const deadline = Date.now() + 30_000;
    while ((sb.http.faults.hits["repos.getCommit slow"] ?? 0) === before) {
      if (Date.now() > deadline) throw new Error("the reconciler's evaluation did not start");
      await new Promise((r) => setTimeout(r, 10));
    }
    replica.kill("SIGTERM");
    expect(await replica.exited).toBe(0);
    expect(conclusions(sb, repo, pr.head_sha)).toEqual(["action_required"]);
    expect(replica.output()).toContain("provenance-gate: stopped cleanly");
  }, 90_000);

  it("killed outright (SIGKILL) with eight in flight: the next start's reconciler posts all eight, with no new event", async () => {
    const replica = await c.start("killed");
    const { prs, deliveries } = await eightInFlight("kill", replica);
    replica.kill("SIGKILL");
    await replica.exited;
    expect(await Promise.all(deliveries)).toEqual(prs.map(() => 0));
    for (const pr of prs) expect(conclusions(sb, pr.repo, pr.head_sha), pr.repo).toEqual([]);

    const next = await c.start("restarted", { RECONCILE_INTERVAL_MS: "600000" });
    sb.setWebhook(next.webhookUrl, c.secret);
    for (const pr of prs) {
      const run = await sb.waitForCheckRun(pr.repo, pr.head_sha, (r) => r.status === "completed", 30_000);
      expect(run.conclusion, pr.repo).toBe("action_required");
    }
    await next.stop();
  }, 120_000);

  it("a busy installation: the queue is bounded and visible in /metrics; what it refuses fails its delivery, and the reconciler redelivers it", async () => {
    const replica = await c.start("bounded", { MAX_PENDING_EVALUATIONS: "3", RECONCILE_INTERVAL_MS: "3000" });
    const repo = "busy/models";
    gatedRepo(sb, repo);
    sb.http.faults.add({ operation: "pulls.listFiles", repo, fault: "slow", delayMs: 4_000, times: 3 });
    const prs = [];
    for (let i = 0; i < 6; i++) prs.push(await sb.openPullRequest(repo, { author: "carol", head: `busy-${i}`, commits: [aiCommit("carol", `evals/${i}.yaml`)], deliver: false }));
    sb.setWebhook(replica.webhookUrl, c.secret);
    const answered: number[] = [];
    const deliveries = prs.map((pr) =>
      sb.deliver("pull_request", sb.pullRequestEvent(repo, pr.number, "opened")).then((d) => {
        answered.push(d.status);
        return d.status;
      }),
    );
    const deadline = Date.now() + 3_500;
    while (answered.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    const refused = [...answered];
    // Three evaluations held (and their three deliveries), three deliveries refused at once.
    expect(refused).toEqual([500, 500, 500]);
    expect(metricValue(await replica.metrics(), "provenance_gate_queue_depth")).toBe(6);
    // Accepted: 200, or 202 when Probot stopped waiting for the evaluation after 9 s.
    expect((await Promise.all(deliveries)).map((status) => (status < 300 ? "accepted" : status)).sort()).toEqual([500, 500, 500, "accepted", "accepted", "accepted"]);
    for (const pr of prs) {
      const run = await sb.waitForCheckRun(repo, pr.head_sha, (r) => r.status === "completed", 30_000);
      expect(run.conclusion).toBe("action_required");
    }
    for (const pr of prs) expect(conclusions(sb, repo, pr.head_sha)).toEqual(["action_required"]);
    // Each refused delivery was redelivered (a redelivery may meet a full queue too, and is tried again).
    const refusedGuids = new Set(sb.hookDeliveries.filter((d) => !d.redelivery && d.status_code === 500).map((d) => d.guid));
    expect(refusedGuids.size).toBe(3);
    // A redelivery is recorded when its answer arrives, which may be after the run it repaired.
    const redelivered = (guid: string) => sb.hookDeliveries.some((d) => d.redelivery && d.guid === guid);
    await until(() => [...refusedGuids].every(redelivered), 30_000).catch(() => undefined);
    for (const guid of refusedGuids) expect(redelivered(guid), guid).toBe(true);
    await replica.stop();
  }, 90_000);
});
