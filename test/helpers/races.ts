/**
 * The races replicas must survive (SPEC 7.1), staged the same way against any store: a slow
 * answer from the sandbox (`slow` fault) orders them, so each fails the same way every time when
 * the coordination is missing. Deliveries go to the replica named, as a load balancer sends them.
 */
import { expect } from "vitest";
import type { Sandbox } from "../../src/sandbox/sandbox.js";
import { checkRunWrites } from "../../src/sandbox/rest.js";
import type { Delivery } from "../../src/sandbox/webhooks.js";
import { aiCommit, conclusions, gatedRepo } from "./fault-app.js";

export interface RaceReplica {
  webhookUrl: string;
  deliver(event: string, payload: Record<string, unknown>): Promise<Delivery>;
}

/** Resolves once `condition()` holds; throws after `ms`. */
export async function until(condition: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * An AI-assisted pull request (action_required, posted by `first`); bob approves (delivered to
 * `first`), and while that evaluation waits for the AI commit's files he requests changes (delivered
 * to `second`). The correct end state is action_required; the approval's green must never be
 * shown. Returns the newest conclusion and every conclusion written.
 */
export async function approvalThenChangesRequested(sb: Sandbox, secret: string, repo: string, first: RaceReplica, second: RaceReplica) {
  gatedRepo(sb, repo);
  sb.setWebhook(first.webhookUrl, secret);
  const pr = await sb.openPullRequest(repo, { author: "carol", head: "feat", commits: [aiCommit("carol", "evals/a.yaml")] });
  // Once posted: on a busy machine Probot may answer the delivery (202) before the evaluation ends.
  await sb.waitForCheckRun(repo, pr.head_sha);
  expect(conclusions(sb, repo, pr.head_sha)).toEqual(["action_required"]);
  const key = "repos.getCommit slow";
  const before = sb.http.faults.hits[key] ?? 0;
  sb.http.faults.add({ operation: "repos.getCommit", repo, fault: "slow", delayMs: 1_500, times: 1 });
  const approval = sb.submitReview(repo, pr.number, "bob", "APPROVE");
  await until(() => (sb.http.faults.hits[key] ?? 0) > before);
  sb.setWebhook(second.webhookUrl, secret);
  const changes = sb.submitReview(repo, pr.number, "bob", "REQUEST_CHANGES");
  await Promise.all([approval, changes]);
  await sb.waitForIdle();
  return { latest: sb.latestCheckRun(repo, pr.head_sha)?.conclusion, written: checkRunWrites(sb.repo(repo)).map((w) => w.conclusion) };
}

/** `opened` to `first` and `labeled` to `second`, at once, for a new pull request: the delivery statuses and our runs on the head. */
export async function openedAndLabeledAtOnce(sb: Sandbox, repo: string, first: RaceReplica, second: RaceReplica) {
  gatedRepo(sb, repo);
  const pr = await sb.openPullRequest(repo, { author: "carol", head: "feat", commits: [aiCommit("carol", "evals/a.yaml")], deliver: false });
  const opened = sb.pullRequestEvent(repo, pr.number, "opened");
  sb.pull(repo, pr.number).labels = ["needs-review"];
  const labeled = { ...sb.pullRequestEvent(repo, pr.number, "labeled"), label: { name: "needs-review" } };
  const deliveries = await Promise.all([first.deliver("pull_request", opened), second.deliver("pull_request", labeled)]);
  await sb.waitForIdle();
  return { statuses: deliveries.map((d) => d.status), runs: conclusions(sb, repo, pr.head_sha) };
}
