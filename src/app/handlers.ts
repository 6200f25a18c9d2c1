/**
 * Webhook events → which pull requests to evaluate (SPEC §7). No judgement here: every path
 * ends in `evaluateAndPublish` (or the merge-group check), which always posts a check run.
 */
import type { Context, Probot } from "probot";
import { POLICY_PATH } from "../model/policy.js";
import { mapBounded } from "../load/build-snapshot.js";
import { RequestCache, type RepoRef } from "../load/github/client.js";
import { listOwnCheckRuns } from "../load/github/check-runs.js";
import { CHECK_NAME } from "../model/check-name.js";
import { MERGE_GROUP_EXTERNAL_ID, PUSH_REEVALUATION_CONCURRENCY, REEVALUATE_ACTION } from "./constants.js";
import { evaluateAndPublish, type AppDeps, type EvaluationTurns } from "./evaluation.js";
import type { AppIdentity } from "./identity.js";
import { checkMergeGroup } from "./merge-group.js";
import { pullRequestsCounting, repositoriesOf } from "./revoked-access.js";
import { pullNumberFromExternalId, pullNumbersOf } from "./siblings.js";
import { mergeRecord } from "../audit/from-app.js";
import type { AuditRecorder } from "../audit/writer.js";

/** GitHub lists at most 20 commits in a push payload; a longer push may hide a policy change. */
const PUSH_PAYLOAD_COMMIT_CAP = 20;

export interface HandlerOptions {
  identity: AppIdentity;
  now: () => Date;
  audit?: AuditRecorder;
  turns: EvaluationTurns;
  /** See `ProvenanceGateOptions.holdWaitMs`. */
  holdWaitMs?: number;
}

type PullRequestEvent = `pull_request.${"opened" | "reopened" | "synchronize" | "edited" | "ready_for_review" | "labeled" | "unlabeled" | "assigned" | "unassigned"}`;
type ReviewEvent = `pull_request_review.${"submitted" | "edited" | "dismissed"}`;
type PushPayload = Context<"push">["payload"];
type EventName = Context["name"];

export function registerHandlers(app: Probot, options: HandlerOptions): void {
  const { identity } = options;

  const deps = async (context: Context): Promise<AppDeps> => ({
    gh: context.octokit,
    log: context.log.child({ delivery_id: context.id, event: eventName(context) }),
    appId: await identity.appId(),
    now: options.now,
    audit: options.audit,
    deliveryId: context.id,
    turns: options.turns,
    holdWaitMs: options.holdWaitMs,
  });

  /** Events the app itself caused (its bot is the sender) would only loop. */
  const causedByUs = async (context: Context): Promise<boolean> => {
    const sender = "sender" in context.payload ? context.payload.sender : undefined;
    if (sender?.type !== "Bot" || !sender.login) return false;
    return sender.login.toLowerCase() === (await identity.botLogin()).toLowerCase();
  };

  const on = <E extends EventName>(events: E | E[], handle: (context: Context<E>) => Promise<void>) => {
    app.on(events, async (context) => {
      if (await causedByUs(context)) {
        context.log.debug({ event: context.name }, "provenance-gate: ignoring an event the app caused");
        return;
      }
      await handle(context);
    });
  };

  on<PullRequestEvent>(
    [
      "pull_request.opened",
      "pull_request.reopened",
      "pull_request.synchronize",
      "pull_request.edited",
      "pull_request.ready_for_review",
      "pull_request.labeled",
      "pull_request.unlabeled",
      // An agent's assignees are the people who asked it: they join the AI-session authors.
      "pull_request.assigned",
      "pull_request.unassigned",
    ],
    async (context) => {
      const payload = context.payload;
      if (payload.action === "edited" && !payload.changes.base && !payload.changes.body) return;
      const pr = payload.pull_request;
      if (pr.state === "closed") return;
      const pushed = payload.action === "opened" || payload.action === "reopened" || payload.action === "synchronize";
      await evaluateAndPublish(await deps(context), {
        ...context.repo(),
        number: pr.number,
        baseRef: pr.base.ref,
        headSha: pr.head.sha,
        eventTime: pushed ? eventTime(pr.updated_at, options.now()) : undefined,
        ...(payload.action === "synchronize" ? { ...pusherOf(payload.sender), push: { before: payload.before, after: payload.after } } : {}),
        ...(payload.action === "opened" ? { openedHead: pr.head.sha } : {}),
        assignees: assigneesOf(pr.assignees),
        // These put the pull request on a commit that may already show another one's result: a
        // push can move the branch onto a commit another pull request is on, too.
        holdSharedHead: pushed || (payload.action === "edited" && payload.changes.base !== undefined),
      });
    },
  );

  // A closed pull request no longer holds back others with the same head commit (see
  // app/siblings.ts): re-evaluate them. One listing of our runs on the commit finds them.
  on("pull_request.closed", async (context) => {
    const pr = context.payload.pull_request;
    const d = await deps(context);
    // The record of the merge (SPEC §10), before anything here can fail.
    d.audit?.record(mergeRecord(context.payload, context.id, d.now()));
    const repo = context.repo();
    const runs = await listOwnCheckRuns(d.gh, repo, pr.head.sha, d.appId, new RequestCache());
    const others = pullNumbersOf(runs).filter((number) => number !== pr.number);
    await settleAll(others, 1, (number) => evaluateAndPublish(d, { ...repo, number }, { cascade: false }));
  });

  on<ReviewEvent>(["pull_request_review.submitted", "pull_request_review.edited", "pull_request_review.dismissed"], async (context) => {
    const pr = context.payload.pull_request;
    if (pr.state === "closed") return;
    await evaluateAndPublish(await deps(context), {
      ...context.repo(),
      number: pr.number,
      baseRef: pr.base.ref,
      headSha: pr.head.sha,
      assignees: assigneesOf(pr.assignees),
    });
  });

  on<"check_run.rerequested" | "check_run.requested_action">(["check_run.rerequested", "check_run.requested_action"], async (context) => {
    const payload = context.payload;
    const run = payload.check_run;
    const d = await deps(context);
    if (run.app?.id !== d.appId || run.name !== CHECK_NAME) return;
    if (payload.action === "requested_action" && payload.requested_action?.identifier !== REEVALUATE_ACTION.identifier) return;
    const repo = context.repo();
    // Our merge-group runs say so in `external_id` (only a merge_group event creates them); the
    // branch name alone proves nothing, since anyone with push access can name a branch
    // gh-readonly-queue/… and ask for a re-run of their own pull request's check.
    if (run.external_id?.startsWith(MERGE_GROUP_EXTERNAL_ID)) {
      await checkMergeGroup(d, repo, { head_sha: run.head_sha, head_ref: run.check_suite?.head_branch ?? "" });
      return;
    }
    // `pull_requests` is empty for pull requests from forks; `external_id` always names ours.
    const number = pullNumberFromExternalId(run.external_id) ?? samePullRequests(run.pull_requests, payload.repository.id)[0];
    if (number === undefined) {
      context.log.warn({ check_run_id: run.id }, "provenance-gate: re-run of a check run that names no pull request");
      return;
    }
    await evaluateAndPublish(d, { ...repo, number });
  });

  on("check_suite.rerequested", async (context) => {
    const suite = context.payload.check_suite;
    const d = await deps(context);
    if (suite.app && suite.app.id !== d.appId) return;
    const repo = context.repo();
    const numbers = new Set(samePullRequests(suite.pull_requests, context.payload.repository.id));
    const runs = await listOwnCheckRuns(d.gh, repo, suite.head_sha, d.appId, new RequestCache());
    if (runs.some((run) => run.external_id?.startsWith(MERGE_GROUP_EXTERNAL_ID))) {
      await checkMergeGroup(d, repo, { head_sha: suite.head_sha, head_ref: suite.head_branch ?? "" });
      return;
    }
    for (const number of pullNumbersOf(runs)) numbers.add(number);
    await settleAll([...numbers], 1, (number) => evaluateAndPublish(d, { ...repo, number }));
  });

  on("merge_group.checks_requested", async (context) => {
    await checkMergeGroup(await deps(context), context.repo(), context.payload.merge_group);
  });

  on("push", async (context) => {
    const payload = context.payload;
    if (!payload.ref.startsWith("refs/heads/") || payload.deleted) return;
    if (!pushChangesPolicy(payload)) return;
    const branch = payload.ref.slice("refs/heads/".length);
    const d = await deps(context);
    const repo = context.repo();
    const open = await d.gh.paginate(d.gh.rest.pulls.list, { ...repo, state: "open", base: branch, per_page: 100 });
    context.log.info({ branch, pull_requests: open.length }, "provenance-gate: policy changed; re-evaluating open pull requests");
    await settleAll(open, PUSH_REEVALUATION_CONCURRENCY, (pr) =>
      evaluateAndPublish(d, { ...repo, number: pr.number, baseRef: pr.base.ref, headSha: pr.head.sha }),
    );
  });

  // A person losing access: the open pull requests whose result counted their approval are
  // judged again, so a revoked approval does not leave a stale green (see revoked-access.ts).
  const revoked = async (context: Context, login: string | undefined, repos: (d: AppDeps) => Promise<RepoRef[]>) => {
    if (!login) return;
    const d = await deps(context);
    const targets = await pullRequestsCounting(d.gh, d.appId, await repos(d), login, d.log);
    d.log.info({ login, pull_requests: targets.length }, "provenance-gate: access revoked; re-evaluating the pull requests that counted it");
    await settleAll(targets, PUSH_REEVALUATION_CONCURRENCY, (t) => evaluateAndPublish(d, t));
  };
  on<"member.removed" | "member.edited">(["member.removed", "member.edited"], (context) =>
    revoked(context, context.payload.member?.login, async () => [context.repo()]),
  );
  on("membership.removed", (context) =>
    revoked(context, context.payload.member?.login, (d) => repositoriesOf(d.gh, context.payload.organization.login, d.log)),
  );
  on("organization.member_removed", (context) =>
    revoked(context, context.payload.membership.user?.login, (d) => repositoriesOf(d.gh, context.payload.organization.login, d.log)),
  );
}

/** Did this push change the branch's `.provenance.yml`? When the payload cannot tell, assume so. */
export function pushChangesPolicy(payload: Pick<PushPayload, "commits" | "forced">): boolean {
  const commits = payload.commits ?? [];
  if (commits.some((c) => [...(c.added ?? []), ...(c.modified ?? []), ...(c.removed ?? [])].includes(POLICY_PATH))) return true;
  // A force-push can move the branch back to an older policy without listing a commit, and the
  // payload lists at most 20 commits.
  return (payload.forced === true && commits.length === 0) || commits.length >= PUSH_PAYLOAD_COMMIT_CAP;
}


/** Pull requests a check run or suite names, of this repository (a fork's carry another base). */
function samePullRequests(prs: ReadonlyArray<{ number: number; base: { repo: { id: number } } }> | undefined, repositoryId: number): number[] {
  return (prs ?? []).filter((pr) => pr.base?.repo?.id === undefined || pr.base.repo.id === repositoryId).map((pr) => pr.number);
}

/**
 * The push time a `opened`, `reopened` or `synchronize` event carries: the pull request's
 * `updated_at` (the webhook is signed, so it is GitHub's word); without one, now. Kept even when
 * it is ahead of this server's clock: replacing it with an earlier "now" would let approvals
 * given just before the push count.
 */
function eventTime(updatedAt: string | undefined, now: Date): Date {
  const t = updatedAt ? Date.parse(updatedAt) : Number.NaN;
  return Number.isFinite(t) ? new Date(t) : now;
}

/** Run every task (a few at a time); one failure does not stop the others, and is rethrown after. */
async function settleAll<T>(items: readonly T[], limit: number, task: (item: T) => Promise<unknown>): Promise<void> {
  const results = await mapBounded(items, limit, (item) =>
    task(item).then(
      () => undefined,
      (error: unknown) => error ?? new Error("unknown error"),
    ),
  );
  const errors = results.filter((r) => r !== undefined);
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, `${errors.length} evaluations could not be posted`);
}

/** `pull_request.synchronize`, `push`: what the evaluation log line names as its cause. */
function eventName(context: Context): string {
  const action = "action" in context.payload ? context.payload.action : undefined;
  return typeof action === "string" ? `${context.name}.${action}` : context.name;
}

/**
 * A `synchronize` names who pushed (its sender); the loader leaves them out when the push only
 * added GitHub's "Update branch" merge of the base (load/github/update-branch.ts).
 */
function pusherOf(sender: { login?: string } | undefined): { pusher?: string } {
  return sender?.login ? { pusher: sender.login } : {};
}

function assigneesOf(assignees: ReadonlyArray<{ login?: string } | null> | null | undefined): string[] {
  return (assignees ?? []).flatMap((a) => (a?.login ? [a.login] : []));
}
