/**
 * The app's results as audit records: what was posted (the check run's conclusion and title,
 * which may be stricter than the pull request's own verdict when others share its commit), and
 * the verdict behind it (rules, who counted, who drove the AI, which tools, which policy).
 */
import type { CheckRunOutput } from "../report/check-run.js";
import type { Verdict } from "../model/verdict.js";
import { draft, isoMillis, type AuditDraft } from "./record.js";
import type { AuditRecorder } from "./writer.js";

export interface ResultToRecord {
  repository: { owner: string; repo: string };
  pullNumber: number;
  baseRef?: string;
  verdict?: Verdict;
  output: Pick<CheckRunOutput, "conclusion" | "title">;
  /** What the decision notes beside its conclusion (see `decide`). */
  note?: string | null;
  publish: { kind: string; headSha: string; id?: number };
}

/** Hands the result to the recorder when it was written to GitHub (not unchanged, not stale). */
export function recordResult(deps: { audit?: AuditRecorder; deliveryId?: string; now: () => Date }, result: ResultToRecord): void {
  if (!deps.audit || (result.publish.kind !== "created" && result.publish.kind !== "updated")) return;
  deps.audit.record(evaluationRecord(result, deps.deliveryId, deps.now()));
}

export function evaluationRecord(result: ResultToRecord, deliveryId: string | undefined, at: Date): AuditDraft {
  const { verdict } = result;
  return draft({
    at: isoMillis(at),
    kind: "evaluation",
    // As the merge record names it (from the event), so the merge finds this record.
    repository: `${result.repository.owner}/${result.repository.repo}`,
    pull_request: result.pullNumber,
    head_sha: result.publish.headSha,
    base_ref: result.baseRef ?? verdict?.policy.ref?.replace(/^refs\/heads\//, "") ?? null,
    policy_path: verdict?.policy.path ?? null,
    policy_blob: verdict?.policy.blob_sha ?? null,
    conclusion: result.output.conclusion,
    title: result.output.title,
    rules: (verdict?.rules ?? []).map((rule) => ({ name: rule.name, status: rule.status, counted: [...rule.counted] })),
    session_authors: [...(verdict?.session_authors ?? [])],
    tools: [...(verdict?.ai.tools ?? [])],
    delivery_id: deliveryId ?? null,
    check_run_id: result.publish.id ?? null,
    note: result.note ?? null,
  });
}

/** The fields of `pull_request.closed` a merge record reads. */
export interface MergedPullRequest {
  repository: { owner: { login: string }; name: string };
  pull_request: {
    number: number;
    merged?: boolean | null;
    merge_commit_sha?: string | null;
    merged_at?: string | null;
    merged_by?: { login: string } | null;
    head: { sha: string };
    base: { ref: string };
  };
}

/** A merge record for `pull_request.closed` with `merged: true`; undefined for a PR closed unmerged. */
export function mergeRecord(payload: MergedPullRequest, deliveryId: string | undefined, at: Date): AuditDraft | undefined {
  const pr = payload.pull_request;
  if (pr.merged !== true) return undefined;
  return draft({
    at: isoMillis(at),
    kind: "merge",
    repository: `${payload.repository.owner.login}/${payload.repository.name}`,
    pull_request: pr.number,
    head_sha: pr.head.sha,
    base_ref: pr.base.ref,
    delivery_id: deliveryId ?? null,
    merge_commit_sha: pr.merge_commit_sha ?? null,
    merged_by: pr.merged_by?.login.toLowerCase() ?? null,
    merged_at: pr.merged_at ?? null,
  });
}
