/**
 * An Octokit plugin that counts every GitHub request by operation and status and keeps the
 * rate-limit gauge current. The operation is the route template (`GET /repos/{owner}/{repo}/pulls`)
 * or, for GraphQL, `graphql <OperationName>`: never a URL with owners or numbers in it, so the
 * number of series stays small.
 */
import { noAnswer } from "./github-check.js";
import { githubRequestsTotal, rateLimitRemaining } from "./metrics.js";

interface RequestOptions {
  method?: string;
  url?: string;
  query?: unknown;
}
interface ResponseLike {
  status?: number;
  headers?: Record<string, string | number | undefined>;
}
interface HookedOctokit {
  hook: { wrap(name: "request", wrapper: (request: (options: any) => any, options: any) => Promise<any>): void };
}

export function githubMetrics(octokit: HookedOctokit): void {
  octokit.hook.wrap("request", async (request, options: RequestOptions) => {
    const operation = operationOf(options);
    try {
      const response = (await request(options)) as ResponseLike;
      record(operation, String(response.status ?? "unknown"), response.headers);
      return response;
    } catch (error) {
      const failed = error as { status?: number; response?: ResponseLike };
      record(operation, noAnswer(error) ?? String(failed.status ?? "error"), failed.response?.headers);
      throw error;
    }
  });
}

export function operationOf(options: RequestOptions): string {
  const method = (options.method ?? "GET").toUpperCase();
  const url = (options.url ?? "").replace(/^https?:\/\/[^/]+/, "").replace(/^\/api\/v3(?=\/)/, "").split("?")[0]!;
  if (url === "/graphql" || url === "/api/graphql") {
    const name = typeof options.query === "string" ? /\b(?:query|mutation)\s+([A-Za-z_][A-Za-z0-9_]*)/.exec(options.query)?.[1] : undefined;
    return `graphql ${name ?? "anonymous"}`;
  }
  return `${method} ${url}`;
}

function record(operation: string, status: string, headers: ResponseLike["headers"]): void {
  githubRequestsTotal.inc({ operation, status });
  const remaining = Number(headers?.["x-ratelimit-remaining"]);
  if (headers?.["x-ratelimit-remaining"] !== undefined && Number.isFinite(remaining)) {
    rateLimitRemaining.set({ resource: String(headers["x-ratelimit-resource"] ?? "core") }, remaining);
  }
}
