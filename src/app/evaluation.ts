/**
 * One evaluation of one pull request, end to end: load (GitHub) → policy → snapshot → evaluate
 * (pure) → render → publish. Whatever fails on the way, the result is a posted check run: an
 * error becomes a `failure` run that names it. Only a failure to post at all is thrown.
 */
import type { Push } from "../load/github/update-branch.js";
import type { Verdict } from "../model/verdict.js";
import { POLICY_PATH, type Policy } from "../model/policy.js";
import { evaluate } from "../evaluate/evaluate.js";
import { buildSnapshot, type SnapshotReads } from "../load/build-snapshot.js";
import { describeRecordWarning } from "../provenance-records/record.js";
import { IncompleteDataError } from "../load/pull-request-data.js";
import { RequestCache, type RepoRef } from "../load/github/client.js";
import { GitHubPullRequestData } from "../load/github/pull-request-data.js";
import { decide, type Decision } from "../evaluate/decide.js";
import { renderDecision, type CheckRunOutput } from "../report/check-run.js";
import { openSiblings, type SiblingRun } from "./siblings.js";
import { OneAtATime } from "./one-at-a-time.js";
import { describeError, failedForToken } from "./errors.js";
import { floorOnlyPolicy, headPolicyErrors, resolvePolicy } from "./policy.js";
import { publishCheckRun, readHead, type GitHubDeps, type PublishRequest, type PublishResult } from "./publish.js";
import { holdSharedHead, type HoldOptions } from "./shared-head.js";
import { urgently } from "./urgency.js";
import { publishOrFallBack, type Posted } from "./fallback.js";
import type { CoordinationError, Turn } from "./coordination/index.js";
import { takeTurn, whenStoreRecovers } from "./coordination/turns.js";
import { recordResult } from "../audit/from-app.js";
import type { AuditRecorder } from "../audit/writer.js";
import { logEvaluation, publishOutcome } from "../ops/evaluation-log.js";

export interface AppDeps extends GitHubDeps, HoldOptions {
  /** The record of decisions (SPEC §10): gets every posted result, after it is posted. */
  audit?: AuditRecorder;
  /** The webhook delivery being handled, for the record. */
  deliveryId?: string;
  /** The app instance's turns: one evaluation per pull request at a time. */
  turns: EvaluationTurns;
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
  /** The push it made (`synchronize`'s `before` and `after`), so an "Update branch" merge can be told apart. */
  push?: { before: string; after: string };
  /** The head of an `opened` event: nobody pushed to the pull request before it. */
  openedHead?: string;
  /** The pull request's assignees, from the event. */
  assignees?: string[];
  /** Filled from what this process remembers (below). */
  pushers?: string[];
  /** Filled from what this process remembers: the pushes whose sender depends on what they added. */
  pushes?: Push[];
  /**
   * The event may have put the pull request on a commit another pull request's run is on
   * (`opened`, `reopened`, a push onto it, a new base): hold that commit first (shared-head.ts).
   */
  holdSharedHead?: boolean;
}

export interface Evaluation {
  /** The pull request's own result, as `decide` made it. */
  decision: Decision;
  /** The check run that shows it; once published, what was posted. */
  output: CheckRunOutput;
  /** The head SHA that was evaluated, when the pull request could be read. */
  headSha?: string;
  verdict?: Verdict;
  error?: unknown;
  /**
   * What the evaluation log line says about it besides the conclusion, which is always the
   * posted one (logged once published, with the outcome).
   */
  record: LogFields;
}

type LogFields = Record<string, unknown>;

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

/**
 * What one app instance keeps between its evaluations: one evaluation per pull request at a time
 * (see one-at-a-time.ts), and the pushers its events named, per pull request. Each run also
 * records the pushers in its marker and the next run reads them back from the runs on the head,
 * so a new instance (a restart, another replica) starts empty and loses nothing. Calls that wait
 * for a running evaluation share one re-run with the newest call's arguments; remembering the
 * pushers here means no push's sender is lost in that merge.
 */
export class EvaluationTurns {
  readonly queue = new OneAtATime<Published>();
  readonly #seenPushes = new Map<string, Set<string>>();
  readonly #pushes = new Map<string, Push[]>();
  readonly #openedHeads = new Map<string, string>();

  remember(key: string, target: PullRequestTarget): void {
    let seen = this.#seenPushes.get(key);
    if (!seen) {
      if (this.#seenPushes.size >= MAX_SEEN) {
        const oldest = this.#seenPushes.keys().next().value!;
        this.#seenPushes.delete(oldest);
        this.#openedHeads.delete(oldest);
      }
      seen = new Set();
      this.#seenPushes.set(key, seen);
    }
    if (target.openedHead) this.#openedHeads.set(key, target.openedHead);
    if (target.pusher && target.push) {
      const pushes = this.#pushes.get(key) ?? [];
      if (!pushes.some((p) => p.after === target.push!.after && p.login === target.pusher!.toLowerCase())) pushes.push({ login: target.pusher.toLowerCase(), ...target.push });
      this.#pushes.set(key, pushes.slice(-MAX_PUSHES));
    } else if (target.pusher) seen.add(target.pusher.toLowerCase());
  }

  remembered(key: string): { pushers?: string[]; pushes?: Push[]; openedHead?: string } {
    const seen = this.#seenPushes.get(key);
    const pushes = this.#pushes.get(key);
    const openedHead = this.#openedHeads.get(key);
    return { ...(seen ? { pushers: [...seen] } : {}), ...(pushes ? { pushes: [...pushes] } : {}), ...(openedHead ? { openedHead } : {}) };
  }
}
const MAX_SEEN = 10_000;
/** Pushes remembered per pull request; an older one's sender is in the runs' marker by then. */
const MAX_PUSHES = 20;

/**
 * Evaluates and publishes one pull request; calls for the same pull request run one at a time.
 * Siblings are re-evaluated after this pull request's turn is over: holding it while waiting for
 * theirs could deadlock two pull requests that each wait for the other.
 */
export async function evaluateAndPublish(deps: AppDeps, target: PullRequestTarget, options: PublishOptions = {}): Promise<EvaluationOutcome> {
  const key = `${target.owner}/${target.repo}#${target.number}`.toLowerCase();
  deps.turns.remember(key, target);
  const { outcome, outOfStep } = await takeTurn(
    key,
    deps.turns.queue,
    (turn) => evaluateAndPublishNow(deps, { ...target, ...deps.turns.remembered(key) }, turn),
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
  const started = performance.now();
  const decision = decide({
    kind: "error",
    problem: {
      kind: "store",
      message: error.message,
      remedy: "Provenance Gate evaluates this pull request again by itself as soon as its shared store answers; you can also click Re-evaluate.",
    },
  });
  const output = renderDecision(decision, [...(target.pushers ?? []), ...(target.pushes ?? []).map((p) => p.login)]);
  const repo = { owner: target.owner, repo: target.repo };
  const record = { repository: `${target.owner}/${target.repo}`, pr: target.number, head_sha: target.headSha ?? null, error: "store" };
  const evaluation: Evaluation = { decision, output, headSha: target.headSha, error, record };
  const posted = await postAndRecord(deps, { repo, pullNumber: target.number, baseRef: target.baseRef, started, cache: new RequestCache() }, evaluation, {
    repo,
    pullNumber: target.number,
    headSha: target.headSha,
    output,
    checkHead: target.headSha === undefined,
  });
  return { evaluation: posted.evaluation, publish: posted.publish };
}

interface PostedEvaluation {
  evaluation: Evaluation;
  publish: PublishResult;
  /** The posted run is a failure that replaced the result (see fallback.ts). */
  replaced: boolean;
}

/**
 * Posts the output and records what was posted: the log line, the metrics and the record of
 * decisions all carry the posted run's conclusion, which may be a sibling's or a fallback's
 * rather than the pull request's own verdict.
 */
async function postAndRecord(
  deps: AppDeps,
  about: { repo: RepoRef; pullNumber: number; baseRef?: string; started: number; cache: RequestCache },
  evaluation: Evaluation,
  request: PublishRequest,
): Promise<PostedEvaluation> {
  const publisherDeps = { ...deps, cache: about.cache };
  let posted: Posted;
  try {
    // Without the installation's token nothing can be written, and the evaluation has already
    // asked for one as often as any request is tried: the delivery fails instead, for the
    // reconciler (SPEC 7.1), rather than trying the token endpoint again for every write.
    if (failedForToken(evaluation.error)) {
      deps.log.error({ err: evaluation.error, repository: `${about.repo.owner}/${about.repo.repo}`, pr: about.pullNumber }, "provenance-gate: could not post the check run: no installation token");
      throw evaluation.error;
    }
    posted = await publishOrFallBack(publisherDeps, request);
  } catch (error) {
    logEvaluation(deps.log, { ...evaluation.record, conclusion: request.output.conclusion }, about.started, publishOutcome({ error }));
    throw error;
  }
  const { publish, output } = posted;
  const replaced = output !== request.output;
  recordResult(deps, { repository: about.repo, pullNumber: about.pullNumber, baseRef: about.baseRef, verdict: evaluation.verdict, output, note: evaluation.decision.note, publish });
  logEvaluation(deps.log, { ...evaluation.record, conclusion: output.conclusion }, about.started, `${publishOutcome(publish)}${replaced ? " (minimal failure)" : ""}`);
  return { evaluation: { ...evaluation, output }, publish, replaced };
}

async function evaluateAndPublishNow(deps: AppDeps, target: PullRequestTarget, turn: Turn): Promise<Published> {
  const started = performance.now();
  const data = pullRequestData(deps, target);
  const hold = target.holdSharedHead ? await holdSharedHead(deps, target, turn, data) : undefined;
  if (!hold) return evaluateAndPublishWith(deps, target, turn, started, data);
  // The rest of this evaluation goes ahead of other pull requests' queued requests too.
  return urgently(async () => {
    const published = await evaluateAndPublishWith(deps, target, turn, started, data);
    const { publish } = published.outcome;
    const moved = publish.kind === "stale" ? publish.currentSha : publish.headSha !== target.headSha ? publish.headSha : undefined;
    if (hold.run && moved) await releaseHold(deps, data.cache, target, moved);
    return published;
  });
}

function pullRequestData(deps: AppDeps, target: PullRequestTarget): GitHubPullRequestData {
  return new GitHubPullRequestData(deps.gh, {
    owner: target.owner,
    repo: target.repo,
    number: target.number,
    appId: deps.appId,
    baseRef: target.baseRef,
    eventTime: target.eventTime,
    eventHeadSha: target.headSha,
    now: deps.now(),
    cache: new RequestCache(),
    ...(target.pushers ? { pushers: target.pushers } : {}),
    ...(target.pushes ? { pushes: target.pushes } : {}),
    ...(target.openedHead ? { openedHead: target.openedHead } : {}),
    ...(target.assignees ? { assignees: target.assignees } : {}),
  });
}

/**
 * The head moved on before the result was written: the holding run is closed as a failure rather
 * than left in progress (the new head is evaluated by its own event).
 */
async function releaseHold(deps: AppDeps, cache: RequestCache, target: PullRequestTarget, currentSha: string): Promise<void> {
  const decision = decide({
    kind: "error",
    problem: {
      kind: "moved",
      message: `The head of #${target.number} moved to ${currentSha.slice(0, 7)} while ${target.headSha!.slice(0, 7)} was being evaluated.`,
      remedy: "Nothing to do on this commit: the pull request's new head gets a run of its own.",
    },
  });
  const repo = { owner: target.owner, repo: target.repo };
  await publishCheckRun({ ...deps, cache }, { repo, pullNumber: target.number, headSha: target.headSha, output: renderDecision(decision), checkHead: false }).catch((error: unknown) =>
    // Left in progress, it still blocks: fail closed.
    deps.log.warn({ err: error, repository: `${target.owner}/${target.repo}`, pr: target.number }, "provenance-gate: could not close the run that held a shared commit"),
  );
}

async function evaluateAndPublishWith(deps: AppDeps, target: PullRequestTarget, turn: Turn, started: number, data: GitHubPullRequestData): Promise<Published> {
  const { cache } = data;
  // Our runs on the head come with the main query; only another head needs a listing of its own.
  if (target.headSha) data.checkRuns(target.headSha).catch(() => undefined);

  // The staleness re-read, only where it can tell something: when part of the snapshot was read
  // by pull request number without GitHub naming the head (see `readAfterQuery`), or when the
  // head is not known at all. Otherwise the main query's answer is itself the latest read of the
  // head. A push landing after it is judged by its own synchronize event, and a result on a SHA
  // the pull request has left cannot decide its required check, which GitHub reads from the new
  // head. A failure is posted on the head that was read: reads it started may still be under way.
  const currentHead = (failed: boolean) =>
    data.loadedHeadSha === undefined || (!failed && data.readAfterQuery)
      ? readHead(deps.gh, { owner: target.owner, repo: target.repo }, target.number)
      : Promise.resolve(data.loadedHeadSha);

  const own = await evaluateLoaded(deps, data);
  const repo = { owner: target.owner, repo: target.repo };
  const headSha = own.headSha ?? target.headSha;
  const { evaluation, siblings } = await withOpenSiblings(deps, repo, target.number, headSha, own, data);
  const { publish, replaced, evaluation: posted } = await postAndRecord(deps, { repo, pullNumber: target.number, baseRef: target.baseRef, started, cache }, evaluation, {
    repo,
    pullNumber: target.number,
    headSha,
    output: evaluation.output,
    checkHead: true,
    // Without a token the head cannot be read either (postAndRecord).
    currentHead: failedForToken(evaluation.error) ? undefined : currentHead(evaluation.error !== undefined),
    // The event's push time belongs to the event's head only.
    eventTime: headSha === target.headSha ? target.eventTime : undefined,
    mayWrite: turn.mayWrite,
  });
  return { outcome: { evaluation: posted, publish }, outOfStep: replaced ? [] : siblings.filter((sibling) => sibling.posted !== posted.output.conclusion) };
}

/**
 * The decision made again with the other open pull requests on the same head commit. Finding
 * them can fail; then the result fails too, rather than risk a lenient run deciding a stricter one.
 */
async function withOpenSiblings(
  deps: AppDeps,
  repo: RepoRef,
  number: number,
  headSha: string | undefined,
  own: Evaluation,
  data: GitHubPullRequestData,
): Promise<{ evaluation: Evaluation; siblings: SiblingRun[] }> {
  if (!headSha) return { evaluation: own, siblings: [] };
  let decision: Decision;
  let siblings: SiblingRun[] = [];
  try {
    const runs = await data.checkRuns(headSha).catch(() => []);
    siblings = await openSiblings(deps.gh, deps.log, repo, headSha, number, runs);
    decision = decide(own.decision.input, siblings);
  } catch (error) {
    deps.log.error({ err: error, repository: data.repository, pr: number }, "provenance-gate: could not read the other pull requests on this commit");
    decision = decide({ kind: "error", problem: describeError(error) });
  }
  if (decision.blockedBy.length === 0 && decision.input === own.decision.input) return { evaluation: own, siblings };
  return { evaluation: { ...own, decision, output: renderDecision(decision, own.output.pushers, own.output.allPushes) }, siblings };
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
        const [headSha, known] = await Promise.all([data.headSha(), data.knownPushers()]);
        const decision = decide({ kind: "no-policy", searched: resolution.searched });
        const record = { repository: data.repository, pr: data.options.number, head_sha: headSha, policy_blob_sha: null };
        // Who pushed stays recorded for when a policy arrives; GitHub's activity is not asked while nothing is enforced.
        return { decision, output: renderDecision(decision, known.pushers, known.complete), headSha, record };
      }
      policy = floorOnlyPolicy(resolution.searched);
    } else {
      policy = resolution.policy;
    }
    const reads: SnapshotReads = {};
    const [snapshot, prConfigErrors, recordWarnings, pushed] = await Promise.all([
      buildSnapshot(data, policy, data.repository, reads),
      pullRequestPolicyErrors(data),
      data.recordWarnings(),
      data.pushers(),
    ]);
    const verdict = evaluate(policy, snapshot, { now, prConfigErrors });
    const record = {
      repository: verdict.repository,
      pr: verdict.pull_number,
      head_sha: verdict.head_sha,
      tools: verdict.ai.tools,
      session_authors: verdict.session_authors,
      counted: verdict.counted,
      policy_path: verdict.policy.path,
      policy_blob_sha: verdict.policy.blob_sha ?? null,
      fallback: verdict.policy.fallback_reason !== undefined,
    };
    const decision = decide({ kind: "verdict", verdict, warnings: recordWarnings.map(describeRecordWarning), ...(reads.unreadStretches ? { unreadStretches: reads.unreadStretches } : {}) });
    // The verdict names the pushers; the marker also records whether they are all of them.
    return { decision, output: renderDecision(decision, [], pushed.complete), headSha: snapshot.pull_request.head_sha, verdict, record };
  } catch (error) {
    const report = describeError(error);
    const level = error instanceof IncompleteDataError ? "warn" : "error";
    deps.log[level]({ err: error, repository: data.repository, pr: data.options.number }, `provenance-gate: evaluation failed (${report.kind})`);
    const record = { repository: data.repository, pr: data.options.number, head_sha: data.loadedHeadSha ?? null, error: report.kind };
    // The pushers known so far stay recorded, even on a failure run: those GitHub's activity
    // would add are asked for again next time. When they cannot be judged, every push's sender counts.
    const known = await data
      .pushers()
      .catch(() => data.knownPushers())
      .catch(() => ({ pushers: [...(data.options.pushers ?? []), ...(data.options.pushes ?? []).map((p) => p.login)], complete: false }));
    const decision = decide({ kind: "error", problem: report });
    return { decision, output: renderDecision(decision, known.pushers, known.complete), headSha: data.loadedHeadSha, error, record };
  }
}

/** A pull request that edits the root policy gets its new version validated (SPEC §2). */
async function pullRequestPolicyErrors(data: GitHubPullRequestData) {
  const files = await data.files();
  if (!files.some((file) => file.filename === POLICY_PATH && file.status !== "removed")) return [];
  const text = await data.policy.headPolicyText();
  return text === null ? [] : headPolicyErrors(text, POLICY_PATH);
}
