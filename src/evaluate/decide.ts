/**
 * `decide(input, siblings) → Decision`: every conclusion and title the app or the CLI posts, in
 * one pure place. A verdict, a repository without a policy, an evaluation that failed, a merge
 * group, and other open pull requests on the same head commit all end here; `report/` renders
 * the decision it is given and `app/` posts it, and neither picks a conclusion or a title.
 */
import type { RuleResult, Conclusion, Verdict, VerdictError } from "../model/verdict.js";
import { shortSha } from "../shared/format.js";

/** Why the app could not evaluate: a failure run says what failed and what the author can do. */
export interface EvaluationProblem {
  /** Machine-readable kind, e.g. `github-api`, `incomplete`, `graphql`, `internal`. */
  kind: string;
  /** What went wrong, naming the failed request or condition. */
  message: string;
  /** What the author can do about it. */
  remedy: string;
}

/** What the app knows of a merge group's queued pull request (SPEC §7). */
export interface MergeGroupFacts {
  pullNumber: number;
  /** The head SHA the merge queue entry was made from (`pr-<N>-<sha>`). */
  queuedSha: string;
  /** The pull request's head SHA now, if it could be read. */
  currentSha?: string;
  /** The conclusion posted on the pull request, if it could be evaluated and posted. */
  prConclusion?: Conclusion;
  prTitle?: string;
  /** Why the group cannot be judged at all (e.g. the branch name does not parse). */
  problem?: string;
}

/** Another open pull request whose head is the same commit, as its latest run on it says. */
export interface SiblingPullRequest {
  number: number;
  /** That pull request's own conclusion. */
  own: Conclusion;
  title: string;
}

export type DecisionInput =
  | {
      kind: "verdict";
      verdict: Verdict;
      /** Sources that could not be read while loading (a malformed git-ai note, a bad trace line): said, never decisive. */
      warnings?: readonly string[];
      /**
       * Stretches of plain commits left unread because nothing they could carry changes the
       * result (load/build-snapshot.ts): the files they moved AI output into are not listed.
       */
      unreadStretches?: number;
    }
  /** Neither the base branch nor the owner's `.github` repository has a policy. */
  | { kind: "no-policy"; searched: readonly string[] }
  | { kind: "error"; problem: EvaluationProblem }
  | { kind: "merge-group"; group: MergeGroupFacts };

export interface Decision {
  /** What the check run posts. */
  conclusion: Conclusion;
  title: string;
  /** The pull request's own conclusion and title, before other pull requests on its commit count. */
  own: Conclusion;
  ownTitle: string;
  input: DecisionInput;
  /** The open pull requests on the same head commit whose own result is worse, in the order given. */
  blockedBy: SiblingPullRequest[];
  /** For a merge group: the sentence that explains its conclusion. */
  reason?: string;
  /** What the record of decisions notes beside the conclusion (the strict fallback's reason). */
  note: string | null;
}

export const NO_POLICY_TITLE = "No provenance policy";
export const ERROR_TITLE = "Provenance Gate could not evaluate this pull request";

const SEVERITY: Record<Conclusion, number> = { success: 0, action_required: 1, failure: 2 };

/** Every conclusion the app may post. GitHub counts `neutral` and `skipped` as passing: never those. */
export const CONCLUSIONS: readonly Conclusion[] = Object.keys(SEVERITY) as Conclusion[];

export function isConclusion(value: unknown): value is Conclusion {
  return typeof value === "string" && Object.hasOwn(SEVERITY, value);
}

/** The verdict's conclusion: an unfit snapshot or a forbidden change fails, a pending rule waits. */
export function verdictConclusion(rules: readonly RuleResult[], errors: readonly VerdictError[]): Conclusion {
  if (errors.length > 0 || rules.some((r) => r.status === "forbidden")) return "failure";
  return rules.some((r) => r.status === "pending") ? "action_required" : "success";
}

/**
 * GitHub decides a required check per commit, from the newest run of that name, whichever pull
 * request it was posted for. Two open pull requests with the same head commit (say, one into
 * `main` and one into a branch without a policy) would let the lenient one's run open the other.
 * So a run posts the worst own conclusion of every open pull request with its head commit, and
 * its title names the first pull request that blocks.
 */
export function decide(input: DecisionInput, siblings: readonly SiblingPullRequest[] = []): Decision {
  const { conclusion: own, title: ownTitle, reason } = decideOwn(input);
  const note = input.kind === "verdict" && input.verdict.policy.fallback_reason ? `strict fallback policy: ${input.verdict.policy.fallback_reason}` : null;
  const blockedBy = siblings.filter((s) => SEVERITY[s.own] > SEVERITY[own]);
  const decision: Decision = { conclusion: own, title: ownTitle, own, ownTitle, input, blockedBy, note, ...(reason !== undefined ? { reason } : {}) };
  if (blockedBy.length === 0) return decision;
  const worst = blockedBy.reduce<Conclusion>((c, s) => (SEVERITY[s.own] > SEVERITY[c] ? s.own : c), own);
  const first = blockedBy[0];
  return { ...decision, conclusion: worst, title: `Blocked by pull request #${first.number} on the same commit: ${first.title}` };
}

function decideOwn(input: DecisionInput): { conclusion: Conclusion; title: string; reason?: string } {
  switch (input.kind) {
    case "verdict":
      return { conclusion: input.verdict.conclusion, title: input.verdict.title };
    case "no-policy":
      // Nothing is enforced without a policy (SPEC §2).
      return { conclusion: "success", title: NO_POLICY_TITLE };
    case "error":
      // A required check is never left missing, nor passed on partial information.
      return { conclusion: "failure", title: ERROR_TITLE };
    case "merge-group":
      return decideMergeGroup(input.group);
  }
}

/** A merge group passes only when the queued pull request passes at exactly the queued commit. */
function decideMergeGroup(group: MergeGroupFacts): { conclusion: Conclusion; title: string; reason: string } {
  const pr = `#${group.pullNumber}`;
  const queued = shortSha(group.queuedSha);
  if (group.problem) return { conclusion: "failure", title: "Provenance Gate cannot judge this merge group", reason: group.problem };
  if (group.currentSha !== undefined && group.currentSha !== group.queuedSha) {
    return {
      conclusion: "failure",
      title: `Pull request ${pr} changed after it was queued`,
      reason: `The queue entry was made from ${queued}, but ${pr}'s head is now ${shortSha(group.currentSha)}. Re-queue the pull request once its own check passes.`,
    };
  }
  if (group.prConclusion === "success" && group.currentSha === group.queuedSha) {
    // Success needs the queued commit confirmed as the pull request's head, not merely unrefuted.
    return { conclusion: "success", title: `Pull request ${pr} passed Provenance Gate at ${queued}`, reason: `${pr} passed at ${queued}: ${group.prTitle ?? "success"}.` };
  }
  if (group.prConclusion) {
    return {
      conclusion: "failure",
      title: `Pull request ${pr} does not pass Provenance Gate`,
      reason: `${pr} at ${queued}: ${group.prTitle ?? group.prConclusion}. See the check on the pull request for what unblocks it.`,
    };
  }
  return {
    conclusion: "failure",
    title: `Pull request ${pr} could not be evaluated`,
    reason: `${pr} could not be evaluated${group.prTitle ? `: ${group.prTitle}` : ""}. Re-queue it after its own check passes.`,
  };
}

/** What stands for the policy's path where there is none, naming the places searched. */
export function noPolicyPath(searched: readonly string[]): string {
  return `(none: looked in ${searched.join(", ")})`;
}

/**
 * The CLI's verdict for a repository without a policy: the decision as a Verdict, so JSON
 * consumers get the same shape as always, saying where it looked.
 */
export function noPolicyVerdict(at: { repository: string; pull_number: number; head_sha: string }, lookedIn: string, now: Date): Verdict {
  const { conclusion, title } = decide({ kind: "no-policy", searched: [lookedIn] });
  return {
    conclusion,
    title,
    repository: at.repository,
    pull_number: at.pull_number,
    head_sha: at.head_sha,
    rules: [],
    files: [],
    ai: { assisted: false, tools: [], signals: [], hints: [] },
    session_authors: [],
    session_author_details: [],
    unresolved_authors: [],
    counted: [],
    disqualified: [],
    errors: [],
    config_errors: [],
    policy: { path: noPolicyPath([lookedIn]) },
    evaluated_at: now.toISOString(),
  };
}
