import { describe, expect, it } from "vitest";
import type nock from "nock";
import {
  AI_SHA,
  HEAD,
  runApp,
  graphqlData,
  mockCheckRuns,
  mockCreate,
  mockFiles,
  mockGraphql,
  mockFileModes,
  policyOf,
  mockPull,
  pullRequestPayload,
  typicalPr,
  type PrSpec,
  guardGitHubMocks,
} from "./fixtures/github/harness.js";

guardGitHubMocks();

type Breakage = (api: nock.Scope, spec: PrSpec) => void;

/** Each case breaks one read; every one must still end in a posted `failure` check naming the error. */
const cases: Array<[string, Breakage, RegExp]> = [
  [
    "HTTP 403 on the file list",
    (api, spec) => {
      mockGraphql(api, spec);
      api.get(`/repos/acme/models/pulls/42/files`).query(true).reply(403, { message: "Resource not accessible by integration" });
    },
    /HTTP 403.*pulls\/42\/files.*Resource not accessible by integration/,
  ],
  [
    "HTTP 404 on the file list",
    (api, spec) => {
      mockGraphql(api, spec);
      api.get(`/repos/acme/models/pulls/42/files`).query(true).reply(404, { message: "Not Found" });
    },
    /HTTP 404.*Not Found/,
  ],
  [
    "HTTP 422 on a commit",
    (api, spec) => {
      mockGraphql(api, spec);
      mockFiles(api, spec);
      // Read alongside the commit's files, once the pull request's own lists are complete.
      mockFileModes(api, spec, policyOf(spec));
      api.get(`/repos/acme/models/commits/${AI_SHA}`).query(true).reply(422, { message: "No commit found for SHA" });
    },
    /HTTP 422.*No commit found for SHA/,
  ],
  [
    "HTTP 500 on the GraphQL query",
    (api) => {
      api.post("/graphql").reply(500, { message: "Server Error" });
      api.get(`/repos/acme/models/pulls/42/files`).query(true).optionally().reply(200, []);
    },
    /HTTP 500.*graphql/,
  ],
  [
    "GraphQL errors",
    (api, spec) => {
      const data = graphqlData(spec);
      data.repository.pullRequest = null;
      api.post("/graphql").reply(200, { data, errors: [{ type: "FORBIDDEN", path: ["repository", "pullRequest"], message: "Resource not accessible by integration" }] });
      api.get(`/repos/acme/models/pulls/42/files`).query(true).optionally().reply(200, spec.files);
    },
    /GraphQL.*FORBIDDEN: Resource not accessible by integration/,
  ],
  [
    "an incomplete file list",
    (api, spec) => {
      mockGraphql(api, { ...spec, changedFiles: 5 });
      mockFiles(api, spec);
    },
    /listed 3 changed files.*reports 5/,
  ],
  [
    "a bug (GitHub answers with an unexpected shape)",
    (api) => {
      api.post("/graphql").reply(200, { data: { repository: null, fallbackRepo: null } });
      api.get(`/repos/acme/models/pulls/42/files`).query(true).optionally().reply(200, []);
    },
    /internal.*no pull request #42/i,
  ],
];

describe("every error ends in a posted failure check", () => {
  it.each(cases)("%s", async (_name, breakIt, names) => {
    const { api, receive } = runApp();
    const spec = typicalPr();
    breakIt(api, spec);
    mockCheckRuns(api, HEAD);
    mockPull(api, 42, HEAD);
    const posted: Record<string, any>[] = [];
    mockCreate(api, posted);
    // The commit-files request may or may not have started before the failure.
    api.get(`/repos/acme/models/commits/${AI_SHA}`).query(true).optionally().reply(200, { files: [] });

    await receive("pull_request", pullRequestPayload("synchronize", spec), "e");

    expect(posted).toHaveLength(1);
    expect(posted[0]).toMatchObject({ conclusion: "failure", head_sha: HEAD, status: "completed", external_id: "42" });
    expect(posted[0].output.title).toBe("Provenance Gate could not evaluate this pull request");
    expect(posted[0].output.summary).toMatch(names);
    expect(posted[0].output.summary).toMatch(/Re-evaluate/);
  });

  it("HTTP 500 on the check-run lookup still ends in a posted failure check, on a new run", async () => {
    const { api, receive, logs } = runApp();
    const spec = typicalPr();
    mockGraphql(api, spec);
    mockFiles(api, spec);
    api.get(`/repos/acme/models/commits/${AI_SHA}`).query(true).optionally().reply(200, { files: [] });
    api.get(`/repos/acme/models/commits/${HEAD}/check-runs`).query(true).reply(500, { message: "Server Error" });
    mockPull(api, 42, HEAD);
    const posted: Record<string, any>[] = [];
    mockCreate(api, posted);

    await receive("pull_request", pullRequestPayload("synchronize", spec), "e");

    expect(posted).toHaveLength(1);
    expect(posted[0]).toMatchObject({ conclusion: "failure", head_sha: HEAD, external_id: "42" });
    expect(posted[0].output.summary).toMatch(/HTTP 500.*check-runs/);
    expect(logs.some((l) => l.level === 40 && String(l.msg).includes("could not list existing check runs"))).toBe(true);
  });

  it("when even the failure check cannot be posted, logs at error level and rethrows", async () => {
    const { api, receive, logs } = runApp();
    const spec = typicalPr();
    api.post("/graphql").reply(502, { message: "Bad Gateway" });
    api.get(`/repos/acme/models/pulls/42/files`).query(true).optionally().reply(200, []);
    mockCheckRuns(api, HEAD);
    mockPull(api, 42, HEAD);
    // The result, then (the run did not land) the minimal failure run that would replace it.
    api.post(`/repos/acme/models/check-runs`).times(2).reply(500, { message: "Server Error" });
    mockCheckRuns(api, HEAD);

    await expect(
      receive("pull_request", pullRequestPayload("synchronize", spec), "e"),
    ).rejects.toThrow();
    expect(logs.some((l) => l.level === 50 && String(l.msg).includes("could not post the check run"))).toBe(true);
  });

  it("a pull request too large to list fails closed and tells the author to split it", async () => {
    const { api, receive } = runApp();
    const spec = typicalPr({ changedFiles: 3001 });
    mockGraphql(api, spec);
    const page = (n: number) => Array.from({ length: 100 }, (_, i) => ({ filename: `data/f${n}-${i}.csv`, status: "added" }));
    for (let n = 1; n <= 30; n++) api.get(`/repos/acme/models/pulls/42/files`).query({ per_page: "100", page: String(n) }).reply(200, page(n));
    api.get(`/repos/acme/models/commits/${AI_SHA}`).query(true).optionally().reply(200, { files: [] });
    mockCheckRuns(api, HEAD);
    mockPull(api, 42, HEAD);
    const posted: Record<string, any>[] = [];
    mockCreate(api, posted);
    await receive("pull_request", pullRequestPayload("synchronize", spec), "e");
    expect(posted[0].conclusion).toBe("failure");
    expect(posted[0].output.summary).toMatch(/3001 files.*at most 3000/);
    expect(posted[0].output.summary).toMatch(/Split the pull request/);
  });
});
