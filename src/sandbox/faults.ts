/**
 * Fault injection for the sandbox's HTTP front: any operation (`pulls.get`, `checks.create`,
 * `graphql:PullRequestSnapshot`…) of any repository can be made to answer badly, the ways GitHub
 * and the networks in between do:
 * - `truncate`: a well-formed HTTP answer whose JSON body is cut in half (2xx, unparsable);
 * - `reset`: the headers and half the body, then the connection is destroyed;
 * - `hang`: no answer at all, until the client gives up;
 * - `500`, `502`: GitHub's server errors (the request has no effect);
 * - `403`: "Resource not accessible by integration" (a missing permission; not retried);
 * - `429`: a secondary rate limit with `retry-after: 1`.
 * Status faults answer before the operation runs, so a failed write writes nothing; `truncate` and
 * `reset` cut the answer of an operation that did run (a write that happened but whose answer was
 * lost).
 */
import type { IncomingMessage, ServerResponse } from "node:http";

export const FAULTS = ["truncate", "reset", "hang", 500, 502, 403, 429] as const;
/** `slow` is not a fault of the matrix: it orders races in tests (an answer that waits `delayMs`). */
export type Fault = (typeof FAULTS)[number] | "slow";

export interface FaultRule {
  /** The operation name the request counters use, e.g. `repos.getCommit` or `graphql:PullRequestSnapshot`. */
  operation: string;
  /** `owner/name`; absent: every repository (and requests about none, such as `apps.*`). */
  repo?: string;
  fault: Fault;
  /** How many matching requests meet the fault (default: all of them). */
  times?: number;
  /** For `slow`: how long the answer waits before the operation runs. */
  delayMs?: number;
}

interface ActiveRule extends FaultRule {
  left: number;
}

export class FaultInjector {
  readonly #rules: ActiveRule[] = [];
  /** How many requests met a fault, by `operation fault`. */
  readonly hits: Record<string, number> = {};

  add(rule: FaultRule): () => void {
    const active = { ...rule, left: rule.times ?? Number.POSITIVE_INFINITY };
    this.#rules.push(active);
    return () => this.remove(active);
  }

  clear(repo?: string): void {
    for (const rule of [...this.#rules]) if (repo === undefined || rule.repo?.toLowerCase() === repo.toLowerCase()) this.remove(rule);
  }

  /**
   * The fault a request meets, if any (and counts it). `repo` is `owner/name`, or `owner/*` for a
   * request about an owner's installation (its access token), which every rule for one of the
   * owner's repositories matches.
   */
  take(operation: string, repo: string | undefined): FaultRule | undefined {
    const about = repo?.toLowerCase();
    const matches = (rule: string) =>
      about !== undefined && (rule.toLowerCase() === about || (about.endsWith("/*") && rule.toLowerCase().startsWith(about.slice(0, -1))));
    const rule = this.#rules.find((r) => r.left > 0 && r.operation === operation && (r.repo === undefined || matches(r.repo)));
    if (!rule) return undefined;
    rule.left--;
    const key = `${operation} ${rule.fault}`;
    this.hits[key] = (this.hits[key] ?? 0) + 1;
    return rule;
  }

  private remove(rule: ActiveRule): void {
    const i = this.#rules.indexOf(rule);
    if (i >= 0) this.#rules.splice(i, 1);
  }
}

/** The repository a REST path or GraphQL request is about. */
export function repoOfRequest(pathname: string, variables?: Record<string, unknown>): string | undefined {
  const rest = /^\/repos\/([^/]+)\/([^/]+)/.exec(pathname);
  if (rest) return `${decodeURIComponent(rest[1])}/${decodeURIComponent(rest[2])}`;
  if (variables && typeof variables.owner === "string" && typeof variables.name === "string") return `${variables.owner}/${variables.name}`;
  return undefined;
}

/**
 * Answers a request that met a status or `hang` fault (true), or arms `res` so the operation's
 * own answer is cut (`truncate`, `reset`; false: the caller goes on and answers normally).
 */
export async function applyFault(rule: FaultRule, req: IncomingMessage, res: ServerResponse, headers: Record<string, string>): Promise<boolean> {
  const fault = rule.fault;
  switch (fault) {
    case "slow":
      await new Promise((resolve) => setTimeout(resolve, rule.delayMs ?? 1_000));
      return false;
    case "hang":
      // Held open until the client gives up (or the sandbox closes its connections).
      await new Promise<void>((resolve) => {
        res.on("close", resolve);
        req.socket.on("close", resolve);
      });
      return true;
    case 500:
    case 502:
      sendJson(res, fault, { message: fault === 500 ? "Server Error" : "Bad Gateway" }, headers);
      return true;
    case 403:
      sendJson(res, 403, { message: "Resource not accessible by integration", documentation_url: "https://docs.github.com/rest" }, headers);
      return true;
    case 429:
      sendJson(
        res,
        429,
        {
          message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
          documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
        },
        { ...headers, "retry-after": "1" },
      );
      return true;
    case "truncate":
    case "reset":
      cutAnswer(res, fault);
      return false;
  }
}

/** Makes the next answer written to `res` arrive cut in half. */
function cutAnswer(res: ServerResponse, how: "truncate" | "reset"): void {
  const writeHead = res.writeHead.bind(res) as (status: number, headers?: Record<string, unknown>) => ServerResponse;
  const end = res.end.bind(res) as (chunk?: unknown) => ServerResponse;
  (res as { writeHead: unknown }).writeHead = (status: number, headers: Record<string, unknown> = {}) => {
    // Truncated: a complete HTTP message (chunked) whose body is half the JSON. Reset: the
    // promised length, half of it, then the connection goes away.
    const { "content-length": length, ...rest } = headers;
    return writeHead(status, how === "truncate" ? rest : { ...rest, ...(length === undefined ? {} : { "content-length": length }) });
  };
  (res as { end: unknown }).end = (chunk?: unknown) => {
    const text = chunk === undefined ? "" : String(chunk);
    const half = text.slice(0, Math.floor(text.length / 2));
    if (how === "truncate") return end(half);
    res.write(half, () => res.socket?.destroy());
    return res;
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
  res.end(text);
}
