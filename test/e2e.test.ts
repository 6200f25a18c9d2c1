/**
 * End to end over real HTTP: the sandbox GitHub, the real Probot server running the real app
 * (the Octokit `npm start` runs with, throttling included), and signed
 * webhooks. Each scenario uses its own repository so they do not see each other's check runs.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sandbox } from "../src/sandbox/sandbox.js";
import { startAppAgainstSandbox, type RunningApp } from "../src/sandbox/probot-runner.js";
import { CLAUDE_TRAILER, DEMO_POLICY, runDemoStory, runStep, setUpDemoRepo } from "../src/sandbox/story.js";
import { signBody } from "../src/sandbox/webhooks.js";

let sb: Sandbox;
let app: RunningApp;

beforeAll(async () => {
  sb = await Sandbox.start();
  app = await startAppAgainstSandbox(sb);
});
afterAll(async () => {
  await app?.stop();
  await sb?.close();
});

function aiCommit(author: string, file: string, subject = "Update eval") {
  return { message: `${subject}\n\n${CLAUDE_TRAILER}`, author, files: [file] };
}

describe("the demo story", () => {
  it("blocks, ignores the AI-session author, accepts bob, goes stale on a push, accepts bob again", async () => {
    setUpDemoRepo(sb, "acme/demo");
    const steps = await runDemoStory(sb, "acme/demo");
    expect(steps.map((s) => [s.actor, s.event, s.conclusion])).toEqual([
      ["carol", "pull_request.opened", "action_required"],
      ["carol", "refused", "action_required"],
      ["alice", "pull_request_review.submitted", "action_required"],
      ["bob", "pull_request_review.submitted", "success"],
      ["carol", "pull_request.synchronize", "action_required"],
      ["bob", "pull_request_review.submitted", "success"],
      ["bob", "pull_request.closed", "success"],
    ]);
    expect(steps.every((s) => s.ok)).toBe(true);
    expect(steps[1].detail).toMatch(/422: Can not approve your own pull request/);
    expect(steps[2].detail).toMatch(/@alice/);
    expect(steps[4].detail).toMatch(/@bob/);
    // Deliveries were all accepted and processed before Probot answered.
    expect(steps.filter((s) => s.event !== "refused").every((s) => s.delivery_status === 200)).toBe(true);
    // One run per head SHA, updated in place.
    const pr = sb.pull("acme/demo", 1);
    const heads = new Set(pr.pushes.map((p) => p.head_sha));
    for (const sha of heads) expect(sb.checkRuns("acme/demo", { sha, name: "Provenance Gate" })).toHaveLength(1);
    const run = sb.latestCheckRun("acme/demo", pr.head_sha)!;
    expect(run).toMatchObject({ external_id: "1", app_id: sb.appId, status: "completed" });
    expect(run.actions.map((a) => a.identifier)).toContain("reevaluate");
    // A step whose conclusion differs from the expected one is not ok (the demo then exits 1).
    const wrong = await runStep({ sandbox: sb, repo: "acme/demo", pr: 1 }, 8, { actor: "bob", action: "nothing", expected: "failure", run: async () => undefined });
    expect(wrong).toMatchObject({ conclusion: "success", ok: false });
  });
});

describe("merge queue", () => {
  const repo = "acme/queue";
  beforeAll(() => {
    sb.createRepo({ repo, files: { ".provenance.yml": DEMO_POLICY }, collaborators: { bob: "write", carol: "write" } });
  });

  it.each([
    { name: "approved and unchanged", approve: true, moveHead: false, expected: "success" },
    { name: "never independently approved", approve: false, moveHead: false, expected: "failure" },
    { name: "approved, but its head moved after queueing", approve: true, moveHead: true, expected: "failure" },
  ])("a group for a PR $name → $expected", async ({ approve, moveHead, expected }) => {
    const { number } = await sb.openPullRequest(repo, { author: "carol", head: `q-${expected}-${approve}-${moveHead}`, commits: [aiCommit("carol", `evals/q${number0()}.yaml`)] });
    if (approve) await sb.submitReview(repo, number, "bob", "APPROVE");
    const prHead = sb.pull(repo, number).head_sha;
    expect(sb.latestCheckRun(repo, prHead)?.conclusion).toBe(approve ? "success" : "action_required");
    const group = await sb.enqueueMergeGroup(repo, number, {
      beforeDelivery: moveHead ? () => sb.pushCommits(repo, number, [aiCommit("carol", "evals/late.yaml", "Late change")]) : undefined,
    });
    expect(group.head_ref).toBe(`refs/heads/gh-readonly-queue/main/pr-${number}-${prHead}`);
    expect(group.delivery?.status).toBe(200);
    const run = sb.latestCheckRun(repo, group.head_sha);
    expect(run?.conclusion).toBe(expected);
    expect(run?.name).toBe("Provenance Gate");
  });
});

let counter = 0;
function number0() {
  return ++counter;
}

describe("a policy change on the base branch", () => {
  it("re-evaluates the open PRs against that branch with the new policy", async () => {
    const repo = "acme/policy";
    sb.createRepo({ repo, files: { ".provenance.yml": DEMO_POLICY, "prompts/system.txt": "Be helpful.\n" }, collaborators: { bob: "write", carol: "write" } });
    const prompts = await sb.openPullRequest(repo, { author: "carol", head: "prompts", commits: [aiCommit("carol", "prompts/system.txt", "Tune the system prompt")] });
    const evals = await sb.openPullRequest(repo, { author: "carol", head: "evals", commits: [aiCommit("carol", "evals/a.yaml")] });
    await sb.submitReview(repo, evals.number, "bob", "APPROVE");
    const other = await sb.openPullRequest(repo, { author: "carol", head: "dev-pr", base: "main", commits: [aiCommit("carol", "prompts/other.txt")] });
    expect(sb.latestCheckRun(repo, prompts.head_sha)?.conclusion).toBe("success");
    expect(sb.latestCheckRun(repo, evals.head_sha)?.conclusion).toBe("success");

    const policy = DEMO_POLICY.replace("classes:\n", 'classes:\n  prompts:\n    - "prompts/**"\n').replace("classes: [eval, data]", "classes: [eval, data, prompts]");
    expect(policy).not.toBe(DEMO_POLICY);
    const { delivery } = await sb.setBaseFile(repo, ".provenance.yml", policy, { author: "bob", message: "Protect prompts" });
    expect(delivery?.status).toBe(200);

    const after = sb.latestCheckRun(repo, prompts.head_sha)!;
    expect(after.conclusion).toBe("action_required");
    expect(after.output.title).toMatch(/prompts/);
    expect(sb.latestCheckRun(repo, evals.head_sha)?.conclusion).toBe("success");
    expect(sb.latestCheckRun(repo, other.head_sha)?.conclusion).toBe("action_required");
  });

  it("does not re-evaluate anything for a push that leaves the policy alone", async () => {
    const repo = "acme/policy";
    const before = sb.requestCounters().byOperation["pulls.list"] ?? 0;
    const { delivery } = await sb.setBaseFile(repo, "README.md", "unrelated\n");
    expect(delivery?.status).toBe(200);
    expect(sb.requestCounters().byOperation["pulls.list"] ?? 0).toBe(before);
  });
});

describe("forged webhooks", () => {
  const repo = "acme/forged";
  it.each([
    { name: "signed with the wrong secret", forge: (body: string) => signBody(body, "not-the-secret") },
    { name: "signed over a different body", forge: (body: string) => signBody(body.replace('"opened"', '"reopened"'), app.secret) },
    { name: "with a malformed signature", forge: () => "sha256=00" },
  ])("rejects a delivery $name and posts nothing", async ({ forge }) => {
    if (!sb.state.repos.has(repo)) sb.createRepo({ repo, files: { ".provenance.yml": DEMO_POLICY }, collaborators: { bob: "write" } });
    const { number, head_sha } = await sb.openPullRequest(repo, { author: "carol", head: `forged-${number0()}`, deliver: false, commits: [aiCommit("carol", "evals/f.yaml")] });
    const payload = sb.pullRequestEvent(repo, number, "opened");
    sb.resetCounters();
    const d = await sb.deliver("pull_request", payload, { signature: forge(JSON.stringify(payload)) });
    expect([400, 401]).toContain(d.status);
    await sb.waitForIdle();
    await new Promise((r) => setTimeout(r, 100));
    expect(sb.checkRuns(repo, { sha: head_sha })).toHaveLength(0);
    expect(sb.requestCounters().total).toBe(0);
    // The same event, genuinely signed, is processed: the rejection was the signature's doing.
    const genuine = await sb.deliver("pull_request", payload);
    expect(genuine.status).toBe(200);
    expect(sb.latestCheckRun(repo, head_sha)?.conclusion).toBe("action_required");
  });
});

describe("fidelity", () => {
  it("the app never called a route the sandbox does not model", () => {
    expect(sb.unknownRoutes()).toEqual([]);
    // Errors other than the forged deliveries' rejections would mean the app hit a problem.
    const errors = app.logs.filter((l) => /"level":(50|60)/.test(l) && !/signature does not match/.test(l));
    expect(errors.map((l) => (JSON.parse(l) as { msg?: string }).msg)).toEqual([]);
  });
});

describe("two pull requests with the same head commit", () => {
  it("a pull request into a branch without a policy does not open the commit for the one into main", async () => {
    const repo = "acme/shared-head";
    sb.createRepo({ repo, files: { ".provenance.yml": DEMO_POLICY, "README.md": "x" }, collaborators: { bob: "write", carol: "write" } });
    const r = sb.repo(repo);
    r.branches.set("scratch", r.branches.get("main")!);
    await sb.setBaseFile(repo, ".provenance.yml", null, { branch: "scratch" });

    const strict = await sb.openPullRequest(repo, { author: "carol", head: "feat", commits: [aiCommit("carol", "evals/t.yaml")] });
    expect((await sb.waitForCheckRun(repo, strict.head_sha))?.conclusion).toBe("action_required");

    // The same branch into `scratch`, which has no policy: on its own it would pass.
    const lenient = await sb.openPullRequest(repo, { author: "carol", head: "feat", base: "scratch", commits: [] });
    expect(lenient.head_sha).toBe(strict.head_sha);
    await sb.waitForIdle();
    // GitHub decides the required check from the newest run on the commit: it must still block.
    const latest = sb.latestCheckRun(repo, strict.head_sha)!;
    expect(latest.external_id).toBe(String(lenient.number));
    expect(latest.conclusion).toBe("action_required");
    expect(latest.output?.title).toMatch(new RegExp(`^Blocked by pull request #${strict.number} on the same commit`));

    // bob's approval of the strict one unblocks the commit, and both runs say so.
    await sb.submitReview(repo, strict.number, "bob", "APPROVE");
    await sb.waitForIdle();
    const runs = sb.checkRuns(repo, { sha: strict.head_sha, name: "Provenance Gate" });
    expect(runs.map((run) => [run.external_id, run.conclusion])).toEqual([
      [String(strict.number), "success"],
      [String(lenient.number), "success"],
    ]);
  }, 60_000);
});

describe("a head force-pushed away and back while the app missed the webhook", () => {
  it("dates the push from GitHub's timeline, so an approval of the head in between is stale", async () => {
    const repo = "acme/force-back";
    setUpDemoRepo(sb, repo);
    const pr = await sb.openPullRequest(repo, { author: "carol", head: "feat", commits: [aiCommit("alice", "evals/a.yaml")] });
    expect((await sb.waitForCheckRun(repo, pr.head_sha))?.conclusion).toBe("action_required");
    const first = pr.head_sha;
    const pushed = await sb.pushCommits(repo, pr.number, [aiCommit("alice", "evals/b.yaml", "More evals")]);
    await sb.submitReview(repo, pr.number, "bob", "APPROVE");
    await sb.waitForIdle();
    expect(sb.latestCheckRun(repo, pushed.head_sha)?.conclusion).toBe("success");

    // Back to the first head; the app never hears of it. Then any event about the pull request.
    await sb.forcePush(repo, pr.number, first, { deliver: false });
    await sb.setLabels(repo, pr.number, ["needs-review"], "carol");
    await sb.waitForIdle();
    const run = sb.latestCheckRun(repo, first)!;
    expect(run.conclusion).toBe("action_required");
    expect(run.output?.summary).toMatch(/@bob approved at .*, before the latest push at /);
  }, 60_000);
});
