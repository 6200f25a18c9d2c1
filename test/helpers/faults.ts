/**
 * Fault-injection helpers for the app tests (test/app-faults.test.ts).
 *
 * The shared harness turns Octokit's retry and throttling plugins off so every other test sees
 * exactly one request per call. Retry behaviour is part of what a fault does to the app, so this
 * helper builds a second Probot with both plugins ON, with the rate-limit handlers the app ships
 * with (`RATE_LIMIT_HANDLERS`, which `npm start` installs through `GateOctokit`), and only the
 * clock scaled: every "wait N seconds"
 * becomes N milliseconds, and the throttling plugin's request queues get no minimum spacing. The
 * decisions (retry or not, how long to wait) are the shipped ones; the tests record them.
 */
import { Writable } from "node:stream";
import Bottleneck from "bottleneck";
import type nock from "nock";
import { pino } from "pino";
import { Probot } from "probot";
import { provenanceGate } from "../../src/app/app.js";
import { CheckedOctokit, withGateOptions } from "../../src/app/octokit.js";
import { APP_ID, NOW, OWNER, REPO } from "../fixtures/github/harness.js";
import { testPrivateKey } from "./keys.js";

type Json = Record<string, any>;

const privateKey = testPrivateKey();

/** One rate-limit decision the throttling plugin asked the (shipped) handler for. */
export interface RateLimitDecision {
  kind: "primary" | "secondary";
  /** Seconds the plugin would wait before the retry. */
  retryAfter: number;
  retry: boolean;
  request: string;
}

export interface RetryingHarness {
  probot: Probot;
  logs: Array<Record<string, any>>;
  decisions: RateLimitDecision[];
}

let instance = 0;
/** Probot hands an Octokit's options to the installation Octokit it derives: wrap the handlers once. */
const RECORDED = Symbol("recorded");

/** A Probot whose Octokit retries and throttles as shipped, but in milliseconds instead of seconds. */
export function createRetryingHarness(now: Date = NOW): RetryingHarness {
  const logs: Array<Record<string, any>> = [];
  const decisions: RateLimitDecision[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split("\n")) if (line.trim()) logs.push(JSON.parse(line));
      done();
    },
  });
  // The plugin's queues are module-global and space writes 1 s apart; give each harness its own.
  const group = () => new Bottleneck.Group({ maxConcurrent: 10 });
  const id = `faults-${++instance}`;
  const Octokit = CheckedOctokit.defaults((probotOptions: Json) => {
    if (probotOptions.throttle?.[RECORDED]) return probotOptions;
    const options = withGateOptions(probotOptions); // exactly what `npm start` runs with
    const shipped = options.throttle as Json;
    const record =
      (kind: RateLimitDecision["kind"], handler: ((...args: any[]) => unknown) | undefined) =>
      (retryAfter: number, opts: Json, octokit: unknown, retryCount: number) => {
        const retry = handler?.(retryAfter, opts, octokit, retryCount) === true;
        decisions.push({ kind, retryAfter, retry, request: `${opts.method} ${opts.url}` });
        return retry;
      };
    return {
      ...options,
      retry: { ...(options.retry ?? {}), retryAfterBaseValue: 1 },
      throttle: {
        ...shipped,
        id,
        retryAfterBaseValue: 1,
        global: group(),
        auth: group(),
        search: group(),
        write: group(),
        notifications: group(),
        onRateLimit: record("primary", shipped.onRateLimit),
        onSecondaryRateLimit: record("secondary", shipped.onSecondaryRateLimit),
        [RECORDED]: true,
      },
    };
  });
  const probot = new Probot({ appId: APP_ID, privateKey, log: pino({ level: "debug" }, stream), Octokit });
  // Every request is mocked: a shared head's hold waits for the main query rather than add an unmocked listing.
  void probot.load(provenanceGate({ holdWaitMs: 60_000, now: () => now }));
  return { probot, logs, decisions };
}

// ---------- GitHub's fault responses ----------

export type Reply = [status: number, body: Json, headers: Record<string, string>];

/** The primary rate limit: quota exhausted until `reset` (seconds since the epoch). */
export function primaryRateLimit(reset: number): Reply {
  return [
    403,
    { message: `API rate limit exceeded for installation ID 2.`, documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api" },
    { "x-ratelimit-limit": "5000", "x-ratelimit-remaining": "0", "x-ratelimit-used": "5000", "x-ratelimit-reset": String(reset), "x-ratelimit-resource": "core" },
  ];
}

/** A secondary (abuse) rate limit, as GitHub words it, with a `retry-after` header. */
export function secondaryRateLimit(status: 403 | 429, retryAfter: number): Reply {
  return [
    status,
    { message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.", documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits" },
    { "retry-after": String(retryAfter), "x-ratelimit-remaining": "4000", "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 3600) },
  ];
}

export const notAccessible: Reply = [
  403,
  { message: "Resource not accessible by integration", documentation_url: "https://docs.github.com/rest" },
  { "x-ratelimit-remaining": "4999" },
];

// ---------- recording ----------

/** Every request a scope served, as `METHOD /path`. */
export function served(scope: nock.Scope): string[] {
  const paths: string[] = [];
  scope.on("request", (req: { method: string; path: string }, _interceptor: unknown, body?: string) =>
    paths.push(`${req.method} ${req.path.split("?")[0]}${graphqlOperation(body)}`),
  );
  return paths;
}

/** ` PullRequestSnapshot` for a GraphQL request body, so tests can tell the app's queries apart. */
function graphqlOperation(body: string | undefined): string {
  if (!body) return "";
  try {
    const name = /query (\w+)/.exec(String((JSON.parse(body) as { query?: unknown }).query ?? ""))?.[1];
    return name ? ` ${name}` : "";
  } catch {
    return "";
  }
}

export const CHECK_RUNS_PATH = `/repos/${OWNER}/${REPO}/check-runs`;

/** The check-run writes (create or update) among the served requests. */
export function writes(paths: string[]): string[] {
  return paths.filter((p) => /^(POST|PATCH) \/repos\/[^/]+\/[^/]+\/check-runs/.test(p));
}

/** Log lines at error level (pino 50) whose message contains `text`. */
export function errorLogs(logs: Array<Record<string, any>>, text: string): Array<Record<string, any>> {
  return logs.filter((l) => l.level >= 50 && String(l.msg).includes(text));
}
