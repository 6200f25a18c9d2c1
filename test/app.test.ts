import { describe, expect, it } from "vitest";
import nock from "nock";
import {
  API,
  AI_SHA,
  APP_ID,
  HEAD,
  NOW,
  POLICY,
  PUSHED,
  runApp,
  countRequests,
  example,
  mockCheckRuns,
  mockCreate,
  mockEvaluationReads,
  mockPull,
  mockUpdate,
  pullRequestPayload,
  reviewPayload,
  typicalPr,
  guardGitHubMocks,
} from "./fixtures/github/harness.js";

const guard = guardGitHubMocks();

describe("a typical pull request", () => {
  // The pull request, its files, the head's modes of the protected ones, its runs, the AI
  // commit's files, the head re-read before writing, the write.
  it("takes at most 7 GitHub requests including the check-run write", async () => {
    // The installation token request (runApp mocks it) is excluded from the count: it is
    // authentication, cached for an hour per installation, not a request about the pull request.
    const { api, receive } = runApp();
    const counter = countRequests(api);
    const spec = typicalPr();
    mockEvaluationReads(api, spec);
    const posted: Record<string, any>[] = [];
    mockCreate(api, posted);

    await receive("pull_request", pullRequestPayload("synchronize", spec), "1");

    expect(counter.count, counter.paths.join("\n")).toBeLessThanOrEqual(7);
    expect(posted).toHaveLength(1);
    expect(posted[0]).toMatchObject({ name: "Provenance Gate", head_sha: HEAD, external_id: "42", status: "completed", conclusion: "success" });
    expect(counter.paths.some((p) => p.includes(AI_SHA))).toBe(true);
  });
});

function posts() {
  return [] as Record<string, any>[];
}

describe("pull_request events", () => {
  // Push-like actions carry the push time (updated_at) and create the run; the others find the
  // run started at the push and update it.
  it.each([
    ["opened", true],
    ["reopened", true],
    ["synchronize", true],
    ["ready_for_review", false],
    ["labeled", false],
    ["unlabeled", false],
  ])("%s evaluates the pull request and posts the check", async (action, pushed) => {
    const { api, receive } = runApp();
    const spec = typicalPr();
    mockEvaluationReads(api, spec, pushed ? [] : [{ id: 7, external_id: "42", started_at: PUSHED }]);
    const posted = posts();
    if (pushed) mockCreate(api, posted);
    else mockUpdate(api, 7, posted);
    await receive("pull_request", pullRequestPayload(action, spec));
    expect(posted).toHaveLength(1);
    expect(posted[0].conclusion).toBe("success");
    expect(posted[0].output.summary).toContain("@bob");
    expect(posted[0].actions).toEqual([{ label: "Re-evaluate", description: "Run Provenance Gate again", identifier: "reevaluate" }]);
  });

  it.each([
    ["base", { base: { ref: { from: "develop" } } }, true],
    ["body", { body: { from: "old body" } }, true],
    ["title only", { title: { from: "old title" } }, false],
  ])("edited (%s changed) evaluates only when the base or the body changed", async (_what, changes, evaluates) => {
    const { api, receive } = runApp({ token: evaluates });
    const posted = posts();
    if (evaluates) {
      mockEvaluationReads(api, typicalPr());
      mockCreate(api, posted);
    }
    await receive("pull_request", pullRequestPayload("edited", typicalPr(), { changes }));
    expect(posted).toHaveLength(evaluates ? 1 : 0);
    expect(guard.unmatched()).toEqual([]);
  });

  it("uses the event's updated_at as the push time when no run exists, and persists it as started_at", async () => {
    const { api, receive } = runApp();
    mockEvaluationReads(api, typicalPr());
    const posted = posts();
    mockCreate(api, posted);
    await receive("pull_request", pullRequestPayload("synchronize", typicalPr()));
    expect(posted[0].started_at).toBe(PUSHED);
  });

  it("judges reviews against the earliest started_at of our runs: an approval before it is stale", async () => {
    const { api, receive } = runApp();
    const spec = typicalPr();
    // Our run on this head started 11:30 (the push); another app's same-named run does not count.
    mockEvaluationReads(api, spec, [
      { id: 7, external_id: "42", started_at: "2026-11-20T11:30:00Z" },
      { id: 8, external_id: "42", started_at: "2026-11-20T09:00:00Z", appId: 999 },
    ]);
    const posted = posts();
    mockUpdate(api, 7, posted);
    await receive("pull_request", pullRequestPayload("labeled", spec));
    expect(posted).toHaveLength(1);
    expect(posted[0].conclusion).toBe("action_required");
    expect(posted[0].output.summary).toMatch(/bob/);
    expect(posted[0].started_at).toBeUndefined();
  });

  it("with no run and no push time in the event, takes now as the push time (reviews before it are stale)", async () => {
    const { api, receive } = runApp();
    mockEvaluationReads(api, typicalPr());
    const posted = posts();
    mockCreate(api, posted);
    await receive("pull_request", pullRequestPayload("labeled", typicalPr()));
    expect(posted[0].conclusion).toBe("action_required");
    expect(posted[0].started_at).toBe(NOW.toISOString().replace(".000Z", "Z"));
  });

  it("does not lend the event's push time to a newer head found meanwhile", async () => {
    const { api, receive } = runApp();
    const newer = typicalPr({ headSha: "4".repeat(40) });
    // The event speaks of HEAD (pushed 10:00); by the time of the query the PR is at a newer head.
    mockCheckRuns(api, HEAD);
    mockEvaluationReads(api, newer);
    const posted = posts();
    mockCreate(api, posted);
    await receive("pull_request", pullRequestPayload("synchronize", typicalPr()));
    expect(posted[0]).toMatchObject({ head_sha: "4".repeat(40), conclusion: "action_required" });
    expect(posted[0].started_at).toBe("2026-11-20T12:00:00Z");
  });

  it("ignores actions it does not handle", async () => {
    const { receive } = runApp({ token: false });
    await receive("pull_request", pullRequestPayload("review_requested", typicalPr()));
    expect(guard.unmatched()).toEqual([]);
  });

  it("writes one audit log line per evaluation", async () => {
    const { api, receive, logs } = runApp();
    mockEvaluationReads(api, typicalPr());
    mockCreate(api, posts());
    await receive("pull_request", pullRequestPayload("opened", typicalPr()));
    const audit = logs.filter((l) => l.msg === "provenance-gate evaluation");
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      repository: "acme/models",
      pr: 42,
      head_sha: HEAD,
      conclusion: "success",
      tools: ["claude-code"],
      session_authors: ["alice"],
      counted: ["bob"],
      policy_blob_sha: "e".repeat(40),
    });
  });
});

describe("pull_request_review events", () => {
  it.each(["submitted", "edited", "dismissed"])("%s re-evaluates", async (action) => {
    const { api, receive } = runApp();
    const spec = typicalPr();
    mockEvaluationReads(api, spec, [{ id: 7, external_id: "42", started_at: PUSHED }]);
    const posted = posts();
    mockUpdate(api, 7, posted);
    await receive("pull_request_review", reviewPayload(action, spec));
    expect(posted).toHaveLength(1);
    expect(posted[0].conclusion).toBe("success");
  });
});

describe("re-runs", () => {
  function checkRunPayload(action: "rerequested" | "requested_action", overrides: Record<string, any> = {}) {
    const payload = example("check_run", action);
    payload.check_run = {
      ...payload.check_run,
      name: "Provenance Gate",
      head_sha: "9".repeat(40),
      external_id: "42",
      // A pull request from a fork: GitHub leaves `pull_requests` empty.
      pull_requests: [],
      app: { ...payload.check_run.app, id: APP_ID },
      check_suite: { ...payload.check_run.check_suite, head_branch: "feature", pull_requests: [] },
      ...overrides,
    };
    if (action === "requested_action") payload.requested_action = { identifier: "reevaluate" };
    return payload;
  }

  it.each(["rerequested", "requested_action"] as const)("check_run %s finds a fork's pull request through external_id", async (action) => {
    const { api, receive } = runApp();
    const spec = typicalPr();
    // The base branch is unknown from a check_run event: one extra read finds it.
    mockPull(api, 42, HEAD);
    mockEvaluationReads(api, spec, [{ id: 7, external_id: "42", started_at: PUSHED }]);
    const posted = posts();
    mockUpdate(api, 7, posted);
    await receive("check_run", checkRunPayload(action));
    expect(posted).toHaveLength(1);
    expect(posted[0].conclusion).toBe("success");
  });

  it("a re-run of a pull request's run on a branch named like a merge queue judges that pull request, not the one the name points at", async () => {
    const { api, receive } = runApp();
    const spec = typicalPr({ reviews: [] });
    mockPull(api, 42, HEAD);
    mockEvaluationReads(api, spec, [{ id: 7, external_id: "42", started_at: PUSHED }]);
    const posted = posts();
    mockUpdate(api, 7, posted);
    const forged = `gh-readonly-queue/main/pr-5-${"5".repeat(40)}`;
    await receive("check_run", checkRunPayload("rerequested", { check_suite: { head_branch: forged, pull_requests: [] } }));
    expect(posted).toHaveLength(1);
    expect(posted[0]).toMatchObject({ conclusion: "action_required", external_id: "42" });
  });

  it.each([
    ["another app's run", { app: { id: 999 } }, "reevaluate"],
    ["a run with another name", { name: "CI" }, "reevaluate"],
    ["another button", {}, "something-else"],
  ])("check_run ignores %s", async (_name, overrides, identifier) => {
    const { receive } = runApp({ token: false });
    const payload = checkRunPayload("requested_action", overrides);
    payload.requested_action = { identifier };
    await receive("check_run", payload);
    expect(guard.unmatched()).toEqual([]);
  });

  it("check_suite rerequested re-evaluates the pull requests named by our runs and by the suite", async () => {
    const { api, receive } = runApp();
    const suiteSha = HEAD;
    const payload = example("check_suite", "rerequested");
    payload.check_suite = { ...payload.check_suite, head_sha: suiteSha, head_branch: "feature", app: { ...payload.check_suite.app, id: APP_ID }, pull_requests: [] };
    const spec = typicalPr();
    // Listing our runs on the suite's head finds PR 42 (a fork's PR, so `pull_requests` is empty).
    mockCheckRuns(api, suiteSha, [{ id: 7, external_id: "42", started_at: PUSHED }]);
    mockPull(api, 42, HEAD);
    mockEvaluationReads(api, spec, [{ id: 7, external_id: "42", started_at: PUSHED }]);
    const posted = posts();
    mockUpdate(api, 7, posted);
    await receive("check_suite", payload);
    expect(posted).toHaveLength(1);
  });
});

describe("merge_group", () => {
  const GROUP_SHA = "5".repeat(40);

  function mergeGroupPayload(queuedSha: string) {
    const payload = example("merge_group", "checks_requested");
    payload.merge_group = { ...payload.merge_group, head_sha: GROUP_SHA, head_ref: `refs/heads/gh-readonly-queue/main/pr-42-${queuedSha}` };
    return payload;
  }

  it("reports success on the group's head when the queued pull request passes at the queued SHA", async () => {
    const { api, receive } = runApp();
    mockEvaluationReads(api, typicalPr(), [{ id: 7, external_id: "42", started_at: PUSHED }]);
    const prPosts = posts();
    mockUpdate(api, 7, prPosts);
    mockCheckRuns(api, GROUP_SHA);
    const groupPosts = posts();
    mockCreate(api, groupPosts, 901);
    await receive("merge_group", mergeGroupPayload(HEAD));
    expect(prPosts[0].conclusion).toBe("success");
    expect(groupPosts).toHaveLength(1);
    expect(groupPosts[0]).toMatchObject({ head_sha: GROUP_SHA, conclusion: "success", external_id: "merge-group:42", name: "Provenance Gate" });
  });

  it("fails the group when the pull request's head moved after it was queued", async () => {
    const { api, receive } = runApp();
    mockEvaluationReads(api, typicalPr(), [{ id: 7, external_id: "42", started_at: PUSHED }]);
    mockUpdate(api, 7, posts());
    mockCheckRuns(api, GROUP_SHA);
    const groupPosts = posts();
    mockCreate(api, groupPosts, 901);
    await receive("merge_group", mergeGroupPayload("6".repeat(40)));
    expect(groupPosts[0].conclusion).toBe("failure");
    expect(groupPosts[0].output.summary).toContain("6666666");
    expect(groupPosts[0].output.summary).toContain("1111111");
  });

  it("fails the group when the queued pull request does not pass", async () => {
    const { api, receive } = runApp();
    const spec = typicalPr({ reviews: [] });
    mockEvaluationReads(api, spec, [{ id: 7, external_id: "42", started_at: PUSHED }]);
    mockUpdate(api, 7, posts());
    mockCheckRuns(api, GROUP_SHA);
    const groupPosts = posts();
    mockCreate(api, groupPosts, 901);
    await receive("merge_group", mergeGroupPayload(HEAD));
    expect(groupPosts[0].conclusion).toBe("failure");
    expect(groupPosts[0].output.title).toContain("#42");
  });
});

describe("push", () => {
  function pushPayload(files: { added?: string[]; modified?: string[]; removed?: string[] }) {
    const payload = example("push", undefined, 4);
    payload.ref = "refs/heads/main";
    payload.deleted = false;
    payload.forced = false;
    payload.commits = [{ ...payload.commits[0], added: [], modified: [], removed: [], ...files }];
    return payload;
  }

  it("re-evaluates every open pull request against the branch when it changes .provenance.yml", async () => {
    const { api, receive } = runApp();
    const prs = [typicalPr({ number: 42 }), typicalPr({ number: 43, headSha: "3".repeat(40) })];
    api
      .get(`/repos/acme/models/pulls`)
      .query({ state: "open", base: "main", per_page: "100" })
      .reply(200, prs.map((p) => ({ number: p.number, head: { sha: p.headSha }, base: { ref: "main" } })));
    const posted = posts();
    for (const spec of prs) {
      mockEvaluationReads(api, spec);
      mockCreate(api, posted, 900 + spec.number);
    }
    await receive("push", pushPayload({ modified: [".provenance.yml"] }));
    expect(posted.map((p) => p.external_id).sort()).toEqual(["42", "43"]);
  });

  it.each([
    ["a push that does not touch the policy", { modified: ["README.md"] }],
    ["a nested .provenance.yml (not the root policy)", { modified: ["sub/.provenance.yml"] }],
  ])("ignores %s", async (_name, files) => {
    const { receive } = runApp({ token: false });
    await receive("push", pushPayload(files));
    expect(guard.unmatched()).toEqual([]);
  });
});

describe("events the app caused", () => {
  it("are ignored", async () => {
    const { receive } = runApp({ token: false });
    nock(API).get("/app").reply(200, { id: APP_ID, slug: "provenance-gate" });
    const payload = pullRequestPayload("labeled", typicalPr());
    payload.sender = { login: "provenance-gate[bot]", type: "Bot" };
    await receive("pull_request", payload);
    // Only the app lookup happened (asserted by nock's pending mocks); nothing was evaluated.
    expect(guard.unmatched()).toEqual([]);
  });
});

describe("pull requests sharing a head commit", () => {
  // GitHub decides a required check per commit: the newest run on it wins, whichever PR posted it.
  const marker = (own: string) => `summary\n\n<!-- provenance-gate:sha256=${"0".repeat(64)} annotations=${"0".repeat(64)} own=${own} -->`;
  const sibling = (own: string, conclusion = own) => ({ id: 5, external_id: "7", conclusion, title: "Needs 1 independent approval for AI-assisted changes in eval", summary: marker(own) });

  it("blocks a pull request that passes on its own while another open one on the same commit does not", async () => {
    const { api, receive } = runApp();
    const spec = typicalPr();
    mockEvaluationReads(api, spec, [sibling("action_required")]);
    mockPull(api, 7, HEAD);
    const posted = posts();
    mockCreate(api, posted);
    await receive("pull_request", pullRequestPayload("labeled", spec));
    expect(posted).toHaveLength(1);
    expect(posted[0].conclusion).toBe("action_required");
    expect(posted[0].output.title).toBe("Blocked by pull request #7 on the same commit: Needs 1 independent approval for AI-assisted changes in eval");
    expect(posted[0].output.summary).toContain("GitHub decides a required check per commit");
    expect(posted[0].output.summary).toMatch(/own=success( pushers=[a-z0-9,-]+)?( pushes=all)? counted=bob -->$/);
  });

  it("a push onto a commit whose newest run is another pull request's block still holds it first: that run may turn green by its own events", async () => {
    const { api, receive } = runApp();
    const spec = typicalPr();
    mockEvaluationReads(api, spec, [sibling("action_required")]);
    mockPull(api, 7, HEAD);
    const posted = posts();
    mockCreate(api, posted, 901);
    mockUpdate(api, 901, posted);
    await receive("pull_request", pullRequestPayload("synchronize", spec));
    expect(posted.map((p) => [p.status ?? "completed", p.conclusion ?? null])).toEqual([
      ["in_progress", null],
      ["completed", "action_required"],
    ]);
  });

  it("ignores a pull request on the same commit that was closed or has moved on", async () => {
    const { api, receive } = runApp();
    const spec = typicalPr();
    mockEvaluationReads(api, spec, [sibling("action_required")]);
    api.get("/repos/acme/models/pulls/7").reply(200, { number: 7, state: "closed", head: { sha: HEAD, ref: "feature" }, base: { ref: "scratch" } });
    const posted = posts();
    mockCreate(api, posted);
    await receive("pull_request", pullRequestPayload("labeled", spec));
    expect(posted[0]).toMatchObject({ conclusion: "success" });
  });

  it("re-evaluates the other pull request when its run no longer shows the commit's result", async () => {
    const { api, receive } = runApp();
    const spec = typicalPr();
    // #7 passes on its own but its run still shows the block #42 caused before bob approved #42.
    mockEvaluationReads(api, spec, [sibling("success", "action_required")]);
    mockPull(api, 7, HEAD);
    const posted = posts();
    mockCreate(api, posted);
    // The re-evaluation of #7: one read for its base branch, its own reads, then an update of its run.
    const seven = typicalPr({ number: 7 });
    mockPull(api, 7, HEAD);
    mockEvaluationReads(api, seven, [sibling("success", "action_required"), { id: 900, external_id: "42", conclusion: "success", summary: marker("success") }]);
    mockPull(api, 42, HEAD);
    mockUpdate(api, 5, posted);
    await receive("pull_request", pullRequestPayload("labeled", spec));
    expect(posted.map((p) => p.conclusion)).toEqual(["success", "success"]);
  });

  it("re-evaluates the other pull requests on the commit when one is closed", async () => {
    const { api, receive } = runApp();
    mockCheckRuns(api, HEAD, [{ id: 900, external_id: "42", conclusion: "action_required", summary: marker("action_required") }, sibling("success", "action_required")]);
    const seven = typicalPr({ number: 7 });
    mockPull(api, 7, HEAD);
    mockEvaluationReads(api, seven, [sibling("success", "action_required")]);
    const posted = posts();
    mockUpdate(api, 5, posted);
    await receive("pull_request", pullRequestPayload("closed", typicalPr()));
    expect(posted).toHaveLength(1);
    expect(posted[0].conclusion).toBe("success");
  });
});

describe("where the policy comes from", () => {
  it("with no policy anywhere, succeeds with 'No provenance policy' and says where it looked", async () => {
    const { api, receive } = runApp();
    const spec = typicalPr({ policy: null, fallback: "NOT_FOUND" });
    mockEvaluationReads(api, { ...spec, commits: [] });
    const posted = posts();
    mockCreate(api, posted);
    await receive("pull_request", pullRequestPayload("opened", spec));
    expect(posted[0].conclusion).toBe("success");
    expect(posted[0].output.title).toBe("No provenance policy");
    expect(posted[0].output.summary).toContain("base branch `main` of acme/models");
    expect(posted[0].output.summary).toContain("acme/.github");
  });

  it("with no policy yet, fails a pull request that adds a broken .provenance.yml and annotates it", async () => {
    const { api, receive } = runApp();
    const spec = typicalPr({ policy: null, fallback: "NOT_FOUND", files: [...typicalPr().files, { filename: ".provenance.yml", status: "added" }] });
    mockEvaluationReads(api, spec);
    api
      .get(`/repos/acme/models/contents/.provenance.yml`)
      .query({ ref: HEAD })
      .reply(200, { type: "file", encoding: "base64", content: Buffer.from("version: 1\nclases: {}\n").toString("base64") });
    const posted = posts();
    mockCreate(api, posted);
    await receive("pull_request", pullRequestPayload("opened", spec));
    expect(posted[0].conclusion).toBe("failure");
    expect(posted[0].output.title).toBe(".provenance.yml in this pull request has 1 error");
    expect(posted[0].output.annotations).toContainEqual(expect.objectContaining({ path: ".provenance.yml", start_line: 2, annotation_level: "failure" }));
  });

  it("falls back to the owner's .github repository", async () => {
    const { api, receive } = runApp();
    const spec = typicalPr({ policy: null, fallback: POLICY, reviews: [] });
    mockEvaluationReads(api, spec);
    const posted = posts();
    mockCreate(api, posted);
    await receive("pull_request", pullRequestPayload("opened", spec));
    expect(posted[0].conclusion).toBe("action_required");
    expect(posted[0].output.summary).toContain("acme/.github:.provenance.yml");
  });

  it("evaluates with the strict fallback when the base policy is broken, and says where", async () => {
    const { api, receive } = runApp();
    const spec = typicalPr({ policy: "version: 1\nclases:\n  eval: ['evals/**']\nrules: []\n", reviews: [] });
    mockEvaluationReads(api, spec);
    const posted = posts();
    mockCreate(api, posted);
    await receive("pull_request", pullRequestPayload("opened", spec));
    expect(posted[0].conclusion).toBe("action_required");
    expect(posted[0].output.summary).toMatch(/policy is broken/i);
    expect(posted[0].output.summary).toMatch(/\.provenance\.yml:2:1/);
    expect(posted[0].output.summary).toMatch(/strict fallback/i);
  });

  it("validates the pull request's own .provenance.yml: errors fail the check and annotate the file", async () => {
    const { api, receive } = runApp();
    const spec = typicalPr({ files: [...typicalPr().files, { filename: ".provenance.yml", status: "modified" }] });
    mockEvaluationReads(api, spec);
    api
      .get(`/repos/acme/models/contents/.provenance.yml`)
      .query({ ref: HEAD })
      .reply(200, { type: "file", encoding: "base64", content: Buffer.from("version: 1\nclasses:\n  eval: []\nrules:\n  - name: x\n    classes: [evil]\n").toString("base64") });
    const posted = posts();
    mockCreate(api, posted);
    await receive("pull_request", pullRequestPayload("synchronize", spec));
    expect(posted[0].conclusion).toBe("failure");
    const policyAnnotations = posted[0].output.annotations.filter((a: any) => a.path === ".provenance.yml");
    expect(policyAnnotations.length).toBeGreaterThan(0);
    expect(policyAnnotations.every((a: any) => a.annotation_level === "failure" && a.start_line > 1)).toBe(true);
  });
});
