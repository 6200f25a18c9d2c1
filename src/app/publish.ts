/**
 * The one place that writes check runs. One `Provenance Gate` run per head SHA and pull request
 * (`external_id`) is found and updated rather than piling up; an unchanged result is not written
 * at all; a result for a head the pull request has since left is not published. The one
 * exception: the in-progress run that holds a shared head (`publishHold`) is always new.
 */
import type { Logger } from "probot";
import type { Conclusion } from "../model/verdict.js";
import type { GitHubClient, RepoRef, RequestCache } from "../load/github/client.js";
import { listOwnCheckRuns, type ExistingCheckRun } from "../load/github/check-runs.js";
import { isNewPush, lastPushAt } from "../load/github/push-time.js";
import { isoSeconds } from "../shared/format.js";
import { CONCLUSIONS, isConclusion } from "../evaluate/decide.js";
import { summaryHashes, type CheckAnnotation, type CheckRunOutput } from "../report/check-run.js";
import { CHECK_NAME } from "../model/check-name.js";
import { REEVALUATE_ACTION } from "./constants.js";

export const ANNOTATIONS_PER_REQUEST = 50;

/** GitHub counts `neutral` and `skipped` as passing a required check: they must never be posted. */
export function assertConclusion(conclusion: string): asserts conclusion is Conclusion {
  if (!isConclusion(conclusion)) {
    throw new Error(`Refusing to post conclusion "${conclusion}": only ${CONCLUSIONS.join(", ")} are allowed.`);
  }
}

/** What every part of the app that talks to GitHub is given. */
export interface GitHubDeps {
  gh: GitHubClient;
  log: Logger;
  appId: number;
  now: () => Date;
}

export interface PublisherDeps extends GitHubDeps {
  cache: RequestCache;
}

export interface PublishRequest {
  repo: RepoRef;
  /** The pull request number; it is the run's `external_id` unless `externalId` says otherwise. */
  pullNumber?: number;
  /** The commit the result is about; when unknown (loading failed early), the pull request's current head. */
  headSha?: string;
  output: CheckRunOutput;
  /** Re-read the pull request's head before writing and drop a stale result (false for merge groups). */
  checkHead: boolean;
  /** The run's `external_id`, when it is not the pull request number (merge-group runs). */
  externalId?: string;
  /** The re-read head, when the caller already started reading it (saves a round trip). */
  currentHead?: Promise<string>;
  /** The event's evidence of the push time, for a newly created run's `started_at`. */
  eventTime?: Date;
  /** Create a new run without looking for ours on the head (the fallback after a failed write). */
  fresh?: boolean;
  /**
   * Asked right before anything is written: false drops the result (a newer evaluation of the
   * pull request is queued, or this one's lock has expired; see coordination/).
   */
  mayWrite?: (conclusion: Conclusion) => Promise<boolean>;
}

export type PublishResult =
  | { kind: "created" | "updated"; id: number; headSha: string; requests: number }
  | { kind: "unchanged"; id: number; headSha: string }
  | { kind: "stale"; headSha: string; currentSha: string }
  | { kind: "superseded"; headSha: string };

export async function publishCheckRun(deps: PublisherDeps, request: PublishRequest): Promise<PublishResult> {
  const { gh, log } = deps;
  const { output, repo } = request;
  assertConclusion(output.conclusion);

  let headSha = request.headSha;
  if (request.checkHead || !headSha) {
    if (request.pullNumber === undefined) throw new Error("publishCheckRun: a head SHA or a pull request number is required");
    const currentSha = await (request.currentHead ?? readHead(gh, repo, request.pullNumber));
    if (headSha && currentSha !== headSha) {
      log.info(
        { repository: `${repo.owner}/${repo.repo}`, pr: request.pullNumber, evaluated_sha: headSha, current_sha: currentSha },
        "provenance-gate: head moved during evaluation; not publishing the stale result",
      );
      return { kind: "stale", headSha, currentSha };
    }
    headSha = currentSha;
  }

  if (request.externalId === undefined && request.pullNumber === undefined) {
    throw new Error("publishCheckRun: an external_id or a pull request number is required");
  }
  const externalId = request.externalId ?? String(request.pullNumber);
  const runs = request.fresh ? [] : await listOwnCheckRuns(gh, repo, headSha, deps.appId, deps.cache).catch((error: unknown) => {
    // Posting must not hinge on the lookup: a second run on the head beats a missing required
    // check, and it cannot loosen the push time: a later `started_at` only makes approvals look older.
    log.warn({ err: error, repository: `${repo.owner}/${repo.repo}`, head_sha: headSha }, "provenance-gate: could not list existing check runs; creating a new one");
    return [] as ExistingCheckRun[];
  });
  // A new push of a SHA the pull request had before gets a new run: its `started_at` records the push.
  const existing = isNewPush(runs, request.eventTime) ? undefined : newestRun(runs, externalId);
  const previous = existing ? summaryHashes(existing.output.summary) : undefined;

  if (
    existing &&
    previous?.hash === output.hash &&
    existing.status === "completed" &&
    existing.conclusion === output.conclusion &&
    existing.output.title === output.title
  ) {
    log.debug({ check_run_id: existing.id }, "provenance-gate: result unchanged; check run left alone");
    return { kind: "unchanged", id: existing.id, headSha };
  }

  if (request.mayWrite && !(await request.mayWrite(output.conclusion))) {
    log.info({ repository: `${repo.owner}/${repo.repo}`, pr: request.pullNumber, head_sha: headSha, conclusion: output.conclusion }, "provenance-gate: a newer evaluation follows; not publishing this result");
    return { kind: "superseded", headSha };
  }

  // GitHub appends annotations on every update; re-sending unchanged ones would duplicate them.
  const annotations = existing && previous?.annotationsHash === output.annotationsHash ? [] : output.annotations;
  const batches = chunk(annotations, ANNOTATIONS_PER_REQUEST);
  const now = deps.now();
  const common = {
    ...repo,
    external_id: externalId,
    status: "completed" as const,
    conclusion: output.conclusion,
    completed_at: isoSeconds(now),
    actions: [{ ...REEVALUATE_ACTION }],
  };
  const outputWith = (batch: CheckAnnotation[]) => ({
    title: output.title,
    summary: output.summary,
    ...(batch.length > 0 ? { annotations: batch } : {}),
  });

  let id: number;
  if (existing) {
    await gh.rest.checks.update({ ...common, check_run_id: existing.id, output: outputWith(batches[0] ?? []) });
    id = existing.id;
  } else {
    const { data } = await gh.rest.checks.create({
      ...common,
      name: CHECK_NAME,
      head_sha: headSha,
      // The push time persists as the run's start (see load/github/push-time.ts).
      started_at: lastPushAt(runs, request.eventTime, now),
      output: outputWith(batches[0] ?? []),
    });
    id = data.id;
  }
  for (const batch of batches.slice(1)) {
    await gh.rest.checks.update({ ...repo, check_run_id: id, output: outputWith(batch) });
  }
  return { kind: existing ? "updated" : "created", id, headSha, requests: Math.max(1, batches.length) };
}

/**
 * A new in-progress run for the pull request on `headSha`, before its result (app/shared-head.ts):
 * new, because GitHub reads the newest run on a commit. Its `started_at` is the push time the
 * result's run would get, so the result updates this run instead of making another.
 */
export async function publishHold(
  deps: GitHubDeps,
  request: { repo: RepoRef; pullNumber: number; headSha: string; runs: readonly ExistingCheckRun[]; eventTime?: Date; output: { title: string; summary: string } },
): Promise<ExistingCheckRun> {
  const { repo, pullNumber, headSha, output } = request;
  const started_at = lastPushAt(request.runs, request.eventTime, deps.now());
  const external_id = String(pullNumber);
  const { data } = await deps.gh.rest.checks.create({
    ...repo,
    name: CHECK_NAME,
    head_sha: headSha,
    external_id,
    status: "in_progress",
    started_at,
    output,
    actions: [{ ...REEVALUATE_ACTION }],
  });
  return { id: data.id, head_sha: headSha, external_id, status: "in_progress", conclusion: null, started_at, output };
}

/** The pull request's head as GitHub has it now: never cached, it is the staleness check. */
export async function readHead(gh: GitHubClient, repo: RepoRef, pullNumber: number): Promise<string> {
  const { data } = await gh.rest.pulls.get({ ...repo, pull_number: pullNumber });
  return data.head.sha;
}

/** Our newest run for the `external_id` (run ids grow with time); GitHub shows the newest one. */
export function newestRun<T extends { id: number; external_id?: string | null }>(runs: readonly T[], externalId: string): T | undefined {
  return runs.reduce<T | undefined>((best, run) => (run.external_id === externalId && (!best || run.id > best.id) ? run : best), undefined);
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
