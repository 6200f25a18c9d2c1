/**
 * Every answer is checked (SPEC §7.1): for each read the app makes, a 2xx answer that is cut short
 * or not the shape GitHub documents ends in a posted `failure` run that names it — never in a
 * verdict judged from what the broken answer happened to look like (a truncated `getCommit` body
 * once read as "the AI commit changed no files", and the check went green).
 */
import { describe, expect, it } from "vitest";
import {
  AI_SHA,
  HEAD,
  activityJson,
  OWNER,
  REPO,
  runApp,
  fileModesAnswer,
  graphqlData,
  isQuery,
  guardGitHubMocks,
  mockCreate,
  pullRequestPayload,
  typicalPr,
  type PrSpec,
} from "./fixtures/github/harness.js";
import { replyMalformed } from "./helpers/github-schema.js";

// The head branch's activity is one of the reads below.
guardGitHubMocks({ activity: false });

type Json = Record<string, any>;
type Read = "graphql" | "modes" | "files" | "commit" | "compare" | "check-runs" | "pull" | "head-policy" | "team" | "activity";

const [LATER_1, LATER_2] = ["c".repeat(40), "d".repeat(40)];

/**
 * The main query's answer, saying the head has more suites than it lists: then our runs come
 * through the REST listing, a read the main query spares only when its page holds them all.
 */
function mainAnswer(spec: PrSpec): Json {
  const data = graphqlData(spec);
  data.repository.pullRequest.headCommit.nodes[0].commit.checkSuites.totalCount = 11;
  return data;
}

/** A read's good answer, and where it is served. */
function reads(spec: PrSpec): Record<Read, { method: "get" | "post"; path: string; good: () => unknown; query?: Json | true; body?: (b: Json) => boolean }> {
  return {
    graphql: { method: "post", path: "/graphql", body: isQuery("PullRequestSnapshot"), good: () => ({ data: mainAnswer(spec) }) },
    modes: { method: "post", path: "/graphql", body: isQuery("ChangedFileModes"), good: () => fileModesAnswer(spec, MODES_VARIABLES) },
    files: { method: "get", path: `/repos/${OWNER}/${REPO}/pulls/42/files`, query: true, good: () => spec.files },
    commit: { method: "get", path: `/repos/${OWNER}/${REPO}/commits/${AI_SHA}`, query: true, good: () => ({ sha: AI_SHA, files: [{ filename: "evals/tasks/t1.yaml", status: "modified" }] }) },
    compare: {
      method: "get",
      path: `/repos/${OWNER}/${REPO}/compare/${AI_SHA}...${LATER_2}`,
      good: () => ({ total_commits: 2, commits: [{ sha: LATER_1 }, { sha: LATER_2 }], files: [{ filename: "src/later.ts", status: "modified" }] }),
    },
    "check-runs": { method: "get", path: `/repos/${OWNER}/${REPO}/commits/${HEAD}/check-runs`, query: true, good: () => ({ total_count: 0, check_runs: [] }) },
    pull: { method: "get", path: `/repos/${OWNER}/${REPO}/pulls/42`, good: () => ({ number: 42, state: "open", head: { sha: HEAD }, base: { ref: "main" } }) },
    "head-policy": {
      method: "get",
      path: `/repos/${OWNER}/${REPO}/contents/.provenance.yml`,
      query: true,
      good: () => ({ type: "file", encoding: "base64", content: Buffer.from(spec.policy ?? "").toString("base64") }),
    },
    team: { method: "get", path: `/orgs/${OWNER}/teams/eval-owners/memberships/bob`, good: () => ({ state: "active" }) },
    // No run records every push to the head: the head branch's activity names who pushed.
    activity: { method: "get", path: `/repos/${OWNER}/${REPO}/activity`, query: true, good: () => [activityJson(spec, { actor: "alice", after: HEAD, timestamp: "2026-11-20T09:30:00Z" }, 1)] },
  };
}

/** A pull request that makes every read: an AI commit and two commits after it, its own edited policy, a team rule. */
function everyReadPr(): PrSpec {
  const policy = `version: 1
classes:
  eval: ["evals/**"]
rules:
  - name: eval-owners
    classes: [eval]
    require:
      approvals: 1
      from: ["@${OWNER}/eval-owners"]
`;
  const later = [LATER_1, LATER_2].map((sha, i) => ({ sha, message: `Later ${i}`, files: ["src/later.ts"] }));
  return typicalPr({ policy, files: [...typicalPr().files, { filename: ".provenance.yml", status: "modified" }], commits: [...typicalPr().commits, ...later] });
}

/** Bodies GitHub might send that are not what the app reads. */
const BROKEN: Record<Read, Array<[string, string | Json | unknown[]]>> = {
  graphql: [
    ["cut short", '{"data":{"repository":{"pullRequest":{"number":42,"headRefOid":"'],
    ["commits missing", (() => { const d = mainAnswer(everyReadPr()); delete d.repository.pullRequest.commits; return { data: d }; })()],
    ["a string where the reviews belong", (() => { const d = mainAnswer(everyReadPr()); d.repository.pullRequest.reviews = "none"; return { data: d }; })()],
    ["files without a change type", (() => { const d = mainAnswer(everyReadPr()); delete d.repository.pullRequest.files.nodes[0].changeType; return { data: d }; })()],
    ["runs without a status", (() => { const d = graphqlData(typicalPr({ runs: [{ id: 5, external_id: "42" }] })); delete d.repository.pullRequest.headCommit.nodes[0].commit.checkSuites.nodes[0].checkRuns.nodes[0].status; return { data: d }; })()],
  ],
  modes: [
    ["cut short", '{"data":{"repository":{"f0":{"entries":[{"name":".provenance.yml","mo'],
    ["no mode", { data: { repository: { f0: { entries: [{ name: ".provenance.yml", mode: null, oid: "9".repeat(40) }] }, f1: { entries: [] } } } }],
  ],
  files: [
    ["cut short", '[{"filename":"evals/tasks/t1.yaml","status":"modif'],
    ["a file without a name", [{ status: "modified" }]],
  ],
  compare: [
    ["cut short", '{"total_commits":2,"commits":[{"sha":"' + LATER_1 + '"}],"files":[{"filen'],
    ["no file list", { total_commits: 2, commits: [{ sha: LATER_1 }, { sha: LATER_2 }] }],
  ],
  commit: [
    ["cut short", '{"sha":"' + AI_SHA + '","files":[{"filename":"evals/ta'],
    ["no file list", { sha: AI_SHA }],
    ["a string where the files belong", { sha: AI_SHA, files: "evals/tasks/t1.yaml" }],
    ["an empty body", ""],
  ],
  "check-runs": [
    ["cut short", '{"total_count":1,"check_runs":[{"id":5,'],
    ["runs without total_count", { check_runs: [] }],
  ],
  pull: [
    ["cut short", '{"number":42,"state":"open","head":{"sha":"'],
    ["no head", { number: 42, state: "open", base: { ref: "main" } }],
  ],
  "head-policy": [
    ["cut short", '{"type":"file","encoding":"base64","content":"dmVy'],
    ["no type", { encoding: "base64", content: "" }],
  ],
  team: [
    ["cut short", '{"state":"act'],
    ["an unknown state", { state: "maybe" }],
  ],
  activity: [
    ["cut short", '[{"id":1,"node_id":"A_1","before":"'],
    ["an actor without a login", [{ ...activityJson(everyReadPr(), { actor: "alice", after: HEAD }, 1), actor: { id: 3 } }]],
    ["an object where the list belongs", { activities: [] }],
  ],
};

/** The folders the tree query asks for: those of the changed files in a class, sorted. */
const MODES_VARIABLES = { x0: `${HEAD}:`, x1: `${HEAD}:evals/tasks` };

const CASES = (Object.entries(BROKEN) as Array<[Read, Array<[string, unknown]>]>).flatMap(([read, bodies]) => bodies.map(([name, body]) => [read, name, body] as const));

describe("a 2xx answer that is not what the app reads ends in a posted failure", () => {
  it.each(CASES)("%s: %s", async (broken, _name, body) => {
    const spec = everyReadPr();
    const { api, receive } = runApp();
    for (const [read, r] of Object.entries(reads(spec)) as Array<[Read, ReturnType<typeof reads>[Read]]>) {
      const interceptor = r.method === "get" ? api.get(r.path) : api.post(r.path, r.body);
      if (r.query) interceptor.query(r.query);
      if (read === broken) {
        replyMalformed(interceptor, 200, body as any, { "content-type": "application/json; charset=utf-8" });
      } else {
        // A read after the broken one may not happen: the evaluation has failed by then.
        interceptor.optionally().reply(200, r.good() as any);
      }
    }
    if (broken === "check-runs") {
      // The publisher lists the runs again for the head it writes to, when the first list failed.
      api.get(`/repos/${OWNER}/${REPO}/commits/${HEAD}/check-runs`).query(true).optionally().reply(200, { total_count: 0, check_runs: [] });
    }
    const posted: Json[] = [];
    mockCreate(api, posted);
    await receive("pull_request", pullRequestPayload("synchronize", spec), "1");
    expect(posted).toHaveLength(1);
    expect(posted[0]).toMatchObject({ head_sha: HEAD, status: "completed", conclusion: "failure" });
    expect(posted[0].output.summary).toMatch(/Error \(github-answer\)/);
    expect(posted[0].output.summary).toMatch(/Re-evaluate/);
  });

  it("the same pull request with well-formed answers is judged normally (the cases above fail only for their broken answer)", async () => {
    const spec = everyReadPr();
    const { api, receive } = runApp();
    for (const r of Object.values(reads(spec))) {
      const interceptor = r.method === "get" ? api.get(r.path) : api.post(r.path, r.body);
      if (r.query) interceptor.query(r.query);
      interceptor.reply(200, r.good() as any);
    }
    const posted: Json[] = [];
    mockCreate(api, posted);
    await receive("pull_request", pullRequestPayload("synchronize", spec), "1");
    expect(posted).toHaveLength(1);
    expect(posted[0]).toMatchObject({ head_sha: HEAD, conclusion: "success" });
  });
});
