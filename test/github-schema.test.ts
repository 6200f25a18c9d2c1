import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import nock from "nock";
import { ProbotOctokit } from "probot";
import { afterAll, afterEach, beforeEach, describe, expect, test } from "vitest";
import { installGitHubSchemaCheck, isGitHubApiUrl, replyMalformed, validateGitHubRequest, type GitHubRequest } from "./helpers/github-schema.js";

const API = "https://api.github.com";
const REPO = `${API}/repos/acme/models`;
const SHA = "0123456789abcdef0123456789abcdef01234567";

const annotation = (i: number) => ({
  path: `evals/t${i}.yaml`,
  start_line: 1,
  end_line: 1,
  annotation_level: "warning",
  message: "AI-assisted change (Claude Code) needs an independent approval",
});
const action = { label: "Re-evaluate", description: "Run Provenance Gate again", identifier: "reevaluate" };
const createBody = (overrides: Record<string, unknown> = {}) => ({
  name: "Provenance Gate",
  head_sha: SHA,
  external_id: "42",
  status: "completed",
  conclusion: "action_required",
  started_at: "2026-11-20T10:00:00Z",
  completed_at: "2026-11-20T10:00:05Z",
  actions: [action],
  output: { title: "Needs 1 independent approval", summary: "| rule | status |", annotations: [annotation(1)] },
  ...overrides,
});
const createCheckRun = (body: unknown): GitHubRequest => ({ method: "POST", url: `${REPO}/check-runs`, body: JSON.stringify(body) });

describe("validateGitHubRequest: requests GitHub's schema accepts", () => {
  test.each<[string, GitHubRequest]>([
    ["check-run create, as the publisher sends it", createCheckRun(createBody())],
    ["check-run create with 50 annotations (GitHub's per-request cap)", createCheckRun(createBody({ output: { title: "t", summary: "s", annotations: Array.from({ length: 50 }, (_, i) => annotation(i)) } }))],
    ["check-run update with the next annotation batch", { method: "PATCH", url: `${REPO}/check-runs/7`, body: { output: { title: "t", summary: "s", annotations: [annotation(51)] } } }],
    ["check-run update completing the run", { method: "PATCH", url: `${REPO}/check-runs/7`, body: { status: "completed", conclusion: "failure", external_id: "42" } }],
    ["check runs for a ref, filtered", { method: "GET", url: `${REPO}/commits/${SHA}/check-runs?check_name=Provenance%20Gate&filter=all&per_page=100` }],
    ["open pull requests against a branch, paged", { method: "GET", url: `${REPO}/pulls?state=open&base=main&per_page=100&page=2` }],
    ["pull request files", { method: "GET", url: `${REPO}/pulls/42/files?per_page=100&page=30` }],
    ["per-commit files", { method: "GET", url: `${REPO}/commits/${SHA}?per_page=100&page=1` }],
    ["policy file, path encoded as Octokit does", { method: "GET", url: `${REPO}/contents/.provenance.yml?ref=${SHA}` }],
    ["nested contents path with raw slashes", { method: "GET", url: `${REPO}/contents/dir/sub/file.yml?ref=main` }],
    ["nested contents path with %2F", { method: "GET", url: `${REPO}/contents/dir%2Fsub%2Ffile.yml` }],
    ["collaborator permission", { method: "GET", url: `${REPO}/collaborators/bob/permission` }],
    ["team membership", { method: "GET", url: `${API}/orgs/acme/teams/eval-owners/memberships/bob` }],
    ["installation token without a body", { method: "POST", url: `${API}/app/installations/12345/access_tokens`, body: "" }],
    ["installation token narrowed to one repository", { method: "POST", url: `${API}/app/installations/12345/access_tokens`, body: { repositories: ["models"], permissions: { checks: "write" } } }],
    ["demo approval", { method: "POST", url: `${REPO}/pulls/42/reviews`, body: { event: "APPROVE", commit_id: SHA } }],
    ["repository installation", { method: "GET", url: `${REPO}/installation` }],
    ["a bare API path", { method: "get", url: "/repos/acme/models/pulls/42" }],
    ["GitHub Enterprise Server /api/v3 prefix", { method: "GET", url: "https://ghe.example/api/v3/repos/acme/models/pulls/42/reviews?per_page=100" }],
    ["GraphQL envelope", { method: "POST", url: `${API}/graphql`, body: { query: "query($n:Int!){x}", variables: { n: 1 } } }],
    ["GHE GraphQL endpoint", { method: "POST", url: "https://ghe.example/api/graphql", body: { query: "{ viewer { login } }" } }],
  ])("%s", (_name, request) => {
    expect(validateGitHubRequest(request)).toEqual([]);
  });

  test("GitHub's schema accepts conclusion `neutral` (and `skipped`): keeping them out is the app's rule, not GitHub's", () => {
    // The app must never post these (a required check would pass); this schema check cannot enforce that.
    for (const conclusion of ["neutral", "skipped"]) {
      expect(validateGitHubRequest(createCheckRun(createBody({ conclusion })))).toEqual([]);
    }
  });
});

describe("validateGitHubRequest: requests GitHub would reject or ignore", () => {
  test.each<[string, GitHubRequest, RegExp]>([
    ["a conclusion GitHub does not know", createCheckRun(createBody({ conclusion: "passed" })),
      /^POST \/repos\/acme\/models\/check-runs \(checks\/create\): body\/conclusion must be one of "action_required", .*"timed_out"; got "passed"$/],
    ["51 annotations in one request", createCheckRun(createBody({ output: { title: "t", summary: "s", annotations: Array.from({ length: 51 }, (_, i) => annotation(i)) } })),
      /body\/output\/annotations must have at most 50 items; got 51/],
    ["an annotation without a message", createCheckRun(createBody({ output: { title: "t", summary: "s", annotations: [{ ...annotation(1), message: undefined }] } })),
      /body\/output\/annotations\/0 is missing required property "message"/],
    ["annotation level `error`", createCheckRun(createBody({ output: { title: "t", summary: "s", annotations: [{ ...annotation(1), annotation_level: "error" }] } })),
      /annotation_level must be one of "notice", "warning", "failure"; got "error"/],
    ["a summary over 65,535 characters", createCheckRun(createBody({ output: { title: "t", summary: "x".repeat(65_536) } })),
      /body\/output\/summary must be at most 65535 characters; got 65536/],
    ["an output without a summary", createCheckRun(createBody({ output: { title: "t" } })),
      /body\/output is missing required property "summary"/],
    ["four actions", createCheckRun(createBody({ actions: [action, action, action, action] })),
      /body\/actions must have at most 3 items; got 4/],
    ["an action label over 20 characters", createCheckRun(createBody({ actions: [{ ...action, label: "Re-evaluate this pull request" }] })),
      /body\/actions\/0\/label must be at most 20 characters; got 29/],
    ["an action without a description", createCheckRun(createBody({ actions: [{ label: "Re-evaluate", identifier: "reevaluate" }] })),
      /body\/actions\/0 is missing required property "description"/],
    ["a create without head_sha", createCheckRun(createBody({ head_sha: undefined })),
      /body is missing required property "head_sha"/],
    ["external_id as a number", createCheckRun(createBody({ external_id: 42 })),
      /body\/external_id must be string; got 42/],
    ["a misspelt property GitHub would silently ignore", createCheckRun(createBody({ conclusions: "success" })),
      /body has property "conclusions" that GitHub's schema does not define/],
    ["a started_at that is not a date-time", createCheckRun(createBody({ started_at: "Invalid Date" })),
      /body\/started_at must be an ISO 8601 date-time .*; got "Invalid Date"/],
    ["an update completing the run without a conclusion", { method: "PATCH", url: `${REPO}/check-runs/7`, body: { status: "completed" } },
      /body must satisfy one of GitHub's alternatives: \(1\) body is missing required property "conclusion" or \(2\) body\/status must be one of "queued", "in_progress"; got "completed"/],
    ["a check-run id that is not a number", { method: "PATCH", url: `${REPO}/check-runs/abc`, body: { status: "in_progress" } },
      /PATCH \/repos\/acme\/models\/check-runs\/abc \(checks\/update\): path parameter "check_run_id" must be integer; got "abc"/],
    ["per_page over 100 (GitHub's documented maximum)", { method: "GET", url: `${REPO}/pulls/42/files?per_page=101` },
      /query parameter "per_page" must be at most 100; got 101/],
    ["per_page that is not a number", { method: "GET", url: `${REPO}/pulls?per_page=all` },
      /query parameter "per_page" must be integer; got "all"/],
    ["a check-run filter GitHub does not know", { method: "GET", url: `${REPO}/commits/${SHA}/check-runs?filter=newest` },
      /query parameter "filter" must be one of "latest", "all"; got "newest"/],
    ["a pull-request state GitHub does not know", { method: "GET", url: `${REPO}/pulls?state=opened` },
      /query parameter "state" must be one of "open", "closed", "all"; got "opened"/],
    ["an unknown query parameter", { method: "GET", url: `${REPO}/pulls/42/files?per_page=100&sort=name` },
      /unknown query parameter "sort" \(known: per_page, page\)/],
    ["a query parameter given twice", { method: "GET", url: `${REPO}/pulls?base=main&base=dev` },
      /query parameter "base" given 2 times/],
    ["a pull number that is not a number", { method: "GET", url: `${REPO}/pulls/latest/reviews` },
      /path parameter "pull_number" must be integer; got "latest"/],
    ["a body on a GET", { method: "GET", url: `${REPO}/pulls/42`, body: { state: "open" } },
      /this operation takes no request body, got an object/],
    ["a body that is not JSON", { method: "POST", url: `${REPO}/check-runs`, body: "name=Provenance+Gate" },
      /the body is not valid JSON/],
    ["a check-run create without a body", { method: "POST", url: `${REPO}/check-runs` },
      /a JSON request body is required/],
    ["an unknown path", { method: "GET", url: `${REPO}/provenance` },
      /^GET \/repos\/acme\/models\/provenance: unknown operation/],
    ["a known path with the wrong method", { method: "DELETE", url: `${REPO}/check-runs/7` },
      /^DELETE \/repos\/acme\/models\/check-runs\/7: unknown operation/],
    ["a URL that is not GitHub's API", { method: "GET", url: "https://example.com/repos/acme/models" },
      /not a GitHub API URL/],
    ["GraphQL without a query", { method: "POST", url: `${API}/graphql`, body: { variables: {} } },
      /body\.query must be a non-empty string, got nothing/],
    ["GraphQL variables as an array", { method: "POST", url: `${API}/graphql`, body: { query: "{x}", variables: [1] } },
      /body\.variables must be an object, got an array of 1/],
    ["GraphQL over GET", { method: "GET", url: `${API}/graphql?query=%7Bx%7D` },
      /GraphQL requests must be POST/],
  ])("%s", (_name, request, expected) => {
    const problems = validateGitHubRequest(request);
    expect(problems.some((p) => expected.test(p)), `problems were:\n${problems.join("\n")}`).toBe(true);
  });

  test("unknown body properties can be allowed, since GitHub's schema itself does not forbid them", () => {
    const request = createCheckRun(createBody({ conclusions: "success" }));
    expect(validateGitHubRequest(request, { unknownBodyProperties: false })).toEqual([]);
  });

  test("the same mistake in many array items is one problem with a count", () => {
    const annotations = Array.from({ length: 5 }, (_, i) => ({ ...annotation(i), annotation_level: "error" }));
    const problems = validateGitHubRequest(createCheckRun(createBody({ output: { title: "t", summary: "s", annotations } })));
    expect(problems).toEqual([expect.stringMatching(/body\/output\/annotations\/0\/annotation_level must be one of .*; got "error" \(and 4 more like it\)$/)]);
  });

  test("every problem of a request is reported, not only the first", () => {
    const problems = validateGitHubRequest(createCheckRun(createBody({ conclusion: "passed", external_id: 42 })));
    expect(problems).toHaveLength(2);
  });

  test.each([
    ["https://api.github.com/repos/a/b", true],
    ["https://ghe.example/api/v3/repos/a/b", true],
    ["https://ghe.example/api/graphql", true],
    ["http://127.0.0.1:3000/repos/a/b", false],
    ["/repos/a/b", false],
  ])("isGitHubApiUrl(%s) is %s", (url, expected) => {
    expect(isGitHubApiUrl(url)).toBe(expected);
  });
});

describe("the fixture covers every REST call the app makes", () => {
  // A new `gh.rest.<scope>.<method>` call in src/ fails here until scripts/extract-github-schemas.mjs
  // extracts its operation — otherwise the nock hook would report it as an unknown operation.
  const octokit = new ProbotOctokit({ auth: { token: "t" } }) as unknown as {
    rest: Record<string, Record<string, { endpoint: { DEFAULTS: { method: string; url: string } } }>>;
  };
  const calls = new Set<string>();
  const routes = new Set<string>();
  for (const file of sourceFiles(join(import.meta.dirname, "..", "src"))) {
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/\.rest\.(\w+)\.(\w+)\b/g)) calls.add(`${m[1]}.${m[2]}`);
    for (const m of text.matchAll(/\.request\(\s*["'`](GET|POST|PATCH|PUT|DELETE) (\/[^"'`\s]*)["'`]/g)) routes.add(`${m[1]} ${m[2]}`);
  }

  test("src/ makes REST calls (the scan works)", () => {
    expect(calls).toContain("checks.create");
  });

  test.each([...calls].sort())("%s", (call) => {
    const [scope, method] = call.split(".");
    const route = octokit.rest[scope]?.[method]?.endpoint.DEFAULTS;
    expect(route, `${call} is not an Octokit REST method`).toBeDefined();
    expectKnown(route!.method, route!.url);
  });

  test.each([...routes].sort())("%s", (route) => {
    const [method, url] = route.split(" ");
    expectKnown(method, url);
  });

  function expectKnown(method: string, template: string) {
    const exampleUrl = template.replace(/\{(\w+)\}/g, (_, name: string) => (/(_id|_number)$/.test(name) ? "1" : "x"));
    const problems = validateGitHubRequest({ method, url: exampleUrl });
    expect(problems.filter((p) => p.includes("unknown operation"))).toEqual([]);
  }
});

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith(".ts") ? [path] : [];
  });
}

describe("installGitHubSchemaCheck: every request intercepted by nock is validated", () => {
  const TestOctokit = ProbotOctokit.defaults((options: Record<string, unknown>) => ({
    ...options,
    retry: { enabled: false },
    throttle: { enabled: false },
  }));
  const schema = installGitHubSchemaCheck();
  let gh: InstanceType<typeof TestOctokit>;

  beforeEach(() => {
    gh = new TestOctokit({ auth: { token: "t" } });
  });
  afterEach(() => {
    const unused = nock.pendingMocks();
    nock.cleanAll();
    schema.problems(); // each test reads its own problems
    expect(unused, "mocks no request used").toEqual([]);
  });
  afterAll(() => schema.stop());

  test("a valid check-run create through ProbotOctokit leaves no problems", async () => {
    nock(API).post("/repos/acme/models/check-runs").reply(201, { id: 7 });
    const { data } = await gh.rest.checks.create({ owner: "acme", repo: "models", ...createBody() } as never);
    expect(data).toEqual({ id: 7 });
    expect(schema.problems()).toEqual([]);
  });

  test("a bad request that nock happily answers is still caught", async () => {
    nock(API).post("/repos/acme/models/check-runs").reply(201, { id: 7 });
    // A plain nock test would pass: the mock replies 201 whatever the body says.
    await gh.rest.checks.create({ owner: "acme", repo: "models", ...createBody({ conclusion: "passed" }) } as never);
    expect(schema.problems()).toEqual([
      expect.stringMatching(/^POST \/repos\/acme\/models\/check-runs \(checks\/create\): body\/conclusion must be one of .*; got "passed"$/),
    ]);
  });

  test("requests in every scope are seen, including regex-path and persisted interceptors", async () => {
    nock(API).get(/\/pulls\/42\/files/).query(true).reply(200, []).persist();
    nock(API).patch(/check-runs\/\d+$/).reply(200, { id: 7 });
    await gh.rest.pulls.listFiles({ owner: "acme", repo: "models", pull_number: 42, per_page: 100, page: 1 });
    await gh.rest.pulls.listFiles({ owner: "acme", repo: "models", pull_number: 42, per_page: 500 });
    await gh.rest.checks.update({ owner: "acme", repo: "models", check_run_id: 7, status: "completed" } as never);
    expect(schema.problems()).toEqual([
      expect.stringMatching(/pulls\/42\/files \(pulls\/list-files\): query parameter "per_page" must be at most 100; got 500$/),
      expect.stringMatching(/check-runs\/7 \(checks\/update\): body must satisfy one of GitHub's alternatives/),
    ]);
  });

  test("a request nock has no interceptor for is validated too", async () => {
    // A mock on the host, never used: it makes nock answer the request "No match".
    nock(API).get("/repos/acme/models/pulls/1").optionally().reply(200, {});
    await expect(gh.request("GET /repos/{owner}/{repo}/pulls", { owner: "acme", repo: "models", state: "merged" as never })).rejects.toThrow(/No match/);
    expect(schema.problems()).toEqual([expect.stringMatching(/query parameter "state" must be one of "open", "closed", "all"; got "merged"/)]);
  });

  test("an operation outside the fixture is reported as unknown", async () => {
    nock(API).delete("/repos/acme/models/git/refs/heads%2Fmain").reply(204);
    await gh.rest.git.deleteRef({ owner: "acme", repo: "models", ref: "heads/main" });
    expect(schema.problems()).toEqual([expect.stringMatching(/^DELETE \/repos\/acme\/models\/git\/refs\/heads%2Fmain: unknown operation/)]);
  });

  test("a GraphQL document GitHub's schema accepts, answered in its shape, leaves no problems", async () => {
    nock(API).post("/graphql").reply(200, { data: { viewer: { login: "x", repositories: { totalCount: 3 } } } });
    await gh.graphql("query($n: Int!) { viewer { login repositories(first: $n) { totalCount } } }", { n: 1 });
    expect(schema.problems()).toEqual([]);
  });

  test("a GraphQL document that asks for a field GitHub lacks is reported, whatever the mock answers", async () => {
    nock(API).post("/graphql").reply(200, { data: { viewer: { login: "x", nickname: "y" } } });
    await gh.graphql("query { viewer { login nickname } }");
    expect(schema.problems()).toEqual([expect.stringMatching(/^GraphQL document \(anonymous\): Cannot query field "nickname" on type "User"/)]);
  });

  test("paginated calls are validated page by page", async () => {
    nock(API)
      .get("/repos/acme/models/pulls")
      .query({ state: "open", base: "main", per_page: "100" })
      .reply(200, [{ number: 1, head: { sha: "1".repeat(40) }, base: { ref: "main" } }], { link: `<${REPO}/pulls?state=open&base=main&per_page=100&page=2>; rel="next"` })
      .get("/repos/acme/models/pulls")
      .query({ state: "open", base: "main", per_page: "100", page: "2" })
      .reply(200, [{ number: 2, head: { sha: "2".repeat(40) }, base: { ref: "main" } }]);
    const pulls = await gh.paginate(gh.rest.pulls.list, { owner: "acme", repo: "models", state: "open", base: "main", per_page: 100 });
    expect(pulls.map((p) => p.number)).toEqual([1, 2]);
    expect(schema.problems()).toEqual([]);
  });

  test("a GitHub Enterprise Server base URL is validated", async () => {
    const ghe = new TestOctokit({ auth: { token: "t" }, baseUrl: "https://ghe.example/api/v3" });
    nock("https://ghe.example").get("/api/v3/repos/acme/models/pulls/42/reviews").query(true).reply(200, []);
    await ghe.rest.pulls.listReviews({ owner: "acme", repo: "models", pull_number: 42, per_page: 1000 });
    expect(schema.problems()).toEqual([expect.stringMatching(/^GET \/repos\/acme\/models\/pulls\/42\/reviews .*per_page" must be at most 100; got 1000$/)]);
  });

  test("requests to hosts that are not GitHub's API are ignored", async () => {
    nock("http://sandbox.local").get("/anything").reply(200, "ok");
    const response = await fetch("http://sandbox.local/anything");
    expect(await response.text()).toBe("ok");
    expect(schema.problems()).toEqual([]);
  });

  describe("every 2xx answer a mock serves is checked against what GitHub sends", () => {
    const commit = (files: unknown[]) => ({ sha: SHA, files });

    test("a commit's files without the status GitHub always sends", async () => {
      nock(API).get(`/repos/acme/models/commits/${SHA}`).reply(200, commit([{ filename: "a.ts" }]));
      await gh.rest.repos.getCommit({ owner: "acme", repo: "models", ref: SHA });
      expect(schema.problems()).toEqual([
        `GitHub's answer to GET /repos/acme/models/commits/${SHA} (repos/get-commit): answer/files/0 is missing required property "status"`,
      ]);
    });

    test("the same answer with its status leaves no problems", async () => {
      nock(API).get(`/repos/acme/models/commits/${SHA}`).reply(200, commit([{ filename: "a.ts", status: "added" }]));
      await gh.rest.repos.getCommit({ owner: "acme", repo: "models", ref: SHA });
      expect(schema.problems()).toEqual([]);
    });

    test("answers from reply functions, callbacks and full reply functions, in any scope", async () => {
      nock(API)
        .get(/\/commits\//)
        .reply(200, () => commit([{ filename: "a.ts", status: "gone" }]))
        .get(/\/commits\//)
        .reply(200, (_uri: string, _body: unknown, done: (error: null, body: unknown) => void) => done(null, commit([{ status: "added" }])))
        .get(/\/commits\//)
        .reply(() => [200, commit([{ filename: 7, status: "added" }])]);
      for (let i = 0; i < 3; i++) await gh.rest.repos.getCommit({ owner: "acme", repo: "models", ref: SHA });
      expect(schema.problems()).toEqual([
        expect.stringMatching(/answer\/files\/0\/status must be one of .*; got "gone"$/),
        expect.stringMatching(/answer\/files\/0 is missing required property "filename"$/),
        expect.stringMatching(/answer\/files\/0\/filename must be string; got 7$/),
      ]);
    });

    test("a body cut short is not JSON, whatever its content type says", async () => {
      nock(API).get(`/repos/acme/models/commits/${SHA}`).reply(200, '{"sha":"', { "content-type": "application/json" });
      await gh.rest.repos.getCommit({ owner: "acme", repo: "models", ref: SHA });
      expect(schema.problems()).toEqual([expect.stringMatching(/\(repos\/get-commit\) is not JSON \(cut short or not JSON\)$/)]);
    });

    test("a GraphQL answer without a field its document asks for", async () => {
      nock(API).post("/graphql").reply(200, { data: { viewer: { login: "x" } } });
      await gh.graphql("query { viewer { login repositories(first: 1) { totalCount } } }");
      expect(schema.problems()).toEqual([`GitHub's GraphQL answer at viewer.repositories: the field "repositories" is missing`]);
    });

    test("answers that are not 2xx, or not from GitHub's API, are not read as answers", async () => {
      nock(API).get(`/repos/acme/models/commits/${SHA}`).reply(422, { message: "No commit found for SHA: x" });
      nock("http://sandbox.local").get(`/repos/acme/models/commits/${SHA}`).reply(200, {});
      await expect(gh.rest.repos.getCommit({ owner: "acme", repo: "models", ref: SHA })).rejects.toThrow(/No commit found/);
      await fetch(`http://sandbox.local/repos/acme/models/commits/${SHA}`);
      expect(schema.problems()).toEqual([]);
    });

    test("an answer malformed on purpose is not reported, and must be malformed", async () => {
      replyMalformed(nock(API).get(`/repos/acme/models/commits/${SHA}`), 200, { sha: SHA });
      replyMalformed(nock(API).get(`/repos/acme/models/commits/${SHA}`), 200, commit([]));
      await gh.rest.repos.getCommit({ owner: "acme", repo: "models", ref: SHA });
      expect(schema.problems()).toEqual([]);
      await gh.rest.repos.getCommit({ owner: "acme", repo: "models", ref: SHA });
      expect(schema.problems()).toEqual([`GET /repos/acme/models/commits/${SHA}: an answer served as malformed on purpose, but GitHub's description accepts it`]);
    });
  });

  test("problems() drains, and stop() ends checking for that handle only", async () => {
    const second = installGitHubSchemaCheck();
    nock(API).get("/repos/acme/models/pulls/x").times(2).reply(200, { number: 1, state: "open", head: { sha: "1".repeat(40) }, base: { ref: "main" } });
    await gh.request("GET /repos/acme/models/pulls/x");
    expect(second.problems()).toHaveLength(1);
    expect(second.problems()).toEqual([]);
    second.stop();
    second.stop();
    await gh.request("GET /repos/acme/models/pulls/x");
    expect(second.problems()).toEqual([]);
    expect(schema.problems()).toHaveLength(2); // the first handle kept checking
  });
});
