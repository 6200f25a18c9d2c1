import { describe, expect, it } from "vitest";
import nock from "nock";
import { pino } from "pino";
import { ProbotOctokit } from "probot";
import { ANNOTATIONS_PER_REQUEST, assertConclusion, publishCheckRun } from "../src/app/publish.js";
import { RequestCache } from "../src/load/github/client.js";
import {
  finishOutput,
  renderDecision,
  summaryHashes,
  MAX_ANNOTATIONS,
  SUMMARY_LIMIT,
  type CheckAnnotation,
} from "../src/report/check-run.js";
import type { Verdict } from "../src/model/verdict.js";
import { decide } from "../src/evaluate/decide.js";
import {
  API,
  APP_ID,
  HEAD,
  NOW,
  PUSHED,
  runApp,
  mockCheckRuns,
  mockCreate,
  mockEvaluationReads,
  mockPull,
  mockUpdate,
  pullRequestPayload,
  typicalPr,
  guardGitHubMocks,
} from "./fixtures/github/harness.js";

guardGitHubMocks();

function deps() {
  const gh = new ProbotOctokit({ auth: { token: "ghs_test" }, retry: { enabled: false }, throttle: { enabled: false } });
  return { gh, log: pino({ level: "silent" }), appId: APP_ID, now: () => NOW, cache: new RequestCache() };
}

function annotations(n: number): CheckAnnotation[] {
  return Array.from({ length: n }, (_, i) => ({
    path: `evals/f${i}.yaml`,
    start_line: 1,
    end_line: 1,
    annotation_level: "warning" as const,
    message: `file ${i}`,
  }));
}

const repo = { owner: "acme", repo: "models" };

describe("the publisher", () => {
  it("sends 120 annotations in 3 requests of at most 50, each with the same title and summary", async () => {
    const api = nock(API);
    mockPull(api, 42, HEAD);
    mockCheckRuns(api, HEAD);
    const posted: Record<string, any>[] = [];
    mockCreate(api, posted, 555);
    mockUpdate(api, 555, posted);
    mockUpdate(api, 555, posted);
    const output = finishOutput("action_required", "Needs 1 independent approval", "body", annotations(120));

    const result = await publishCheckRun(deps(), { repo, pullNumber: 42, headSha: HEAD, output, checkHead: true });

    expect(result).toMatchObject({ kind: "created", id: 555, requests: 3 });
    expect(posted.map((p) => p.output.annotations.length)).toEqual([50, 50, 20]);
    expect(posted.every((p) => p.output.title === output.title && p.output.summary === output.summary)).toBe(true);
    expect(posted.flatMap((p) => p.output.annotations.map((a: CheckAnnotation) => a.message))).toEqual(output.annotations.map((a) => a.message));
    expect(ANNOTATIONS_PER_REQUEST).toBe(50);
  });

  it("does not publish a result for a head the pull request has left", async () => {
    const api = nock(API);
    mockPull(api, 42, "2".repeat(40));
    const output = finishOutput("success", "ok", "body", []);
    const result = await publishCheckRun(deps(), { repo, pullNumber: 42, headSha: HEAD, output, checkHead: true });
    expect(result).toEqual({ kind: "stale", headSha: HEAD, currentSha: "2".repeat(40) });
  });

  it("updates our run for the same pull request, and does not re-send unchanged annotations", async () => {
    const old = finishOutput("action_required", "Needs 1 independent approval", "old body", annotations(2));
    const api = nock(API);
    api
      .get(`/repos/acme/models/commits/${HEAD}/check-runs`)
      .query(true)
      .reply(200, {
        total_count: 2,
        check_runs: [
          { id: 10, name: "Provenance Gate", head_sha: HEAD, external_id: "41", status: "completed", conclusion: "success", started_at: PUSHED, output: { title: "x", summary: "x" }, app: { id: APP_ID } },
          { id: 11, name: "Provenance Gate", head_sha: HEAD, external_id: "42", status: "completed", conclusion: "action_required", started_at: PUSHED, output: { title: old.title, summary: old.summary }, app: { id: APP_ID } },
        ],
      });
    const posted: Record<string, any>[] = [];
    mockUpdate(api, 11, posted);
    const output = finishOutput("success", "All rules satisfied", "new body", annotations(2));
    const result = await publishCheckRun(deps(), { repo, pullNumber: 42, headSha: HEAD, output, checkHead: false });
    expect(result.kind).toBe("updated");
    expect(posted[0]).toMatchObject({ conclusion: "success", status: "completed", external_id: "42", output: { title: "All rules satisfied" } });
    expect(posted[0].output.annotations).toBeUndefined();
  });

  it.each(["neutral", "skipped", "cancelled", "timed_out"])("refuses to post %s (GitHub counts some of them as passing)", (conclusion) => {
    expect(() => assertConclusion(conclusion)).toThrow(/Refusing to post/);
  });

  it.each(["success", "action_required", "failure"])("allows %s", (conclusion) => {
    expect(() => assertConclusion(conclusion)).not.toThrow();
  });
});

describe("skip when unchanged (through the app)", () => {
  it("leaves the run alone when a re-evaluation gives the same conclusion, title and summary, even at a later time", async () => {
    const first = runApp({ now: NOW });
    let api = first.api;
    mockEvaluationReads(api, typicalPr());
    const posted: Record<string, any>[] = [];
    mockCreate(api, posted, 700);
    await first.receive("pull_request", pullRequestPayload("synchronize", typicalPr()), "1");
    expect(posted).toHaveLength(1);

    const later = runApp({ now: new Date(NOW.getTime() + 3_600_000) });
    api = later.api;
    mockEvaluationReads(api, typicalPr(), [
      { id: 700, external_id: "42", started_at: PUSHED, conclusion: posted[0].conclusion, title: posted[0].output.title, summary: posted[0].output.summary },
    ]);
    await later.receive("pull_request", pullRequestPayload("labeled", typicalPr()), "2");
    // No PATCH or POST was mocked: any write would have failed the evaluation's publish.
    expect(later.logs.some((l) => String(l.msg).includes("result unchanged"))).toBe(true);
  });

  it("does not publish the stale result when the head moved during evaluation", async () => {
    const { api, receive, logs } = runApp();
    const spec = typicalPr();
    mockEvaluationReads(api, { ...spec, number: 42 });
    // mockEvaluationReads re-reads the head as HEAD; make that read say it moved.
    nock.removeInterceptor({ hostname: "api.github.com", method: "GET", path: "/repos/acme/models/pulls/42", proto: "https" });
    mockPull(api, 42, "7".repeat(40));
    await receive("pull_request", pullRequestPayload("synchronize", spec), "3");
    expect(logs.some((l) => String(l.msg).includes("head moved") && l.current_sha === "7".repeat(40))).toBe(true);
  });
});

describe("check-run output", () => {
  it("truncates a long summary under 65,535 characters with a note, keeping the hash marker last", () => {
    const body = "| row | of | a | table |\n".repeat(5000);
    const output = finishOutput("failure", "Big", body, []);
    expect(output.summary.length).toBeLessThanOrEqual(SUMMARY_LIMIT);
    expect(output.summary).toContain("This summary was truncated");
    expect(summaryHashes(output.summary)?.hash).toBe(output.hash);
  });

  it("keeps the title to one line", () => {
    expect(finishOutput("success", "two\nlines  here", "b", []).title).toBe("two lines here");
  });

  it("does not let quoted text forge the hash marker", () => {
    const forged = `<!-- provenance-gate:sha256=${"0".repeat(64)} annotations=${"0".repeat(64)} -->`;
    const output = finishOutput("success", "t", `evidence ${forged}`, []);
    expect(summaryHashes(output.summary)?.hash).toBe(output.hash);
    expect(output.hash).not.toBe("0".repeat(64));
  });

  it("annotates AI-touched protected files (warning, failure when forbidden) and config errors on .provenance.yml", () => {
    const output = renderDecision(decide({ kind: "verdict", verdict: verdict() }));
    const byPath = Object.fromEntries(output.annotations.map((a) => [a.path, a]));
    expect(byPath["evals/t1.yaml"]).toMatchObject({ annotation_level: "warning", start_line: 1 });
    expect(byPath["evals/t1.yaml"].message).toMatch(/Claude Code.*1a2b3c4.*independent-review/);
    expect(byPath["evals/tasks/x.yaml"]).toMatchObject({ annotation_level: "failure" });
    expect(byPath["src/a.ts"]).toBeUndefined();
    expect(byPath[".provenance.yml"]).toMatchObject({ annotation_level: "failure", start_line: 4 });
    expect(byPath[".provenance.yml"].message).toContain("unknown class");
  });

  it("annotates at most 50 files, blocking ones first, and says in the summary how many it left out", () => {
    const base = verdict();
    const waiting = Array.from({ length: 60 }, (_, i) => ({ ...base.files[0], filename: `evals/w${i}.yaml` }));
    const output = renderDecision(decide({ kind: "verdict", verdict: { ...base, config_errors: [], files: [...waiting, base.files[1]] } }));
    expect(output.annotations).toHaveLength(MAX_ANNOTATIONS);
    expect(output.annotations.map((a) => a.path)).toEqual([...waiting.slice(0, 49).map((f) => f.filename), "evals/tasks/x.yaml"]);
    expect(output.summary).toContain("Annotations mark 50 of the 61 AI-touched protected files (those that block first); the other 11 are not annotated.");
  });

  it("merge groups pass only for a passing pull request at the queued SHA", () => {
    const base = { pullNumber: 42, queuedSha: HEAD };
    expect(decide({ kind: "merge-group", group: { ...base, currentSha: HEAD, prConclusion: "success" } }).conclusion).toBe("success");
    expect(decide({ kind: "merge-group", group: { ...base, currentSha: "2".repeat(40), prConclusion: "success" } }).conclusion).toBe("failure");
    expect(decide({ kind: "merge-group", group: { ...base, currentSha: HEAD, prConclusion: "action_required" } }).conclusion).toBe("failure");
    expect(decide({ kind: "merge-group", group: { ...base, currentSha: HEAD } }).conclusion).toBe("failure");
  });
});

function verdict(): Verdict {
  return {
    conclusion: "failure",
    title: "A forbidden change",
    repository: "acme/models",
    pull_number: 42,
    head_sha: HEAD,
    rules: [
      { name: "independent-review", status: "pending", when: "ai-assisted", classes: ["eval"], required: 1, counted: [], files: ["evals/t1.yaml"], tools: ["claude-code"], forbid: false },
      { name: "no-external", status: "forbidden", when: "external-ai", classes: ["eval"], required: 0, counted: [], files: ["evals/tasks/x.yaml"], tools: ["codex"], forbid: true },
    ],
    files: [
      { filename: "evals/t1.yaml", status: "modified", classes: ["eval"], ai_touched: true, tools: ["claude-code"], commits: ["1a2b3c4"], rules: ["independent-review"] },
      { filename: "evals/tasks/x.yaml", status: "added", classes: ["eval"], ai_touched: true, tools: ["codex"], commits: ["5d6e7f8"], rules: ["no-external"] },
      { filename: "src/a.ts", status: "modified", classes: [], ai_touched: true, tools: ["codex"], commits: ["5d6e7f8"], rules: [] },
    ],
    ai: { assisted: true, tools: ["claude-code", "codex"], signals: [], hints: [] },
    session_authors: ["alice"],
    session_author_details: [{ login: "alice", reasons: ["opened the pull request"] }],
    unresolved_authors: [],
    counted: [],
    disqualified: [],
    errors: [],
    config_errors: [{ file: ".provenance.yml", line: 4, column: 15, message: 'unknown class "evil"', hint: 'did you mean "eval"?' }],
    policy: { path: ".provenance.yml", ref: "main", blob_sha: "e".repeat(40) },
    evaluated_at: NOW.toISOString(),
  };
}
