/**
 * The sandbox on its own, driven over real HTTP by Probot's Octokit (the client the app uses):
 * auth, paging and caps, GraphQL, check-run validation, review rules, counters, webhooks.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { Probot, ProbotOctokit } from "probot";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Sandbox } from "../src/sandbox/sandbox.js";
import { virtualClock, wallClock } from "../src/sandbox/clock.js";
import { signBody } from "../src/sandbox/webhooks.js";
import type { GitHubData, Subset } from "../src/sandbox/github-types.js";
import { testPrivateKey } from "./helpers/keys.js";
const UncheckedOctokit = ProbotOctokit.defaults((options: Record<string, any> = {}) => ({ ...options, throttle: { ...(options.throttle ?? {}), enabled: false } }));

const privateKey = testPrivateKey("pkcs8");

type Octo = InstanceType<typeof ProbotOctokit>;

const POLICY = `version: 1
classes:
  eval: ["evals/**"]
rules:
  - name: review-ai-evals
    classes: [eval]
`;

let sb: Sandbox;
let gh: Octo;
const noThrottle = { throttle: { enabled: false }, retry: { enabled: false } };

function file(i: number) {
  return `data/f${String(i).padStart(4, "0")}.csv`;
}

beforeAll(async () => {
  sb = await Sandbox.start({ appId: 77, clock: virtualClock("2026-11-20T10:00:00Z") });
  sb.createRepo({ repo: "acme/models", files: { ".provenance.yml": POLICY, "README.md": "hi\n" }, collaborators: { bob: "write", dave: "read", mia: "maintain" } });
  sb.addUser("alice", { name: "Alice", email: "alice@acme.example" });
  sb.addUser("carol", { name: "Carol", email: "carol@acme.example" });
  sb.addTeamMember("acme/eval-owners", "bob");
  // Unchecked on purpose: these tests send requests GitHub rejects, to see the sandbox reject them too.
  const probot = new Probot({ appId: 77, privateKey, baseUrl: `${sb.url}/api/v3`, log: pino({ level: "silent" }), Octokit: UncheckedOctokit });
  gh = (await probot.auth(sb.installationId("acme"))) as Octo;
});
afterAll(async () => {
  await sb.close();
});
beforeEach(() => sb.resetCounters());

describe("authentication", () => {
  it("issues an installation token for a JWT and answers with it", async () => {
    const { data } = await gh.rest.pulls.list({ owner: "acme", repo: "models" });
    expect(data).toEqual([]);
    const ops = sb.requestCounters().byOperation;
    expect(ops["apps.createInstallationAccessToken"] ?? 0).toBeLessThanOrEqual(1);
    expect(ops["pulls.list"]).toBe(1);
  });

  it.each([
    ["no credentials", undefined, 401],
    ["an unknown token", "token ghs_nope", 401],
    ["a JWT where a token is needed", "bearer a.b.c", 401],
  ])("refuses %s", async (_name, authorization, status) => {
    const res = await fetch(`${sb.url}/repos/acme/models/pulls`, { headers: authorization ? { authorization } : {} });
    expect(res.status).toBe(status);
  });

  it.each([
    ["not a JWT", "bearer not-a-jwt"],
    ["a JWT for another app", `bearer ${fakeJwt({ iss: 99, iat: now() - 30, exp: now() + 540 })}`],
    ["an expired JWT", `bearer ${fakeJwt({ iss: 77, iat: now() - 1200, exp: now() - 600 })}`],
  ])("refuses an access-token request with %s", async (_name, authorization) => {
    const res = await fetch(`${sb.url}/app/installations/${sb.installationId("acme")}/access_tokens`, { method: "POST", headers: { authorization } });
    expect(res.status).toBe(401);
  });

  it("hides other accounts' repositories from an installation token (404, as GitHub)", async () => {
    sb.createRepo({ repo: "other/secret", install: false });
    await expect(gh.rest.pulls.list({ owner: "other", repo: "secret" })).rejects.toMatchObject({ status: 404 });
  });
});

describe("pull requests", () => {
  let big: number;
  let many: number;
  beforeAll(async () => {
    big = (
      await sb.openPullRequest("acme/models", {
        author: "carol",
        head: "big",
        commits: [
          { message: "lots of files", author: "carol", files: Array.from({ length: 3005 }, (_, i) => file(i)) },
          { message: "rename one", author: "carol", files: [{ filename: "data/renamed.csv", previous_filename: "README.md", status: "renamed", content: "hi\n" }] },
        ],
      })
    ).number;
    many = (
      await sb.openPullRequest("acme/models", {
        author: "alice",
        head: "many",
        commits: Array.from({ length: 260 }, (_, i) => ({ message: `commit ${i}`, author: "alice", files: [`evals/t${i}.yaml`] })),
      })
    ).number;
  });

  it("pages files 100 at a time with a Link header and stops at GitHub's 3,000-file cap", async () => {
    const res = await gh.rest.pulls.listFiles({ owner: "acme", repo: "models", pull_number: big, per_page: 100 });
    expect(res.data).toHaveLength(100);
    expect(res.headers.link).toMatch(/page=2.*rel="next".*page=30.*rel="last"/);
    const all = await gh.paginate(gh.rest.pulls.listFiles, { owner: "acme", repo: "models", pull_number: big, per_page: 100 });
    expect(all).toHaveLength(3000);
    expect(sb.requestCounters().byOperation["pulls.listFiles"]).toBe(31);
    const pr = await gh.rest.pulls.get({ owner: "acme", repo: "models", pull_number: big });
    expect(pr.data.changed_files).toBe(3006);
  });

  it("pages a commit's files as GitHub documents: 300 by default, per_page at most 100, 3,000 in all", async () => {
    const sha = sb.pull("acme/models", big).commits[0];
    const first = await gh.rest.repos.getCommit({ owner: "acme", repo: "models", ref: sha });
    expect(first.data.files).toHaveLength(300);
    expect(first.headers.link).toMatch(/[?&]page=2>; rel="next"/);
    expect(first.headers.link).not.toMatch(/per_page/);
    const clamped = await gh.rest.repos.getCommit({ owner: "acme", repo: "models", ref: sha, per_page: 500 });
    expect(clamped.data.files).toHaveLength(100);
    const last = await gh.rest.repos.getCommit({ owner: "acme", repo: "models", ref: sha, per_page: 100, page: 30 });
    expect(last.data.files?.map((f) => f.filename)).toEqual(Array.from({ length: 100 }, (_, i) => file(2900 + i)));
    expect(last.headers.link).not.toMatch(/rel="next"/);
    const beyond = await gh.rest.repos.getCommit({ owner: "acme", repo: "models", ref: sha, per_page: 100, page: 31 });
    expect(beyond.data.files).toEqual([]);
  });

  it("reports a rename with its previous_filename, and nets out a file added then removed", async () => {
    const { number } = await sb.openPullRequest("acme/models", {
      author: "carol",
      head: "renames",
      commits: [
        { message: "add tmp", author: "carol", files: ["tmp/scratch.txt"] },
        { message: "move readme", author: "carol", files: [{ filename: "docs/README.md", previous_filename: "README.md", status: "renamed", content: "hi\n" }] },
        { message: "drop tmp", author: "carol", files: [{ filename: "tmp/scratch.txt", status: "removed" }] },
      ],
    });
    const files = await fetchJson(`/repos/acme/models/pulls/${number}/files`);
    expect(files.map((f) => [f.filename, f.status, f.previous_filename])).toEqual([["docs/README.md", "renamed", "README.md"]]);
  });

  it("caps REST commits at 250 while GraphQL pages all of them", async () => {
    const rest = await gh.paginate(gh.rest.pulls.listCommits, { owner: "acme", repo: "models", pull_number: many, per_page: 100 });
    expect(rest).toHaveLength(250);
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const r: any = await gh.graphql(
        `query Page($after: String) { repository(owner: "acme", name: "models") { pullRequest(number: ${many}) { commits(first: 100, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { commit { oid } } } } } }`,
        { after },
      );
      const c = r.repository.pullRequest.commits;
      expect(c.totalCount).toBe(260);
      seen.push(...c.nodes.map((n: any) => n.commit.oid));
      if (!c.pageInfo.hasNextPage) break;
      after = c.pageInfo.endCursor;
    }
    expect(new Set(seen).size).toBe(260);
  });

  it("lists a commit's files, and open pulls filtered by base", async () => {
    const pr = sb.pull("acme/models", many);
    const { data } = await gh.rest.repos.getCommit({ owner: "acme", repo: "models", ref: pr.commits[3] });
    expect(data.files?.map((f) => f.filename)).toEqual(["evals/t3.yaml"]);
    expect(data.commit.author?.email).toBe("alice@acme.example");
    expect(data.author?.login).toBe("alice");
    const open = await gh.rest.pulls.list({ owner: "acme", repo: "models", state: "open", base: "main" });
    expect(open.data.map((p) => p.number)).toEqual(expect.arrayContaining([big, many]));
    expect(open.data.every((p) => p.state === "open" && p.base.ref === "main")).toBe(true);
    expect((await gh.rest.pulls.list({ owner: "acme", repo: "models", base: "dev" })).data).toEqual([]);
  });
});

describe("GraphQL", () => {
  let number: number;
  beforeAll(async () => {
    number = (
      await sb.openPullRequest("acme/models", {
        author: "carol",
        head: "gql",
        labels: ["ai-assisted"],
        body: "Body text",
        commits: [{ message: "Add eval\n\nCo-Authored-By: Claude <noreply@anthropic.com>", author: "alice", committer: "carol", files: ["evals/a.yaml"] }],
      })
    ).number;
    await sb.submitReview("acme/models", number, "bob", "APPROVE");
    await sb.submitReview("acme/models", number, "dave", "APPROVE");
  });

  it("serves trees as git does: ids from their content (git's own for the same files), and object(oid:) finds trees and blobs", async () => {
    sb.createRepo({ repo: "acme/trees", files: { "README.md": "hi\n", "evals/t1.yaml": "t1\n" } });
    const data: any = await gh.graphql(`{
      repository(owner: "acme", name: "trees") {
        head: object(expression: "main") { ... on Commit { tree { oid entries { name oid mode } } } }
        evals: object(oid: "4941084ce8c61f258856dbc3e24965c39d7745d6") { ... on Tree { entries { name oid mode } } }
        task: object(oid: "795ea43143ebd1173b2ff6d1f24e7705306545dd") { ... on Blob { text } }
      }
    }`);
    // The ids `git write-tree` gives for the same two files.
    expect(data.repository.head.tree).toEqual({
      oid: "9dacfadfcbb8ac3495b9a3817f9daac119557178",
      entries: [
        { name: "README.md", oid: "45b983be36b73c0788dc9cbcb76cbb80fc7bb057", mode: 0o100644 },
        { name: "evals", oid: "4941084ce8c61f258856dbc3e24965c39d7745d6", mode: 0o40000 },
      ],
    });
    expect(data.repository.evals.entries).toEqual([{ name: "t1.yaml", oid: "795ea43143ebd1173b2ff6d1f24e7705306545dd", mode: 0o100644 }]);
    expect(data.repository.task.text).toBe("t1\n");
  });

  it("answers the wider schema the same way: refs, collaborators, teams, the timeline, and unknown fields", async () => {
    sb.addTeamMember("acme/eval-owners", "bob");
    const data: any = await gh.graphql(
      `query ($n: Int!) {
        repository(owner: "acme", name: "models") {
          nameWithOwner
          defaultBranchRef { name target { ... on Commit { oid } } }
          ref(qualifiedName: "refs/heads/main") { name }
          collaborators(first: 10, query: "bo") { edges { permission node { login } } }
          pullRequest(number: $n) {
            state
            timelineItems(first: 10, itemTypes: [PULL_REQUEST_COMMIT, HEAD_REF_FORCE_PUSHED_EVENT]) { totalCount nodes { __typename } }
          }
        }
        organization(login: "acme") { team(slug: "eval-owners") { combinedSlug members(first: 10) { nodes { login } } } }
        rateLimit { remaining }
      }`,
      { n: number },
    );
    expect(data.repository.nameWithOwner).toBe("acme/models");
    expect(data.repository.defaultBranchRef.name).toBe("main");
    expect(data.repository.defaultBranchRef.target.oid).toMatch(/^[0-9a-f]{40}$/);
    expect(data.repository.ref).toEqual({ name: "main" });
    expect(data.repository.collaborators.edges).toEqual([{ permission: "WRITE", node: { login: "bob" } }]);
    expect(data.repository.pullRequest.state).toBe("OPEN");
    expect(data.repository.pullRequest.timelineItems.nodes).toEqual([{ __typename: "PullRequestCommit" }]);
    expect(data.organization.team).toEqual({ combinedSlug: "acme/eval-owners", members: { nodes: [{ login: "bob" }] } });
    expect(data.rateLimit.remaining).toBeGreaterThan(0);
    const unknown: any = await gh.graphql(`{ repository(owner: "acme", name: "models") { stars } }`).catch((e) => e);
    expect(String(unknown.message)).toMatch(/stars/);
  });

  it("answers the app's PullRequestSnapshot query, with NOT_FOUND for a missing .github repository", async () => {
    const { PULL_REQUEST_SNAPSHOT_QUERY } = await import("../src/load/github/queries.js");
    const err: any = await gh
      .graphql(PULL_REQUEST_SNAPSHOT_QUERY, { owner: "acme", name: "models", number, policyExpr: "main:.provenance.yml", appId: 1, checkName: "Provenance Gate", withBefore: false })
      .catch((e) => e);
    expect(err.name).toBe("GraphqlResponseError");
    expect(err.errors).toEqual([expect.objectContaining({ type: "NOT_FOUND", path: ["fallbackRepo"] })]);
    const pr = err.data.repository.pullRequest;
    expect(pr).toMatchObject({ number, headRefName: "gql", baseRefName: "main", body: "Body text", changedFiles: 1, author: { login: "carol", __typename: "User" } });
    expect(pr.labels.nodes).toEqual([{ name: "ai-assisted" }]);
    expect(pr.commits.nodes[0].commit).toMatchObject({ author: { email: "alice@acme.example", user: { login: "alice" } }, committer: { user: { login: "carol" } } });
    expect(pr.reviews.nodes.map((r: any) => [r.author.login, r.state, r.authorCanPushToRepository])).toEqual([
      ["bob", "APPROVED", true],
      ["dave", "APPROVED", false],
    ]);
    expect(err.data.repository.policy).toMatchObject({ text: POLICY, isTruncated: false });
    expect(err.data.repository.policy.oid).toMatch(/^[0-9a-f]{40}$/);
    expect(sb.requestCounters().byOperation["graphql:PullRequestSnapshot"]).toBe(1);
  });

  it("reads the owner's .github fallback policy once that repository exists", async () => {
    sb.createRepo({ repo: "acme/.github", files: { ".provenance.yml": "version: 1\n" } });
    const r: any = await gh.graphql(`{ fallbackRepo: repository(owner: "acme", name: ".github") { object(expression: "HEAD:.provenance.yml") { ... on Blob { text } } } }`);
    expect(r.fallbackRepo.object.text).toBe("version: 1\n");
  });

  it("rejects a query selecting a field GitHub does not have", async () => {
    await expect(gh.graphql(`{ repository(owner: "acme", name: "models") { notAField } }`)).rejects.toThrow(/Field 'notAField' doesn't exist on type 'Repository'/);
  });

  it("refuses, as validation errors without data, what GitHub's schema has not or the sandbox does not model", async () => {
    const cases: Array<[string, RegExp]> = [
      // GitHub's Bot has no `name`: the hand-written executor used to answer it.
      [`{ repository(owner: "acme", name: "models") { pullRequest(number: 1) { author { ... on Bot { name } } } } }`, /^Field 'name' doesn't exist on type 'Bot'$/],
      // A repository's owner is never a Bot on GitHub.
      [`{ repository(owner: "acme", name: "models") { owner { ... on Bot { login } } } }`, /can never be of type "Bot"/],
      [`{ repository(owner: "acme", name: "models") { ref(qualifiedName: "main", sort: 1) { name } } }`, /^Field 'ref' doesn't accept argument 'sort'$/],
      [`{ repository(owner: "acme", name: "models") { object(expression: "HEAD") { ... on Blobb { text } } } }`, /^No such type Blobb, so it can't be a fragment condition$/],
      // GitHub has these; the sandbox says it does not model them instead of answering null.
      [`{ repository(owner: "acme", name: "models") { stargazerCount } }`, /^Field 'stargazerCount' doesn't exist on type 'Repository' \(GitHub has it; the sandbox does not model it\)$/],
      // A scalar field selected with a sub-selection, an enum value GitHub lacks, a variable of the wrong type.
      [`{ repository(owner: "acme", name: "models") { name { x } } }`, /must not have a selection/],
      [`{ repository(owner: "acme", name: "models") { pullRequest(number: 1) { reviews(first: 1, states: [LGTM]) { totalCount } } } }`, /LGTM/],
      [`query ($n: String!) { repository(owner: "acme", name: "models") { pullRequest(number: $n) { number } } }`, /\$n.*String!.*Int!/],
      [`mutation { addComment(input: {subjectId: "x", body: "y"}) { clientMutationId } }`, /mutation/i],
    ];
    for (const [query, message] of cases) {
      const body = await postGraphql({ query, variables: { n: "1" } });
      expect(body, query).not.toHaveProperty("data");
      expect(body.errors.map((e: any) => e.message), query).toEqual([expect.stringMatching(message)]);
    }
    const unknownField = await postGraphql({ query: `{ repository(owner: "acme", name: "models") { notAField } }` });
    expect(unknownField.errors[0]).toMatchObject({ extensions: { code: "undefinedField", typeName: "Repository", fieldName: "notAField" }, locations: [{ line: 1, column: 47 }] });
  });

  it("answers a resolver's miss as GitHub does: the field null, an error with its type, path and locations", async () => {
    const body = await postGraphql({ query: `query Missing {\n  repository(owner: "acme", name: "nope") { name }\n  rateLimit { limit }\n}` });
    expect(body.data).toEqual({ repository: null, rateLimit: { limit: 5000 } });
    expect(body.errors).toEqual([
      { type: "NOT_FOUND", path: ["repository"], locations: [{ line: 2, column: 3 }], message: "Could not resolve to a Repository with the name 'acme/nope'." },
    ]);
    const unpaged = await postGraphql({ query: `{ repository(owner: "acme", name: "models") { collaborators { totalCount } } }` });
    expect(unpaged.errors).toEqual([expect.objectContaining({ type: "MISSING_PAGINATION_BOUNDARIES", path: ["repository", "collaborators"] })]);
    expect(unpaged.data).toEqual({ repository: { collaborators: null } });
    const broken = await postGraphql({ query: "{ repository(owner: " });
    expect(broken).toEqual({ errors: [{ message: expect.stringMatching(/^Parse error at \[1, 21\]/), locations: [{ line: 1, column: 21 }] }] });
  });

  it("links a commit to its author's account only for a User, as GitActor.user is typed", async () => {
    sb.addUser("deploy-bot[bot]", { email: "deploy-bot@acme.example" });
    const n = (
      await sb.openPullRequest("acme/models", { author: "carol", head: "by-bot", commits: [{ message: "Bump", author: "deploy-bot[bot]", committer: "carol", files: ["evals/b.yaml"] }] })
    ).number;
    const r: any = await gh.graphql(
      `query ($n: Int!) { repository(owner: "acme", name: "models") { pullRequest(number: $n) { commits(first: 1) { nodes { commit { author { email user { login } } committer { user { login __typename } } } } } } } }`,
      { n },
    );
    expect(r.repository.pullRequest.commits.nodes[0].commit).toEqual({
      author: { email: "deploy-bot@acme.example", user: null },
      committer: { user: { login: "carol", __typename: "User" } },
    });
  });

  it("builds its schema from GitHub's: a resolver for a field or type GitHub lacks stops the start", async () => {
    const { githubSchema } = await import("../src/load/github/schema/graphql.js");
    const { trimmedSchema } = await import("../src/sandbox/graphql-trim.js");
    const { RESOLVERS } = await import("../src/sandbox/graphql-resolvers.js");
    const github = await githubSchema();
    expect(() => trimmedSchema(github, { ...RESOLVERS, Bot: { ...RESOLVERS.Bot, name: () => "x" } })).toThrow("GitHub's Bot has no field name");
    expect(() => trimmedSchema(github, { ...RESOLVERS, Robot: {} })).toThrow("GitHub's schema has no object type Robot");
    const { Label: _label, ...withoutLabel } = RESOLVERS;
    expect(() => trimmedSchema(github, withoutLabel)).toThrow("LabelConnection.nodes returns Label, which the sandbox does not resolve");
  });

  it("rejects more than 100 nodes per page, as GitHub does", async () => {
    await expect(gh.graphql(`{ repository(owner: "acme", name: "models") { pullRequest(number: ${number}) { commits(first: 101) { totalCount } } } }`)).rejects.toThrow(/exceeds the `first` limit of 100/);
  });
});

describe("rate limits", () => {
  let limited: Sandbox;
  let octo: Octo;
  let installation: number;
  const inst = () => `installation ID ${installation}`;
  beforeAll(async () => {
    limited = await Sandbox.start({ appId: 78, rateLimits: { core: 3, graphql: 2 } });
    limited.createRepo({ repo: "acme/models", files: { "README.md": "hi\n" } });
    installation = limited.installationId("acme")!;
    const probot = new Probot({ appId: 78, privateKey, baseUrl: limited.url, log: pino({ level: "silent" }), Octokit: UncheckedOctokit });
    octo = (await probot.auth(installation)) as Octo;
  });
  afterAll(async () => {
    await limited.close();
  });
  beforeEach(() => limited.setRateLimits({ core: 3, graphql: 2, primaryStatus: 403, pointsPerMinute: undefined, concurrent: undefined }));
  const get = () => octo.request("GET /repos/{owner}/{repo}", { owner: "acme", repo: "models" });

  it("counts an installation's REST requests down in GitHub's headers, then refuses with 403 and retry-after", async () => {
    const seen: string[][] = [];
    for (let i = 0; i < 3; i++) {
      const { headers: h } = await get();
      seen.push([h["x-ratelimit-limit"], h["x-ratelimit-remaining"], h["x-ratelimit-used"], h["x-ratelimit-resource"]] as string[]);
    }
    expect(seen).toEqual([
      ["3", "2", "1", "core"],
      ["3", "1", "2", "core"],
      ["3", "0", "3", "core"],
    ]);
    const err: any = await get().catch((e) => e);
    expect(err.status).toBe(403);
    expect(err.response.data.message).toBe(`API rate limit exceeded for ${inst()}.`);
    expect(err.response.headers["x-ratelimit-remaining"]).toBe("0");
    const reset = Number(err.response.headers["x-ratelimit-reset"]);
    expect(reset).toBeGreaterThan(Date.now() / 1000 + 3000);
    expect(Number(err.response.headers["retry-after"])).toBeGreaterThan(3000);
    // The installation's GraphQL points are a limit of their own.
    const r: any = await octo.graphql(`{ rateLimit { cost limit remaining used } }`);
    expect(r.rateLimit).toEqual({ cost: 1, limit: 2, remaining: 1, used: 1 });
  });

  it("answers a spent limit with 429 where so configured, and starts a new window once it resets", async () => {
    limited.setRateLimits({ core: 1, primaryStatus: 429 });
    const raw = async () => fetch(`${limited.url}/repos/acme/models`, { headers: { authorization: `token ${await installationToken()}` } });
    expect((await raw()).status).toBe(200);
    expect((await raw()).status).toBe(429);
    const { RateLimits } = await import("../src/sandbox/rate-limits.js");
    let now = 1_000_000_000_000;
    const limits = new RateLimits({ core: 1, windowSeconds: 60 }, () => now);
    expect(limits.spend("x", "core", 1, false, "R").allowed).toBe(true);
    expect(limits.spend("x", "core", 1, false, "R")).toMatchObject({ allowed: false, kind: "primary", headers: { "retry-after": "60", "x-ratelimit-reset": String(now / 1000 + 60) } });
    now += 60_000;
    expect(limits.spend("x", "core", 1, false, "R")).toMatchObject({ allowed: true, headers: { "x-ratelimit-remaining": "0", "x-ratelimit-used": "1" } });
  });

  it("answers a spent GraphQL limit with a 200 whose error is RATE_LIMITED, and charges by connection sizes", async () => {
    const { graphqlCost } = await import("../src/sandbox/rate-limits.js");
    const { parse } = await import("graphql");
    const { PULL_REQUEST_SNAPSHOT_QUERY } = await import("../src/load/github/queries.js");
    expect(graphqlCost(parse(PULL_REQUEST_SNAPSHOT_QUERY))).toBe(1);
    // 100 pull requests × 100 commits × 50 authors: 1 + 100 + 10,000 requests, /100 → 101 points.
    expect(graphqlCost(parse(`query ($n: Int) { repository(owner: "a", name: "b") { pullRequests(first: 100) { nodes { commits(first: $n) { nodes { commit { authors(first: 50) { totalCount } } } } } } } }`), { n: 100 })).toBe(101);
    limited.exhaustRateLimit("acme", "graphql");
    const res = await fetch(`${limited.url}/graphql`, { method: "POST", headers: { authorization: `token ${await installationToken()}`, "content-type": "application/json" }, body: JSON.stringify({ query: "{ rateLimit { remaining } }" }) });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-ratelimit-resource")).toBe("graphql");
    expect(res.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(await res.json()).toEqual({ errors: [{ type: "RATE_LIMITED", message: `API rate limit exceeded for ${inst()}.` }] });
  });

  it("refuses past the secondary limits with GitHub's message and retry-after: points per minute, requests in flight", async () => {
    limited.setRateLimits({ core: 100, pointsPerMinute: { core: 6, graphql: 2000 } });
    await get();
    await octo.request("POST /repos/{owner}/{repo}/check-runs", { owner: "acme", repo: "models", name: "x", head_sha: limited.state.repo("acme", "models").branches.get("main")! });
    const err: any = await get().catch((e) => e);
    expect(err.status).toBe(403);
    expect(err.response.data.message).toMatch(/^You have exceeded a secondary rate limit\. Please wait a few minutes before you try again\. If you reach out to GitHub Support for help, please include the request ID [0-9A-F]+\.$/);
    expect(err.response.headers["retry-after"]).toBe("60");
    expect(err.response.headers["x-ratelimit-remaining"]).not.toBe("0");

    limited.setRateLimits({ core: 100, concurrent: 1 });
    limited.latencyMs = 200;
    try {
      const both = await Promise.all([get().catch((e) => e), get().catch((e) => e)]);
      expect(both.map((r: any) => r.status).sort()).toEqual([200, 403]);
    } finally {
      limited.latencyMs = 0;
    }
  });

  async function installationToken(): Promise<string> {
    const auth = (await octo.auth({ type: "installation" })) as { token: string };
    return auth.token;
  }
});

describe("reviews", () => {
  it("refuses a PR author's self-approval with GitHub's 422 — over REST and programmatically", async () => {
    const { number } = await sb.openPullRequest("acme/models", { author: "carol", head: "self", commits: [{ message: "x", author: "carol", files: ["x.txt"] }] });
    const carol = new ProbotOctokit({ auth: { token: sb.userToken("carol") }, baseUrl: sb.url, ...noThrottle });
    const err: any = await carol.rest.pulls.createReview({ owner: "acme", repo: "models", pull_number: number, event: "APPROVE" }).catch((e) => e);
    expect(err.status).toBe(422);
    expect(JSON.stringify(err.response.data)).toContain("Can not approve your own pull request");
    await expect(sb.submitReview("acme/models", number, "carol", "APPROVE")).rejects.toMatchObject({ status: 422 });
    const bob = new ProbotOctokit({ auth: { token: sb.userToken("bob") }, baseUrl: sb.url, ...noThrottle });
    const ok = await bob.rest.pulls.createReview({ owner: "acme", repo: "models", pull_number: number, event: "APPROVE" });
    expect(ok.data).toMatchObject({ state: "APPROVED", user: { login: "bob" } });
    const list = await gh.rest.pulls.listReviews({ owner: "acme", repo: "models", pull_number: number });
    expect(list.data.map((r) => r.user?.login)).toEqual(["bob"]);
  });

  it("stamps reviews strictly after the push they review", async () => {
    const { number } = await sb.openPullRequest("acme/models", { author: "carol", head: "order", commits: [{ message: "x", author: "carol", files: ["y.txt"] }] });
    const { review } = await sb.submitReview("acme/models", number, "bob", "APPROVE");
    const pr = sb.pull("acme/models", number);
    expect(Date.parse(review.submitted_at)).toBeGreaterThan(Date.parse(pr.pushes[0].at));
  });
});

describe("contents, permissions, teams", () => {
  it("serves base64 file contents at a ref, and 404 for a missing file", async () => {
    const { data } = (await gh.rest.repos.getContent({ owner: "acme", repo: "models", path: ".provenance.yml", ref: "main" })) as any;
    expect(Buffer.from(data.content, "base64").toString("utf8")).toBe(POLICY);
    await expect(gh.rest.repos.getContent({ owner: "acme", repo: "models", path: "nope.txt" })).rejects.toMatchObject({ status: 404 });
  });

  it.each([
    ["bob", "write", "write"],
    ["mia", "write", "maintain"],
    ["dave", "read", "read"],
    ["carol", "none", "none"],
  ])("reports %s's permission as %s (role %s)", async (username, permission, role) => {
    const { data } = await gh.rest.repos.getCollaboratorPermissionLevel({ owner: "acme", repo: "models", username });
    expect(data.permission).toBe(permission);
    expect(data.role_name).toBe(role);
  });

  it("answers team membership: active for members, 404 otherwise", async () => {
    const { data } = await gh.rest.teams.getMembershipForUserInOrg({ org: "acme", team_slug: "eval-owners", username: "BOB" });
    expect(data.state).toBe("active");
    await expect(gh.rest.teams.getMembershipForUserInOrg({ org: "acme", team_slug: "eval-owners", username: "carol" })).rejects.toMatchObject({ status: 404 });
  });
});

describe("check runs", () => {
  let sha: string;
  beforeAll(async () => {
    ({ head_sha: sha } = await sb.openPullRequest("acme/models", { author: "carol", head: "checks", commits: [{ message: "x", author: "carol", files: ["z.txt"] }] }));
  });
  const base = () => ({ owner: "acme", repo: "models", name: "Provenance Gate", head_sha: sha });
  const annotation = (i: number) => ({ path: "z.txt", start_line: 1, end_line: 1, annotation_level: "warning" as const, message: `m${i}` });

  const invalid = (...lines: string[]) => ({ message: `Invalid request.\n\n${lines.join("\n")}` });
  const failed = (...errors: object[]) => ({ message: "Validation Failed", errors: errors.map((e) => ({ resource: "CheckRun", ...e })) });
  it.each([
    ["51 annotations", { conclusion: "success", output: { title: "t", summary: "s", annotations: Array.from({ length: 51 }, (_, i) => annotation(i)) } }, invalid("Only 50 annotations are allowed per request; 51 were supplied.")],
    ["a summary over 65,535 characters", { conclusion: "success", output: { title: "t", summary: "x".repeat(65_536) } }, invalid("Only 65535 characters are allowed; 65536 were supplied.")],
    ["a summary under 65,535 characters but over 65,535 bytes", { conclusion: "success", output: { title: "t", summary: "é".repeat(40_000) } }, failed({ code: "custom", field: "summary", message: "summary exceeds a maximum bytesize of 65535" })],
    ["an unknown conclusion", { conclusion: "passed" }, invalid(`For 'properties/conclusion', "passed" is not a member of ["action_required","cancelled","failure","neutral","success","skipped","stale","timed_out"].`)],
    ["an unknown status", { status: "done" }, invalid(`For 'properties/status', "done" is not a member of ["queued","in_progress","completed"].`)],
    ["completed without a conclusion", { status: "completed" }, invalid(`No subschema in "anyOf" matched.`, `"conclusion" wasn't supplied.`)],
    ["a status GitHub's description allows only on updates", { status: "waiting" }, invalid(`For 'properties/status', "waiting" is not a member of ["queued","in_progress","completed"].`)],
    ["a started_at that is not a date-time", { started_at: "yesterday" }, invalid(`For 'properties/started_at', "yesterday" is not a date-time.`)],
    ["output without a summary", { conclusion: "success", output: { title: "t" } }, invalid(`"summary" wasn't supplied.`)],
    ["output that is not an object", { conclusion: "success", output: null }, invalid("For 'properties/output', nil is not an object.")],
    ["annotations missing fields, one line each", { conclusion: "success", output: { title: "t", summary: "s", annotations: [{ start_line: 1, end_line: 1, message: "m" }, { path: "z.txt", start_line: 1, end_line: 1 }] } }, invalid(`"annotation_level", "path" weren't supplied.`, `"annotation_level", "message" weren't supplied.`)],
    ["an annotation ending before it starts", { conclusion: "success", output: { title: "t", summary: "s", annotations: [{ ...annotation(0), start_line: 3, end_line: 2 }] } }, failed({ code: "invalid", field: "annotations" })],
    ["columns on a multi-line annotation", { conclusion: "success", output: { title: "t", summary: "s", annotations: [{ ...annotation(0), end_line: 2, start_column: 1, end_column: 4 }] } }, failed({ code: "invalid", field: "annotations" })],
    ["four actions", { actions: Array.from({ length: 4 }, (_, i) => ({ label: `a${i}`, description: "d", identifier: `i${i}` })) }, invalid("Only 3 actions are allowed; 4 were supplied.")],
    ["an empty name", { name: "" }, failed({ code: "missing_field", field: "name" })],
    ["the conclusion only GitHub may set", { conclusion: "stale" }, failed({ code: "invalid", field: "conclusion" })],
  ])("rejects %s with GitHub's 422", async (_name, extra, expected) => {
    const err: any = await gh.request("POST /repos/{owner}/{repo}/check-runs", { ...base(), ...(extra as object) } as any).catch((e) => e);
    expect(err.status).toBe(422);
    expect(err.response.data).toEqual({ ...expected, documentation_url: expect.any(String), status: "422" });
    expect(sb.checkRuns("acme/models", { sha })).toHaveLength(0);
  });

  it("rejects a run without a name or head_sha, and an update GitHub's schema refuses", async () => {
    const err: any = await gh.request("POST /repos/{owner}/{repo}/check-runs", { owner: "acme", repo: "models" } as any).catch((e) => e);
    expect(err.status).toBe(422);
    expect(err.response.data.message).toBe(`Invalid request.\n\n"head_sha", "name" weren't supplied.`);
    const own = await sb.openPullRequest("acme/models", { author: "carol", head: "checks-update", commits: [{ message: "y", author: "carol", files: ["y.txt"] }] });
    const { data: run } = await gh.rest.checks.create({ ...base(), head_sha: own.head_sha, status: "in_progress" });
    const update: any = await gh.request("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", { owner: "acme", repo: "models", check_run_id: run.id, conclusion: "ok" } as any).catch((e) => e);
    expect(update.status).toBe(422);
    expect(update.response.data.message).toMatch(/^Invalid request\.\n\nFor 'properties\/conclusion', "ok" is not a member of/);
    expect(update.response.data).not.toHaveProperty("errors");
    const completed: any = await gh.request("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", { owner: "acme", repo: "models", check_run_id: run.id, status: "completed" } as any).catch((e) => e);
    expect(completed.status).toBe(422);
    expect(completed.response.data.message).toBe(`Invalid request.\n\nNo subschema in "anyOf" matched.\n"conclusion" wasn't supplied.`);
  });

  it("records a valid run (app id, started_at as given, external_id, actions) and appends annotations on update", async () => {
    const created = await gh.rest.checks.create({
      ...base(),
      external_id: "7",
      started_at: "2026-11-20T09:00:00Z",
      conclusion: "action_required",
      output: { title: "Needs 1 approval", summary: "s", annotations: Array.from({ length: 50 }, (_, i) => annotation(i)) },
      actions: [{ label: "Re-evaluate", description: "Run again", identifier: "reevaluate" }],
    });
    expect(created.status).toBe(201);
    expect(created.data).toMatchObject({ app: { id: 77 }, started_at: "2026-11-20T09:00:00Z", status: "completed", conclusion: "action_required", external_id: "7" });
    await gh.rest.checks.update({ owner: "acme", repo: "models", check_run_id: created.data.id, conclusion: "success", output: { title: "OK", summary: "s2", annotations: [annotation(99)] } });
    const run = sb.latestCheckRun("acme/models", sha)!;
    expect(run).toMatchObject({ conclusion: "success", output: { title: "OK", summary: "s2" }, writes: 2, actions: [{ identifier: "reevaluate" }] });
    expect(run.annotations).toHaveLength(51);
    const list = await gh.rest.checks.listForRef({ owner: "acme", repo: "models", ref: sha, check_name: "Provenance Gate", filter: "all" });
    expect(list.data.total_count).toBe(1);
    expect(list.data.check_runs[0].app?.id).toBe(77);
    const got = await gh.rest.checks.get({ owner: "acme", repo: "models", check_run_id: created.data.id });
    expect(got.data.output.annotations_count).toBe(51);
  });
});

describe("answers typed as GitHub's", () => {
  it("builds REST answers that fit GitHub's types, which refuse fields GitHub does not send", async () => {
    const { checkRunJson, checkRunEventJson } = await import("../src/sandbox/shapes.js");
    type RestCheckRun = Subset<GitHubData<"checks", "get">>;
    // @ts-expect-error GitHub's REST check run names only its suite's id; the head branch is a webhook field.
    const wrong: RestCheckRun = { check_suite: { id: 1, head_branch: "main" } };
    // @ts-expect-error `stale` is not a conclusion GitHub's answers carry.
    const stale: RestCheckRun = { conclusion: "stale" };
    expect([wrong, stale]).toHaveLength(2);
    const repo = sb.state.repo("acme", "models");
    const run = repo.checkRuns[0];
    expect(Object.keys(checkRunJson(sb.state, repo, run, sb.url).check_suite)).toEqual(["id"]);
    expect(checkRunEventJson(sb.state, repo, run, sb.url).check_suite).toMatchObject({ id: expect.any(Number), head_sha: run.head_sha });
  });
});

describe("counters, latency, unknown routes", () => {
  it("counts requests per operation and answers unknown routes with a counted 404", async () => {
    await gh.rest.pulls.list({ owner: "acme", repo: "models" });
    const err: any = await gh.request("GET /repos/{owner}/{repo}/deployments", { owner: "acme", repo: "models" }).catch((e) => e);
    expect(err.status).toBe(404);
    expect(err.response.data.message).toBe("Not Found");
    const c = sb.requestCounters();
    expect(c.byOperation["pulls.list"]).toBe(1);
    expect(c.unknown).toEqual(["GET /repos/acme/models/deployments"]);
    sb.resetCounters();
    expect(sb.requestCounters()).toEqual({ total: 0, byOperation: {}, unknown: [] });
  });

  it("serves both the plain and the Enterprise (/api/v3, /api/graphql) prefixes", async () => {
    const plain = new ProbotOctokit({ auth: { token: sb.userToken("bob") }, baseUrl: sb.url, ...noThrottle });
    expect((await plain.rest.pulls.list({ owner: "acme", repo: "models", per_page: 1 })).status).toBe(200);
    expect(((await plain.graphql(`{ repository(owner: "acme", name: "models") { name } }`)) as any).repository.name).toBe("models");
    expect(sb.requestCounters().byOperation).toMatchObject({ "pulls.list": 1, graphql: 1 });
  });

  it("adds the configured latency to every request", async () => {
    sb.latencyMs = 60;
    const t = performance.now();
    await gh.rest.pulls.list({ owner: "acme", repo: "models", per_page: 1 });
    sb.latencyMs = 0;
    expect(performance.now() - t).toBeGreaterThanOrEqual(55);
  });
});

describe("webhooks", () => {
  let receiver: Server;
  const got: { headers: Record<string, unknown>; body: string }[] = [];
  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c) => chunks.push(c));
      req.on("end", () => {
        got.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
        res.writeHead(200).end("ok");
      });
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    sb.setWebhook(`http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`, "s3cret");
  });
  afterAll(() => new Promise<void>((r) => receiver.close(() => r())));

  it("signs each delivery over the exact body and sends GitHub's headers and payload shape", async () => {
    got.length = 0;
    const { number, delivery } = await sb.openPullRequest("acme/models", { author: "carol", head: "hooked", labels: ["x"], commits: [{ message: "x", author: "carol", files: ["w.txt"] }] });
    expect(delivery?.status).toBe(200);
    const [d] = got;
    expect(d.headers["x-github-event"]).toBe("pull_request");
    expect(d.headers["x-github-delivery"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(d.headers["content-type"]).toBe("application/json");
    expect(d.headers["x-hub-signature-256"]).toBe(signBody(d.body, "s3cret"));
    const p = JSON.parse(d.body);
    expect(p).toMatchObject({
      action: "opened",
      number,
      installation: { id: sb.installationId("acme") },
      repository: { name: "models", full_name: "acme/models", owner: { login: "acme" } },
      sender: { login: "carol" },
      pull_request: { number, user: { login: "carol" }, labels: [{ name: "x" }], head: { ref: "hooked" }, base: { ref: "main" } },
    });
  });

  it.each([
    ["pushCommits", "pull_request", "synchronize"],
    ["submitReview", "pull_request_review", "submitted"],
    ["setBaseFile", "push", undefined],
    ["enqueueMergeGroup", "merge_group", "checks_requested"],
  ])("%s sends %s.%s", async (method, event, action) => {
    const { number } = await sb.openPullRequest("acme/models", { author: "carol", head: `b-${method}`, commits: [{ message: "x", author: "carol", files: [`${method}.txt`] }] });
    got.length = 0;
    if (method === "pushCommits") await sb.pushCommits("acme/models", number, [{ message: "y", author: "carol", files: ["v.txt"] }]);
    if (method === "submitReview") await sb.submitReview("acme/models", number, "bob", "APPROVE");
    if (method === "setBaseFile") await sb.setBaseFile("acme/models", "docs/x.md", "x\n");
    if (method === "enqueueMergeGroup") {
      const g = await sb.enqueueMergeGroup("acme/models", number);
      expect(g.head_ref).toBe(`refs/heads/gh-readonly-queue/main/pr-${number}-${sb.pull("acme/models", number).head_sha}`);
    }
    expect(got).toHaveLength(1);
    expect(got[0].headers["x-github-event"]).toBe(event);
    expect(JSON.parse(got[0].body).action).toBe(action);
  });

  it("changes the base-branch file a push announces", async () => {
    await sb.setBaseFile("acme/models", ".provenance.yml", POLICY + "# changed\n");
    expect(sb.readFile("acme/models", "main", ".provenance.yml")).toContain("# changed");
  });
});

async function postGraphql(body: Record<string, unknown>): Promise<any> {
  const res = await fetch(`${sb.url}/graphql`, { method: "POST", headers: { authorization: `token ${sb.userToken("bob")}`, "content-type": "application/json" }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return res.json();
}

async function fetchJson(path: string): Promise<any[]> {
  const res = await fetch(`${sb.url}${path}`, { headers: { authorization: `token ${sb.userToken("bob")}` } });
  return res.json() as Promise<any[]>;
}

function now() {
  return Math.floor(Date.now() / 1000);
}

function fakeJwt(claims: Record<string, unknown>) {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
  return `${enc({ alg: "RS256", typ: "JWT" })}.${enc(claims)}.c2ln`;
}

describe("clocks", () => {
  it("a wall clock never goes back and ticks at least a second apart", () => {
    const clock = wallClock();
    const a = clock.tick();
    const b = clock.tick();
    expect(b.getTime() - a.getTime()).toBeGreaterThanOrEqual(1000);
    expect(clock.now().getTime()).toBeGreaterThanOrEqual(b.getTime());
  });

  it("a virtual clock refuses a start that is not a date", () => {
    expect(() => virtualClock("yesterday")).toThrow(/not a date: yesterday/);
    expect(virtualClock("2026-11-20T10:00:00Z", 5).tick().toISOString()).toBe("2026-11-20T10:00:05.000Z");
  });
});
