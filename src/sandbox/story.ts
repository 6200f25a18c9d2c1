/**
 * Scenario steps against the sandbox with the real app attached: each step is an action by a
 * person (which sends a real webhook), then a read of the `Provenance Gate` check the app posted.
 * The demo prints these steps; the end-to-end tests assert them.
 */
import type { Conclusion } from "../model/verdict.js";
import type { Permission } from "../model/snapshot.js";
import { isoSeconds } from "./clock.js";
import { SandboxError, type Sandbox, type SandboxCheckRun } from "./sandbox.js";
import type { Delivery } from "./webhooks.js";

export const DEMO_REPO = "acme/models";

export const DEMO_POLICY = `version: 1

# Path classes: a changed file belongs to every class that matches it.
classes:
  eval:
    - "evals/**"
    - "benchmarks/**/tasks/**"
  data:
    - "data/**"
    - "datasets/**"
    - "**/*.parquet"
    - "!data/README.md"

rules:
  # No "from": anyone with write access who did not drive the AI session counts.
  - name: independent-review-for-ai-in-eval-and-data
    classes: [eval, data]
    when: ai-assisted
    require:
      approvals: 1
`;

export const CLAUDE_TRAILER = "Co-Authored-By: Claude <noreply@anthropic.com>";

export interface StepResult {
  step: number;
  /** Sandbox time of the action. */
  at: string;
  actor: string;
  action: string;
  /** `pull_request.opened`…, or `refused` when GitHub (the sandbox) rejected the action. */
  event: string;
  delivery_status: number | null;
  head_sha: string;
  expected: Conclusion;
  conclusion: string | null;
  title: string | null;
  /** A line worth showing under the step (why a review did not count, GitHub's refusal). */
  detail?: string;
  ok: boolean;
  ms: number;
}

/** Everything a step needs: the sandbox and the repository's PR number being followed. */
export interface StoryContext {
  sandbox: Sandbox;
  repo: string;
  pr: number;
}

export function setUpDemoRepo(sandbox: Sandbox, repo = DEMO_REPO, extra: Record<string, Permission> = {}): void {
  sandbox.addUser("alice", { name: "Alice Liddell", email: "alice@acme.example" });
  sandbox.addUser("bob", { name: "Bob Marley", email: "bob@acme.example" });
  sandbox.addUser("carol", { name: "Carol Danvers", email: "carol@acme.example" });
  sandbox.createRepo({
    repo,
    files: {
      ".provenance.yml": DEMO_POLICY,
      "README.md": "# models\n",
      "evals/long_context/README.md": "Long-context evals.\n",
      "data/README.md": "Data sets live here.\n",
    },
    collaborators: { alice: "write", bob: "write", carol: "write", ...extra },
  });
}

/** Total check-run writes in a repository: tells a step whether the app wrote anything. */
function writes(sandbox: Sandbox, repo: string): number {
  return sandbox.checkRuns(repo).reduce((n, r) => n + r.writes, 0);
}

/**
 * Runs one action and reads the resulting check on the PR's head. A delivery answered 200 means
 * Probot ran the handlers to the end; a 202 ("still processing", after 9 s) means poll.
 */
export async function runStep(
  ctx: StoryContext,
  step: number,
  spec: {
    actor: string;
    action: string;
    expected: Conclusion;
    run: () => Promise<Delivery | undefined>;
    sha?: () => string;
    /** Whose "review not counted" line to show under the step (default: the actor). */
    explain?: string;
  },
): Promise<StepResult> {
  const { sandbox, repo } = ctx;
  const started = performance.now();
  const before = writes(sandbox, repo);
  let event = "";
  let status: number | null = null;
  let detail: string | undefined;
  try {
    const d = await spec.run();
    event = d ? `${d.event}${d.action ? `.${d.action}` : ""}` : "";
    status = d?.status ?? null;
    if (status === 202) {
      const deadline = Date.now() + 20_000;
      while (writes(sandbox, repo) === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    }
  } catch (e) {
    if (!(e instanceof SandboxError)) throw e;
    event = "refused";
    status = e.status;
    detail = `GitHub answered ${e.status}: ${((e.errors as string[] | undefined) ?? [e.message]).join("; ")}`;
  }
  const sha = spec.sha ? spec.sha() : ctx.sandbox.pull(repo, ctx.pr).head_sha;
  const run = sandbox.latestCheckRun(repo, sha);
  if (!detail && run) detail = reasonFor(run, spec.explain ?? spec.actor);
  return {
    step,
    at: isoSeconds(sandbox.state.clock.now()),
    actor: spec.actor,
    action: spec.action,
    event,
    delivery_status: status,
    head_sha: sha,
    expected: spec.expected,
    conclusion: run?.conclusion ?? null,
    title: run?.output.title ?? null,
    ...(detail ? { detail } : {}),
    ok: run?.conclusion === spec.expected && (status === null || status < 300 || event === "refused"),
    ms: Math.round(performance.now() - started),
  };
}

/** The summary line saying why `login`'s review did not count, if it has one. */
export function reasonFor(run: SandboxCheckRun, login: string): string | undefined {
  const summary = run.output.summary ?? "";
  const lines = summary.split("\n");
  const start = lines.findIndex((l) => /reviews? not counted/i.test(l));
  if (start < 0) return undefined;
  const who = new RegExp(`@${login}\\b`, "i");
  for (const line of lines.slice(start + 1)) {
    if (/^#{1,6}\s/.test(line)) break;
    if (who.test(line)) return line.replace(/^[-*]\s+/, "").replace(/\*\*|`/g, "").trim();
  }
  return undefined;
}

/**
 * The demo story (issue 4): carol opens a PR with alice's Claude-Code-assisted commit to evals/;
 * carol cannot approve her own PR; alice's approval does not count (she drove the AI session);
 * bob's does; a new AI-assisted push makes bob's approval stale; bob approves again and merges.
 */
export async function runDemoStory(sandbox: Sandbox, repo = DEMO_REPO, onStep?: (s: StepResult) => void): Promise<StepResult[]> {
  const ctx: StoryContext = { sandbox, repo, pr: 0 };
  const approve = (login: string) => async () => (await sandbox.submitReview(repo, ctx.pr, login, "APPROVE")).delivery;
  const story: Parameters<typeof runStep>[2][] = [
    {
      actor: "carol",
      action: "opens PR: alice's Claude Code commit to evals/long_context/",
      expected: "action_required",
      run: async () => {
        const { number, delivery } = await sandbox.openPullRequest(repo, {
          author: "carol",
          head: "carol/long-context-evals",
          title: "Add long-context retrieval evals",
          body: "New retrieval tasks for the long-context suite.",
          commits: [
            {
              message: `Add long-context retrieval tasks\n\nDrafted with Claude Code, reviewed by me.\n\n${CLAUDE_TRAILER}`,
              author: "alice",
              files: ["evals/long_context/retrieval.yaml"],
            },
          ],
        });
        ctx.pr = number;
        return delivery;
      },
    },
    { actor: "carol", action: "tries to approve her own PR", expected: "action_required", run: approve("carol") },
    { actor: "alice", action: "approves", expected: "action_required", run: approve("alice") },
    { actor: "bob", action: "approves", expected: "success", run: approve("bob") },
    {
      actor: "carol",
      action: "pushes another Claude Code commit",
      expected: "action_required",
      explain: "bob",
      run: async () =>
        (
          await sandbox.pushCommits(repo, ctx.pr, [
            { message: `Add distractor passages\n\n${CLAUDE_TRAILER}`, author: "carol", files: ["evals/long_context/distractors.yaml"] },
          ])
        ).delivery,
    },
    { actor: "bob", action: "approves again", expected: "success", run: approve("bob") },
    // The record of decisions (SPEC §10) keeps the merge: what was merged is what was approved.
    { actor: "bob", action: "merges the PR", expected: "success", run: async () => (await sandbox.mergePullRequest(repo, ctx.pr, "bob")).delivery },
  ];
  const steps: StepResult[] = [];
  for (const [i, step] of story.entries()) {
    const result = await runStep(ctx, i + 1, step);
    steps.push(result);
    onStep?.(result);
  }
  return steps;
}
