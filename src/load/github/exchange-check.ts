/**
 * Every GitHub exchange checked (SPEC §7.1), as one Octokit plugin on the `request` hook — the
 * way Probot's own request logging hooks in. Before a request: a REST request must be valid for
 * GitHub's OpenAPI description, a GraphQL document valid for GitHub's schema. After a 2xx answer:
 * it must have the shape the app reads. Otherwise the exchange throws `GitHubAnswerError`, which
 * ends in a `failure` check naming it — "no files" is only ever a fact GitHub stated in a
 * well-formed answer, never what a truncated or mis-shaped one happened to look like.
 *
 * Installed in production (`GateOctokit`), in the nock harness and in the sandbox runner.
 */
import { isKnownOperation, validateGitHubRequest, validateGitHubResponse } from "./schema/rest.js";
import { validateGraphqlAnswer, validateGraphqlDocument } from "./schema/graphql.js";

/** A request the app built, or an answer GitHub gave, that is not what GitHub's description says. */
export class GitHubAnswerError extends Error {
  override readonly name = "GitHubAnswerError";
  constructor(
    message: string,
    /** Every problem found, one line each. */
    readonly problems: string[],
  ) {
    super(message);
  }
}

interface EndpointOptions {
  method: string;
  url: string;
  baseUrl?: string;
  query?: string;
  variables?: Record<string, unknown>;
  [key: string]: unknown;
}

interface RequestLike {
  endpoint: { parse(options: EndpointOptions): { method: string; url: string; body?: unknown } };
}

interface HookableOctokit {
  hook: {
    before(name: "request", fn: (options: EndpointOptions) => Promise<void> | void): void;
    after(name: "request", fn: (response: { status: number; data: unknown }, options: EndpointOptions) => Promise<void> | void): void;
  };
  request: RequestLike;
}

const MAX_LISTED = 3;

function fail(what: string, problems: string[]): never {
  const listed = problems.slice(0, MAX_LISTED).join("; ");
  const more = problems.length > MAX_LISTED ? ` (and ${problems.length - MAX_LISTED} more)` : "";
  throw new GitHubAnswerError(`${what}: ${listed}${more}`, problems);
}

/**
 * A GraphQL request, read from its options without expanding them: Octokit's graphql client
 * sends `POST /graphql` (`/api/graphql` on GitHub Enterprise) with the document in `query`.
 */
function isGraphqlRequest(options: EndpointOptions): boolean {
  return options.method === "POST" && /\/graphql$/.test(options.url.replace(/[?#].*$/, ""));
}

/** The path a GraphQL request went to, for a message (only when an answer is refused). */
function graphqlPath(octokit: HookableOctokit, options: EndpointOptions): string {
  return new URL(octokit.request.endpoint.parse(options).url, "https://api.github.com").pathname;
}

/** The plugin: `Octokit.plugin(checkGitHubExchanges)`. */
export function checkGitHubExchanges(octokit: HookableOctokit): void {
  // A REST request's expanded form, from before it was sent until its answer is checked: the same
  // options object reaches both hooks, and expanding it is most of Octokit's cost per request.
  const expanded = new WeakMap<EndpointOptions, { method: string; url: string; body?: unknown }>();
  const parse = (options: EndpointOptions) => {
    let parsed = expanded.get(options);
    if (!parsed) expanded.set(options, (parsed = octokit.request.endpoint.parse(options)));
    return parsed;
  };
  octokit.hook.before("request", async (options) => {
    if (isGraphqlRequest(options)) {
      if (typeof options.query === "string") {
        const problems = await validateGraphqlDocument(options.query);
        if (problems.length > 0) fail("The app built a GraphQL query GitHub's schema rejects", problems);
      }
      return;
    }
    const parsed = parse(options);
    // Operations outside the extracted description pass unchecked here; the tests flag them.
    if (!isKnownOperation(parsed.method, parsed.url)) return;
    const problems = validateGitHubRequest(parsed);
    if (problems.length > 0) fail("The app built a request GitHub's description rejects", problems);
  });

  octokit.hook.after("request", async (response, options) => {
    if (response.status < 200 || response.status >= 300) return;
    if (isGraphqlRequest(options)) {
      const problems = typeof options.query === "string" ? await validateGraphqlAnswer(options.query, options.variables, response.data) : [];
      if (problems.length > 0) fail(`GitHub's answer to POST ${graphqlPath(octokit, options)} is not what the app reads`, problems);
      return;
    }
    const parsed = parse(options);
    const problems = validateGitHubResponse(parsed, response.data);
    if (problems.length > 0) fail(`GitHub's answer to ${parsed.method} ${new URL(parsed.url, "https://api.github.com").pathname} is not what the app reads`, problems);
  });
}
