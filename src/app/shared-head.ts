/**
 * A pull request that comes onto a commit which already carries another pull request's run
 * (`opened`, `reopened`, a push onto it, a new base): until it has a run of its own there, the
 * commit's newest run is the other one's, and GitHub's required check reads that — a green one
 * into a branch without a policy would let this pull request merge into a branch with one. So as
 * soon as the main query has told the runs on the head, before the rest of the evaluation and
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
import { listOwnCheckRuns, replaceCheckRuns, type ExistingCheckRun } from "../load/github/check-runs.js";
import type { RepoRef, RequestCache } from "../load/github/client.js";
import { renderHold } from "../report/check-run.js";
import type { Turn } from "./coordination/index.js";
import { newestRun, publishHold, type GitHubDeps } from "./publish.js";
import { pullNumbersOf } from "./siblings.js";
import { urgently } from "./urgency.js";

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
export async function holdSharedHead(deps: GitHubDeps, target: HoldTarget, turn: Turn, data: RunsOnHead): Promise<Hold | undefined> {
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
 * fails or names another head (a push since, or a replica that lags behind the event), they are
 * listed on their own, as they were before the query could tell them. A slow answer delays the
 * hold by as much (docs/security.md).
 */
async function runsOnHead(deps: GitHubDeps, repo: RepoRef, headSha: string, data: RunsOnHead): Promise<ExistingCheckRun[]> {
  const head = await data.headRuns().catch(() => undefined);
  if (head?.sha === headSha) return head.runs;
  return listOwnCheckRuns(deps.gh, repo, headSha, deps.appId, data.cache);
}

function runShown(run: ExistingCheckRun): string {
  return run.status === "completed" ? (run.conclusion ?? "completed") : run.status.replace("_", " ");
}
