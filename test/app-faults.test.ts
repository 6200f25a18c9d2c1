/**
 * Fault injection through the real app path (`probot.receive` + nock): rate limits, 5xx, network
 * errors, GraphQL partial data, pagination that does not advance, a head that moves, duplicate and
 * out-of-order deliveries, missing permissions. Each fault ends in a correct retry (the normal
 * conclusion) or a posted `failure` that says what happened — never `success` or `neutral` when
 * something failed — or, when nothing can be posted, an error log and a failed delivery.
 *
 * "Retrying" cases run Octokit's retry and throttling plugins as `probot run` ships them
 * (test/helpers/faults.ts); the others use the shared harness, where both are off.
 */
import { describe, expect, it } from "vitest";
import nock from "nock";
import { pino } from "pino";
import { Probot } from "probot";
import { tunedGateOctokit } from "../src/app/octokit.js";
import { testPrivateKey } from "./helpers/keys.js";
import { withoutWriteSpacing } from "./helpers/octokit.js";
import {
  API,
  APP_ID,
  AI_SHA,
  HEAD,
  OWNER,
  REPO,
  REVIEWED,
  runApp,
  example,
  filesConnection,
  graphqlData,
  mockCheckRuns,
  mockCommitFiles,
  mockCreate,
  mockEvaluationReads,
  mockFiles,
  mockGraphql,
  mockFileModes,
  policyOf,
  mockPull,
  mockUpdate,
  pullRequestPayload,
  reviewPayload,
  typicalPr,
  type PrSpec,
  type AppRun,
  guardGitHubMocks,
} from "./fixtures/github/harness.js";
import {
  CHECK_RUNS_PATH,
  createRetryingHarness,
  errorLogs,
  notAccessible,
  primaryRateLimit,
  secondaryRateLimit,
  served,
  writes,
  type Reply,
} from "./helpers/faults.js";

type Json = Record<string, any>;

guardGitHubMocks();

const NEW_HEAD = "2".repeat(40);
const OLD_HEAD = "3".repeat(40);
const FILES = `/repos/${OWNER}/${REPO}/pulls/42/files`;
const PULL = `/repos/${OWNER}/${REPO}/pulls/42`;
const isSnapshotQuery = (body: Json) => String(body.query).includes("query PullRequestSnapshot");
const isCommitsQuery = (body: Json) => String(body.query).includes("query PullRequestCommits");
const isReviewsQuery = (body: Json) => String(body.query).includes("query PullRequestReviews");

/** Delivers `spec`'s synchronize event to the app; returns the runs it created. */
async function synchronize(receive: AppRun["receive"], api: nock.Scope, spec: PrSpec): Promise<Json[]> {
  const posted: Json[] = [];
  mockCreate(api, posted);
  await receive("pull_request", pullRequestPayload("synchronize", spec));
  return posted;
}

/** What every posted failure must show: failure (never success/neutral), what happened, how to retry. */
function expectFailureNaming(posted: Json[], what: RegExp): void {
  expect(posted.length).toBeGreaterThan(0);
  const last = posted[posted.length - 1];
  for (const body of posted) expect(["neutral", "skipped", "success"]).not.toContain(body.conclusion);
  expect(last).toMatchObject({ conclusion: "failure", status: "completed", external_id: "42" });
  expect(last.output.summary).toMatch(what);
  expect(last.output.summary).toMatch(/Re-evaluate/);
}

function expectNormal(posted: Json[], conclusion = "success"): void {
  expect(posted).toHaveLength(1);
  expect(posted[0]).toMatchObject({ name: "Provenance Gate", head_sha: HEAD, status: "completed", conclusion, external_id: "42" });
}

/** The reads that may or may not start before an early failure stops the evaluation. */
function optionalReads(api: nock.Scope, spec: PrSpec): void {
  api.get(FILES).query(true).optionally().reply(200, spec.files);
  api.get(`/repos/${OWNER}/${REPO}/commits/${AI_SHA}`).query(true).optionally().reply(200, { files: [] });
}

function reply(api: nock.Scope, method: "get" | "post", path: string, fault: Reply, match?: (body: Json) => boolean): void {
  const interceptor = method === "get" ? api.get(path).query(true) : api.post(path, match ? (b: Json) => match(b) : undefined);
  interceptor.reply(fault[0], fault[1], fault[2]);
}

/** When the secondary limit's `retry-after` or the primary limit's reset is, in seconds from now. */
const inSeconds = (s: number) => Math.floor(Date.now() / 1000) + s;

// ------------------------------------------------------------------------------------------------

describe("transient faults are retried and end in the normal conclusion (retry + throttling as shipped)", () => {
  // Network errors as Error objects: nock hands a plain object to fetch as an error, but never to node:http.
  const cases: Array<[string, (api: nock.Scope, spec: PrSpec) => void, string]> = [
    ["HTTP 500 on the GraphQL query, then 200", (api) => void api.post("/graphql", isSnapshotQuery).reply(500, { message: "Server Error" }), "POST /graphql PullRequestSnapshot"],
    ["HTTP 502 on the file list, then 200", (api) => void api.get(FILES).query(true).reply(502, { message: "Bad Gateway" }), `GET ${FILES}`],
    ["HTTP 503 on the head re-read before publishing, then 200", (api) => void api.get(PULL).reply(503, { message: "Service Unavailable" }), `GET ${PULL}`],
    ["ECONNRESET on the GraphQL query, then 200", (api) => void api.post("/graphql", isSnapshotQuery).replyWithError(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" })), "POST /graphql PullRequestSnapshot"],
    [
      "ECONNRESET on a commit's file list, then 200",
      (api) => void api.get(`/repos/${OWNER}/${REPO}/commits/${AI_SHA}`).query(true).replyWithError(Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" })),
      `GET /repos/${OWNER}/${REPO}/commits/${AI_SHA}`,
    ],
    [
      "GraphQL 'Something went wrong while executing your query', then data",
      (api) => void api.post("/graphql", isSnapshotQuery).reply(200, { data: null, errors: [{ message: "Something went wrong while executing your query. Please include `ABCD:1234` when reporting this issue." }] }),
      "POST /graphql PullRequestSnapshot",
    ],
    ["429 secondary rate limit with retry-after: 0 on the file list", (api) => reply(api, "get", FILES, secondaryRateLimit(429, 0)), `GET ${FILES}`],
    ["403 secondary rate limit with retry-after: 0 on the GraphQL query", (api) => reply(api, "post", "/graphql", secondaryRateLimit(403, 0), isSnapshotQuery), "POST /graphql PullRequestSnapshot"],
    [
      "GraphQL RATE_LIMITED whose quota has already reset",
      (api) =>
        void api
          .post("/graphql", isSnapshotQuery)
          .reply(200, { errors: [{ type: "RATE_LIMITED", message: "API rate limit exceeded for installation ID 2." }] }, { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(inSeconds(-5)) }),
      "POST /graphql PullRequestSnapshot",
    ],
  ];

  it.each(cases)("%s: retried once, normal conclusion", async (_name, fault, faulted) => {
    const { receive, api } = runApp({ harness: createRetryingHarness() });
    const paths = served(api);
    const spec = typicalPr();
    fault(api, spec); // registered first, so the first matching request meets the fault
    mockEvaluationReads(api, spec);
    const posted = await synchronize(receive, api, spec);

    expectNormal(posted);
    expect(paths.filter((p) => p === faulted)).toHaveLength(2);
  });

  it.each<[string, Reply | "500"]>([
    ["HTTP 500", [500, { message: "Server Error" }, {}]],
    ["a 403 secondary rate limit with retry-after: 0", secondaryRateLimit(403, 0)],
  ])("%s on the check-run create, then 201: retried, one run posted with the normal conclusion", async (_name, fault) => {
    const { receive, api } = runApp({ harness: createRetryingHarness() });
    const paths = served(api);
    const spec = typicalPr();
    mockEvaluationReads(api, spec);
    const attempts: Json[] = [];
    const [status, body, headers] = fault as Reply;
    api.post(CHECK_RUNS_PATH, (b: Json) => (attempts.push(b), true)).reply(status, body, headers);
    const posted = await synchronize(receive, api, spec);

    expect(writes(paths)).toHaveLength(2);
    expectNormal(posted);
    expect(attempts[0].conclusion).toBe("success");
  });
});

describe("faults that persist end in a posted failure, without a retry storm", () => {
  it("HTTP 500 on every GraphQL attempt: a bounded number of retries, then a failure naming the 5xx", async () => {
    const { receive, api } = runApp({ harness: createRetryingHarness() });
    const paths = served(api);
    const spec = typicalPr();
    api.post("/graphql", isSnapshotQuery).times(4).reply(500, { message: "Server Error" });
    api.post("/graphql", isSnapshotQuery).optionally().times(10).reply(500, { message: "Server Error" });
    optionalReads(api, spec);
    mockCheckRuns(api, HEAD);
    mockPull(api, 42, HEAD);
    const posted = await synchronize(receive, api, spec);

    expect(paths.filter((p) => p === "POST /graphql PullRequestSnapshot").length).toBeLessThanOrEqual(4);
    expectFailureNaming(posted, /HTTP 500.*graphql[\s\S]*temporary problem/);
  });

  it("a 429 secondary rate limit with retry-after: 600 on every attempt: no retry before 600 s, a failure that says rate limit", async () => {
    const { receive, decisions, api } = runApp({ harness: createRetryingHarness() });
    const paths = served(api);
    const spec = typicalPr();
    const [status, body, headers] = secondaryRateLimit(429, 600);
    api.get(FILES).query(true).reply(status, body, headers);
    api.get(FILES).query(true).times(8).optionally().reply(status, body, headers);
    mockGraphql(api, spec);
    api.get(`/repos/${OWNER}/${REPO}/commits/${AI_SHA}`).query(true).optionally().reply(200, { files: [] });
    const posted: Json[] = [];
    mockCreate(api, posted);
    const fileTimes: number[] = [];
    api.on("request", (req: { path: string }) => void (req.path.startsWith(FILES) && fileTimes.push(performance.now())));

    await receive("pull_request", pullRequestPayload("synchronize", spec));

    // Time is scaled 1 s → 1 ms: a retry that honours retry-after comes ≥ 600 ms after the try before.
    const gaps = fileTimes.slice(1).map((t, i) => Math.round(t - fileTimes[i]));
    expect(gaps.filter((g) => g < 600), `gaps between file requests (ms): ${gaps.join(", ")}; ${JSON.stringify(decisions)}`).toEqual([]);
    expect(paths.filter((p) => p === `GET ${FILES}`).length).toBeLessThanOrEqual(2);
    expectFailureNaming(posted, /rate limit/i);
  });

  it("ECONNRESET on every GraphQL attempt: a failure that names the network error", async () => {
    const { receive, api } = runApp({ harness: createRetryingHarness() });
    const spec = typicalPr();
    api.post("/graphql", isSnapshotQuery).times(4).replyWithError(Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }));
    optionalReads(api, spec);
    mockCheckRuns(api, HEAD);
    mockPull(api, 42, HEAD);
    const posted = await synchronize(receive, api, spec);

    expectFailureNaming(posted, /ECONNRESET/);
    // No answer came: the summary must not claim GitHub answered with a status.
    expect(posted[0].output.summary).not.toMatch(/GitHub answered HTTP/);
  });
});

describe("primary rate limits", () => {
  it("403 with x-ratelimit-remaining: 0 and a reset 10 minutes away: not waited on; a failure says rate limit and when it resets", async () => {
    const { receive, decisions, api } = runApp({ harness: createRetryingHarness() });
    const spec = typicalPr();
    const reset = inSeconds(600);
    const [status, body, headers] = primaryRateLimit(reset);
    api.post("/graphql", isSnapshotQuery).reply(status, body, headers);
    api.post("/graphql", isSnapshotQuery).times(8).optionally().reply(status, body, headers);
    optionalReads(api, spec);
    mockCheckRuns(api, HEAD);
    mockPull(api, 42, HEAD);
    const posted = await synchronize(receive, api, spec);

    // A webhook handler that sleeps until the quota resets holds the delivery (GitHub gives up
    // after 10 s) and every other event for the installation: give up at once and say when.
    expect(decisions.filter((d) => d.retry && d.retryAfter > 60), JSON.stringify(decisions)).toEqual([]);
    const hhmm = new Date(reset * 1000).toISOString().slice(11, 16);
    expectFailureNaming(posted, /rate limit/i);
    expect(posted[0].output.summary).toContain(hhmm);
  });

  it("the summary of a primary rate limit does not send the owner after permissions", async () => {
    const { receive, api } = runApp();
    const spec = typicalPr();
    mockGraphql(api, spec);
    reply(api, "get", FILES, primaryRateLimit(inSeconds(600)));
    // A second caller may re-send the failed read (see "a read that fails ... is sent once").
    api.get(FILES).query(true).optionally().reply(...primaryRateLimit(inSeconds(600)));
    api.get(`/repos/${OWNER}/${REPO}/commits/${AI_SHA}`).query(true).optionally().reply(200, { files: [] });
    const posted = await synchronize(receive, api, spec);

    expectFailureNaming(posted, /rate limit/i);
    expect(posted[0].output.summary).not.toMatch(/accept the requested permissions|lack a permission/);
  });

  it("GraphQL RATE_LIMITED in the response body: a failure that says rate limit, not 'lacks access'", async () => {
    const { receive, api } = runApp();
    const spec = typicalPr();
    api.post("/graphql", isSnapshotQuery).reply(200, { errors: [{ type: "RATE_LIMITED", message: "API rate limit exceeded for installation ID 2." }] });
    optionalReads(api, spec);
    mockCheckRuns(api, HEAD);
    mockPull(api, 42, HEAD);
    const posted = await synchronize(receive, api, spec);

    expectFailureNaming(posted, /RATE_LIMITED: API rate limit exceeded/);
    expect(posted[0].output.summary).not.toMatch(/lacks access/);
  });

  it("a rate limit that also blocks the check-run write: error log and a rethrow, so the delivery fails and can be redelivered", async () => {
    const { receive, logs, api } = runApp();
    const spec = typicalPr();
    const [status, body, headers] = primaryRateLimit(inSeconds(600));
    api.post("/graphql", isSnapshotQuery).reply(status, body, headers);
    optionalReads(api, spec);
    mockCheckRuns(api, HEAD);
    mockPull(api, 42, HEAD);
    api.post(CHECK_RUNS_PATH).reply(status, body, headers);

    await expect(receive("pull_request", pullRequestPayload("synchronize", spec))).rejects.toThrow(/rate limit/i);
    const logged = errorLogs(logs, "could not post the check run");
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ pr: 42, conclusion: "failure" });
  });
});

// ------------------------------------------------------------------------------------------------

describe("GraphQL partial data", () => {
  async function runWith(graphqlBody: Json, spec = typicalPr()): Promise<Json[]> {
    const { receive, api } = runApp();
    api.post("/graphql", isSnapshotQuery).reply(200, graphqlBody);
    optionalReads(api, spec);
    mockCheckRuns(api, HEAD);
    mockPull(api, 42, HEAD);
    const posted = await synchronize(receive, api, spec);
    return posted;
  }

  it("an error on the pull request's reviews (data for the rest): failure naming the GraphQL error", async () => {
    const data = graphqlData(typicalPr());
    data.repository.pullRequest.reviews = null;
    const posted = await runWith({ data, errors: [{ type: "INTERNAL", message: "Timeout on reviews", path: ["repository", "pullRequest", "reviews"] }] });
    expectFailureNaming(posted, /GraphQL.*INTERNAL: Timeout on reviews \(at repository\.pullRequest\.reviews\)/);
  });

  it("an error on the base branch's policy: failure, never an evaluation without the policy", async () => {
    const data = graphqlData(typicalPr());
    data.repository.policy = null;
    const posted = await runWith({ data, errors: [{ type: "FORBIDDEN", message: "Resource not accessible by integration", path: ["repository", "policy"] }] });
    expectFailureNaming(posted, /FORBIDDEN: Resource not accessible by integration \(at repository\.policy\)/);
  });

  it("errors and no data at all: failure naming the errors", async () => {
    const posted = await runWith({ errors: [{ type: "INTERNAL", message: "Query timed out" }] });
    expectFailureNaming(posted, /GraphQL.*Query timed out/);
  });

  it("FORBIDDEN on the owner's .github repository and no base policy: failure (whether a policy exists is unknown)", async () => {
    const spec = typicalPr({ policy: null });
    const data = graphqlData(spec);
    data.fallbackRepo = null;
    const posted = await runWith({ data, errors: [{ type: "FORBIDDEN", message: "Resource not accessible by integration", path: ["fallbackRepo"] }] }, spec);
    expectFailureNaming(posted, /FORBIDDEN.*fallbackRepo/);
    expect(posted[0].output.title).not.toMatch(/No provenance policy/);
  });

  it.each(["NOT_FOUND", "FORBIDDEN"])("%s on the owner's .github repository while the base has a policy: the normal conclusion", async (type) => {
    const { receive, api } = runApp();
    const spec = typicalPr();
    mockEvaluationReads(api, spec);
    nock.removeInterceptor({ hostname: "api.github.com", method: "POST", path: "/graphql", proto: "https" });
    const data = graphqlData(spec);
    data.fallbackRepo = null;
    api.post("/graphql", isSnapshotQuery).reply(200, { data, errors: [{ type, message: `Could not read ${OWNER}/.github`, path: ["fallbackRepo"] }] });
    const posted = await synchronize(receive, api, spec);

    expectNormal(posted);
  });
});

// ------------------------------------------------------------------------------------------------

describe("pagination that does not advance", () => {
  const page = (n: number) => Array.from({ length: 100 }, (_, i) => ({ filename: `data/p${n}-${i}.csv`, status: "added" }));

  async function runWith(setup: (api: nock.Scope, spec: PrSpec) => void, spec = typicalPr()): Promise<{ posted: Json[]; paths: string[] }> {
    const { receive, api } = runApp();
    const paths = served(api);
    setup(api, spec);
    api.get(`/repos/${OWNER}/${REPO}/commits/${AI_SHA}`).query(true).optionally().reply(200, { files: [] });
    const posted = await synchronize(receive, api, spec);
    return { posted, paths };
  }

  /** The main query with the first 100 of 150 files, and `second` as the next page of them. */
  function pagedFiles(api: nock.Scope, spec: PrSpec, second: PrSpec["files"]): void {
    const data = graphqlData({ ...spec, changedFiles: 150 });
    data.repository.pullRequest.files = filesConnection(page(1), 150, "f1");
    api.post("/graphql", isSnapshotQuery).reply(200, { data });
    api
      .post("/graphql", (b: Json) => String(b.query).includes("query PullRequestFiles"))
      .reply(200, { data: { repository: { pullRequest: { headRefOid: HEAD, files: filesConnection(second, 150, null) } } } });
  }

  it("the file list repeats its first page as page 2: failure, not a file list with doubles", async () => {
    const { posted } = await runWith((api, spec) => pagedFiles(api, spec, page(1)));
    expectFailureNaming(posted, /listed data\/p1-0\.csv twice while paging the files/);
  });

  it("the file list's page 2 is empty while the pull request reports 150 files: failure", async () => {
    const { posted } = await runWith((api, spec) => pagedFiles(api, spec, []));
    expectFailureNaming(posted, /listed 100 changed files.*reports 150/);
  });

  it("a commit's file list repeats its page with Link rel=\"next\": failure within a few requests, naming the repeat", async () => {
    const commitPath = `/repos/${OWNER}/${REPO}/commits/${AI_SHA}`;
    const { posted, paths } = await runWith((api, spec) => {
      mockGraphql(api, spec);
      mockFiles(api, spec);
      mockFileModes(api, spec, policyOf(spec));
      const link = `<${API}${commitPath}?per_page=100&page=2>; rel="next"`;
      // Page 1, and page 2 answering the same files: the pager stops there (a third request would go unanswered).
      api.get(commitPath).query(true).times(2).reply(200, { sha: AI_SHA, files: [{ filename: "evals/tasks/t1.yaml", status: "modified" }] }, { link });
    });
    expect(paths.filter((p) => p === `GET ${commitPath}`)).toHaveLength(2);
    expectFailureNaming(posted, /repeat|did not advance|same page/i);
    expect(posted[0].output.summary).not.toMatch(/more than 3000 files/);
  });

  const commitsPage = (spec: PrSpec, commits: PrSpec["commits"], pageInfo: Json) => ({
    data: {
      repository: {
        pullRequest: {
          headRefOid: spec.headSha,
          commits: {
            totalCount: spec.commits.length,
            pageInfo,
            nodes: commits.map((c) => ({ commit: { oid: c.sha, message: c.message, author: null, committer: null } })),
          },
        },
      },
    },
  });

  /** The snapshot query answers with the first commit and a cursor; `next` answers the commits query. */
  function pagedCommits(api: nock.Scope, spec: PrSpec, endCursor: string | null, next?: Json): void {
    const data = graphqlData(spec, spec.commits.slice(0, 1));
    data.repository.pullRequest.commits.pageInfo = { hasNextPage: true, endCursor };
    api.post("/graphql", isSnapshotQuery).reply(200, { data });
    if (next) api.post("/graphql", isCommitsQuery).reply(200, next);
    optionalReads(api, spec);
  }

  it("the commits cursor does not advance (hasNextPage with the same endCursor): failure", async () => {
    const { posted } = await runWith((api, spec) => pagedCommits(api, spec, "c1", commitsPage(spec, spec.commits.slice(1), { hasNextPage: true, endCursor: "c1" })));
    expectFailureNaming(posted, /Paging through the commits of pull request #42 did not advance/);
  });

  it("hasNextPage with a null endCursor: failure", async () => {
    const { posted } = await runWith((api, spec) => pagedCommits(api, spec, null));
    expectFailureNaming(posted, /commits of pull request #42 did not advance after 1 of 2/);
  });

  it("the page after the cursor is empty: failure", async () => {
    const { posted } = await runWith((api, spec) => pagedCommits(api, spec, "c1", commitsPage(spec, [], { hasNextPage: false, endCursor: null })));
    expectFailureNaming(posted, /listed 1 commit of pull request #42, but it reports 2/);
  });

  it("the next page repeats a commit already read (the counts add up, the commits do not): failure", async () => {
    const { posted } = await runWith((api, spec) => pagedCommits(api, spec, "c1", commitsPage(spec, spec.commits.slice(0, 1), { hasNextPage: false, endCursor: "c2" })));
    expectFailureNaming(posted, /twice while paging the commits/);
  });

  it("totalCount that does not add up (fewer commits, no next page): failure telling the author to split", async () => {
    const { posted } = await runWith((api, spec) => {
      const data = graphqlData(spec, spec.commits.slice(0, 1));
      data.repository.pullRequest.commits.pageInfo = { hasNextPage: false, endCursor: null };
      api.post("/graphql", isSnapshotQuery).reply(200, { data });
      optionalReads(api, spec);
    });
    expectFailureNaming(posted, /listed 1 commit of pull request #42, but it reports 2[\s\S]*Split the pull request/);
  });

  it("the reviews cursor does not advance: failure", async () => {
    const spec = typicalPr({ reviews: [{ login: "bob", state: "APPROVED", submittedAt: "2026-11-20T11:00:00Z" }, { login: "carol", state: "APPROVED", submittedAt: "2026-11-20T11:05:00Z" }] });
    const { posted } = await runWith((api) => {
      const data = graphqlData(spec);
      data.repository.pullRequest.reviews.nodes = data.repository.pullRequest.reviews.nodes.slice(0, 1);
      data.repository.pullRequest.reviews.pageInfo = { hasNextPage: true, endCursor: "r1" };
      api.post("/graphql", isSnapshotQuery).reply(200, { data });
      const again = { totalCount: 2, pageInfo: { hasNextPage: true, endCursor: "r1" }, nodes: data.repository.pullRequest.reviews.nodes };
      api.post("/graphql", isReviewsQuery).reply(200, { data: { repository: { pullRequest: { headRefOid: spec.headSha, reviews: { ...again, nodes: [{ ...again.nodes[0], author: { login: "carol", __typename: "User" } }] } } } } });
      optionalReads(api, spec);
    }, spec);
    expectFailureNaming(posted, /Paging through the reviews of pull request #42 did not advance/);
  });
});

// ------------------------------------------------------------------------------------------------

describe("the head moves; deliveries repeat or arrive out of order", () => {
  it("the head moves between the evaluation and the publish: no write for the old head, a log line says so", async () => {
    const { receive, logs, api } = runApp();
    const paths = served(api);
    const spec = typicalPr();
    mockGraphql(api, spec);
    mockFiles(api, spec);
    mockFileModes(api, spec, policyOf(spec));
    mockCommitFiles(api, spec.commits[1]);
    mockPull(api, 42, NEW_HEAD);

    await receive("pull_request", pullRequestPayload("synchronize", spec));

    expect(writes(paths)).toEqual([]);
    expect(logs.find((l) => String(l.msg).includes("head moved during evaluation"))).toMatchObject({ evaluated_sha: HEAD, current_sha: NEW_HEAD });
  });

  it("the head moved between the event and the query: the new head is evaluated and published on it, never on the event's head", async () => {
    const { receive, api } = runApp();
    const spec = typicalPr();
    mockEvaluationReads(api, spec);
    // The event's head is looked up early (push time); nothing is written there.
    api.get(`/repos/${OWNER}/${REPO}/commits/${OLD_HEAD}/check-runs`).query(true).reply(200, { total_count: 0, check_runs: [] });
    const posted: Json[] = [];
    mockCreate(api, posted);

    await receive("pull_request", pullRequestPayload("synchronize", { ...spec, headSha: OLD_HEAD }));

    // Judged as the new head: the event's push time is not lent to it, so bob's earlier approval
    // predates the (unknown, hence "now") push and does not count.
    expectNormal(posted, "action_required");
  });

  /**
   * The main query brings the first commit or review with a cursor; the second page of that list
   * is read at `pageHead`. No file is renamed, so nothing else is read by pull request number.
   */
  async function pushBetweenPages(list: "commits" | "reviews", pageHead: string): Promise<{ posted: Json[]; paths: string[] }> {
    const { api, receive } = runApp();
    const paths = served(api);
    const spec = typicalPr({
      files: typicalPr().files.filter((f) => f.status !== "renamed"),
      reviews: [
        { login: "bob", state: "APPROVED", submittedAt: REVIEWED },
        { login: "carol", state: "COMMENTED", submittedAt: REVIEWED },
      ],
    });
    const data = graphqlData(spec);
    const first = data.repository.pullRequest[list];
    const rest = first.nodes.slice(1);
    first.nodes = first.nodes.slice(0, 1);
    first.pageInfo = { hasNextPage: true, endCursor: `${list}-1` };
    api.post("/graphql", isSnapshotQuery).reply(200, { data });
    api
      .post("/graphql", list === "commits" ? isCommitsQuery : isReviewsQuery)
      .reply(200, { data: { repository: { pullRequest: { headRefOid: pageHead, [list]: { ...first, pageInfo: { hasNextPage: false, endCursor: null }, nodes: rest } } } } });
    if (pageHead === spec.headSha) {
      mockFileModes(api, spec, policyOf(spec));
      mockCommitFiles(api, spec.commits[1]);
    }
    const posted = await synchronize(receive, api, spec);
    return { posted, paths };
  }

  it.each(["commits", "reviews"] as const)("a push between two pages of %s: failure on the head read, saying the head moved and that its push is evaluated", async (list) => {
    const { posted } = await pushBetweenPages(list, NEW_HEAD);
    expect(posted).toHaveLength(1);
    expect(posted[0]).toMatchObject({ head_sha: HEAD, status: "completed", conclusion: "failure" });
    expect(posted[0].output.summary).toContain(`The head of pull request #42 moved from 1111111 to 2222222 while its ${list} were read.`);
    expect(posted[0].output.summary).toMatch(/evaluates the new head when GitHub delivers its push/);
  });

  it.each(["commits", "reviews"] as const)("two pages of %s at the same head: the normal conclusion, and no re-read of the head (each page named it)", async (list) => {
    const { posted, paths } = await pushBetweenPages(list, HEAD);
    expectNormal(posted);
    expect(paths).not.toContain(`GET ${PULL}`);
  });

  it("the same delivery twice: the same result, and the second run writes nothing", async () => {
    const { receive, logs } = runApp();
    const spec = typicalPr();
    const posted: Json[] = [];
    let api = nock(API);
    const first = served(api);
    mockEvaluationReads(api, spec);
    mockCreate(api, posted, 700);
    const payload = pullRequestPayload("synchronize", spec);
    await receive("pull_request", payload, "delivery-1");

    api = nock(API);
    const second = served(api);
    mockEvaluationReads(api, spec, [{ id: 700, external_id: "42", conclusion: posted[0].conclusion, title: posted[0].output.title, summary: posted[0].output.summary }]);
    await receive("pull_request", payload, "delivery-1");

    expect(writes(first)).toHaveLength(1);
    expect(writes(second)).toEqual([]);
    expect(posted[0].conclusion).toBe("success");
    expect(logs.some((l) => String(l.msg).includes("result unchanged"))).toBe(true);
  });

  it("a redelivery after a failed evaluation repairs the failure: the run is updated to the normal conclusion", async () => {
    const { receive } = runApp();
    const spec = typicalPr();
    const posted: Json[] = [];
    let api = nock(API);
    api.post("/graphql", isSnapshotQuery).reply(502, { message: "Bad Gateway" });
    mockCheckRuns(api, HEAD);
    mockPull(api, 42, HEAD);
    mockCreate(api, posted, 701);
    const payload = pullRequestPayload("synchronize", spec);
    await receive("pull_request", payload, "delivery-2");
    expectFailureNaming(posted, /HTTP 502/);

    api = nock(API);
    mockEvaluationReads(api, spec, [{ id: 701, external_id: "42", conclusion: "failure", title: posted[0].output.title, summary: posted[0].output.summary }]);
    mockUpdate(api, 701, posted);
    await receive("pull_request", payload, "delivery-2");

    expect(posted).toHaveLength(2);
    expect(posted[1]).toMatchObject({ conclusion: "success" });
  });

  it("an older synchronize delivered after the newer one: nothing is written on the old head, and the new head's run is left as it is", async () => {
    const { receive, api } = runApp();
    const paths = served(api);
    const spec = typicalPr();
    // First the newer event: evaluated and posted on HEAD.
    mockEvaluationReads(api, spec);
    const posted: Json[] = [];
    mockCreate(api, posted, 702);
    await receive("pull_request", pullRequestPayload("synchronize", spec), "newer");
    expect(posted).toHaveLength(1);

    // Then the older one (head OLD_HEAD): GitHub now serves HEAD, whose run is already current.
    mockEvaluationReads(api, spec, [{ id: 702, external_id: "42", conclusion: posted[0].conclusion, title: posted[0].output.title, summary: posted[0].output.summary }]);
    api.get(`/repos/${OWNER}/${REPO}/commits/${OLD_HEAD}/check-runs`).query(true).reply(200, { total_count: 0, check_runs: [] });
    await receive("pull_request", pullRequestPayload("synchronize", { ...spec, headSha: OLD_HEAD }), "older");

    expect(writes(paths)).toHaveLength(1);
    expect(paths.some((p) => p.startsWith("POST") && p.includes(OLD_HEAD))).toBe(false);
  });

  it("a late review event while GraphQL still serves the old head: the stale result is not published", async () => {
    const { receive, logs, api } = runApp();
    const paths = served(api);
    const spec = typicalPr({ headSha: OLD_HEAD });
    mockGraphql(api, spec);
    mockFiles(api, spec);
    mockFileModes(api, spec, policyOf(spec));
    mockCommitFiles(api, spec.commits[1]);
    mockPull(api, 42, NEW_HEAD);

    await receive("pull_request_review", reviewPayload("submitted", spec), "late-review");

    expect(writes(paths)).toEqual([]);
    expect(logs.some((l) => String(l.msg).includes("head moved") && l.current_sha === NEW_HEAD)).toBe(true);
  });
});

// ------------------------------------------------------------------------------------------------

describe("missing permissions and other refusals", () => {
  it("a team lookup without members: read ('Resource not accessible by integration'): failure naming that permission and how to grant it", async () => {
    const { receive, api } = runApp();
    const policy = `version: 1
classes:
  eval: ["evals/**"]
rules:
  - name: owners
    classes: [eval]
    require:
      from: ["@acme/eval-owners"]
`;
    const spec = typicalPr({ policy });
    mockGraphql(api, spec);
    mockFiles(api, spec);
    mockFileModes(api, spec, policyOf(spec));
    mockCommitFiles(api, spec.commits[1]);
    reply(api, "get", `/orgs/acme/teams/eval-owners/memberships/bob`, notAccessible);
    const posted = await synchronize(receive, api, spec);

    expectFailureNaming(posted, /HTTP 403.*memberships\/bob.*Resource not accessible by integration/);
    const summary: string = posted[0].output.summary;
    expect(summary).toMatch(/members/i);
    expect(summary).toMatch(/accept/i);
    // GitHub's message says it is a permission: the summary should not suggest a rate limit.
    expect(summary).not.toMatch(/rate.limit/i);
  });

  it("reading the pull request's own .provenance.yml without contents: read: failure naming that permission", async () => {
    const { receive, api } = runApp();
    const spec = typicalPr({ files: [...typicalPr().files, { filename: ".provenance.yml", status: "modified" }] });
    mockGraphql(api, spec);
    mockFiles(api, spec);
    mockFileModes(api, spec, policyOf(spec));
    mockCommitFiles(api, spec.commits[1]);
    reply(api, "get", `/repos/${OWNER}/${REPO}/contents/.provenance.yml`, notAccessible);
    const posted = await synchronize(receive, api, spec);

    expectFailureNaming(posted, /HTTP 403.*contents\/\.provenance\.yml.*Resource not accessible by integration/);
    expect(posted[0].output.summary).toMatch(/contents/i);
    expect(posted[0].output.summary).not.toMatch(/rate.limit/i);
  });

  it("the check-run write refused (no checks: write): error log and a rethrow — nothing else can be posted", async () => {
    const { receive, logs, api } = runApp();
    const spec = typicalPr();
    mockEvaluationReads(api, spec);
    // The result, then the minimal failure run that would replace it.
    api.post(CHECK_RUNS_PATH).times(2).reply(notAccessible[0], notAccessible[1], notAccessible[2]);

    await expect(receive("pull_request", pullRequestPayload("synchronize", spec))).rejects.toThrow(/Resource not accessible by integration/);
    expect(errorLogs(logs, "could not post the check run")).toHaveLength(1);
  });

  it("422 on the check-run create (GitHub rejects the output): a minimal failure run is posted instead", async () => {
    const { receive, api } = runApp();
    const spec = typicalPr();
    mockEvaluationReads(api, spec);
    const rejected: Json[] = [];
    api.post(CHECK_RUNS_PATH, (b: Json) => (rejected.push(b), true)).reply(422, { message: "Invalid request.\n\nFor 'properties/output', ... is not valid." });
    const posted = await synchronize(receive, api, spec);

    expect(rejected).toHaveLength(1);
    expectFailureNaming(posted, /HTTP 422|rejected/);
    expect(posted[0].output.annotations ?? []).toEqual([]);
  });

  it("404: the pull request is gone: nothing is written, an error is logged and the delivery fails", async () => {
    const { receive, logs, api } = runApp();
    const paths = served(api);
    const spec = typicalPr();
    const data = graphqlData(spec);
    data.repository.pullRequest = null;
    api.post("/graphql", isSnapshotQuery).reply(200, { data, errors: [{ type: "NOT_FOUND", message: "Could not resolve to a PullRequest with the number of 42.", path: ["repository", "pullRequest"] }] });
    optionalReads(api, spec);
    mockCheckRuns(api, HEAD);
    api.get(PULL).reply(404, { message: "Not Found" });

    await expect(receive("pull_request", pullRequestPayload("synchronize", spec))).rejects.toThrow(/Not Found/);
    expect(writes(paths)).toEqual([]);
    expect(errorLogs(logs, "could not post the check run")).toHaveLength(1);
  });

  it("401 on the installation token request: nothing can be posted; error log and a rethrow", async () => {
    const { receive, logs } = runApp({ token: false });
    // The main query and the listing of the runs on the head (a push) each ask once (401 is not retried).
    nock(API).post(`/app/installations/2/access_tokens`).times(2).reply(401, { message: "Bad credentials" });
    const spec = typicalPr();

    await expect(receive("pull_request", pullRequestPayload("synchronize", spec))).rejects.toThrow(/Bad credentials/);
    expect(errorLogs(logs, "could not post the check run: no installation token")).toHaveLength(1);
  });

  describe("the installation token's request failing", () => {
    /** Answers every token request with `reply` and counts them. */
    function failingToken(reply: Reply): { asked: () => number } {
      let asked = 0;
      nock(API)
        .persist()
        .post(`/app/installations/2/access_tokens`)
        .reply(() => {
          asked++;
          return reply;
        });
      return { asked: () => asked };
    }
    const serverError: Reply = [500, { message: "Server Error" }, {}];

    /** The shipped Octokit options (retries, throttling, deadlines), with waits in milliseconds. */
    const shippedClient = () =>
      new Probot({ appId: APP_ID, privateKey: testPrivateKey(), log: pino({ level: "silent" }), Octokit: withoutWriteSpacing(tunedGateOctokit({ retryBaseMs: 1 })) }).auth(2);

    it("500: one request asks for the token 4 times (its own tries), not 16: the token request is not retried inside them", async () => {
      const token = failingToken(serverError);
      const octokit = await shippedClient();

      await expect(octokit.rest.repos.get({ owner: OWNER, repo: REPO })).rejects.toThrow(/Server Error/);
      expect(token.asked()).toBe(4);
    });

    it("429 with retry-after: the request that needs the token waits once, so the token is asked for twice, not 4 times", async () => {
      const token = failingToken(secondaryRateLimit(429, 1));
      const octokit = await shippedClient();

      await expect(octokit.rest.repos.get({ owner: OWNER, repo: REPO })).rejects.toThrow(/secondary rate limit/);
      expect(token.asked()).toBe(2);
    });

    it("500 throughout an evaluation: nothing more is tried once it has failed (no head re-read, no write, no fallback run); error log and a rethrow", async () => {
      const { receive, logs } = runApp({ harness: createRetryingHarness(), token: false });
      const token = failingToken(serverError);

      await expect(receive("pull_request", pullRequestPayload("synchronize", typicalPr()))).rejects.toThrow(/Server Error/);
      const warnings = logs.filter((l) => Number(l.level) >= 40).map((l) => String(l.msg));
      expect(warnings.filter((m) => /re-read the head|creating a new one|minimal failure run/.test(m))).toEqual([]);
      expect(errorLogs(logs, "could not post the check run: no installation token")).toHaveLength(1);
      // The main query and the listing of the runs on the head (a push) asked 4 times each. Before,
      // each ask was retried inside its request's retries, and the re-read and writes that
      // followed asked again: 96.
      expect(token.asked()).toBe(8);
    });
  });

  it("a 500 on the check-run listing (the main query could not hold every run): a failure naming it", async () => {
    const { receive, api } = runApp();
    const spec = typicalPr({ files: [{ filename: "evals/tasks/t1.yaml", status: "modified" }] });
    const data = graphqlData(spec);
    data.repository.pullRequest.headCommit.nodes[0].commit.checkSuites.totalCount = 11;
    api.post("/graphql", isSnapshotQuery).reply(200, { data });
    api.get(`/repos/${OWNER}/${REPO}/commits/${HEAD}/check-runs`).query(true).reply(500, { message: "Server Error" });
    const posted = await synchronize(receive, api, spec);

    expect(posted).toHaveLength(1);
    expectFailureNaming(posted, /HTTP 500 to GET \/repos\/acme\/models\/commits\/1{40}\/check-runs/);
  });

  it("a merge group whose pull request cannot be read (HTTP 500): the group fails, never passes", async () => {
    const { receive, api } = runApp();
    const spec = typicalPr();
    const groupSha = "9".repeat(40);
    api.post("/graphql", isSnapshotQuery).reply(500, { message: "Server Error" });
    optionalReads(api, spec);
    mockPull(api, 42, HEAD);
    api.get(`/repos/${OWNER}/${REPO}/commits/${HEAD}/check-runs`).query(true).optionally().reply(200, { total_count: 0, check_runs: [] });
    const posted: Json[] = [];
    mockCreate(api, posted, 801);
    mockCheckRuns(api, groupSha);
    mockCreate(api, posted, 802);
    const payload = example("merge_group", "checks_requested");
    payload.merge_group = { ...payload.merge_group, head_sha: groupSha, head_ref: `refs/heads/gh-readonly-queue/main/pr-42-${HEAD}` };

    await receive("merge_group", payload, "group");

    expect(posted.map((p) => [p.head_sha, p.conclusion])).toEqual([
      [HEAD, "failure"],
      [groupSha, "failure"],
    ]);
  });
});


describe("no request storm inside one evaluation", () => {
  it("a file list that fails with 502 every time is requested at most retries + 1 times per evaluation", async () => {
    const { receive, api } = runApp({ harness: createRetryingHarness() });
    const paths = served(api);
    const spec = typicalPr();
    mockGraphql(api, spec);
    api.get(FILES).query(true).times(4).reply(502, { message: "Bad Gateway" });
    api.get(FILES).query(true).times(12).optionally().reply(502, { message: "Bad Gateway" });
    api.get(`/repos/${OWNER}/${REPO}/commits/${AI_SHA}`).query(true).optionally().reply(200, { files: [] });
    const posted = await synchronize(receive, api, spec);

    expectFailureNaming(posted, /HTTP 502.*pulls\/42\/files/);
    // Octokit's retry plugin already retries 3 times; the evaluation must not start another round.
    expect(paths.filter((p) => p === `GET ${FILES}`).length).toBeLessThanOrEqual(4);
  });
});
