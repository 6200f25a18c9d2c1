/**
 * The app path (real Probot, nock for GitHub): a pull request whose only AI evidence is a git-ai
 * note on one of its commits, or an Agent Trace record in the head's traces file, is blocked.
 */
import { describe, expect, it } from "vitest";
import type nock from "nock";
import {
  HEAD,
  HUMAN_SHA,
  runApp,
  graphqlData,
  mockCheckRuns,
  mockCommitFiles,
  mockCreate,
  mockFiles,
  mockPull,
  pullRequestPayload,
  typicalPr,
  guardGitHubMocks,
  mockFileModes,
  policyOf,
  type PrSpec,
} from "./fixtures/github/harness.js";

guardGitHubMocks();

const QUIET_SHA = "c".repeat(40);
type Json = Record<string, any>;

const NOTE = `evals/tasks/t1.yaml
  s_c9883b05a2487d::t_9f8e7d6c5b4a32 1-4
---
{"schema_version":"authorship/3.0.0","base_commit_sha":"${QUIET_SHA}","prompts":{},"sessions":{"s_c9883b05a2487d":{"agent_id":{"tool":"cursor","id":"c1","model":"gpt-5"}}}}`;

function spec(): PrSpec {
  return typicalPr({
    headRef: "feature/evals",
    reviews: [],
    commits: [
      { sha: HUMAN_SHA, message: "Refactor util", files: ["src/util.ts"] },
      { sha: QUIET_SHA, message: "Update eval task", files: ["evals/tasks/t1.yaml"] },
    ],
  });
}

function mockMain(api: nock.Scope, s: PrSpec, extra: (data: Json) => void): void {
  api
    .post("/graphql", (body: Json) => String(body.query).includes("query PullRequestSnapshot"))
    .reply(200, () => {
      const data = graphqlData(s) as Json;
      extra(data);
      return { data };
    });
}

async function evaluate(s: PrSpec, mocks: (api: nock.Scope) => void): Promise<Json> {
  const { api, receive } = runApp();
  mocks(api);
  mockFiles(api, s);
  mockFileModes(api, s, policyOf(s));
  mockCheckRuns(api, s.headSha);
  mockCommitFiles(api, s.commits[1]);
  mockPull(api, s.number, s.headSha, s.baseRef);
  const posted: Json[] = [];
  mockCreate(api, posted);
  await receive("pull_request", pullRequestPayload("synchronize", s), "1");
  expect(posted).toHaveLength(1);
  return posted[0];
}

describe("app: attestations outside the commit message", () => {
  it("blocks on a git-ai note, read with one query for the pull request's commits", async () => {
    const s = spec();
    const queries: string[] = [];
    const run = await evaluate(s, (api) => {
      mockMain(api, s, (data) => (data.repository.aiNotes = { name: "ai" }));
      api
        .post("/graphql", (body: Json) => {
          if (!String(body.query).includes("query PullRequestAttestations")) return false;
          queries.push(String(body.query));
          return true;
        })
        // Commit 2 of the pull request (index 1), the flat (unfanned) note path (index 0).
        .reply(200, { data: { repository: { n0_0_0: null, n0_0_1: null, n0_0_2: null, n0_1_0: { text: NOTE, isTruncated: false }, n0_1_1: null, n0_1_2: null } } });
    });
    expect(queries).toHaveLength(1);
    expect(queries[0]).toContain(`refs/notes/ai:${QUIET_SHA}`);
    expect(queries[0]).toContain(`refs/notes/ai:cc/${QUIET_SHA.slice(2)}`);
    expect(run.conclusion).toBe("action_required");
    expect(run.output.summary).toContain("refs/notes/ai: session s_c9883b05a2487d (cursor, gpt-5), 4 lines in evals/tasks/t1.yaml");
  });

  it("blocks on an Agent Trace record in the head's traces file, without a further query", async () => {
    const s = spec();
    const trace = JSON.stringify({
      version: "1.0",
      vcs: { type: "git", revision: QUIET_SHA },
      tool: { name: "claude-code" },
      files: [{ path: "evals/tasks/t1.yaml", conversations: [{ contributor: { type: "mixed" }, ranges: [{ start_line: 1, end_line: 2 }] }] }],
    });
    const run = await evaluate(s, (api) =>
      mockMain(api, s, (data) => (data.repository.pullRequest.headRef = { target: { oid: HEAD, traceFile: { object: { text: `${trace}\n`, isTruncated: false } } } })),
    );
    expect(run.conclusion).toBe("action_required");
    expect(run.output.summary).toMatch(/agent-trace/);
    expect(run.output.summary).toContain(".agent-trace/traces.jsonl: trace (claude-code), 2 lines in evals/tasks/t1.yaml");
  });

  it("says in the summary which note it could not read, and still judges by the rest", async () => {
    const s = spec();
    const trace = JSON.stringify({
      version: "1.0",
      vcs: { type: "git", revision: QUIET_SHA },
      tool: { name: "claude-code" },
      files: [{ path: "evals/tasks/t1.yaml", conversations: [{ contributor: { type: "ai" }, ranges: [{ start_line: 1, end_line: 1 }] }] }],
    });
    const run = await evaluate(s, (api) => {
      mockMain(api, s, (data) => {
        data.repository.aiNotes = { name: "ai" };
        data.repository.pullRequest.headRef = { target: { oid: HEAD, traceFile: { object: { text: `${trace}\nnot json\n`, isTruncated: false } } } };
      });
      api
        .post("/graphql", (body: Json) => String(body.query).includes("query PullRequestAttestations"))
        .reply(200, { data: { repository: { n0_0_0: null, n0_0_1: null, n0_0_2: null, n0_1_0: { text: "evals/tasks/t1.yaml\n  s_1 1-4\n", isTruncated: false }, n0_1_1: null, n0_1_2: null } } });
    });
    expect(run.conclusion).toBe("action_required");
    const summary = String(run.output.summary);
    const warnings = summary.slice(summary.indexOf("### Warnings"));
    expect(summary).toContain("### Warnings");
    expect(warnings).toContain(`- refs/notes/ai on ${QUIET_SHA.slice(0, 7)}: no '---' divider between attestations and metadata`);
    expect(warnings).toMatch(/^- \.agent-trace\/traces\.jsonl: line 2: /m);
    expect(warnings.match(/^- /gm)).toHaveLength(2);
    // The readable trace record still marks the commit.
    expect(summary).toContain(".agent-trace/traces.jsonl: trace (claude-code), 1 line in evals/tasks/t1.yaml");
  });

  it("shows no warnings section when every source reads", async () => {
    const s = spec();
    const run = await evaluate(s, (api) => {
      mockMain(api, s, (data) => (data.repository.aiNotes = { name: "ai" }));
      api
        .post("/graphql", (body: Json) => String(body.query).includes("query PullRequestAttestations"))
        .reply(200, { data: { repository: { n0_0_0: null, n0_0_1: null, n0_0_2: null, n0_1_0: { text: NOTE, isTruncated: false }, n0_1_1: null, n0_1_2: null } } });
    });
    expect(run.conclusion).toBe("action_required");
    expect(String(run.output.summary)).not.toContain("### Warnings");
  });
});
