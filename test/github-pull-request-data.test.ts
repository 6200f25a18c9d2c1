import { describe, expect, it } from "vitest";
import nock from "nock";
import { ProbotOctokit } from "probot";
import { GitHubPullRequestData } from "../src/load/github/pull-request-data.js";
import { IncompleteDataError } from "../src/load/pull-request-data.js";
import { readFileModes } from "../src/load/github/file-modes.js";
import { API, APP_ID, HEAD, NOW, filesConnection, graphqlData, mockActivity, mockCheckRuns, typicalPr, type PrSpec, type SpecCommit, guardGitHubMocks } from "./fixtures/github/harness.js";

guardGitHubMocks({ activity: false });

function loader(): GitHubPullRequestData {
  const gh = new ProbotOctokit({ auth: { token: "ghs_test" }, retry: { enabled: false }, throttle: { enabled: false } });
  return new GitHubPullRequestData(gh, { owner: "acme", repo: "models", number: 42, appId: APP_ID, baseRef: "main", now: NOW });
}

const manyCommits = (n: number): SpecCommit[] =>
  Array.from({ length: n }, (_, i) => ({ sha: i.toString(16).padStart(40, "0"), message: `commit ${i}`, files: [] }));

function snapshotReply(spec: PrSpec, firstPage: SpecCommit[], extra: (data: any) => void = () => undefined) {
  nock(API)
    .post("/graphql", (b: any) => String(b.query).includes("query PullRequestSnapshot"))
    .reply(200, () => {
      const data = graphqlData(spec, firstPage);
      extra(data);
      return { data };
    });
}

function commitsPage(nodes: SpecCommit[], hasNextPage: boolean, endCursor: string | null, totalCount: number, headRefOid = HEAD) {
  nock(API)
    .post("/graphql", (b: any) => String(b.query).includes("query PullRequestCommits"))
    .reply(200, {
      data: {
        repository: {
          pullRequest: {
            headRefOid,
            commits: {
              totalCount,
              pageInfo: { hasNextPage, endCursor },
              nodes: nodes.map((c) => ({ commit: { oid: c.sha, message: c.message, author: null, committer: null } })),
            },
          },
        },
      },
    });
}

describe("commits", () => {
  it("pages GraphQL beyond 100 commits (past REST's 250 limit too)", async () => {
    const commits = manyCommits(260);
    const spec = typicalPr({ commits });
    snapshotReply(spec, commits.slice(0, 100));
    commitsPage(commits.slice(100, 200), true, "cursor-2", 260);
    commitsPage(commits.slice(200), false, null, 260);
    const read = await loader().commits();
    expect(read.map((c) => c.sha)).toEqual(commits.map((c) => c.sha));
  });

  it.each([
    ["a cursor that does not advance", (commits: SpecCommit[]) => commitsPage(commits.slice(100, 200), true, "cursor-1", 300)],
    ["an empty page", () => commitsPage([], true, "cursor-2", 300)],
  ])("fails closed on %s", async (_name, second) => {
    const commits = manyCommits(300);
    snapshotReply(typicalPr({ commits }), commits.slice(0, 100));
    second(commits);
    await expect(loader().commits()).rejects.toBeInstanceOf(IncompleteDataError);
  });

  it("fails closed when the pages do not add up to the total", async () => {
    const commits = manyCommits(3);
    snapshotReply(typicalPr({ commits }), commits, (data) => {
      data.repository.pullRequest.commits.totalCount = 4;
    });
    await expect(loader().commits()).rejects.toThrow(/listed 3 commits.*reports 4/);
  });
});

function filesPage(nodes: PrSpec["files"], total: number, endCursor: string | null, headRefOid = HEAD) {
  nock(API)
    .post("/graphql", (b: any) => String(b.query).includes("query PullRequestFiles"))
    .reply(200, { data: { repository: { pullRequest: { headRefOid, files: filesConnection(nodes, total, endCursor) } } } });
}

const dataFiles = (n: number, renamed = -1) =>
  Array.from({ length: n }, (_, i) => ({ filename: `data/f${i}.csv`, status: i === renamed ? "renamed" : "added", ...(i === renamed ? { previous_filename: `tmp/f${i}.csv` } : {}) }));

describe("files", () => {
  it("reads them from GraphQL, further pages with the same head, and never asks REST without a rename", async () => {
    const files = dataFiles(150);
    snapshotReply(typicalPr({ files }), typicalPr().commits);
    filesPage(files.slice(100), 150, null);
    const data = loader();
    const read = await data.files();
    expect(read).toHaveLength(150);
    expect(read[120]).toEqual({ filename: "data/f120.csv", status: "added" });
    // Each page named its head: no re-read of the head is needed.
    expect(data.readAfterQuery).toBe(false);
  });

  it("pages the commits inside the files' pages while both have pages left, then each on its own", async () => {
    const files = dataFiles(250);
    const commits = manyCommits(350);
    snapshotReply(typicalPr({ files, commits }), commits.slice(0, 100));
    const commitNodes = (list: SpecCommit[]) => list.map((c) => ({ commit: { oid: c.sha, message: c.message, author: null, committer: null } }));
    const connection = (list: SpecCommit[], endCursor: string | null) => ({ totalCount: 350, pageInfo: { hasNextPage: endCursor !== null, endCursor }, nodes: commitNodes(list) });
    const asked: unknown[] = [];
    for (const [after, commitsAfter, slice, filesEnd, commitsEnd] of [
      ["files-1", "cursor-1", [100, 200], "files-2", "cursor-2"],
      ["files-2", "cursor-2", [200, 300], null, "cursor-3"],
    ] as const) {
      nock(API)
        .post("/graphql", (b: any) => String(b.query).includes("query PullRequestFiles") && b.variables.after === after && b.variables.commitsAfter === commitsAfter && b.variables.withCommits === true)
        .reply(200, (_uri: string, body: any) => {
          asked.push(body.variables);
          return { data: { repository: { pullRequest: { headRefOid: HEAD, files: filesConnection(files.slice(slice[0], slice[1]), 250, filesEnd), commits: connection(commits.slice(slice[0], slice[1]), commitsEnd) } } } };
        });
    }
    commitsPage(commits.slice(300), false, null, 350);
    const data = loader();
    const [readFiles, readCommits] = await Promise.all([data.files(), data.commits()]);
    expect(readFiles.map((f) => f.filename)).toEqual(files.map((f) => f.filename));
    expect(readCommits.map((c) => c.sha)).toEqual(commits.map((c) => c.sha));
    expect(asked).toHaveLength(2);
  });

  it("fails closed when the head moves under a page of files and commits read together", async () => {
    const files = dataFiles(150);
    const commits = manyCommits(150);
    snapshotReply(typicalPr({ files, commits }), commits.slice(0, 100));
    nock(API)
      .post("/graphql", (b: any) => String(b.query).includes("query PullRequestFiles") && b.variables.withCommits === true)
      .reply(200, { data: { repository: { pullRequest: { headRefOid: "9".repeat(40), files: filesConnection(files.slice(100), 150, null), commits: { totalCount: 150, pageInfo: { hasNextPage: false, endCursor: null }, nodes: [] } } } } });
    await expect(loader().commits()).rejects.toThrow(/moved from 1111111 to 9999999 while its commits and changed files were read/);
  });

  it("checks a page of files that came with the commits as any other: one that does not add up fails closed", async () => {
    const files = dataFiles(150);
    const commits = manyCommits(150);
    snapshotReply(typicalPr({ files, commits }), commits.slice(0, 100));
    nock(API)
      .post("/graphql", (b: any) => String(b.query).includes("query PullRequestFiles") && b.variables.withCommits === true)
      .reply(200, {
        data: {
          repository: {
            pullRequest: {
              headRefOid: HEAD,
              files: filesConnection(files.slice(100, 140), 150, null),
              commits: { totalCount: 150, pageInfo: { hasNextPage: false, endCursor: null }, nodes: commits.slice(100).map((c) => ({ commit: { oid: c.sha, message: c.message, author: null, committer: null } })) },
            },
          },
        },
      });
    const data = loader();
    expect(await data.commits()).toHaveLength(150);
    await expect(data.files()).rejects.toThrow(/listed 140 changed files .*reports 150/);
  });

  it("fails closed when the head moves between pages of files", async () => {
    const files = dataFiles(150);
    snapshotReply(typicalPr({ files }), typicalPr().commits);
    filesPage(files.slice(100), 150, null, "9".repeat(40));
    await expect(loader().files()).rejects.toThrow(/moved from 1111111 to 9999999 while its changed files were read/);
  });

  it("reads renames with previous_filename from REST over several pages and checks the count", async () => {
    const files = dataFiles(150, 0);
    snapshotReply(typicalPr({ files }), typicalPr().commits);
    filesPage(files.slice(100), 150, null);
    nock(API).get("/repos/acme/models/pulls/42/files").query({ per_page: "100", page: "1" }).reply(200, files.slice(0, 100));
    nock(API).get("/repos/acme/models/pulls/42/files").query({ per_page: "100", page: "2" }).reply(200, files.slice(100));
    const data = loader();
    const read = await data.files();
    expect(read).toHaveLength(150);
    expect(read[0]).toEqual({ filename: "data/f0.csv", status: "renamed", previous_filename: "tmp/f0.csv" });
    expect(data.readAfterQuery).toBe(true);
  });

  it("fails closed when the REST list is not the list GraphQL gave (the head moved in between)", async () => {
    const files = dataFiles(3, 0);
    snapshotReply(typicalPr({ files }), typicalPr().commits);
    nock(API).get("/repos/acme/models/pulls/42/files").query({ per_page: "100", page: "1" }).reply(200, [...files.slice(0, 2), { filename: "data/other.csv", status: "added" }]);
    await expect(loader().files()).rejects.toThrow(/differ between two reads/);
  });

  it("fails closed when the file pages do not add up to GitHub's count", async () => {
    const files = dataFiles(3);
    snapshotReply(typicalPr({ files }), typicalPr().commits, (data) => (data.repository.pullRequest.changedFiles = 4));
    await expect(loader().files()).rejects.toThrow(/changed the length|reports 4/);
  });

  it("fails closed when GitHub lists fewer labels than the pull request has", async () => {
    const labels = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `label-${i}` }));
    snapshotReply(typicalPr(), typicalPr().commits, (data) => (data.repository.pullRequest.labels = { totalCount: 101, nodes: labels(100) }));
    mockActivity(nock(API), typicalPr());
    await expect(loader().pullRequest()).rejects.toThrow(/has 101 labels; only 100 could be read/);
    snapshotReply(typicalPr(), typicalPr().commits, (data) => (data.repository.pullRequest.labels = { totalCount: 100, nodes: labels(100) }));
    mockActivity(nock(API), typicalPr());
    expect((await loader().pullRequest()).labels).toHaveLength(100);
  });

  it("fails closed when a REST page repeats", async () => {
    const files = dataFiles(100, 0);
    snapshotReply(typicalPr({ files, changedFiles: 200 }), typicalPr().commits, (data) => {
      data.repository.pullRequest.files = filesConnection(files, 200, "files-1");
    });
    filesPage(files.map((f) => ({ ...f, filename: f.filename.replace("data/", "data2/") })), 200, null);
    nock(API).get("/repos/acme/models/pulls/42/files").query({ per_page: "100", page: "1" }).reply(200, files);
    nock(API).get("/repos/acme/models/pulls/42/files").query({ per_page: "100", page: "2" }).reply(200, files);
    await expect(loader().files()).rejects.toThrow(/twice/);
  });
});

describe("people", () => {
  it("spells bots as REST does and ties no-reply addresses to logins", async () => {
    const spec = typicalPr({
      reviews: [
        { login: "chatgpt-codex-connector", state: "COMMENTED", submittedAt: "2026-11-20T11:00:00Z", typename: "Bot" },
        { login: "bob", state: "APPROVED", submittedAt: "2026-11-20T11:00:00Z", canPush: false },
        { login: "pending-person", state: "PENDING", submittedAt: "", canPush: true },
      ],
      commits: [{ sha: HEAD, message: "x", author: { name: "Copilot", email: "198982749+Copilot@users.noreply.github.com", login: null }, files: [] }],
    });
    snapshotReply(spec, spec.commits, (data) => {
      data.repository.pullRequest.reviews.nodes[2].submittedAt = null;
    });
    const data = loader();
    const reviews = await data.reviews();
    expect(reviews.map((r) => r.user)).toEqual([
      { login: "chatgpt-codex-connector[bot]", type: "Bot" },
      { login: "bob", type: "User" },
    ]);
    expect(await data.permission("BOB")).toBe("read");
    const [commit] = await data.commits();
    expect(commit.author).toMatchObject({ login: "Copilot", email: "198982749+Copilot@users.noreply.github.com" });
  });

  it("asks REST for the permission of someone without a review", async () => {
    snapshotReply(typicalPr(), typicalPr().commits);
    nock(API).get("/repos/acme/models/collaborators/carol/permission").reply(200, { permission: "write", role_name: "maintain" });
    expect(await loader().permission("carol")).toBe("maintain");
  });

  it.each([
    [200, { state: "active" }, ["acme/eval-owners"]],
    [200, { state: "pending" }, []],
    [404, { message: "Not Found" }, []],
  ])("team membership answer %s %j → %j", async (status, body, expected) => {
    nock(API).get("/orgs/acme/teams/eval-owners/memberships/bob").reply(status, body);
    expect(await loader().teamsOf("bob", ["acme/eval-owners"])).toEqual(expected);
  });
});

describe("policies and push time", () => {
  it("treats a missing .github repository as no fallback, but fails on other errors there when the base has no policy", async () => {
    const spec = typicalPr({ policy: null });
    nock(API)
      .post("/graphql")
      .reply(200, { data: graphqlData(spec), errors: [{ type: "NOT_FOUND", path: ["fallbackRepo"], message: "Could not resolve" }] });
    expect((await loader().policy.candidates()).fallback).toBeNull();

    nock(API)
      .post("/graphql")
      .reply(200, { data: graphqlData(spec), errors: [{ type: "FORBIDDEN", path: ["fallbackRepo"], message: "Resource not accessible" }] });
    await expect(loader().policy.candidates()).rejects.toThrow(/Resource not accessible/);
  });

  it("reads the policy from the base the pull request has now, re-querying when the event's base is outdated", async () => {
    const spec = typicalPr({ baseRef: "release" });
    const expressions: string[] = [];
    nock(API)
      .post("/graphql", (b: any) => (expressions.push(b.variables.policyExpr), true))
      .times(2)
      .reply(200, { data: graphqlData(spec) });
    const candidates = await loader().policy.candidates();
    expect(expressions).toEqual(["refs/heads/main:.provenance.yml", "refs/heads/release:.provenance.yml"]);
    expect(candidates.base).toMatchObject({ path: ".provenance.yml", ref: "release", blob_sha: "e".repeat(40) });
  });

  it("takes the latest push our own runs record as the push time, from the main query, ignoring other apps' runs", async () => {
    snapshotReply(
      typicalPr({
        runs: [
          { id: 1, external_id: "42", started_at: "2026-11-20T10:30:00Z" },
          { id: 2, external_id: "42", started_at: "2026-11-20T10:05:00Z" },
          { id: 3, external_id: "42", started_at: "2026-11-20T11:00:00Z", appId: 77 },
        ],
      }),
      typicalPr().commits,
    );
    mockActivity(nock(API), typicalPr());
    const data = loader();
    expect((await data.pullRequest()).last_push_at).toBe("2026-11-20T10:30:00Z");
    expect((await data.checkRuns(HEAD)).map((run) => [run.id, run.status, run.conclusion])).toEqual([
      [1, "completed", "action_required"],
      [2, "completed", "action_required"],
    ]);
    expect(data.readAfterQuery).toBe(false);
  });

  it("lists the head's runs through REST when the main query's answer may not hold them all", async () => {
    snapshotReply(typicalPr({ runs: [{ id: 1, external_id: "42", started_at: "2026-11-20T10:05:00Z" }] }), typicalPr().commits, (data) => {
      data.repository.pullRequest.headCommit.nodes[0].commit.checkSuites.nodes[0].checkRuns.totalCount = 101;
    });
    mockCheckRuns(nock(API), HEAD, [{ id: 1, external_id: "42", started_at: "2026-11-20T10:30:00Z" }]);
    mockActivity(nock(API), typicalPr());
    expect((await loader().pullRequest()).last_push_at).toBe("2026-11-20T10:30:00Z");
  });

  it("takes a later force-push onto the head from GitHub's timeline, even with no event for it", async () => {
    const forced = (oid: string) => (data: any) =>
      (data.repository.pullRequest.forcePushes = { nodes: [{ createdAt: "2026-11-20T10:45:00Z", afterCommit: { oid } }] });
    const spec = typicalPr({ runs: [{ id: 1, external_id: "42", started_at: "2026-11-20T10:05:00Z" }] });
    snapshotReply(spec, spec.commits, forced(HEAD));
    mockActivity(nock(API), spec);
    expect((await loader().pullRequest()).last_push_at).toBe("2026-11-20T10:45:00Z");
    // A force-push onto another commit says nothing about this head.
    snapshotReply(spec, spec.commits, forced("9".repeat(40)));
    mockActivity(nock(API), spec);
    expect((await loader().pullRequest()).last_push_at).toBe("2026-11-20T10:05:00Z");
  });

  it("lists a commit's files across pages, a rename with its source", async () => {
    nock(API)
      .get(`/repos/acme/models/commits/${HEAD}`)
      .query({ per_page: "100", page: "1" })
      .reply(200, { files: [{ filename: "a", status: "renamed", previous_filename: "old-a" }] }, { link: `<${API}/repos/acme/models/commits/${HEAD}?page=2>; rel="next"` });
    nock(API).get(`/repos/acme/models/commits/${HEAD}`).query({ per_page: "100", page: "2" }).reply(200, { files: [{ filename: "b", status: "modified" }] });
    expect(await loader().commitFiles(HEAD)).toEqual([{ filename: "a", status: "renamed", previous_filename: "old-a" }, "b"]);
  });

  it("names the blob each file of a commit left: none for a removal, nor for a change of mode alone (GitHub answers null)", async () => {
    const [x, y, z] = ["a", "b", "c"].map((c) => c.repeat(40));
    nock(API)
      .get(`/repos/acme/models/commits/${HEAD}`)
      .query({ per_page: "100", page: "1" })
      .reply(200, {
        files: [
          { filename: "evals/t1.yaml", status: "added", sha: x },
          { filename: "evals/t2.yaml", status: "renamed", previous_filename: "scratch/t2.yaml", sha: y },
          { filename: "run.sh", status: "modified", sha: null },
          { filename: "gone.txt", status: "removed", sha: z },
        ],
      });
    expect(await loader().commitFiles(HEAD)).toEqual([
      { filename: "evals/t1.yaml", status: "added", sha: x },
      { filename: "evals/t2.yaml", status: "renamed", previous_filename: "scratch/t2.yaml", sha: y },
      "run.sh",
      "gone.txt",
    ]);
  });
});

describe("the head's modes and blobs", () => {
  it("reads each asked file's blob from its tree entry: a file's and a link's, never a submodule's (its oid is a commit)", async () => {
    const gh = new ProbotOctokit({ auth: { token: "ghs_test" }, retry: { enabled: false }, throttle: { enabled: false } });
    const [file, link, sub] = ["a", "b", "c"].map((c) => c.repeat(40));
    nock(API)
      .post("/graphql", (body) => String(body.query).includes("ChangedFileModes"))
      .reply(200, {
        data: {
          repository: {
            f0: {
              entries: [
                { name: "t1.yaml", mode: 0o100644, oid: file },
                { name: "shared", mode: 0o120000, oid: link },
                { name: "vendor", mode: 0o160000, oid: sub },
              ],
            },
          },
        },
      });
    nock(API)
      .post("/graphql", (body) => String(body.query).includes("LinkTargets"))
      .reply(200, { data: { repository: { f0: { text: "../scratch/shared" } } } });
    const modes = await readFileModes(gh, { owner: "acme", repo: "models" }, HEAD, ["evals/t1.yaml", "evals/shared", "evals/vendor"]);
    expect(Object.fromEntries(modes)).toEqual({
      "evals/t1.yaml": { mode: "100644", sha: file },
      "evals/shared": { mode: "120000", link_target: "../scratch/shared", sha: link },
      "evals/vendor": { mode: "160000", link_target: sub },
    });
  });
});

describe("runs of commits", () => {
  const [base, first, last] = ["1", "2", "3"].map((c) => c.repeat(40));
  const compare = (body: Record<string, unknown>) => nock(API).get(`/repos/acme/models/compare/${base}...${last}`).reply(200, body);

  it("reads a run of commits through one comparison, renames with their source", async () => {
    compare({ total_commits: 2, commits: [{ sha: first }, { sha: last }], files: [{ filename: "evals/a", status: "renamed", previous_filename: "src/a" }, { filename: "b", status: "modified" }] });
    const data = loader();
    expect(await data.runFiles(base, [first, last])).toEqual([{ filename: "evals/a", status: "renamed", previous_filename: "src/a" }, "b"]);
    // Read by commit SHA: it cannot mix two heads.
    expect(data.readAfterQuery).toBe(false);
  });

  it.each([
    ["other commits (a merge brought them)", { total_commits: 3, commits: [{ sha: first }, { sha: "4".repeat(40) }, { sha: last }], files: [] }],
    ["as many files as GitHub's cap (it may have left some off)", { total_commits: 2, commits: [{ sha: first }, { sha: last }], files: Array.from({ length: 300 }, (_, i) => ({ filename: `f${i}`, status: "added" })) }],
  ])("does not use a comparison that lists %s", async (_what, body) => {
    compare(body);
    expect(await loader().runFiles(base, [first, last])).toBeUndefined();
  });
});

describe("requesters", () => {
  const assignmentsPage = (nodes: unknown[], hasNextPage: boolean, endCursor: string | null) =>
    nock(API)
      .post("/graphql", (b: any) => String(b.query).includes("query PullRequestAssignments") && b.variables.after === "assigned-1")
      .reply(200, { data: { repository: { pullRequest: { headRefOid: HEAD, assignments: { pageInfo: { hasNextPage, endCursor }, nodes } } } } });

  it("reads who assigned whom on every page, and who mentioned an agent in a comment or a review", async () => {
    const spec = typicalPr({
      assignments: [{ actor: "alice", assignee: "Copilot", assigneeType: "Bot" }],
      comments: [{ author: "erin", body: "@claude fix this, please" }, { author: "frank", body: "Looks fine to me." }],
      reviews: [{ login: "grace", state: "COMMENTED", submittedAt: "2026-11-20T11:00:00Z" }],
    });
    snapshotReply(spec, spec.commits, (data) => {
      const pr = data.repository.pullRequest;
      pr.assignments.pageInfo = { hasNextPage: true, endCursor: "assigned-1" };
      pr.reviews.nodes[0].body = "@Copilot please add a test";
      // A deleted account's comment and an assignment by one name nobody.
      pr.comments.nodes.push({ author: null, body: "@claude go" });
      pr.comments.totalCount = 3;
    });
    assignmentsPage([{ actor: null, assignee: { __typename: "User", login: "bob" } }, { actor: { login: "carol", __typename: "User" }, assignee: { __typename: "Mannequin" } }, { actor: { login: "Copilot", __typename: "Bot" }, assignee: { __typename: "User", login: "alice" } }], false, null);
    mockActivity(nock(API), spec);
    expect((await loader().pullRequest()).requesters).toEqual([
      { login: "alice", agent: "Copilot[bot]", via: "assigned" },
      { login: "Copilot[bot]", agent: "alice", via: "assigned" },
      { login: "erin", agent: "claude", via: "mentioned" },
      { login: "grace", agent: "copilot", via: "mentioned" },
    ]);
  });

  it("reads who assigned whom on the issues the pull request closes, and fails closed past what it reads", async () => {
    const spec = typicalPr({ closingIssues: [{ number: 7, assignments: [{ actor: "alice", assignee: "Copilot", assigneeType: "Bot" }] }] });
    snapshotReply(spec, spec.commits);
    mockActivity(nock(API), spec);
    expect((await loader().pullRequest()).requesters).toEqual([{ login: "alice", agent: "Copilot[bot]", via: "assigned" }]);
    snapshotReply(spec, spec.commits, (data) => (data.repository.pullRequest.closingIssues.totalCount = 30));
    await expect(loader().pullRequest()).rejects.toThrow(/closes 30 issues/);
    snapshotReply(spec, spec.commits, (data) => (data.repository.pullRequest.closingIssues.nodes[0].assignments.pageInfo = { hasNextPage: true, endCursor: "x" }));
    await expect(loader().pullRequest()).rejects.toThrow(/Issue #7, which pull request #42 closes, was assigned more than 100 times/);
  });

  it("fails closed when the assignments cannot be read to their end", async () => {
    const spec = typicalPr({ assignments: [{ actor: "alice", assignee: "Copilot", assigneeType: "Bot" }] });
    snapshotReply(spec, spec.commits, (data) => (data.repository.pullRequest.assignments.pageInfo = { hasNextPage: true, endCursor: "assigned-1" }));
    assignmentsPage([], true, "assigned-2");
    await expect(loader().pullRequest()).rejects.toThrow(IncompleteDataError);
  });

  it("reads inline review comments, on every page, only where an agent that answers mentions worked", async () => {
    const claude = { sha: HEAD, message: "Fix", author: { name: "claude[bot]", email: "209825114+claude[bot]@users.noreply.github.com", login: null }, files: [] };
    const spec = typicalPr({ commits: [claude] });
    snapshotReply(spec, spec.commits);
    const page = (n: number, comments: unknown[], link?: string) =>
      nock(API).get("/repos/acme/models/pulls/42/comments").query({ per_page: "100", page: String(n) }).reply(200, comments, link ? { link } : {});
    page(1, Array.from({ length: 100 }, (_, i) => ({ id: i + 1, body: i === 0 ? "@claude rename it" : "ok", user: i === 1 ? null : { login: "erin", type: "User" } })), '<https://api.github.com/repos/acme/models/pulls/42/comments?page=2>; rel="next"');
    page(2, [{ id: 101, body: "@Claude and the test", user: { login: "frank", type: "User" } }]);
    mockActivity(nock(API), spec);
    expect((await loader().pullRequest()).requesters).toEqual([
      { login: "erin", agent: "claude", via: "mentioned" },
      { login: "frank", agent: "claude", via: "mentioned" },
    ]);
  });

  it("leaves the field out when GitHub records nobody asking", async () => {
    snapshotReply(typicalPr(), typicalPr().commits);
    mockActivity(nock(API), typicalPr());
    expect((await loader().pullRequest()).requesters).toBeUndefined();
  });
});
