/**
 * The fault matrix (SPEC 7.1): the real app over HTTP against the sandbox, every request kind an
 * evaluation makes (and the installation token it needs) × every fault (truncated body, reset
 * mid-body, hang, 500, 502, 403, 429), each fault lasting for every attempt. Two steps per
 * scenario: the pull request is opened (the correct verdict is `action_required`), then bob
 * approves (the correct verdict is `success`). Each cell is asserted exactly: the correct verdict,
 * or the `failure` that the fault must cause — never a green by error, never the previous step's
 * result, never none — except where nothing can be written at all (every check-run create fails,
 * or no installation token can be had), where the delivery must fail so GitHub's redelivery and
 * the reconciler repair it; test/restart.test.ts shows the repair.
 *
 * Retry back-offs are scaled down; the deadlines too, but far above what a request without a
 * fault needs on a loaded machine, so a step that meets no fault ends in its correct verdict
 * every time. Writes keep their order but not GitHub's one-second spacing (measured in
 * test/e2e.test.ts), which would only make each retried write wait. Each scenario has its own
 * installation, so throttling queues do not mix.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sandbox } from "../src/sandbox/sandbox.js";
import { loadDefaultApp, startAppAgainstSandbox, type RunningApp } from "../src/sandbox/probot-runner.js";
import type { Delivery } from "../src/sandbox/webhooks.js";
import { FAULTS, type Fault } from "../src/sandbox/faults.js";
import { GateOctokit } from "../src/app/octokit.js";
import { tunedGateOctokit } from "../src/app/octokit.js";
import { aiCommit, conclusions, gatedRepo } from "./helpers/fault-app.js";
import { withoutWriteSpacing } from "./helpers/octokit.js";

/**
 * Long enough that no answer of the (local) sandbox meets it under load — only a hang does —
 * and short enough that a hang costs seconds: a timed-out read is tried twice.
 */
const MatrixOctokit = withoutWriteSpacing(tunedGateOctokit({ deadlines: { connectMs: 2_500, totalMs: 5_000 }, retryBaseMs: 5 }));

/** Every request an evaluation of a typical pull request makes, and the two check-run writes. */
const OPERATIONS = [
  "graphql:PullRequestSnapshot",
  "graphql:ChangedFileModes",
  "repos.getCommit",
  "checks.create",
  "checks.update",
  "apps.createInstallationAccessToken",
] as const;
type Operation = (typeof OPERATIONS)[number];

/**
 * Nothing can be written when every check-run create fails, or when the installation's token
 * cannot be had (a token answer cut short is no token either): the outcome is a failed delivery,
 * for redelivery.
 */
const unwritable = (operation: Operation, fault: Fault) =>
  operation === "apps.createInstallationAccessToken" || (operation === "checks.create" && fault !== "truncate" && fault !== "reset");

/**
 * Our runs on the head after each step, oldest first: what the app must post, cell by cell.
 * - A failed read: one `failure` run, updated by the approval's evaluation (failing the same way).
 * - Our runs cannot be listed: the approval's evaluation cannot find the run to update, so it
 *   creates a second `failure`.
 * - A create whose answer was cut short happened: the app finds it and posts nothing more.
 * - `checks.update`'s fault begins after the first result was posted (there must be a run to
 *   update): the opened step meets no fault. An update whose answer was cut short happened too;
 *   one refused or unanswered leaves the older `action_required` standing, so a newer `failure`
 *   run is created over it.
 */
function expectedRuns(operation: Operation, fault: Fault): { opened: string[]; approved: string[] } {
  if (unwritable(operation, fault)) return { opened: [], approved: [] };
  switch (operation) {
    case "checks.create":
      return { opened: ["action_required"], approved: ["success"] };
    case "checks.update":
      return fault === "truncate" || fault === "reset"
        ? { opened: ["action_required"], approved: ["success"] }
        : { opened: ["action_required"], approved: ["action_required", "failure"] };
    default:
      return { opened: ["failure"], approved: ["failure"] };
  }
}

interface Step {
  runs: Array<string | null>;
  delivery: number | undefined;
}
interface Outcome {
  operation: Operation;
  fault: Fault;
  opened: Step;
  approved: Step;
  ms: number;
}

let sb: Sandbox;
let app: RunningApp;
const outcomes: Outcome[] = [];
let matrixMs = 0;
let madeWithoutFaults: string[] = [];
let shippedHungRead: ReturnType<typeof hungReadWithShippedDeadlines> | undefined;

const handlings = new Map<string, Promise<unknown>>();
/** Returns `delivery` once the app has finished handling it (after the answer, when that was a 202). */
async function handledFully(delivery: Delivery): Promise<Delivery> {
  await handlings.get(delivery.id);
  return delivery;
}

async function scenario(index: number, operation: Operation, fault: Fault): Promise<Outcome> {
  const repo = `matrix${index}/models`;
  gatedRepo(sb, repo);
  const started = Date.now();
  const pr = await sb.openPullRequest(repo, { author: "carol", head: "feat", commits: [aiCommit("carol", "evals/a.yaml")], deliver: false });
  // An update needs a run to update: the first result is posted before the fault.
  if (operation === "checks.update") await handledFully(await sb.deliver("pull_request", sb.pullRequestEvent(repo, pr.number, "opened")));
  sb.http.faults.add({ operation, repo, fault });
  const opened =
    operation === "checks.update"
      ? { runs: conclusions(sb, repo, pr.head_sha), delivery: undefined }
      : { delivery: (await handledFully(await sb.deliver("pull_request", sb.pullRequestEvent(repo, pr.number, "opened")))).status, runs: conclusions(sb, repo, pr.head_sha) };
  const review = await sb.submitReview(repo, pr.number, "bob", "APPROVE");
  if (review.delivery) await handledFully(review.delivery);
  const approved = { runs: conclusions(sb, repo, pr.head_sha), delivery: review.delivery?.status };
  sb.http.faults.clear(repo);
  return { operation, fault, opened, approved, ms: Date.now() - started };
}

async function pool<T>(tasks: Array<() => Promise<T>>, limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < tasks.length) {
        const i = next++;
        results[i] = await tasks[i]();
      }
    }),
  );
  return results;
}

beforeAll(async () => {
  sb = await Sandbox.start();
  const gate = await loadDefaultApp();
  app = await startAppAgainstSandbox(sb, {
    Octokit: MatrixOctokit,
    // Each delivery's handling, by delivery id: Probot answers 202 after 9 s and goes on handling it.
    app: (probot, options) => {
      const receive = probot.webhooks.verifyAndReceive.bind(probot.webhooks);
      probot.webhooks.verifyAndReceive = (event) => {
        const handling = receive(event);
        handlings.set(event.id, handling.catch(() => undefined));
        return handling;
      };
      return gate(probot, options);
    },
  });
  // The same two steps without a fault: every request kind they make, so the list above cannot miss one.
  const before = { ...sb.requestCounters().byOperation };
  gatedRepo(sb, "clean/models");
  const clean = await sb.openPullRequest("clean/models", { author: "carol", head: "feat", commits: [aiCommit("carol", "evals/a.yaml")] });
  await handledFully(clean.delivery!);
  const review = await sb.submitReview("clean/models", clean.number, "bob", "APPROVE");
  await handledFully(review.delivery!);
  expect(conclusions(sb, "clean/models", clean.head_sha)).toEqual(["success"]);
  madeWithoutFaults = Object.entries(sb.requestCounters().byOperation)
    .filter(([operation, count]) => count > (before[operation] ?? 0))
    .map(([operation]) => operation);
  // Settled here, asserted in its own test below.
  const hung = hungReadWithShippedDeadlines();
  hung.catch(() => undefined);
  shippedHungRead = hung;
  const started = Date.now();
  const tasks = OPERATIONS.flatMap((operation) => FAULTS.map((fault) => ({ operation, fault })));
  outcomes.push(...(await pool(tasks.map(({ operation, fault }, i) => () => scenario(i, operation, fault)), 12)));
  matrixMs = Date.now() - started;
  console.log(`fault matrix: ${outcomes.length} scenarios in ${matrixMs} ms\n${table(outcomes)}`);
}, 180_000);

afterAll(async () => {
  await shippedHungRead?.catch(() => undefined);
  await app?.stop();
  await sb?.close();
});

const isFailed = (status: number | undefined) => status === undefined || status < 200 || status >= 300;
/**
 * GitHub will not redeliver it, or the reconciler's scan finds the run missing: a failed
 * delivery, or one Probot answered 202 "still processing" after 9 s and then lost.
 */
const repairable = (status: number | undefined) => isFailed(status) || status === 202;

describe.each(OPERATIONS)("%s", (operation) => {
  it.each(FAULTS.map((fault) => [fault]))(`× %s: exactly the verdict or the failure the fault causes, after each step`, (fault) => {
    const outcome = outcomes.find((o) => o.operation === operation && o.fault === fault)!;
    const expected = expectedRuns(operation, fault);
    expect(outcome.opened.runs, "after opened").toEqual(expected.opened);
    expect(outcome.approved.runs, "after approved").toEqual(expected.approved);
    if (unwritable(operation, fault)) {
      // Nothing could be written: GitHub must see a delivery it redelivers, or the scan must find the run missing.
      expect(repairable(outcome.opened.delivery)).toBe(true);
      expect(repairable(outcome.approved.delivery)).toBe(true);
    }
  });
});

describe("the matrix as a whole", () => {
  it("covers every request kind the two steps make", () => {
    expect([...madeWithoutFaults].sort()).toEqual([...OPERATIONS].sort());
  });


  it("the faults were met (the matrix tests what it says)", () => {
    for (const operation of OPERATIONS) for (const fault of FAULTS) expect(sb.http.faults.hits[`${operation} ${fault}`] ?? 0, `${operation} ${fault}`).toBeGreaterThan(0);
  });
});

describe("with the shipped deadlines (10 s to start answering, 30 s in all)", () => {
  it("a hung commit read ends in a posted failure within a minute", async () => {
    const { conclusion, summary, ms } = await shippedHungRead!;
    expect(conclusion).toBe("failure");
    expect(summary).toMatch(/did not start answering GET \/repos\/acme\/hung\/commits\/[0-9a-f]{40}\S* within 10 s/);
    expect(ms).toBeLessThan(60_000);
    console.log(`shipped deadlines: a hung repos.getCommit → failure posted after ${ms} ms`);
  });
});

/**
 * A commit read that never answers, against the app with its shipped Octokit: it waits out the
 * deadlines (twice 10 s), so it runs beside the matrix rather than after it.
 */
async function hungReadWithShippedDeadlines(): Promise<{ conclusion: string | null; summary: string; ms: number }> {
  const shipped = await Sandbox.start();
  const real = await startAppAgainstSandbox(shipped, { Octokit: GateOctokit });
  try {
    gatedRepo(shipped, "acme/hung");
    shipped.http.faults.add({ operation: "repos.getCommit", repo: "acme/hung", fault: "hang" });
    const started = Date.now();
    const pr = await shipped.openPullRequest("acme/hung", { author: "carol", head: "feat", commits: [aiCommit("carol", "evals/a.yaml")] });
    const run = await shipped.waitForCheckRun("acme/hung", pr.head_sha, (r) => r.status === "completed", 60_000);
    return { conclusion: run.conclusion, summary: run.output.summary ?? "", ms: Date.now() - started };
  } finally {
    shipped.http.faults.clear();
    await real.stop();
    await shipped.close();
  }
}

function table(rows: Outcome[]): string {
  const cell = (s: Step) => `${s.runs.length ? s.runs.join("→") : "none"}${s.delivery !== undefined && repairable(s.delivery) ? ` (delivery ${s.delivery})` : ""}`;
  return ["| operation | fault | opened | approved | ms |", "|---|---|---|---|---|", ...rows.map((o) => `| ${o.operation} | ${o.fault} | ${cell(o.opened)} | ${cell(o.approved)} | ${o.ms} |`)].join("\n");
}
