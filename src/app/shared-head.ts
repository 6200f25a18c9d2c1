/**
 * A pull request that comes onto a commit which already carries another pull request's run
 * (`opened`, `reopened`, a new base): until it has a run of its own there, the commit's newest run
 * is the other one's, and GitHub's required check reads that — a green one into a branch without
 * a policy would let this pull request merge into a branch with one. So before the evaluation,
 * and ahead of other pull requests' queued requests (urgency.ts), the commit gets a new
 * in-progress run for this pull request, which holds the merge until the result replaces it.
 *
 * Sound because nothing here judges: an in-progress required check blocks the merge whatever
 * the result will be, and other pull requests' evaluations read a run without a result at its
 * worst (siblings.ts), so none of them can open the commit meanwhile. The run is written inside the
 * pull request's turn (the coordinator's lock across replicas), so no older evaluation of it
 * lands after; the result that follows in the same turn updates it, and when that result is
 * dropped because the head moved on, the run is closed as a failure instead of left in progress.
 */
import { RequestCache, type RepoRef } from "../load/github/client.js";
import { listOwnCheckRuns, type ExistingCheckRun } from "../load/github/check-runs.js";
import { renderHold } from "../report/check-run.js";
import type { Turn } from "./coordination/index.js";
import { newestRun, publishHold, type GitHubDeps } from "./publish.js";
import { pullNumbersOf } from "./siblings.js";
import { urgently } from "./urgency.js";

export interface Hold {
  /** Our runs on the head, the hold included: the evaluation reads no older list. */
  runs: ExistingCheckRun[];
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
 * Holds the head when another pull request's run is on it; undefined when none is (the evaluation
 * then runs as any other, in the queue's order).
 */
export async function holdSharedHead(deps: GitHubDeps, target: HoldTarget, turn: Turn): Promise<Hold | undefined> {
  const { headSha } = target;
  if (!headSha) return undefined;
  const repo = { owner: target.owner, repo: target.repo };
  return urgently(async () => {
    // A failed listing leaves the evaluation to find the runs itself, in the queue's order.
    const runs = await listOwnCheckRuns(deps.gh, repo, headSha, deps.appId, new RequestCache()).catch(() => undefined);
    const others = runs ? pullNumbersOf(runs).filter((n) => n !== target.number) : [];
    if (!runs || others.length === 0) return undefined;
    const where = { repository: `${target.owner}/${target.repo}`, pr: target.number, head_sha: headSha, others };
    // An expired lock means another replica may be writing this pull request's result.
    if (!(await turn.mayWrite("action_required"))) return { runs };
    const shown = others.map((number) => ({ number, shown: runShown(newestRun(runs, String(number))!) }));
    try {
      const run = await publishHold(deps, { repo, pullNumber: target.number, headSha, runs, eventTime: target.eventTime, output: renderHold(target.number, target.baseRef, shown) });
      deps.log.info({ ...where, check_run_id: run.id }, "provenance-gate: holding a commit that another pull request's run is on until this one is evaluated");
      return { runs: [...runs, run], run };
    } catch (error) {
      // The evaluation still runs first and posts the result; holding is what failed.
      deps.log.warn({ err: error, ...where }, "provenance-gate: could not write the run that holds a shared commit");
      return { runs };
    }
  });
}

function runShown(run: ExistingCheckRun): string {
  return run.status === "completed" ? (run.conclusion ?? "completed") : run.status.replace("_", " ");
}
