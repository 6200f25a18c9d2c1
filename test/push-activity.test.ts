/**
 * Pushes the app did not see (SPEC §5), through the app path with nock for GitHub: when its runs
 * on the head do not record every push since the pull request was opened, the app reads GitHub's
 * repository activity for a same-repository head branch — back to the pull request's creation,
 * within a bound, failing closed on a list it cannot read whole — and never for a fork's head.
 */
import { describe, expect, it } from "vitest";
import type nock from "nock";
import { summaryHashes } from "../src/report/check-run.js";
import {
  AI_SHA,
  API,
  HEAD,
  OWNER,
  REPO,
  REVIEWED,
  activityJson,
  fileModesAnswer,
  guardGitHubMocks,
  isQuery,
  mockActivity,
  mockEvaluationReads,
  mockGraphql,
  mockUpdate,
  reviewPayload,
  runApp,
  typicalPr,
  type PrSpec,
} from "./fixtures/github/harness.js";

// No default activity answer: every read of it below is one the test expects.
guardGitHubMocks({ activity: false });

type Json = Record<string, any>;

/** A run of this app on the head from before the marker recorded whether it knew every push. */
const OLD_RUN = { id: 7, external_id: "42" };
const EARLIER = "c".repeat(40);
const AFTER_OPENING = "2026-11-20T09:30:00Z";
const BEFORE_OPENING = "2026-11-20T08:30:00Z";

/** A review of `spec` delivered; what the app wrote to its run. */
async function review(spec: PrSpec, mocks: (api: nock.Scope) => void = () => undefined): Promise<Json> {
  const { api, receive } = runApp();
  mockEvaluationReads(api, spec, [OLD_RUN]);
  mocks(api);
  const posted: Json[] = [];
  mockUpdate(api, OLD_RUN.id, posted);
  await receive("pull_request_review", reviewPayload("submitted", spec));
  expect(posted).toHaveLength(1);
  return posted[0];
}

/**
 * The same for an evaluation that fails on the activity: the reads that may or may not have
 * started by then are optional.
 */
async function reviewFailing(spec: PrSpec, mocks: (api: nock.Scope) => void): Promise<Json> {
  const { api, receive } = runApp();
  mockGraphql(api, { ...spec, runs: [OLD_RUN] });
  mocks(api);
  api.post("/graphql", isQuery("ChangedFileModes")).optionally().reply(200, (_uri: string, body: any) => fileModesAnswer(spec, body.variables));
  api.get(`/repos/${OWNER}/${REPO}/pulls/42/files`).query(true).optionally().reply(200, spec.files);
  api.get(`/repos/${OWNER}/${REPO}/commits/${AI_SHA}`).query(true).optionally().reply(200, { sha: AI_SHA, files: [{ filename: "evals/tasks/t1.yaml" }] });
  const posted: Json[] = [];
  mockUpdate(api, OLD_RUN.id, posted);
  await receive("pull_request_review", reviewPayload("submitted", spec));
  expect(posted).toHaveLength(1);
  expect(posted[0].conclusion).toBe("failure");
  return posted[0];
}

const byMallory = (spec: PrSpec) => [{ actor: "mallory", before: EARLIER, after: spec.headSha, timestamp: AFTER_OPENING }];

describe("pushes GitHub's activity lists", () => {
  it("attack: Mallory's push the app never heard of, then her approval: not counted, and the run records her", async () => {
    const spec = typicalPr({ reviews: [{ login: "mallory", state: "APPROVED", submittedAt: REVIEWED, canPush: true }] });
    const run = await review(spec, (api) => mockActivity(api, spec, [...byMallory(spec), { actor: "dave", after: EARLIER, type: "branch_creation", timestamp: BEFORE_OPENING }]));
    expect(run.conclusion).toBe("action_required");
    expect(run.output.summary).toContain("@mallory is an AI-session author: pushed to the head branch");
    // Dave's push came before the pull request was opened: not a push to it.
    expect(summaryHashes(run.output.summary)).toMatchObject({ pushers: ["mallory"], allPushes: true });
  });

  it("twin: the same activity, Bob (who never pushed) approves: counted", async () => {
    const spec = typicalPr();
    const run = await review(spec, (api) => mockActivity(api, spec, byMallory(spec)));
    expect(run.conclusion).toBe("success");
  });

  it("a fork's head: its pushes happen in the fork, so GitHub's activity is not asked", async () => {
    const spec = typicalPr({ fork: true });
    const run = await review(spec);
    expect(run.conclusion).toBe("success");
    // What is known is recorded, and not as every push.
    expect(summaryHashes(run.output.summary)?.allPushes).toBe(false);
  });

  it("reads no page past the pull request's creation, though GitHub has more", async () => {
    const spec = typicalPr();
    const run = await review(spec, (api) =>
      api
        .get(`/repos/${OWNER}/${REPO}/activity`)
        .query({ ref: `refs/heads/${spec.headRef}`, direction: "desc", per_page: "100" })
        .reply(200, [activityJson(spec, byMallory(spec)[0], 1), activityJson(spec, { actor: "dave", after: EARLIER, timestamp: BEFORE_OPENING }, 2)], {
          link: `<${API}/repositories/4242/activity?after=c2&per_page=100>; rel="next"`,
        }),
    );
    expect(summaryHashes(run.output.summary)?.pushers).toEqual(["mallory"]);
  });
});

describe("an activity list the app cannot read whole fails closed", () => {
  /** Page `n` (1-based) of pushes all after the opening, each page linking to the next. */
  const page = (spec: PrSpec, n: number) =>
    Array.from({ length: 100 }, (_, i) => activityJson(spec, { actor: "carol", after: HEAD, timestamp: new Date(Date.parse("2026-11-20T09:59:00Z") - (n * 100 + i) * 1000).toISOString().replace(".000", "") }, n * 100 + i));

  it("more pushes since the opening than the pages the app reads: failure naming the bound", async () => {
    const spec = typicalPr({ createdAt: "2026-11-01T00:00:00Z" });
    const run = await reviewFailing(spec, (api) => {
      for (let n = 1; n <= 10; n++) {
        api
          .get(`/repos/${OWNER}/${REPO}/activity`)
          .query((q) => q.ref === `refs/heads/${spec.headRef}` && (n === 1 ? q.after === undefined : q.after === `c${n - 1}`))
          .reply(200, page(spec, n), { link: `<${API}/repositories/4242/activity?after=c${n}&per_page=100>; rel="next"` });
      }
    });
    expect(run.output.summary).toContain(`The pushes to ${spec.headRef} since the pull request was opened go on past 1000 items (10 pages)`);
    expect(run.output.summary).toContain("Open a new pull request from a fresh branch.");
  });

  it("a list that is not newest first: failure, not a list cut short where it happened to turn", async () => {
    const spec = typicalPr();
    const run = await reviewFailing(spec, (api) =>
      mockActivity(api, spec, [
        { actor: "carol", after: EARLIER, timestamp: AFTER_OPENING },
        { actor: "mallory", after: HEAD, timestamp: "2026-11-20T09:45:00Z" },
      ]),
    );
    expect(run.output.summary).toContain("out of order");
  });

  it("a push without a time it happened: failure, since the list cannot be cut at the opening", async () => {
    const spec = typicalPr();
    const run = await reviewFailing(spec, (api) =>
      api
        .get(`/repos/${OWNER}/${REPO}/activity`)
        .query(true)
        .reply(200, [{ ...activityJson(spec, byMallory(spec)[0], 1), timestamp: "yesterday" }]),
    );
    expect(run.output.summary).toContain('activity 1 has no time it happened (got "yesterday")');
  });

  it("a next page without a cursor: failure", async () => {
    const spec = typicalPr();
    const run = await reviewFailing(spec, (api) =>
      api
        .get(`/repos/${OWNER}/${REPO}/activity`)
        .query(true)
        .reply(200, [activityJson(spec, byMallory(spec)[0], 1)], { link: `<${API}/repositories/4242/activity?per_page=100>; rel="next"` }),
    );
    expect(run.output.summary).toContain("names no `after` cursor");
  });
});
