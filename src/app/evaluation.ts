/**
 * One evaluation of one pull request, end to end: load (GitHub) → policy → snapshot → evaluate
 * (pure) → render → publish. Whatever fails on the way, the result is a posted check run: an
 * error becomes a `failure` run that names it. Only a failure to post at all is thrown.
 */
import type { Logger } from "probot";
import type { Verdict } from "../model/verdict.js";
import { POLICY_PATH, type Policy } from "../model/policy.js";
import { evaluate } from "../evaluate/evaluate.js";
import { buildSnapshot } from "../load/build-snapshot.js";
import { IncompleteDataError } from "../load/pull-request-data.js";
import { RequestCache, type GitHubClient, type RepoRef } from "../load/github/client.js";
import { GitHubPullRequestData } from "../load/github/pull-request-data.js";
import { renderCheckRun, renderEvaluationError, renderNoPolicy, withSiblings, type CheckRunOutput } from "../report/check-run.js";
import { openSiblings, type SiblingRun } from "./siblings.js";
import { OneAtATime } from "./one-at-a-time.js";
import { describeError } from "./errors.js";
import { floorOnlyPolicy, headPolicyErrors, resolvePolicy } from "./policy.js";
import { readHead, type PublishResult } from "./publish.js";
import { publishOrFallBack } from "./fallback.js";
import type { CoordinationError, Turn } from "./coordination/index.js";
import { takeTurn, whenStoreRecovers } from "./coordination/turns.js";
import { recordResult } from "../audit/from-app.js";
import type { AuditRecorder } from "../audit/writer.js";
import { logEvaluation, publishOutcome, type EvaluationFields } from "../ops/evaluation-log.js";

export interface AppDeps {
  gh: GitHubClient;
  log: Logger;
  appId: number;
  now: () => Date;
  /** The record of decisions (SPEC §10): gets every posted result, after it is posted. */
  audit?: AuditRecorder;
  /** The webhook delivery being handled, for the record. */
  deliveryId?: string;
}

export interface PullRequestTarget extends RepoRef {
  number: number;
  /** Known from the event: saves a request to find the base branch. */
  baseRef?: string;
  /** Known from the event: lets the check-run lookup run alongside the main query. */
  headSha?: string;
  /** The event's evidence of when the head was pushed (see load/github/push-time.ts). */
  eventTime?: Date;
  /** Who pushed, by the event (`synchronize`'s sender). */
  pusher?: string;
  /** The pull request's assignees, from the event. */
  assignees?: string[];
  /** Filled from what this process remembers (below). */
  pushers?: string[];
}

/**
 * Pushers the events of this process named, per pull request; each run also records them in its
 * marker, and the next run reads them back from the runs on the head. Calls that wait
 * for a running evaluation share one re-run with the newest call's arguments (see
 * one-at-a-time.ts); keeping these here means no push's sender is lost in that merge.
 */
const seenPushes = new Map<string, Set<string>>();
const MAX_SEEN = 10_000;

function rememberedPushes(key: string): { pushers?: string[] } {
  const seen = seenPushes.get(key);
  return seen ? { pushers: [...seen] } : {};
}

function rememberPush(key: string, target: PullRequestTarget): void {
  let seen = seenPushes.get(key);
  if (!seen) {
    if (seenPushes.size >= MAX_SEEN) seenPushes.delete(seenPushes.keys().next().value!);
    seen = new Set();
    seenPushes.set(key, seen);
  }
  if (target.pusher) seen.add(target.pusher.toLowerCase());
}

export interface Evaluation {
  output: CheckRunOutput;
  /** The head SHA that was evaluated, when the pull request could be read. */
  headSha?: string;
  verdict?: Verdict;
  error?: unknown;
  /** What the evaluation log line says about it (logged once published, with the outcome). */
  record: EvaluationFields;
}

export interface EvaluationOutcome {
  evaluation: Evaluation;
  publish: PublishResult;
}

export interface PublishOptions {
  /**
   * Re-evaluate other open pull requests on the same head commit whose run no longer matches
   * (default true; false for those re-evaluations themselves, so it never ping-pongs).
   */
  cascade?: boolean;
}

interface Published {
  outcome: EvaluationOutcome;
  /** Other open pull requests on the commit whose run no longer shows its combined result. */
  outOfStep: SiblingRun[];
}

const perPullRequest = new OneAtATime<Published>();

/**
 * Evaluates and publishes one pull request; calls for the same pull request run one at a time.
 * Siblings are re-evaluated after this pull request's turn is over: holding it while waiting for
 * theirs could deadlock two pull requests that each wait for the other.
 */
export async function evaluateAndPublish(deps: AppDeps, target: PullRequestTarget, options: PublishOptions = {}): Promise<EvaluationOutcome> {
  const key = `${target.owner}/${target.repo}#${target.number}`.toLowerCase();
  rememberPush(key, target);
  const { outcome, outOfStep } = await takeTurn(
    key,
    perPullRequest,
    (turn) => evaluateAndPublishNow(deps, { ...target, ...rememberedPushes(key) }, turn),
    async (error) => {
      whenStoreRecovers(key, () => evaluateAndPublish(deps, target, options));
      return { outcome: await postStoreFailure(deps, target, error), outOfStep: [] };
    },
  );
  if (options.cascade !== false) await reevaluateSiblings(deps, { owner: target.owner, repo: target.repo }, outOfStep);
  return outcome;
}

/**
 * The shared store failed (SPEC 7.1): fail closed with a posted `failure`, without the lock — a
 * failure cannot be a wrong green — and say that the app re-evaluates by itself.
 */
async function postStoreFailure(deps: AppDeps, target: PullRequestTarget, error: CoordinationError): Promise<EvaluationOutcome> {
  deps.log.error({ err: error, repository: `${target.owner}/${target.repo}`, pr: target.number }, "provenance-gate: the shared store failed; posting a failure");
  const output = renderEvaluationError({
    kind: "store",
    message: error.message,
    remedy: "Provenance Gate evaluates this pull request again by itself as soon as its shared store answers; you can also click Re-evaluate.",
  });
  const publisherDeps = { gh: deps.gh, log: deps.log, appId: deps.appId, now: deps.now, cache: new RequestCache() };
  const repo = { owner: target.owner, repo: target.repo };
  const { publish } = await publishOrFallBack(publisherDeps, { repo, pullNumber: target.number, headSha: target.headSha, output, checkHead: target.headSha === undefined });
  const record = { repository: `${target.owner}/${target.repo}`, pr: target.number, head_sha: target.headSha ?? null, conclusion: "failure", error: "store" };
  return { evaluation: { output, headSha: target.headSha, error, record }, publish };
}

async function evaluateAndPublishNow(deps: AppDeps, target: PullRequestTarget, turn: Turn): Promise<Published> {
  const started = performance.now();
  const cache = new RequestCache();
  const data = new GitHubPullRequestData(deps.gh, {
    owner: target.owner,
    repo: target.repo,
    number: target.number,
    appId: deps.appId,
    baseRef: target.baseRef,
    eventTime: target.eventTime,
    eventHeadSha: target.headSha,
    now: deps.now(),
    cache,
    ...(target.pushers ? { pushers: target.pushers } : {}),
    ...(target.assignees ? { assignees: target.assignees } : {}),
  });
  // Independent reads start together with the main query, so they cost no extra round trip:
  // our runs on the head (push time, which run to update) and the file list (needs no policy).
  // Errors are cached and surface where the results are awaited.
  if (target.headSha) data.checkRuns(target.headSha).catch(() => undefined);
  data.files().catch(() => undefined);

  // The staleness re-read needs only the PR number: it starts once the main query has answered,
  // alongside the per-commit reads, instead of after them. A push landing after it is judged by
  // its own synchronize event, and a result on a SHA the pull request has left cannot decide its
  // required check, which GitHub reads from the new head.
  const currentHead = data
    .headSha()
    .catch(() => undefined)
    .then(() => readHead(deps.gh, { owner: target.owner, repo: target.repo }, target.number));
  currentHead.catch(() => undefined);

  const evaluation = await evaluateLoaded(deps, data);
  const publisherDeps = { gh: deps.gh, log: deps.log, appId: deps.appId, now: deps.now, cache };
  const repo = { owner: target.owner, repo: target.repo };
  const headSha = evaluation.headSha ?? target.headSha;
  const { output, siblings } = await withOpenSiblings(deps, repo, target.number, headSha, evaluation.output, data);
  try {
    const { publish, output: posted } = await publishOrFallBack(publisherDeps, {
      repo,
      pullNumber: target.number,
      headSha,
      output,
      checkHead: true,
      currentHead,
      // The event's push time belongs to the event's head only.
      eventTime: headSha === target.headSha ? target.eventTime : undefined,
      mayWrite: turn.mayWrite,
    });
    const replaced = posted !== output;
    recordResult(deps, { repository: repo, pullNumber: target.number, baseRef: target.baseRef, verdict: evaluation.verdict, output: posted, publish });
    logEvaluation(deps.log, { ...evaluation.record, conclusion: posted.conclusion }, started, `${publishOutcome(publish)}${replaced ? " (minimal failure)" : ""}`);
    const outcome = { evaluation: replaced ? { ...evaluation, output: posted } : evaluation, publish };
    return { outcome, outOfStep: replaced ? [] : siblings.filter((sibling) => sibling.posted !== output.conclusion) };
  } catch (error) {
    logEvaluation(deps.log, evaluation.record, started, publishOutcome({ error }));
    throw error;
  }
}

/**
 * The output combined with other open pull requests on the same head commit. Finding them can
 * fail; then the result fails too, rather than risk a lenient run deciding a stricter one.
 */
async function withOpenSiblings(
  deps: AppDeps,
  repo: RepoRef,
  number: number,
  headSha: string | undefined,
  own: CheckRunOutput,
  data: GitHubPullRequestData,
): Promise<{ output: CheckRunOutput; siblings: SiblingRun[] }> {
  if (!headSha) return { output: own, siblings: [] };
  try {
    const runs = await data.checkRuns(headSha).catch(() => []);
    const siblings = await openSiblings(deps.gh, deps.log, repo, headSha, number, runs);
    return { output: withSiblings(own, siblings), siblings };
  } catch (error) {
    deps.log.error({ err: error, repository: data.repository, pr: number }, "provenance-gate: could not read the other pull requests on this commit");
    return { output: renderEvaluationError(describeError(error)), siblings: [] };
  }
}

/** Siblings whose run no longer shows the commit's combined result are evaluated again. */
async function reevaluateSiblings(deps: AppDeps, repo: RepoRef, siblings: readonly SiblingRun[]): Promise<void> {
  for (const sibling of siblings) {
    await evaluateAndPublish(deps, { ...repo, number: sibling.number }, { cascade: false }).catch((error: unknown) => {
      // That pull request's own events and its Re-evaluate button still reach it.
      deps.log.warn({ err: error, repository: `${repo.owner}/${repo.repo}`, pr: sibling.number }, "provenance-gate: could not re-evaluate a pull request on the same commit");
    });
  }
}

/** Evaluate without publishing; never throws (an error becomes the `failure` output). */
export async function evaluateLoaded(deps: AppDeps, data: GitHubPullRequestData): Promise<Evaluation> {
  const now = deps.now();
  try {
    const resolution = resolvePolicy(await data.policy.candidates());
    let policy: Policy;
    if (resolution.kind === "none") {
      // Nothing is enforced without a policy, but a pull request adding a broken one must hear so.
      if ((await pullRequestPolicyErrors(data)).length === 0) {
        const headSha = await data.headSha();
        const output = renderNoPolicy(resolution.searched);
        const record = { repository: data.repository, pr: data.options.number, head_sha: headSha, conclusion: output.conclusion, policy_blob_sha: null };
        return { output, headSha, record };
      }
      policy = floorOnlyPolicy(resolution.searched);
    } else {
      policy = resolution.policy;
    }
    const [snapshot, prConfigErrors] = await Promise.all([
      buildSnapshot(data, policy, data.repository),
      pullRequestPolicyErrors(data),
    ]);
    const verdict = evaluate(policy, snapshot, { now, prConfigErrors });
    const record = {
      repository: verdict.repository,
      pr: verdict.pull_number,
      head_sha: verdict.head_sha,
      conclusion: verdict.conclusion,
      tools: verdict.ai.tools,
      session_authors: verdict.session_authors,
      counted: verdict.counted,
      policy_path: verdict.policy.path,
      policy_blob_sha: verdict.policy.blob_sha ?? null,
      fallback: verdict.policy.fallback_reason !== undefined,
    };
    return { output: renderCheckRun(verdict), headSha: snapshot.pull_request.head_sha, verdict, record };
  } catch (error) {
    const report = describeError(error);
    const level = error instanceof IncompleteDataError ? "warn" : "error";
    deps.log[level]({ err: error, repository: data.repository, pr: data.options.number }, `provenance-gate: evaluation failed (${report.kind})`);
    const record = { repository: data.repository, pr: data.options.number, head_sha: data.loadedHeadSha ?? null, conclusion: "failure", error: report.kind };
    // The pushers known so far stay recorded, even on a failure run.
    const pushers = await data.pushers().catch(() => data.options.pushers ?? []);
    return { output: renderEvaluationError(report, pushers), headSha: data.loadedHeadSha, error, record };
  }
}

/** A pull request that edits the root policy gets its new version validated (SPEC §2). */
async function pullRequestPolicyErrors(data: GitHubPullRequestData) {
  const files = await data.files();
  if (!files.some((file) => file.filename === POLICY_PATH && file.status !== "removed")) return [];
  const text = await data.policy.headPolicyText();
  return text === null ? [] : headPolicyErrors(text, POLICY_PATH);
}


/** What a restart loses: this process's memory of pushes (tests use it to play a restart). */
export function forgetRememberedPushes(): void {
  seenPushes.clear();
}
