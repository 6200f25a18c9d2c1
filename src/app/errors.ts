/**
 * Any error while loading or evaluating becomes a readable report for the `failure` check run:
 * what failed (the request and GitHub's answer), and what can be done about it. The kinds need
 * different people: a rate limit needs patience, a missing permission needs an organisation
 * owner, an unreachable GitHub needs a retry — so they must not share one vague remedy.
 */
import { IncompleteDataError } from "../load/pull-request-data.js";
import { GitHubAnswerError } from "../load/github/exchange-check.js";
import type { EvaluationProblem } from "../evaluate/decide.js";
import { BrokenAnswerError, RequestDeadlineError } from "./deadlines.js";
import { httpStatus } from "../load/github/client.js";

const RETRY = "Click Re-evaluate on this check run, or push a new commit.";
const NOT_ACCESSIBLE = /resource not accessible by integration/i;
const RATE_LIMITED = /rate limit/i;

interface RequestErrorLike {
  name: string;
  status: number;
  message: string;
  request?: { method?: string; url?: string };
  /** Absent when no answer came (a network error Octokit reports as status 500). */
  response?: { headers?: Record<string, string | undefined> };
  cause?: unknown;
}

interface GraphqlErrorLike {
  name: string;
  errors: Array<{ type?: string; message?: string; path?: Array<string | number> }>;
  headers?: Record<string, string | undefined>;
}

/**
 * The permission each endpoint needs, for "Resource not accessible by integration" answers.
 * Ordered: the first pattern that matches the request path names the permission.
 */
const PERMISSION_FOR_PATH: ReadonlyArray<[RegExp, string]> = [
  [/^\/orgs\/[^/]+\/teams\//, "members: read (organisation permission, for `from` teams)"],
  [/\/check-runs/, "checks: write"],
  [/\/contents\//, "contents: read"],
  [/\/commits\//, "contents: read"],
  [/\/pulls/, "pull requests: read"],
  [/^\/graphql$/, "contents: read and pull requests: read"],
];
const ALL_PERMISSIONS = "checks: write; contents, metadata, pull requests, merge queues and members: read";

export function describeError(error: unknown): EvaluationProblem {
  if (error instanceof IncompleteDataError) {
    return { kind: "incomplete", message: error.message, remedy: error.remedy };
  }
  if (error instanceof GitHubAnswerError) {
    return {
      kind: "github-answer",
      message: error.message,
      remedy: `GitHub's answer was cut short or not in the form its API documents, so nothing was judged from it. ${RETRY}`,
    };
  }
  if (error instanceof RequestDeadlineError || error instanceof BrokenAnswerError) {
    return { kind: "network", message: error.message, remedy: `GitHub or the network to it was too slow; this is usually brief. ${RETRY}` };
  }
  if (isRequestError(error)) return describeRequestError(error);
  if (isGraphqlError(error)) return describeGraphqlError(error);
  const e = error instanceof Error ? error : new Error(String(error));
  return {
    kind: "internal",
    message: `${e.name}: ${firstLine(e.message)}`,
    remedy: `${RETRY} If it keeps failing, report it to whoever runs Provenance Gate (the app's log has the details).`,
  };
}

function describeRequestError(error: RequestErrorLike): EvaluationProblem {
  const path = error.request?.url ? apiPath(error.request.url) : "";
  const request = error.request?.method && path ? `${error.request.method} ${path}` : "a request";
  const headers = error.response?.headers ?? {};

  // Octokit reports a request that got no answer as status 500 without a response.
  if (!error.response) {
    return {
      kind: "network",
      message: `Could not reach GitHub for ${request}: ${networkReason(error)}`,
      remedy: `The connection to GitHub failed before it answered; this is usually brief. ${RETRY}`,
    };
  }
  const answered = `GitHub answered HTTP ${error.status} to ${request}: ${firstLine(error.message)}`;
  if ((error.status === 403 || error.status === 429) && (headers["x-ratelimit-remaining"] === "0" || RATE_LIMITED.test(error.message))) {
    return { kind: "rate-limit", message: answered, remedy: rateLimitRemedy(headers) };
  }
  if (error.status === 403 && NOT_ACCESSIBLE.test(error.message)) {
    const permission = PERMISSION_FOR_PATH.find(([pattern]) => pattern.test(path))?.[1] ?? ALL_PERMISSIONS;
    return {
      kind: "permission",
      message: answered,
      remedy:
        `The app lacks the permission ${permission}. An organisation owner can grant it: the app's settings, ` +
        `"Permissions & events", then accept the new permissions in the installation settings. ${RETRY}`,
    };
  }
  return { kind: "github-api", message: answered, remedy: remedyForStatus(error.status) };
}

function describeGraphqlError(error: GraphqlErrorLike): EvaluationProblem {
  const messages = error.errors.map((e) => `${e.type ? `${e.type}: ` : ""}${e.message ?? "unknown error"}${e.path ? ` (at ${e.path.join(".")})` : ""}`);
  const message = `GitHub's GraphQL API returned errors: ${messages.join("; ")}`;
  if (error.errors.some((e) => e.type === "RATE_LIMITED")) {
    return { kind: "rate-limit", message, remedy: rateLimitRemedy(error.headers ?? {}) };
  }
  if (error.errors.some((e) => e.type === "FORBIDDEN" || e.type === "NOT_FOUND")) {
    return {
      kind: "github-graphql",
      message,
      remedy: `Check that the installation includes this repository and has ${ALL_PERMISSIONS}. ${RETRY}`,
    };
  }
  return { kind: "github-graphql", message, remedy: `GitHub could not answer the query. ${RETRY}` };
}

/** When the rate limit lifts: the reset time for a primary limit, `retry-after` for a secondary one. */
function rateLimitRemedy(headers: Record<string, string | undefined>): string {
  const reset = Number(headers["x-ratelimit-reset"]);
  const retryAfter = Number(headers["retry-after"]);
  const when =
    headers["x-ratelimit-remaining"] === "0" && Number.isFinite(reset) && reset > 0
      ? `The installation's quota resets at ${new Date(reset * 1000).toISOString().slice(11, 16)} UTC`
      : Number.isFinite(retryAfter) && retryAfter > 0
        ? `GitHub asked to wait ${retryAfter} s`
        : "GitHub asked the app to slow down";
  return `GitHub rate-limited the app. ${when}; after that, click Re-evaluate on this check run or push a new commit. Nothing about the pull request needs to change.`;
}

function remedyForStatus(status: number): string {
  if (status === 401) return `GitHub rejected the app's credentials; whoever runs Provenance Gate must check APP_ID and the private key. ${RETRY}`;
  if (status === 403) return `GitHub refused the request. Check that the installation includes this repository and has ${ALL_PERMISSIONS}. ${RETRY}`;
  if (status === 404) {
    return `Something the evaluation needs was not found, or the installation cannot see it (is this repository included in the installation?). ${RETRY}`;
  }
  if (status === 422) return `GitHub rejected the request as invalid; the pull request may have changed meanwhile. ${RETRY}`;
  if (status >= 500) return `GitHub had a temporary problem. ${RETRY}`;
  return RETRY;
}

function networkReason(error: RequestErrorLike): string {
  const cause = error.cause as { code?: unknown; message?: unknown; cause?: { code?: unknown } } | undefined;
  const code = cause?.code ?? cause?.cause?.code;
  const detail = firstLine(typeof cause?.message === "string" ? cause.message : error.message);
  return typeof code === "string" && !detail.includes(code) ? `${code} (${detail})` : detail;
}

function isRequestError(error: unknown): error is RequestErrorLike {
  return typeof error === "object" && error !== null && (error as { name?: unknown }).name === "HttpError" && typeof (error as { status?: unknown }).status === "number";
}

function isGraphqlError(error: unknown): error is GraphqlErrorLike {
  return typeof error === "object" && error !== null && (error as { name?: unknown }).name === "GraphqlResponseError" && Array.isArray((error as { errors?: unknown }).errors);
}

function apiPath(url: string): string {
  try {
    // GitHub Enterprise Server serves the API under /api/v3; the permission table speaks of api.github.com paths.
    return new URL(url).pathname.replace(/^\/api\/v3(?=\/)/, "").replace(/^\/api\/graphql$/, "/graphql");
  } catch {
    return url;
  }
}

function firstLine(text: string): string {
  const line = text.split("\n")[0] ?? "";
  return line.length > 500 ? `${line.slice(0, 499)}…` : line;
}

/**
 * Bad credentials, no installation token (its request was already tried as often as any), or an
 * exhausted quota: another write now would fail the same way, and trying costs GitHub requests
 * while it is failing.
 */
export function blocksEveryWrite(error: unknown): boolean {
  const status = httpStatus(error);
  const remaining = (error as { response?: { headers?: Record<string, string | undefined> } }).response?.headers?.["x-ratelimit-remaining"];
  return status === 401 || failedForToken(error) || ((status === 403 || status === 429) && remaining === "0");
}

/**
 * The request that failed is the one for the installation's access token: Octokit's errors carry
 * its options (a URL, under GHES's `/api/v3` too), a deadline's its method and path.
 */
export function failedForToken(error: unknown): boolean {
  const request = (error as { request?: unknown } | null)?.request;
  const url = typeof request === "string" ? request : (request as { url?: unknown } | undefined)?.url;
  return typeof url === "string" && /\/app\/installations\/[^/]+\/access_tokens(?:$|\?)/.test(url);
}
