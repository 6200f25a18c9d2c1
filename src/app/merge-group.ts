/**
 * Merge queues (SPEC §7): GitHub tests `gh-readonly-queue/<base>/pr-<N>-<sha>` and waits for the
 * required checks on the group's head commit. The group passes only when pull request N passes
 * Provenance Gate and its head is still exactly the queued `<sha>`.
 */
import type { RepoRef } from "../load/github/client.js";
import { RequestCache } from "../load/github/client.js";
import { decide, type MergeGroupFacts } from "../evaluate/decide.js";
import { renderDecision } from "../report/check-run.js";
import { logEvaluation, publishOutcome } from "../ops/evaluation-log.js";
import { MERGE_GROUP_EXTERNAL_ID, MERGE_QUEUE_REF } from "./constants.js";
import { evaluateAndPublish, type AppDeps } from "./evaluation.js";
import { publishCheckRun, type PublishResult } from "./publish.js";

export interface QueueEntry {
  base: string;
  pullNumber: number;
  sha: string;
}

export function parseMergeQueueRef(ref: string): QueueEntry | undefined {
  const match = MERGE_QUEUE_REF.exec(ref);
  if (!match) return undefined;
  return { base: match[1], pullNumber: Number(match[2]), sha: match[3] };
}

export async function checkMergeGroup(
  deps: AppDeps,
  repo: RepoRef,
  group: { head_sha: string; head_ref: string },
): Promise<PublishResult> {
  const started = performance.now();
  const entry = parseMergeQueueRef(group.head_ref);
  if (!entry) {
    // Fail the group at once rather than leave the queue waiting for a check that never comes.
    const facts = { pullNumber: 0, queuedSha: group.head_sha, problem: `The merge group branch \`${group.head_ref}\` does not have the form gh-readonly-queue/<base>/pr-<number>-<sha>, so the queued pull request is unknown.` };
    return postMergeGroup(deps, repo, group.head_sha, facts, `${MERGE_GROUP_EXTERNAL_ID}unknown`, started);
  }
  let facts: MergeGroupFacts;
  try {
    const { evaluation, publish } = await evaluateAndPublish(deps, { ...repo, number: entry.pullNumber, baseRef: entry.base });
    const currentSha = publish.kind === "stale" ? publish.currentSha : (evaluation.headSha ?? publish.headSha);
    facts = {
      pullNumber: entry.pullNumber,
      queuedSha: entry.sha,
      currentSha,
      // What was posted on the pull request; a result that was not published (a newer
      // evaluation follows) cannot open the group.
      prConclusion: evaluation.error === undefined && publish.kind !== "superseded" ? evaluation.output.conclusion : undefined,
      prTitle: evaluation.output.title,
    };
  } catch (error) {
    facts = {
      pullNumber: entry.pullNumber,
      queuedSha: entry.sha,
      prTitle: `the check on the pull request could not be posted (${error instanceof Error ? error.message : String(error)})`,
    };
  }
  return postMergeGroup(deps, repo, group.head_sha, facts, `${MERGE_GROUP_EXTERNAL_ID}${entry.pullNumber}`, started);
}

/** Posts the group's decision on its head commit and logs what was posted. */
async function postMergeGroup(deps: AppDeps, repo: RepoRef, headSha: string, facts: MergeGroupFacts, externalId: string, started: number): Promise<PublishResult> {
  const output = renderDecision(decide({ kind: "merge-group", group: facts }));
  const publisher = { ...deps, cache: new RequestCache() };
  const fields = { repository: `${repo.owner}/${repo.repo}`, pr: facts.pullNumber, head_sha: headSha, merge_group: true, conclusion: output.conclusion };
  try {
    const publish = await publishCheckRun(publisher, { repo, ...(facts.pullNumber > 0 ? { pullNumber: facts.pullNumber } : {}), headSha, output, checkHead: false, externalId });
    logEvaluation(deps.log, fields, started, publishOutcome(publish));
    return publish;
  } catch (error) {
    logEvaluation(deps.log, fields, started, publishOutcome({ error }));
    throw error;
  }
}
