/**
 * The GitHub client the app runs with: Probot's Octokit with rate-limit decisions of our own.
 *
 * Probot's defaults wait out a primary rate limit up to three times, however far away its reset
 * is (up to an hour, inside a webhook handler), and never retry a secondary limit. A merge gate
 * should do neither: wait briefly when GitHub says "retry after a few seconds", otherwise give up
 * at once so the check run can say "rate-limited, retry after …" instead of hanging or vanishing.
 */
import { ProbotOctokit } from "probot";
import { checkGitHubExchanges } from "../load/github/exchange-check.js";
import { DEFAULT_DEADLINES, fetchWithDeadlines, type Deadlines } from "./deadlines.js";
import { githubMetrics } from "../ops/github-metrics.js";
import { queryPassingRetryLimiter } from "./query-lane.js";
import { SHIPPED_QUEUES, withUrgency } from "./urgency.js";

/**
 * Longest wait the app accepts inside a webhook handler. GitHub suggests waiting `retry-after`
 * (often 60 s) on a secondary limit; the handler keeps running after GitHub's 10 s delivery
 * timeout, so one such wait still ends in a posted result without anyone clicking Re-evaluate.
 */
export const MAX_RATE_LIMIT_WAIT_SECONDS = 60;

export type RateLimitKind = "primary" | "secondary";

/** How often each kind of limit is retried before the error surfaces. */
const RETRIES: Record<RateLimitKind, number> = { primary: 1, secondary: 1 };

/** Whether to retry a rate-limited request: only soon, and only a few times. */
export function retryRateLimited(kind: RateLimitKind, retryAfterSeconds: number, retryCount: number): boolean {
  return retryAfterSeconds <= MAX_RATE_LIMIT_WAIT_SECONDS && retryCount < RETRIES[kind];
}

interface LoggingOctokit {
  log: { warn(message: string): void };
}
type Handler = (retryAfter: number, options: { method: string; url: string }, octokit: LoggingOctokit, retryCount: number) => boolean;

/** The installation-token route, as Octokit's hooks see it (a route template, or a full URL). */
const TOKEN_ROUTE = /\/app\/installations\/[^/]+\/access_tokens$/;

/**
 * The installation token is requested through the same Octokit as the request that needs it, so
 * Octokit's retries of each would multiply: the token endpoint asked 16 times per request while
 * GitHub fails it (measured: 96 token requests for one webhook). The request that needed the
 * token is the one retried, and it asks for the token afresh each time.
 */
function tokenRequestsNotRetried(octokit: { hook: { before(name: "request", hook: (options: Record<string, any>) => void): void } }): void {
  octokit.hook.before("request", (options) => {
    if (typeof options.url === "string" && TOKEN_ROUTE.test(options.url)) options.request = { ...options.request, retries: 0 };
  });
}

function handler(kind: RateLimitKind): Handler {
  return (retryAfter, options, octokit, retryCount) => {
    // A limited token request is waited out by the request that needed the token, which fetches
    // it afresh when it is retried: waiting here too would double every wait.
    const retry = !TOKEN_ROUTE.test(options.url) && retryRateLimited(kind, retryAfter, retryCount);
    octokit.log.warn(
      `${kind === "primary" ? "Rate limit" : "Secondary rate limit"} hit with "${options.method} ${options.url}"; ` +
        (retry ? `retrying in ${retryAfter} s.` : `not waiting ${retryAfter} s: giving up so the check run can say so.`),
    );
    return retry;
  };
}

/** The throttling handlers the app ships with (tests wrap them to record the decisions). */
export const RATE_LIMIT_HANDLERS = { onRateLimit: handler("primary"), onSecondaryRateLimit: handler("secondary") };

/**
 * Rate limits are the throttling plugin's to handle (it reads `retry-after`); the retry plugin
 * would otherwise retry a 429 on its own schedule. Its defaults plus 429.
 */
export const DO_NOT_RETRY = [400, 401, 403, 404, 410, 422, 429, 451];

/**
 * The app's Octokit options on top of whatever Probot passes: our rate-limit handlers, no blind
 * retries of rate limits, and the throttle's queues keyed per installation — GitHub's "one second
 * between writes" applies per token, so one busy installation must not slow the rest — with
 * urgent evaluations' requests ahead of the others in them.
 */
export function withGateOptions(options: Record<string, any> = {}, tuning: GateTuning = {}): Record<string, any> {
  const installation = options.auth?.installationId;
  const deadlines = tuning.deadlines ?? DEFAULT_DEADLINES;
  // The installation token is fetched by the auth strategy's own `request`: it gets the deadlines too.
  const authRequest = options.auth?.request;
  const auth =
    typeof authRequest?.defaults === "function"
      ? { ...options.auth, request: authRequest.defaults({ request: { fetch: withDeadlinesOnce(authRequest.endpoint?.DEFAULTS?.request?.fetch, deadlines) } }) }
      : options.auth;
  return {
    ...options,
    ...(auth === undefined ? {} : { auth }),
    request: { ...(options.request ?? {}), fetch: withDeadlinesOnce(options.request?.fetch, deadlines) },
    retry: { ...(options.retry ?? {}), doNotRetry: DO_NOT_RETRY, ...(tuning.retryBaseMs === undefined ? {} : { retryAfterBaseValue: tuning.retryBaseMs }) },
    throttle: {
      ...localThrottle(options.throttle),
      ...RATE_LIMIT_HANDLERS,
      id: installation === undefined ? "provenance-gate" : `provenance-gate:installation:${installation}`,
      // The plugin's queues, with urgent evaluations' requests first (urgency.ts).
      write: withUrgency(options.throttle?.write ?? SHIPPED_QUEUES.write),
      // GraphQL queries pass the write queue (query-lane.ts): GitHub spaces mutative requests only.
      retryLimiter: queryPassingRetryLimiter(),
      global: withUrgency(options.throttle?.global ?? SHIPPED_QUEUES.global),
    },
  };
}

/**
 * With `REDIS_URL`, Probot clusters the throttle through Redis: every replica then waits its turn
 * for one installation's writes, so replicas add no throughput, and a Redis outage hangs every
 * request. The app keeps the spacing per replica instead (docs/reliability.md says why that is
 * enough); Redis coordinates evaluations (app/coordination/), not requests.
 */
function localThrottle(throttle: Record<string, any> | undefined): Record<string, any> {
  if (!throttle?.connection) return throttle ?? {};
  const { connection, Bottleneck: _clustered, ...local } = throttle;
  if (!DISCONNECTED.has(connection)) {
    DISCONNECTED.add(connection);
    void Promise.resolve(connection.disconnect?.(false)).catch(() => undefined);
  }
  return local;
}
const DISCONNECTED = new WeakSet<object>();

/** Probot's Octokit with every exchange checked against GitHub's description (see exchange-check.ts). */
export const CheckedOctokit = ProbotOctokit.plugin(
  checkGitHubExchanges as unknown as Parameters<typeof ProbotOctokit.plugin>[0],
  tokenRequestsNotRetried as unknown as Parameters<typeof ProbotOctokit.plugin>[0],
);

/** Deadlines and retry pacing: the shipped values, or shorter ones for tests of faults. */
export interface GateTuning {
  deadlines?: Deadlines;
  /** Octokit's retry back-off unit (1,000 ms: waits of 1, 4 and 9 s). */
  retryBaseMs?: number;
}

const WITH_DEADLINES = Symbol("provenance-gate:deadlines");

/** Probot derives each installation's Octokit from the app's options: wrap the fetch only once. */
function withDeadlinesOnce(fetch: any, deadlines: Deadlines): typeof globalThis.fetch {
  if (fetch?.[WITH_DEADLINES]) return fetch;
  return Object.assign(fetchWithDeadlines(deadlines, fetch ?? globalThis.fetch), { [WITH_DEADLINES]: true });
}

/** The app's Octokit with other deadlines and retry pacing (tests of faults). */
export function tunedGateOctokit(tuning: GateTuning) {
  return CheckedOctokit.plugin(githubMetrics).defaults((options: Record<string, any>) => withGateOptions(options, tuning));
}

/** A function default runs after the options Probot itself passes, so ours take precedence. */
export const GateOctokit = tunedGateOctokit({});
