/**
 * Every path posts (SPEC 7.1). Publishing can fail in two places, and neither may leave the
 * required check missing or showing an older result:
 * - the staleness re-read of the head fails: the result is replaced by a `failure` that names the
 *   failed read, posted on the head that was evaluated;
 * - the write itself fails (after Octokit's retries): if the result landed anyway (the answer was
 *   lost, not the write) nothing more is done; otherwise the smallest valid run is created: a new
 *   `failure` run naming the write error. A new run, because the run that would have been updated
 *   may be the very thing GitHub refuses, and the newest run is the one GitHub shows.
 * Only when even that cannot be written does the error propagate (the delivery then fails, so
 * GitHub's redelivery and the reconciler can repair it).
 */
import { RequestCache, httpStatus } from "../load/github/client.js";
import { listOwnCheckRuns } from "../load/github/check-runs.js";
import { decide, type EvaluationProblem } from "../evaluate/decide.js";
import { renderDecision, summaryHashes, type CheckRunOutput } from "../report/check-run.js";
import { blocksEveryWrite, describeError } from "./errors.js";
import { CoordinationError } from "./coordination/coordinator.js";
import { newestRun, publishCheckRun, type PublisherDeps, type PublishRequest, type PublishResult } from "./publish.js";

export interface Posted {
  publish: PublishResult;
  /** What was posted (or would have been): the result, or the failure that replaced it. */
  output: CheckRunOutput;
}

export async function publishOrFallBack(deps: PublisherDeps, request: PublishRequest): Promise<Posted> {
  const where = { repository: `${request.repo.owner}/${request.repo.repo}`, pr: request.pullNumber };
  let attempt = request;
  if (request.currentHead) {
    const head = await request.currentHead.then(
      (sha) => ({ sha }),
      (error: unknown) => ({ error }),
    );
    if ("error" in head) {
      // No head to post on, or the pull request is gone (or no longer visible to the app).
      if (!request.headSha || httpStatus(head.error) === 404 || blocksEveryWrite(head.error)) {
        deps.log.error({ err: head.error, ...where }, "provenance-gate: could not post the check run");
        throw head.error;
      }
      deps.log.warn({ err: head.error, ...where }, "provenance-gate: could not re-read the head before posting; posting a failure");
      const output = failureInstead(request.output, describeError(head.error), "Could not re-read the pull request's head before posting the result");
      attempt = { ...request, output, checkHead: false, currentHead: undefined };
    } else {
      attempt = { ...request, currentHead: Promise.resolve(head.sha) };
    }
  }
  try {
    return { publish: await publishCheckRun(deps, attempt), output: attempt.output };
  } catch (error) {
    // The shared store failed while asked whether to write: the caller fails closed (coordination/).
    if (error instanceof CoordinationError) throw error;
    const headSha = attempt.headSha;
    if (!headSha || blocksEveryWrite(error)) {
      deps.log.error({ err: error, ...where, conclusion: attempt.output.conclusion }, "provenance-gate: could not post the check run");
      throw error;
    }
    const externalId = attempt.externalId ?? String(attempt.pullNumber);
    // A 4xx answer means the write did not happen; without an answer, or on a 5xx, it may have.
    const status = httpStatus(error);
    const landedId = status !== undefined && status < 500 ? undefined : await landed(deps, attempt, headSha, externalId);
    if (landedId !== undefined) {
      deps.log.warn({ err: error, ...where, check_run_id: landedId }, "provenance-gate: GitHub's answer to the check-run write was lost, but the run shows the result");
      return { publish: { kind: "updated", id: landedId, headSha, requests: 1 }, output: attempt.output };
    }
    deps.log.warn({ err: error, ...where, head_sha: headSha }, "provenance-gate: could not write the check run; creating a minimal failure run");
    const output = failureInstead(attempt.output, describeError(error), "Could not write this pull request's check run");
    try {
      // A failure cannot be a wrong green: it needs nobody's leave to be written.
      const publish = await publishCheckRun(deps, { ...attempt, output, checkHead: false, currentHead: undefined, fresh: true, mayWrite: undefined });
      return { publish, output };
    } catch (fallbackError) {
      deps.log.error({ err: fallbackError, ...where, head_sha: headSha, conclusion: attempt.output.conclusion }, "provenance-gate: could not post the check run");
      throw fallbackError;
    }
  }
}

/** The failure posted in place of a result that could not be posted; the pushers stay recorded. */
function failureInstead(result: CheckRunOutput, problem: EvaluationProblem, what: string): CheckRunOutput {
  return renderDecision(decide({ kind: "error", problem: { ...problem, message: `${what}: ${problem.message}` } }), result.pushers, result.allPushes);
}

/** The id of our newest run on the head, if it already shows exactly `request.output`. */
async function landed(deps: PublisherDeps, request: PublishRequest, headSha: string, externalId: string): Promise<number | undefined> {
  try {
    const runs = await listOwnCheckRuns(deps.gh, request.repo, headSha, deps.appId, new RequestCache());
    const newest = newestRun(runs, externalId);
    if (newest?.status !== "completed" || newest.conclusion !== request.output.conclusion) return undefined;
    return summaryHashes(newest.output.summary)?.hash === request.output.hash ? newest.id : undefined;
  } catch {
    return undefined;
  }
}
