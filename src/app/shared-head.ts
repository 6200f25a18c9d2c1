/**
 * A pull request that comes onto a commit which already carries another pull request's run
 * (`opened`, `reopened`, a push onto it, a new base): until it has a run of its own there, the
 * commit's newest run is the other one's, and GitHub's required check reads that — a green one
 * into a branch without a policy would let this pull request merge into a branch with one. So as
 * soon as the runs on the head are known — from the main query, or from a REST listing when the
 * query has not answered within `holdWaitMs` — before the rest of the evaluation and
 * ahead of other pull requests' queued requests (urgency.ts), the commit gets a new in-progress
 * run for this pull request, which holds the merge until the result replaces it.
 *
 * Sound because nothing here judges: an in-progress required check blocks the merge whatever
 * the result will be, and other pull requests' evaluations read a run without a result at its
 * worst (siblings.ts), so none of them can open the commit meanwhile. The run is written inside the
 * pull request's turn (the coordinator's lock across replicas), so no older evaluation of it
 * lands after; the result that follows in the same turn updates it, and when that result is
 * dropped because the head moved on, the run is closed as a failure instead of left in progress.
 */
import { listOwnCheckRuns, rememberCheckRuns, replaceCheckRuns, type ExistingCheckRun } from "../load/github/check-runs.js";
import { RequestCache, type RepoRef } from "../load/github/client.js";
import { renderHold } from "../report/check-run.js";
import type { Turn } from "./coordination/index.js";
import { newestRun, publishHold, type GitHubDeps } from "./publish.js";
import { pullNumbersOf } from "./siblings.js";
import { urgently } from "./urgency.js";

/**
 * How long the hold waits for the main query's answer before it lists the runs on the head over
 * REST instead. A healthy answer comes well within a second (in the sandbox the hold is written
 * within 0.1 s of the event), so at 1 s the extra request is seldom paid, while a slow or failing
 * query (the failure's retries take ~14 s) leaves the shared commit showing the other pull
 * request's result for about 1 s (1.04 s measured) instead of as long as the query takes. Much shorter would list the runs whenever GitHub's
 * GraphQL is merely sluggish; much longer would widen the window the hold exists to close.
 */
export const DEFAULT_HOLD_WAIT_MS = 1_000;

export interface HoldOptions {
  /** How long the hold waits for the main query's runs before listing them itself (default `DEFAULT_HOLD_WAIT_MS`). */
  holdWaitMs?: number;
}

export interface Hold {
  /** The holding run, when it could be written. */
  run?: ExistingCheckRun;
}

export interface HoldTarget extends RepoRef {
  number: number;
  headSha?: string;
  baseRef?: string;
  eventTime?: Date;
}

/**
 * Where the hold reads our runs on the head: the pull request's data, whose main query brings
 * them (a REST listing only when it cannot), so holding costs no request of its own. The run it
 * writes joins that list in `cache`, so the result updates it.
 */
export interface RunsOnHead {
  readonly cache: RequestCache;
  headRuns(): Promise<{ sha: string; runs: ExistingCheckRun[] }>;
}

/**
 * Holds the head when another pull request's run is on it; undefined when none is (the evaluation
 * then runs as any other, in the queue's order).
 */
export async function holdSharedHead(deps: GitHubDeps & HoldOptions, target: HoldTarget, turn: Turn, data: RunsOnHead): Promise<Hold | undefined> {
  const { headSha } = target;
  if (!headSha) return undefined;
  const repo = { owner: target.owner, repo: target.repo };
  return urgently(async () => {
    const runs = await runsOnHead(deps, repo, headSha, data).catch(() => undefined);
    const others = runs ? pullNumbersOf(runs).filter((n) => n !== target.number) : [];
    // A run that blocks now may turn green by its own pull request's events, before this one's
    // result: whatever the others' runs say, this pull request holds the commit.
    if (!runs || others.length === 0) return undefined;
    const where = { repository: `${target.owner}/${target.repo}`, pr: target.number, head_sha: headSha, others };
    // An expired lock means another replica may be writing this pull request's result.
    if (!(await turn.mayWrite("action_required"))) return {};
    const shown = others.map((number) => ({ number, shown: runShown(newestRun(runs, String(number))!) }));
    try {
      const run = await publishHold(deps, { repo, pullNumber: target.number, headSha, runs, eventTime: target.eventTime, output: renderHold(target.number, target.baseRef, shown) });
      deps.log.info({ ...where, check_run_id: run.id }, "provenance-gate: holding a commit that another pull request's run is on until this one is evaluated");
      replaceCheckRuns(data.cache, headSha, [...runs, run]);
      return { run };
    } catch (error) {
      // The evaluation still runs first and posts the result; holding is what failed.
      deps.log.warn({ err: error, ...where }, "provenance-gate: could not write the run that holds a shared commit");
      return {};
    }
  });
}

/**
 * Our runs on the event's head: from the main query's answer, which costs nothing more. When it
 * fails or names another head (a push since, or a replica that lags behind the event), or has not
 * come within `holdWaitMs`, they are listed on their own, as they were before the query could tell
 * them; then whichever of the two tells this head's runs first is used (docs/security.md).
 */
async function runsOnHead(deps: GitHubDeps & HoldOptions, repo: RepoRef, headSha: string, data: RunsOnHead): Promise<ExistingCheckRun[]> {
  const fromQuery = data.headRuns().then(
    (head) => (head.sha === headSha ? head.runs : undefined),
    () => undefined,
  );
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), deps.holdWaitMs ?? DEFAULT_HOLD_WAIT_MS);
  });
  const first = await Promise.race([fromQuery, late]);
  clearTimeout(timer);
  if (first !== "late" && first) return first;
  // The query has answered without them: the listing is the evaluation's own (a failed one is not tried twice).
  if (first !== "late") return listOwnCheckRuns(deps.gh, repo, headSha, deps.appId, data.cache);
  const tellsThisHead = fromQuery.then((runs) => runs ?? Promise.reject(new Error("the main query did not tell this head's runs")));
  return Promise.any([tellsThisHead, listOwnRuns(deps, repo, headSha, data.cache)]);
}

/**
 * The listing while the query is still out, read apart from the evaluation's cache so that its
 * failure does not stand for the runs the query may yet bring; once read, it is the answer there too.
 */
async function listOwnRuns(deps: GitHubDeps, repo: RepoRef, headSha: string, cache: RequestCache): Promise<ExistingCheckRun[]> {
  const runs = await listOwnCheckRuns(deps.gh, repo, headSha, deps.appId, new RequestCache());
  rememberCheckRuns(cache, headSha, runs);
  return runs;
}

function runShown(run: ExistingCheckRun): string {
  return run.status === "completed" ? (run.conclusion ?? "completed") : run.status.replace("_", " ");
}
