/**
 * The reconciler (SPEC 7.1): at start-up and on a schedule it repairs what events could not.
 * 1. Failed webhook deliveries (the app was down, or answered an error) are redelivered through
 *    GitHub's app-delivery API: `GET /app/hook/deliveries`, `POST …/{id}/attempts`.
 * 2. A delivery answered 202 and then lost (a restart mid-evaluation) looks delivered to GitHub,
 *    so it also scans the open pull requests of the installations' repositories that have a
 *    policy, and evaluates each whose head has no run of ours, or whose newest run is older than
 *    the pull request's last update. This is also what rebuilds the queue after a restart.
 * Both are bounded per pass, stop early when the rate limit runs low, and never throw.
 */
import type { Probot } from "probot";
import type { GitHubClient, RepoRef } from "../load/github/client.js";
import { CHECK_NAME } from "../model/check-name.js";
import { newestRun } from "./publish.js";
import { evaluateAndPublish, type AppDeps, type EvaluationTurns } from "./evaluation.js";
import type { AppIdentity } from "./identity.js";
import { POLICY_PATH } from "../model/policy.js";
import { reconciledTotal } from "../ops/metrics.js";

export interface ReconcilerOptions {
  identity: AppIdentity;
  now: () => Date;
  /** The app instance's turns, shared with its handlers. */
  turns: EvaluationTurns;
  /** Between passes (the first runs at start-up). */
  intervalMs: number;
  /** Redeliveries per pass. */
  maxRedeliveries?: number;
  /** Evaluations per pass. */
  maxEvaluations?: number;
  /** A pass stops when GitHub says fewer requests than this are left. */
  minRateLimit?: number;
  /** Called with each pass's result (logs, tests). */
  onPass?: (pass: PassResult) => void;
}

export interface PassResult {
  redelivered: number;
  evaluated: Array<{ repository: string; pr: number; reason: "missing" | "stale" }>;
  errors: string[];
}

interface HookDelivery {
  id: number;
  guid: string;
  status_code: number;
  delivered_at: string;
}

/** GitHub keeps deliveries for redelivery for 3 days; older ones cannot be repaired this way. */
const REDELIVERY_WINDOW_MS = 3 * 24 * 3_600_000;
/** A delivery that keeps failing is not redelivered forever by one process. */
const MAX_ATTEMPTS_PER_GUID = 3;

/**
 * The running reconciler of each app instance. Stopping the server does not end a timer the app
 * started: whoever stops the app also stops its reconciler (stopReconciling), or a stopped app
 * keeps evaluating as a replica nobody counts, beside the ones that replaced it.
 */
const running = new WeakMap<Probot, Reconciler>();

/**
 * No more passes for `app`, and no further evaluation in the pass under way; its shutdown and the
 * sandbox's stop call this. Returns the evaluation that pass is running, if any, which a drain
 * waits for like a delivery's; the pass's own reads are not worth waiting for (an unreachable
 * GitHub would hold the shutdown to its bound).
 */
export function stopReconciling(app: Probot): Promise<unknown> | undefined {
  return running.get(app)?.stop();
}

export class Reconciler {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<PassResult> | undefined;
  #stopped = false;
  #evaluating: Promise<unknown> | undefined;
  readonly #attempts = new Map<string, number>();

  constructor(
    private readonly app: Probot,
    private readonly options: ReconcilerOptions,
  ) {}

  start(): void {
    if (this.#timer || this.options.intervalMs <= 0) return;
    this.#stopped = false;
    // A stopped reconciler runs no pass, not even the start-up one still waiting for its turn.
    const tick = () => void (this.#timer && this.pass());
    setImmediate(tick);
    this.#timer = setInterval(tick, this.options.intervalMs);
    this.#timer.unref();
    running.get(this.app)?.stop();
    running.set(this.app, this);
  }

  /** Ends the timer; the pass under way starts no further evaluation. Returns the one it is running. */
  stop(): Promise<unknown> | undefined {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#stopped = true;
    if (running.get(this.app) === this) running.delete(this.app);
    return this.#evaluating;
  }

  /** One pass; a pass already running is shared, not doubled. */
  pass(): Promise<PassResult> {
    this.#running ??= this.#pass().finally(() => (this.#running = undefined));
    return this.#running;
  }

  async #pass(): Promise<PassResult> {
    const result: PassResult = { redelivered: 0, evaluated: [], errors: [] };
    await this.#redeliver(result).catch((error: unknown) => result.errors.push(`redelivery: ${message(error)}`));
    await this.#scan(result).catch((error: unknown) => result.errors.push(`scan: ${message(error)}`));
    const level = result.errors.length > 0 ? "warn" : "info";
    this.app.log[level]({ redelivered: result.redelivered, evaluated: result.evaluated.length, errors: result.errors }, "provenance-gate: reconciled");
    this.options.onPass?.(result);
    return result;
  }

  async #redeliver(result: PassResult): Promise<void> {
    const gh = await this.app.auth();
    const { data } = await gh.request("GET /app/hook/deliveries", { per_page: 100 });
    const deliveries = data as unknown as HookDelivery[];
    const since = this.options.now().getTime() - REDELIVERY_WINDOW_MS;
    const byGuid = new Map<string, HookDelivery[]>();
    for (const d of deliveries) byGuid.set(d.guid, [...(byGuid.get(d.guid) ?? []), d]);
    for (const [guid, attempts] of byGuid) {
      if (result.redelivered >= (this.options.maxRedeliveries ?? 50)) break;
      if (attempts.some((a) => a.status_code >= 200 && a.status_code < 300)) continue;
      const newest = attempts.reduce((a, b) => (b.id > a.id ? b : a));
      if (Date.parse(newest.delivered_at) < since) continue;
      if ((this.#attempts.get(guid) ?? 0) >= MAX_ATTEMPTS_PER_GUID) continue;
      await gh.request("POST /app/hook/deliveries/{delivery_id}/attempts", { delivery_id: newest.id });
      this.#attempts.set(guid, (this.#attempts.get(guid) ?? 0) + 1);
      result.redelivered++;
      reconciledTotal.inc({ reason: "redelivered" });
    }
  }

  async #scan(result: PassResult): Promise<void> {
    const app = await this.app.auth();
    const { data: installations } = await app.request("GET /app/installations", { per_page: 100 });
    const appId = await this.options.identity.appId();
    // Evaluations tried, posted or not: the bound of one pass.
    let tried = 0;
    for (const installation of installations) {
      const gh = (await this.app.auth(installation.id)) as unknown as GitHubClient;
      const { data } = await gh.request("GET /installation/repositories", { per_page: 100 });
      for (const repository of data.repositories) {
        const repo = { owner: repository.owner.login, repo: repository.name };
        if (!(await this.#hasPolicy(gh, repo, repository.default_branch))) continue;
        const pulls = await gh.request("GET /repos/{owner}/{repo}/pulls", { ...repo, state: "open", per_page: 100 });
        if (this.#lowOnRequests(pulls.headers)) return;
        for (const pr of pulls.data) {
          if (this.#stopped || tried >= (this.options.maxEvaluations ?? 50)) return;
          const reason = await this.#needs(gh, repo, appId, pr);
          if (!reason) continue;
          tried++;
          const deps: AppDeps = { gh, log: this.app.log, appId, now: this.options.now, turns: this.options.turns };
          try {
            this.#evaluating = evaluateAndPublish(deps, { ...repo, number: pr.number, baseRef: pr.base.ref, headSha: pr.head.sha });
            await this.#evaluating;
          } catch (error) {
            // Refused (a full queue) or not posted: nothing was repaired, and the next pass tries again.
            result.errors.push(`${repo.owner}/${repo.repo}#${pr.number}: ${message(error)}`);
            continue;
          } finally {
            this.#evaluating = undefined;
          }
          result.evaluated.push({ repository: `${repo.owner}/${repo.repo}`, pr: pr.number, reason });
          reconciledTotal.inc({ reason });
        }
      }
    }
  }

  /** Why this pull request's head needs an evaluation, if it does. */
  async #needs(gh: GitHubClient, repo: RepoRef, appId: number, pr: { number: number; updated_at: string; head: { sha: string } }): Promise<"missing" | "stale" | undefined> {
    const { data } = await gh.rest.checks.listForRef({ ...repo, ref: pr.head.sha, check_name: CHECK_NAME, filter: "all", per_page: 100 });
    const newest = newestRun(data.check_runs.filter((run) => run.app?.id === appId && run.name === CHECK_NAME), String(pr.number));
    if (!newest) return "missing";
    const at = Date.parse(newest.completed_at ?? newest.started_at ?? "");
    return newest.status !== "completed" || !(at >= Date.parse(pr.updated_at)) ? "stale" : undefined;
  }

  /** The repository's default branch, or its owner's `.github` repository, has a policy. */
  async #hasPolicy(gh: GitHubClient, repo: RepoRef, branch: string): Promise<boolean> {
    const exists = async (r: RepoRef, ref?: string) =>
      gh.rest.repos.getContent({ ...r, path: POLICY_PATH, ...(ref ? { ref } : {}) }).then(
        () => true,
        (error: { status?: number }) => {
          if (error?.status === 404) return false;
          throw error;
        },
      );
    return (await exists(repo, branch)) || (await exists({ owner: repo.owner, repo: ".github" }));
  }

  #lowOnRequests(headers: Record<string, unknown>): boolean {
    const remaining = Number(headers["x-ratelimit-remaining"]);
    return Number.isFinite(remaining) && remaining < (this.options.minRateLimit ?? 500);
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
