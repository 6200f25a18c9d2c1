/**
 * Small builders for snapshots and policies in tests. Defaults describe a quiet pull request:
 * carol changes nothing, nobody reviews, the policy protects `evals/**` and `data/**`.
 */
import type { Policy, Rule } from "../../src/model/policy.js";
import { FLOOR_CLASS_NAME } from "../../src/model/policy.js";
import { floorClass, floorRule } from "../../src/policy/index.js";
import type { CommitFile, GitIdentity, Snapshot, SnapshotCommit, SnapshotRequester, SnapshotReview } from "../../src/model/snapshot.js";

export const PUSHED_AT = "2026-11-20T10:00:00Z";
export const AFTER_PUSH = "2026-11-20T11:00:00Z";
export const BEFORE_PUSH = "2026-11-20T09:00:00Z";
export const CLAUDE_TRAILER = "Co-Authored-By: Claude Opus 4.6 <noreply@anthropic.com>";

export function person(login: string | null, name = login ?? "Someone", email = `${(login ?? name).toLowerCase()}@acme.example`): GitIdentity {
  return { login, name, email, type: "User" };
}

let counter = 0;
export function sha(seed?: string): string {
  const base = (seed ?? `c${++counter}`).split("").map((c) => c.charCodeAt(0).toString(16)).join("");
  return (base + "0".repeat(40)).slice(0, 40);
}

export function commit(opts: Partial<SnapshotCommit> & { by?: string; ai?: boolean; files?: CommitFile[] }): SnapshotCommit {
  const who = person(opts.by ?? "alice");
  return {
    sha: opts.sha ?? sha(),
    message: opts.message ?? `Change things${opts.ai ? `\n\n${CLAUDE_TRAILER}` : ""}`,
    author: opts.author ?? who,
    committer: opts.committer ?? who,
    files: opts.files,
  };
}

export function review(login: string, opts: Partial<SnapshotReview> = {}): SnapshotReview {
  return {
    user: { login, type: "User" },
    state: "APPROVED",
    submitted_at: AFTER_PUSH,
    permission: "write",
    teams: [],
    ...opts,
  };
}

export function snapshot(opts: {
  author?: string;
  files?: Snapshot["files"] | string[];
  commits?: SnapshotCommit[];
  reviews?: SnapshotReview[];
  labels?: string[];
  body?: string;
  head_ref?: string;
  changed_files?: number;
  commit_count?: number;
  pushers?: string[];
  assignees?: string[];
  requesters?: SnapshotRequester[];
} = {}): Snapshot {
  const files = (opts.files ?? ["evals/tasks/t1.yaml"]).map((f) => (typeof f === "string" ? { filename: f, status: "modified" as const } : f));
  return {
    repository: "acme/models",
    pull_request: {
      number: 42,
      author: opts.author ?? "carol",
      author_type: "User",
      base_ref: "main",
      head_ref: opts.head_ref ?? "feature/x",
      head_sha: "f".repeat(40),
      labels: opts.labels ?? [],
      body: opts.body ?? "",
      last_push_at: PUSHED_AT,
      ...(opts.changed_files !== undefined ? { changed_files: opts.changed_files } : {}),
      ...(opts.commit_count !== undefined ? { commits: opts.commit_count } : {}),
      ...(opts.pushers !== undefined ? { pushers: opts.pushers } : {}),
      ...(opts.assignees !== undefined ? { assignees: opts.assignees } : {}),
      ...(opts.requesters !== undefined ? { requesters: opts.requesters } : {}),
    },
    files,
    commits: opts.commits ?? [],
    reviews: opts.reviews ?? [],
  };
}

/** The product's own floor rule, so evaluator tests cannot drift from what the parser adds. */
export const FLOOR: Rule = floorRule();

export function rule(r: Partial<Rule> & { name?: string }): Rule {
  return { name: r.name ?? "review-ai", classes: r.classes ?? ["eval", "data"], when: r.when ?? "ai-assisted", forbid: r.forbid ?? false, ...(r.forbid ? {} : { require: r.require ?? { approvals: 1 } }), ...(r.tools ? { tools: r.tools } : {}) };
}

export function policy(opts: { rules?: Rule[]; classes?: Record<string, string[]>; tools?: Policy["ai"]["tools"]; labels?: string[] } = {}): Policy {
  const classes = opts.classes ?? { eval: ["evals/**"], data: ["data/**", "**/*.parquet", "!data/README.md"] };
  return {
    version: 1,
    classes: {
      ...Object.fromEntries(Object.entries(classes).map(([k, ps]) => [k, ps.map((p) => (p.startsWith("!") ? { pattern: p.slice(1), negate: true } : { pattern: p, negate: false }))])),
      [FLOOR_CLASS_NAME]: floorClass(),
    },
    ai: { labels: opts.labels ?? ["ai-assisted"], tools: opts.tools ?? {} },
    rules: [...(opts.rules ?? [rule({})]), FLOOR],
    source: { path: ".provenance.yml", ref: "main", blob_sha: "b".repeat(40) },
  };
}
