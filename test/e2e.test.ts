/**
 * End to end over real HTTP: the sandbox GitHub, the real Probot server running the real app
 * (the Octokit `npm start` runs with, less the one-second write spacing, which one test here
 * measures as shipped), and signed webhooks. Each scenario uses its own repository so they do not
 * see each other's check runs.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { SHIPPED_QUEUES } from "../src/app/urgency.js";
import { Sandbox } from "../src/sandbox/sandbox.js";
import { startAppAgainstSandbox } from "../src/sandbox/probot-runner.js";
import { CLAUDE_TRAILER, DEMO_POLICY, runStep, setUpDemoRepo } from "../src/sandbox/story.js";
import { checkRunWrites } from "../src/sandbox/rest.js";
import { signBody } from "../src/sandbox/webhooks.js";
import { useSandboxApp } from "./helpers/sandbox-app.js";

const sandboxApp = useSandboxApp();
let sb: Sandbox;
beforeAll(() => void (sb = sandboxApp.sb));

// After every scenario: the app never called a route the sandbox does not model, and logged no
// error (the forged deliveries' rejections aside).
let logsSeen = 0;
afterEach(() => {
  expect(sb.unknownRoutes()).toEqual([]);
  const logs = sandboxApp.app.logs;
  const errors = logs.slice(logsSeen).filter((l) => /"level":(50|60)/.test(l) && !/signature does not match/.test(l));
  logsSeen = logs.length;
  expect(errors.map((l) => (JSON.parse(l) as { msg?: string }).msg)).toEqual([]);
});

function aiCommit(author: string, file: string, subject = "Update eval") {
  return { message: `${subject}\n\n${CLAUDE_TRAILER}`, author, files: [file] };
}

// The demo story itself runs once, through `npm run demo`'s own code (test/demo.test.ts).
describe("one pull request's run", () => {
  it("is updated in place on its head, offers Re-evaluate, and a story step expecting another conclusion is not ok", async () => {
    const repo = "acme/one-run";
    setUpDemoRepo(sb, repo);
    const pr = await sb.openPullRequest(repo, { author: "carol", head: "feat", commits: [aiCommit("alice", "evals/a.yaml")] });
    expect(sb.latestCheckRun(repo, pr.head_sha)?.conclusion).toBe("action_required");
    await sb.submitReview(repo, pr.number, "bob", "APPROVE");
    const runs = sb.checkRuns(repo, { sha: pr.head_sha, name: "Provenance Gate" });
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ external_id: String(pr.number), app_id: sb.appId, status: "completed", conclusion: "success" });
    expect(runs[0].actions.map((a) => a.identifier)).toContain("reevaluate");
    // A step whose conclusion differs from the expected one is not ok (the demo then exits 1).
    const wrong = await runStep({ sandbox: sb, repo, pr: pr.number }, 1, { actor: "bob", action: "nothing", expected: "failure", run: async () => undefined });
    expect(wrong).toMatchObject({ conclusion: "success", ok: false });
  });
});

describe("the shipped Octokit", () => {
  it("keeps one installation's check-run writes at least a second apart, as GitHub asks", async () => {
    // Its own sandbox and app with the Octokit exactly as shipped: the only test with real spacing.
    const shipped = await Sandbox.start();
    const app = await startAppAgainstSandbox(shipped);
    // When each write leaves its queue: what the app controls. The sandbox's arrival times add
    // the loopback's latency, which a loaded machine stretches by a tenth of a second either way.
    const left: number[] = [];
    const key = SHIPPED_QUEUES.write.key.bind(SHIPPED_QUEUES.write);
    const spy = vi.spyOn(SHIPPED_QUEUES.write, "key").mockImplementation((id: string) => {
      const queue = key(id);
      return {
        schedule: <A extends unknown[], R>(options: { priority?: number }, task: (...args: A) => R | Promise<R>, ...args: A) =>
          queue.schedule(options, (...a: A) => {
            left.push(performance.now());
            return task(...a);
          }, ...args),
      };
    });
    try {
      const repo = "acme/spaced";
      setUpDemoRepo(shipped, repo);
      const pr = await shipped.openPullRequest(repo, { author: "carol", head: "feat", commits: [aiCommit("alice", "evals/a.yaml")] });
      await shipped.submitReview(repo, pr.number, "bob", "APPROVE");
      await shipped.pushCommits(repo, pr.number, [aiCommit("alice", "evals/b.yaml", "More evals")]);
      await shipped.waitForIdle();
      expect(checkRunWrites(shipped.repo(repo))).toHaveLength(3);
      expect(left).toHaveLength(3);
      const gaps = left.slice(1).map((t, i) => t - left[i]);
      for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(990);
    } finally {
      spy.mockRestore();
      await app.stop();
      await shipped.close();
    }
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
    { name: "signed over a different body", forge: (body: string) => signBody(body.replace('"opened"', '"reopened"'), sandboxApp.app.secret) },
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
