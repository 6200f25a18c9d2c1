/**
 * Octokit's retry rules without its cost: `@octokit/plugin-retry` builds a Bottleneck limiter for
 * every request to run it as a job, which was a tenth of the app's CPU per evaluation (the bench's
 * profile, docs/benchmarks.md). This plugin keeps the same rules with a loop: a request that
 * failed with a status of 400 or more not in `doNotRetry` (a network error is a 500) is sent again
 * up to `retries` times, after (n + 1)² × `retryAfterBaseValue` ms, with `request.retryCount` set
 * as the plugin sets it; a GraphQL answer "Something went wrong while executing your query" is a
 * 500. Errors without a request (the deadlines' `AbortError`, the exchange check's) are not retried.
 *
 * `withGateOptions` turns the plugin-retry off (`retry.enabled: false`) and this one on (`ownRetry`),
 * reading the same `retry` options.
 */
interface RetryOptions {
  doNotRetry?: number[];
  retries?: number;
  retryAfterBaseValue?: number;
}

interface RequestOptions {
  request?: { retries?: number; retryCount?: number };
  [key: string]: unknown;
}

type Request = (options: RequestOptions) => Promise<{ data?: unknown }>;

interface WrappableOctokit {
  hook: { wrap(name: "request", fn: (request: Request, options: RequestOptions) => Promise<unknown>): void };
}

const GRAPHQL_SERVER_ERROR = /Something went wrong while executing your query/;

export function gateRetry(octokit: WrappableOctokit, options: { retry?: RetryOptions; ownRetry?: boolean }): void {
  if (options.ownRetry !== true) return;
  const doNotRetry = options.retry?.doNotRetry ?? [400, 401, 403, 404, 410, 422, 451];
  const baseMs = options.retry?.retryAfterBaseValue ?? 1000;
  octokit.hook.wrap("request", async (request, requestOptions) => {
    for (let retryCount = 0; ; retryCount++) {
      try {
        const response = await request(requestOptions);
        const errors = (response.data as { errors?: Array<{ message?: string }> } | undefined)?.errors;
        if (Array.isArray(errors) && errors.length > 0 && GRAPHQL_SERVER_ERROR.test(String(errors[0]?.message))) {
          // What the plugin throws: Octokit's RequestError (name, status, request, response), duck-typed as the app reads it.
          throw Object.assign(new Error(String(errors[0].message)), { name: "HttpError", status: 500, request: requestOptions, response });
        }
        return response;
      } catch (error) {
        const e = error as { status?: number; request?: { request?: unknown } };
        const retries = requestOptions.request?.retries ?? options.retry?.retries ?? 3;
        if (!e?.request?.request || typeof e.status !== "number" || e.status < 400 || doNotRetry.includes(e.status) || retryCount >= retries) throw error;
        requestOptions.request = { ...requestOptions.request, retryCount: retryCount + 1 };
        await new Promise((resolve) => setTimeout(resolve, (retryCount + 1) ** 2 * baseMs));
      }
    }
  });
}
