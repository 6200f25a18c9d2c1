/**
 * The fault matrix (SPEC 7.1): the real app over HTTP against the sandbox, every request kind an
 * evaluation makes × every fault (truncated body, reset mid-body, hang, 500, 502, 403, 429), each
 * fault lasting for every attempt. Two steps per scenario: the pull request is opened (the correct
 * verdict is `action_required`), then bob approves (the correct verdict is `success`). After each
 * step the newest run must be the correct verdict or `failure`: never a green by error, never the
 * previous step's result, never none — except where nothing can be written at all (every
 * check-run create fails), where the delivery must fail so GitHub's redelivery and the
 * reconciler repair it; test/restart.test.ts shows the repair.
 *
 * Deadlines and retry back-offs are scaled down (test/helpers/fault-app.ts); the decisions are
 * the shipped ones. Each scenario has its own installation, so throttling queues do not mix.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sandbox } from "../src/sandbox/sandbox.js";
import { startAppAgainstSandbox, type RunningApp } from "../src/sandbox/probot-runner.js";
import { FAULTS, type Fault } from "../src/sandbox/faults.js";
import { GateOctokit } from "../src/app/octokit.js";
import { FastOctokit, aiCommit, conclusions, gatedRepo } from "./helpers/fault-app.js";

/** Every request an evaluation of a typical pull request makes, and the two check-run writes. */
const OPERATIONS = [
  "graphql:PullRequestSnapshot",
  "pulls.listFiles",
  "repos.getCommit",
  "checks.listForRef",
  "pulls.get",
  "checks.create",
  "checks.update",
] as const;
type Operation = (typeof OPERATIONS)[number];

/** When every check-run create fails, nothing can be written: the outcome is a failed delivery, for redelivery. */
const unwritable = (operation: Operation, fault: Fault) => operation === "checks.create" && fault !== "truncate" && fault !== "reset";

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

async function scenario(index: number, operation: Operation, fault: Fault): Promise<Outcome> {
  const repo = `matrix${index}/models`;
  gatedRepo(sb, repo);
  const started = Date.now();
  const pr = await sb.openPullRequest(repo, { author: "carol", head: "feat", commits: [aiCommit("carol", "evals/a.yaml")], deliver: false });
  // An update needs a run to update: the first result is posted before the fault.
  if (operation === "checks.update") await sb.deliver("pull_request", sb.pullRequestEvent(repo, pr.number, "opened"));
  sb.http.faults.add({ operation, repo, fault });
  const opened =
    operation === "checks.update"
      ? { runs: conclusions(sb, repo, pr.head_sha), delivery: undefined }
      : { delivery: (await sb.deliver("pull_request", sb.pullRequestEvent(repo, pr.number, "opened"))).status, runs: conclusions(sb, repo, pr.head_sha) };
  const review = await sb.submitReview(repo, pr.number, "bob", "APPROVE");
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
  app = await startAppAgainstSandbox(sb, { Octokit: FastOctokit });
  const started = Date.now();
  const tasks = OPERATIONS.flatMap((operation) => FAULTS.map((fault) => ({ operation, fault })));
  outcomes.push(...(await pool(tasks.map(({ operation, fault }, i) => () => scenario(i, operation, fault)), 12)));
  matrixMs = Date.now() - started;
  console.log(`fault matrix: ${outcomes.length} scenarios in ${matrixMs} ms\n${table(outcomes)}`);
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await sb?.close();
});

const isFailed = (status: number | undefined) => status === undefined || status < 200 || status >= 300;
/**
 * GitHub will not redeliver it, or the reconciler's scan finds the run missing: a failed
 * delivery, or one Probot answered 202 "still processing" after 9 s and then lost.
 */
const repairable = (status: number | undefined) => isFailed(status) || status === 202;
const newest = (step: Step) => step.runs[step.runs.length - 1];

describe.each(OPERATIONS)("%s", (operation) => {
  it.each(FAULTS.map((fault) => [fault]))(`× %s: the correct verdict or failure after each step, never a wrong green, never none`, (fault) => {
    const outcome = outcomes.find((o) => o.operation === operation && o.fault === fault)!;
    const allRuns = [...outcome.opened.runs, ...outcome.approved.runs];
    for (const conclusion of allRuns) expect(["action_required", "success", "failure"]).toContain(conclusion);
    // Before bob's approval nothing may be green.
    expect(outcome.opened.runs).not.toContain("success");
    if (unwritable(operation, fault)) {
      // Nothing could be written: GitHub must see a failed delivery, to redeliver it.
      expect(outcome.opened.runs).toEqual([]);
      expect(outcome.approved.runs).toEqual([]);
      expect(repairable(outcome.opened.delivery)).toBe(true);
      expect(repairable(outcome.approved.delivery)).toBe(true);
      return;
    }
    expect(["action_required", "failure"]).toContain(newest(outcome.opened));
    // After the approval: success or failure — the previous action_required would be stale.
    expect(["success", "failure"]).toContain(newest(outcome.approved));
  });
});

describe("the matrix as a whole", () => {
  it("runs within a minute and a half", () => {
    // About 35 s alone; the bound leaves room for a loaded CI machine.
    expect(matrixMs).toBeLessThan(90_000);
  });

  it("the faults were met (the matrix tests what it says)", () => {
    for (const operation of OPERATIONS) for (const fault of FAULTS) expect(sb.http.faults.hits[`${operation} ${fault}`] ?? 0, `${operation} ${fault}`).toBeGreaterThan(0);
  });
});

describe("with the shipped deadlines (10 s to start answering, 30 s in all)", () => {
  it("a hung file list ends in a posted failure within a minute", async () => {
    const shipped = await Sandbox.start();
    const real = await startAppAgainstSandbox(shipped, { Octokit: GateOctokit });
    try {
      gatedRepo(shipped, "acme/hung");
      shipped.http.faults.add({ operation: "pulls.listFiles", repo: "acme/hung", fault: "hang" });
      const started = Date.now();
      const pr = await shipped.openPullRequest("acme/hung", { author: "carol", head: "feat", commits: [aiCommit("carol", "evals/a.yaml")] });
      const run = await shipped.waitForCheckRun("acme/hung", pr.head_sha, (r) => r.status === "completed", 60_000);
      const ms = Date.now() - started;
      expect(run.conclusion).toBe("failure");
      expect(run.output.summary).toMatch(/did not start answering GET \/repos\/acme\/hung\/pulls\/1\/files within 10 s/);
      expect(ms).toBeLessThan(60_000);
      console.log(`shipped deadlines: a hung pulls.listFiles → failure posted after ${ms} ms`);
    } finally {
      shipped.http.faults.clear();
      await real.stop();
      await shipped.close();
    }
  }, 70_000);
});

function table(rows: Outcome[]): string {
  const cell = (s: Step) => `${s.runs.length ? s.runs.join("→") : "none"}${s.delivery !== undefined && repairable(s.delivery) ? ` (delivery ${s.delivery})` : ""}`;
  return ["| operation | fault | opened | approved | ms |", "|---|---|---|---|---|", ...rows.map((o) => `| ${o.operation} | ${o.fault} | ${cell(o.opened)} | ${cell(o.approved)} | ${o.ms} |`)].join("\n");
}
