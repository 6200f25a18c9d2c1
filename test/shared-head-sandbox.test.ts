/**
 * A pull request opened on a commit that already carries another pull request's green run,
 * through the real app over HTTP, with the client's queue as shipped (one GraphQL query or write
 * at a time per installation, spaced; the spacing here is shorter than GitHub's second) and a
 * backlog of other pull requests' evaluations queued in the same installation. What is asserted
 * is the order of the check-run writes the sandbox received, not their times.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sandbox } from "../src/sandbox/sandbox.js";
import { startAppAgainstSandbox, type RunningApp } from "../src/sandbox/probot-runner.js";
import { GateOctokit, tunedGateOctokit } from "../src/app/octokit.js";
import { SpacedQueues } from "../src/app/spaced-queue.js";
import { checkRunWrites } from "../src/sandbox/rest.js";
import { CLAUDE_TRAILER, DEMO_POLICY } from "../src/sandbox/story.js";

/** Long enough that a backlog of evaluations is still queued when the next event arrives. */
const SPACING_MS = 200;
const BACKLOG = 4;

/** The shipped write queue, counting the jobs scheduled ahead of the queue's order (urgency.ts). */
class CountingQueues extends SpacedQueues {
  urgentJobs = 0;
  override key(id: string) {
    const queue = super.key(id);
    return {
      schedule: <A extends unknown[], R>(options: { priority?: number }, task: (...args: A) => R | Promise<R>, ...args: A): Promise<R> => {
        if ((options.priority ?? DEFAULT_PRIORITY) < DEFAULT_PRIORITY) this.urgentJobs++;
        return queue.schedule(options, task, ...args);
      },
    };
  }
}
/** Bottleneck's default priority, which the throttling plugin gives a request that is not a retry. */
const DEFAULT_PRIORITY = 5;

let sb: Sandbox;
let app: RunningApp;
let write: CountingQueues;
beforeAll(async () => {
  sb = await Sandbox.start();
  // The shipped queue's kind with a shorter spacing; new per class, so no other test shares it.
  write = new CountingQueues(SPACING_MS);
  const Octokit = GateOctokit.defaults((options: Record<string, any> = {}) => ({ ...options, throttle: { ...(options.throttle ?? {}), write } })) as typeof GateOctokit;
  app = await startAppAgainstSandbox(sb, { Octokit });
});
afterAll(async () => {
  await app?.stop();
  await sb?.close();
});

const aiCommit = (file: string) => ({ message: `Update eval\n\n${CLAUDE_TRAILER}`, author: "alice", files: [file] });

let repos = 0;
/** A repository whose `main` has the demo policy and whose `scratch` has none. */
async function repoWithScratch(): Promise<string> {
  const repo = `acme/shared-head-${++repos}`;
  sb.createRepo({ repo, files: { ".provenance.yml": DEMO_POLICY, "README.md": "x" }, collaborators: { alice: "write", bob: "write", carol: "write" } });
  const r = sb.repo(repo);
  r.branches.set("scratch", r.branches.get("main")!);
  await sb.setBaseFile(repo, ".provenance.yml", null, { branch: "scratch" });
  return repo;
}

/**
 * Opens `BACKLOG` other pull requests and delivers an event for each without waiting — `opened`,
 * or `synchronize` for a push onto a new commit (an event that never jumps the queue) — then
 * `last`'s event: `opened` unless given.
 */
async function afterBacklog(
  repo: string,
  last: { number: number },
  event: "opened" | "synchronize" = "opened",
  lastEvent: Record<string, unknown> = sb.pullRequestEvent(repo, last.number, "opened"),
): Promise<number[]> {
  const others = [];
  for (let k = 0; k < BACKLOG; k++) others.push(await sb.openPullRequest(repo, { author: "carol", head: `other-${k}`, deliver: false, commits: [aiCommit(`evals/o${k}.yaml`)] }));
  const r = sb.repo(repo);
  const payloads = others.map((o) => {
    if (event === "opened") return sb.pullRequestEvent(repo, o.number, "opened");
    const { before } = sb.state.pushToPull(r, sb.state.pull(r, o.number), [aiCommit(`evals/o${o.number}-more.yaml`)], "carol");
    return { ...sb.pullRequestEvent(repo, o.number, "synchronize"), before, after: sb.pull(repo, o.number).head_sha };
  });
  const snapshots = () => sb.requestCounters().byOperation["graphql:PullRequestSnapshot"] ?? 0;
  const started = snapshots();
  const deliveries = payloads.map((payload) => sb.deliver("pull_request", payload));
  // The backlog's evaluations have begun reading (the rest of their queries wait in the queue).
  while (snapshots() === started) await new Promise((resolve) => setTimeout(resolve, 5));
  deliveries.push(sb.deliver("pull_request", lastEvent));
  for (const d of await Promise.all(deliveries)) expect(d.status).toBeLessThan(300);
  await sb.waitForIdle(60_000);
  return others.map((o) => o.number);
}

/** Each check-run write in the order the sandbox received it: whose run, and what it said. */
function writes(repo: string) {
  const runs = new Map(sb.checkRuns(repo).map((run) => [run.id, run]));
  return checkRunWrites(sb.repo(repo)).map((w) => ({ pr: Number(runs.get(w.id)!.external_id), head: runs.get(w.id)!.head_sha, conclusion: w.conclusion }));
}

describe("a pull request opened on a commit another pull request's green run is on", () => {
  it("holds the commit with an in-progress run before a backlog of other evaluations drains, then posts its result there", async () => {
    const repo = await repoWithScratch();
    const lenient = await sb.openPullRequest(repo, { author: "carol", head: "b", base: "scratch", commits: [aiCommit("evals/t.yaml")] });
    expect((await sb.waitForCheckRun(repo, lenient.head_sha))?.conclusion).toBe("success");
    const before = checkRunWrites(sb.repo(repo)).length;

    const strict = await sb.openPullRequest(repo, { author: "carol", head: "b", base: "main", deliver: false, commits: [] });
    expect(strict.head_sha).toBe(lenient.head_sha);
    const urgentBefore = write.urgentJobs;
    const backlog = await afterBacklog(repo, strict);
    // Its two writes, the holding run and the result, and none of the backlog's, went ahead of the queue.
    expect(write.urgentJobs - urgentBefore).toBe(2);

    const order = writes(repo).slice(before);
    const firstOfStrict = order.findIndex((w) => w.pr === strict.number);
    const lastOfBacklog = order.findLastIndex((w) => backlog.includes(w.pr));
    // Its first write is on the shared head and not a result: an in-progress run, which blocks.
    expect(order[firstOfStrict]).toEqual({ pr: strict.number, head: strict.head_sha, conclusion: null });
    expect(firstOfStrict).toBeLessThan(lastOfBacklog);
    // The result lands before the backlog drains too, and replaces the holding run on the head.
    expect(order.findLastIndex((w) => w.pr === strict.number)).toBeLessThan(lastOfBacklog);
    const runs = sb.checkRuns(repo, { sha: strict.head_sha, name: "Provenance Gate" }).filter((run) => run.external_id === String(strict.number));
    expect(runs.map((run) => [run.status, run.conclusion])).toEqual([["completed", "action_required"]]);
    expect(sb.latestCheckRun(repo, strict.head_sha)?.external_id).toBe(String(strict.number));
  }, 90_000);

  it("holds the commit when the pull request's branch is pushed onto a commit another pull request's green run is on", async () => {
    const repo = await repoWithScratch();
    const strict = await sb.openPullRequest(repo, { author: "carol", head: "s", base: "main", commits: [aiCommit("evals/t.yaml"), { message: "Tidy", author: "carol", files: ["docs/notes.md"] }] });
    expect((await sb.waitForCheckRun(repo, strict.head_sha))?.conclusion).toBe("action_required");
    // Its first commit, on a branch of its own into the base without a policy: green there.
    const shared = sb.state.pull(sb.repo(repo), strict.number).commits[0];
    sb.repo(repo).branches.set("l", shared);
    const lenient = await sb.openPullRequest(repo, { author: "carol", head: "l", base: "scratch", commits: [] });
    expect((await sb.waitForCheckRun(repo, shared))?.conclusion).toBe("success");
    const before = checkRunWrites(sb.repo(repo)).length;

    // A push of the strict pull request's branch back onto that commit.
    const { before: previous } = sb.state.forcePushPull(sb.repo(repo), sb.state.pull(sb.repo(repo), strict.number), shared, "carol");
    const pushed = { ...sb.pullRequestEvent(repo, strict.number, "synchronize"), before: previous, after: shared };
    const backlog = await afterBacklog(repo, strict, "opened", pushed);

    const order = writes(repo).slice(before);
    const firstOfStrict = order.findIndex((w) => w.pr === strict.number);
    // Its first write is on the shared commit and not a result: an in-progress run, which blocks.
    expect(order[firstOfStrict]).toEqual({ pr: strict.number, head: shared, conclusion: null });
    expect(firstOfStrict).toBeLessThan(order.findLastIndex((w) => backlog.includes(w.pr)));
    expect(sb.latestCheckRun(repo, shared)?.external_id).toBe(String(strict.number));
    // The commit shows the worse of the two: the strict pull request's.
    expect(sb.latestCheckRun(repo, shared)?.conclusion).toBe("action_required");
    expect(lenient.head_sha).toBe(shared);
  }, 90_000);

  it("closes its holding run as a failure when the pull request's head moves on before the result is written", async () => {
    const repo = await repoWithScratch();
    // A rename: only the REST file list names its source, and a read by pull request number
    // makes the app re-read the head before it writes.
    const moveReadme = { message: "Move the readme", author: "carol", files: [{ filename: "docs/README.md", status: "renamed" as const, previous_filename: "README.md" }] };
    const lenient = await sb.openPullRequest(repo, { author: "carol", head: "b", base: "scratch", commits: [aiCommit("evals/t.yaml"), moveReadme] });
    expect((await sb.waitForCheckRun(repo, lenient.head_sha))?.conclusion).toBe("success");
    const strict = await sb.openPullRequest(repo, { author: "carol", head: "b", base: "main", deliver: false, commits: [] });
    // The file list is answered only after the push below, once the hold is on the old head.
    sb.http.faults.add({ operation: "pulls.listFiles", repo, fault: "slow", delayMs: 1_500, times: 1 });
    const opened = sb.deliver("pull_request", sb.pullRequestEvent(repo, strict.number, "opened"));
    const ours = (run: { external_id: string | null }) => run.external_id === String(strict.number);
    expect((await sb.waitForCheckRun(repo, strict.head_sha, ours)).status).toBe("in_progress");
    // It changes a file the pull request already changes: the file list keeps the count the main query read.
    const pushed = await sb.pushCommits(repo, strict.number, [{ ...aiCommit("evals/t.yaml"), files: [{ filename: "evals/t.yaml", status: "modified" as const, content: "late: true\n" }] }]);
    expect((await opened).status).toBeLessThan(300);
    await sb.waitForIdle(60_000);

    const onOld = sb.checkRuns(repo, { sha: strict.head_sha, name: "Provenance Gate" }).filter(ours);
    expect(onOld.map((run) => [run.status, run.conclusion])).toEqual([["completed", "failure"]]);
    expect(onOld[0].output?.summary).toContain(`moved to ${pushed.head_sha.slice(0, 7)}`);
    expect(sb.latestCheckRun(repo, pushed.head_sha)?.external_id).toBe(String(strict.number));
  }, 90_000);

  it("an ordinary pull request, whose head has no other pull request's run, keeps its place behind the backlog and gets no holding run", async () => {
    const repo = await repoWithScratch();
    const before = checkRunWrites(sb.repo(repo)).length;
    const plain = await sb.openPullRequest(repo, { author: "carol", head: "c", base: "main", deliver: false, commits: [aiCommit("evals/c.yaml")] });
    const urgentBefore = write.urgentJobs;
    await afterBacklog(repo, plain, "synchronize");

    // Neither its write nor any other was scheduled ahead of the queue's order.
    expect(write.urgentJobs - urgentBefore).toBe(0);
    const order = writes(repo).slice(before);
    expect(order.filter((w) => w.pr === plain.number)).toEqual([{ pr: plain.number, head: plain.head_sha, conclusion: "action_required" }]);
  }, 90_000);
});

describe("a pull request opened on a shared commit while GitHub's main query is slow or fast", () => {
  const snapshots = () => sb.requestCounters().byOperation["graphql:PullRequestSnapshot"] ?? 0;
  const listings = () => sb.requestCounters().byOperation["checks.listForRef"] ?? 0;

  /** A repository with a green run on a commit, and a second pull request from that branch into `main`, not yet delivered. */
  async function sharedHead() {
    const repo = await repoWithScratch();
    const lenient = await sb.openPullRequest(repo, { author: "carol", head: "b", base: "scratch", commits: [aiCommit("evals/t.yaml")] });
    expect((await sb.waitForCheckRun(repo, lenient.head_sha))?.conclusion).toBe("success");
    await sb.waitForIdle(60_000);
    const strict = await sb.openPullRequest(repo, { author: "carol", head: "b", base: "main", deliver: false, commits: [] });
    const ours = (run: { external_id: string | null }) => run.external_id === String(strict.number);
    return { repo, strict, ours };
  }

  it("holds the commit from a REST listing of the runs while the main query has not answered, then the result replaces the hold", async () => {
    const { repo, strict, ours } = await sharedHead();
    // Three times the hold's default wait (app/shared-head.ts): the hold cannot be written from this answer.
    sb.http.faults.add({ operation: "graphql:PullRequestSnapshot", repo, fault: "slow", delayMs: 3_000, times: 1 });
    const queried = snapshots();
    const listed = listings();
    const opened = sb.deliver("pull_request", sb.pullRequestEvent(repo, strict.number, "opened"));
    const hold = await sb.waitForCheckRun(repo, strict.head_sha, ours);
    // The hold is on the commit while the slowed query is still unanswered (the sandbox counts a request once answered).
    expect(snapshots()).toBe(queried);
    expect(hold.status).toBe("in_progress");
    expect(listings()).toBe(listed + 1);
    expect((await opened).status).toBeLessThan(300);
    await sb.waitForIdle(60_000);

    expect(snapshots()).toBeGreaterThan(queried);
    const runs = sb.checkRuns(repo, { sha: strict.head_sha, name: "Provenance Gate" }).filter(ours);
    // One run, the hold, updated with the result: no second write of a hold from the query's late answer.
    expect(runs.map((run) => [run.id, run.status, run.conclusion])).toEqual([[hold.id, "completed", "action_required"]]);
    const writesOfOurs = checkRunWrites(sb.repo(repo)).filter((w) => w.id === hold.id);
    expect(writesOfOurs.map((w) => w.conclusion)).toEqual([null, "action_required"]);
    expect(sb.latestCheckRun(repo, strict.head_sha)?.external_id).toBe(String(strict.number));
  }, 90_000);

  it("holds the commit from the main query's runs when it answers in time, with no REST listing of them", async () => {
    const { repo, strict, ours } = await sharedHead();
    const listed = listings();
    expect((await sb.deliver("pull_request", sb.pullRequestEvent(repo, strict.number, "opened"))).status).toBeLessThan(300);
    await sb.waitForIdle(60_000);

    expect(listings()).toBe(listed);
    const run = sb.checkRuns(repo, { sha: strict.head_sha, name: "Provenance Gate" }).filter(ours);
    expect(checkRunWrites(sb.repo(repo)).filter((w) => w.id === run[0].id).map((w) => w.conclusion)).toEqual([null, "action_required"]);
  }, 90_000);
});

describe("a pull request opened on a shared commit while GitHub's main query fails", () => {
  let faulty: Sandbox;
  let faultyApp: RunningApp;
  beforeAll(async () => {
    faulty = await Sandbox.start();
    // Retries as shipped but paced in milliseconds, so the query's failure comes within the test.
    const Octokit = tunedGateOctokit({ retryBaseMs: 5 }).defaults((options: Record<string, any> = {}) => ({ ...options, throttle: { ...(options.throttle ?? {}), write: new SpacedQueues(SPACING_MS) } }));
    faultyApp = await startAppAgainstSandbox(faulty, { Octokit: Octokit as typeof GateOctokit });
  });
  afterAll(async () => {
    await faultyApp?.stop();
    await faulty?.close();
  });

  it("lists the runs on the head itself and holds the commit, then posts the failure there", async () => {
    const repo = "acme/shared-head-faulty";
    faulty.createRepo({ repo, files: { ".provenance.yml": DEMO_POLICY, "README.md": "x" }, collaborators: { carol: "write" } });
    const r = faulty.repo(repo);
    r.branches.set("scratch", r.branches.get("main")!);
    await faulty.setBaseFile(repo, ".provenance.yml", null, { branch: "scratch" });
    const lenient = await faulty.openPullRequest(repo, { author: "carol", head: "b", base: "scratch", commits: [aiCommit("evals/t.yaml")] });
    expect((await faulty.waitForCheckRun(repo, lenient.head_sha))?.conclusion).toBe("success");
    const strict = await faulty.openPullRequest(repo, { author: "carol", head: "b", base: "main", deliver: false, commits: [] });
    faulty.http.faults.add({ operation: "graphql:PullRequestSnapshot", repo, fault: 502 });
    const before = checkRunWrites(r).length;
    expect((await faulty.deliver("pull_request", faulty.pullRequestEvent(repo, strict.number, "opened"))).status).toBeLessThan(300);
    await faulty.waitForIdle(60_000);
    faulty.http.faults.clear(repo);

    const runs = new Map(faulty.checkRuns(repo).map((run) => [run.id, run]));
    const ours = checkRunWrites(r)
      .slice(before)
      .filter((w) => runs.get(w.id)?.external_id === String(strict.number));
    // The hold first (in progress), then the failure in its place.
    expect(ours.map((w) => w.conclusion)).toEqual([null, "failure"]);
    expect(faulty.latestCheckRun(repo, strict.head_sha)).toMatchObject({ external_id: String(strict.number), conclusion: "failure" });
    expect(faulty.requestCounters().byOperation["checks.listForRef"] ?? 0).toBeGreaterThan(0);
  }, 90_000);
});
