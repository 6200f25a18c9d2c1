/**
 * What the app records is what it posted: the evaluation log line, for every kind of decision
 * (a verdict blocked by another pull request on its commit, a merge group, no policy, a failed
 * read), carries the conclusion of the run GitHub shows, not the pull request's own verdict.
 */
import { describe, expect, it } from "vitest";
import {
  HEAD,
  PUSHED,
  runApp,
  example,
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

type Json = Record<string, any>;

const evaluationLines = (logs: Json[]) => logs.filter((l) => l.msg === "provenance-gate evaluation");
const marker = (own: string) => `summary\n\n<!-- provenance-gate:sha256=${"0".repeat(64)} annotations=${"0".repeat(64)} own=${own} -->`;
/** Pull request #7's run on the same head commit, blocked on its own. */
const blockedSibling = { id: 5, external_id: "7", conclusion: "action_required", title: "Needs 1 independent approval for AI-assisted changes in eval", summary: marker("action_required") };
const GROUP_SHA = "5".repeat(40);

function mergeGroupPayload(queuedSha: string) {
  const payload = example("merge_group", "checks_requested");
  payload.merge_group = { ...payload.merge_group, head_sha: GROUP_SHA, head_ref: `refs/heads/gh-readonly-queue/main/pr-42-${queuedSha}` };
  return payload;
}

describe("the evaluation log line carries the posted conclusion", () => {
  it("for a pull request that passes on its own but is blocked by another on its commit", async () => {
    const { receive, logs, api } = runApp();
    mockEvaluationReads(api, typicalPr(), [blockedSibling]);
    mockPull(api, 7, HEAD);
    const posted: Json[] = [];
    mockCreate(api, posted);
    await receive("pull_request", pullRequestPayload("labeled", typicalPr()));
    expect(posted[0].conclusion).toBe("action_required");
    expect(evaluationLines(logs)).toEqual([expect.objectContaining({ pr: 42, conclusion: "action_required", publish: "created" })]);
  });

  it("when the write fails: the conclusion it tried to post, not the pull request's own", async () => {
    const { receive, logs, api } = runApp();
    mockEvaluationReads(api, typicalPr(), [blockedSibling]);
    mockPull(api, 7, HEAD);
    // GitHub refuses the run, and then the minimal failure run too: the delivery fails.
    api.post("/repos/acme/models/check-runs").times(2).reply(422, { message: "Validation Failed", errors: [], documentation_url: "https://docs.github.com/rest" });
    await expect(receive("pull_request", pullRequestPayload("labeled", typicalPr()))).rejects.toThrow();
    expect(evaluationLines(logs)).toEqual([expect.objectContaining({ pr: 42, conclusion: "action_required", publish: "failed (422)" })]);
  });

  it("for a repository without a policy", async () => {
    const { receive, logs, api } = runApp();
    const spec = typicalPr({ policy: null, fallback: "NOT_FOUND" });
    mockEvaluationReads(api, { ...spec, commits: [] });
    // Opening first looks for another pull request's run on the head.
    const posted: Json[] = [];
    mockCreate(api, posted);
    await receive("pull_request", pullRequestPayload("opened", spec));
    expect(posted[0]).toMatchObject({ conclusion: "success", output: { title: "No provenance policy" } });
    expect(evaluationLines(logs)).toEqual([expect.objectContaining({ pr: 42, conclusion: "success", publish: "created" })]);
  });

  it("for a merge group: one line for the pull request's run and one for the group's", async () => {
    const { receive, logs, api } = runApp();
    mockEvaluationReads(api, typicalPr(), [{ id: 7, external_id: "42", started_at: PUSHED }]);
    mockUpdate(api, 7, []);
    mockCheckRuns(api, GROUP_SHA);
    const groupPosts: Json[] = [];
    mockCreate(api, groupPosts, 901);
    await receive("merge_group", mergeGroupPayload("6".repeat(40)));
    expect(groupPosts[0].conclusion).toBe("failure");
    expect(evaluationLines(logs)).toEqual([
      expect.objectContaining({ pr: 42, head_sha: HEAD, conclusion: "success", publish: "updated" }),
      expect.objectContaining({ pr: 42, head_sha: GROUP_SHA, merge_group: true, conclusion: "failure", publish: "created" }),
    ]);
  });
});

describe("a merge group follows what was posted on its pull request", () => {
  it("fails when the pull request's run is a failure because its siblings could not be read, though it passes on its own", async () => {
    const { receive, logs, api } = runApp();
    mockEvaluationReads(api, typicalPr(), [{ id: 7, external_id: "42", started_at: PUSHED }, blockedSibling]);
    api.get("/repos/acme/models/pulls/7").reply(404, { message: "Not Found" });
    const prPosts: Json[] = [];
    mockUpdate(api, 7, prPosts);
    mockCheckRuns(api, GROUP_SHA);
    const groupPosts: Json[] = [];
    mockCreate(api, groupPosts, 901);
    await receive("merge_group", mergeGroupPayload(HEAD));
    expect(prPosts[0]).toMatchObject({ conclusion: "failure", output: { title: "Provenance Gate could not evaluate this pull request" } });
    expect(groupPosts[0]).toMatchObject({ conclusion: "failure", output: { title: "Pull request #42 does not pass Provenance Gate" } });
    expect(evaluationLines(logs).map((l) => l.conclusion)).toEqual(["failure", "failure"]);
  });
});
