/**
 * The record of decisions (SPEC §10): what one audit record holds and how it is chained.
 *
 * `hash` = hex SHA-256 of the record's canonical JSON (RFC 8785, `canonicalize`) without `hash`
 * and without fields that are null, with `prev_hash` inside it: anyone can recompute the chain
 * with any JCS implementation, and a column added later (null in old rows) leaves old hashes valid.
 */
import { createHash } from "node:crypto";
import canonicalizeModule from "canonicalize";
import { shortSha } from "../shared/format.js";

// canonicalize 2.x is CommonJS (`module.exports = fn`) but its types declare an ES default export.
const canonicalize = canonicalizeModule as unknown as (value: unknown) => string | undefined;

export const AUDIT_KINDS = ["evaluation", "merge", "gap"] as const;
export type AuditKind = (typeof AUDIT_KINDS)[number];

/** The chain's first `prev_hash`. */
export const GENESIS_HASH = "0".repeat(64);

export interface RuleRecord {
  name: string;
  status: string;
  /** Logins whose approval counted for the rule. */
  counted: string[];
}

/** What the app hands the store: a record before the store numbers and chains it. */
export interface AuditDraft {
  /** When the result was posted (or the merge happened), ISO 8601 UTC with milliseconds. */
  at: string;
  kind: AuditKind;
  repository: string | null;
  pull_request: number | null;
  head_sha: string | null;
  base_ref: string | null;
  policy_path: string | null;
  policy_blob: string | null;
  conclusion: string | null;
  title: string | null;
  rules: RuleRecord[];
  session_authors: string[];
  tools: string[];
  delivery_id: string | null;
  /** The check run the result was posted as (evaluation records). */
  check_run_id: number | null;
  // ── merge records ──
  merge_commit_sha: string | null;
  merged_by: string | null;
  merged_at: string | null;
  /**
   * The merged head is the head of the PR's latest result and that result is `success`. Left
   * undefined by the app: the store decides it inside the append, from the records before it.
   */
  approved_head_matches: boolean | null | undefined;
  // ── gap records: an outage of the store, or records it never received ──
  dropped: number | null;
  note: string | null;
}

export interface AuditRecord extends AuditDraft {
  seq: number;
  approved_head_matches: boolean | null;
  prev_hash: string;
  hash: string;
}

/** A draft with every optional field null: callers name only what they know. */
export function draft(fields: Partial<AuditDraft> & Pick<AuditDraft, "at" | "kind">): AuditDraft {
  return {
    repository: null,
    pull_request: null,
    head_sha: null,
    base_ref: null,
    policy_path: null,
    policy_blob: null,
    conclusion: null,
    title: null,
    rules: [],
    session_authors: [],
    tools: [],
    delivery_id: null,
    check_run_id: null,
    merge_commit_sha: null,
    merged_by: null,
    merged_at: null,
    approved_head_matches: fields.kind === "merge" ? undefined : null,
    dropped: null,
    note: null,
    ...fields,
  };
}

/** The fields of a record in the order export prints them. */
export const RECORD_FIELDS = [
  "seq",
  "at",
  "kind",
  "repository",
  "pull_request",
  "head_sha",
  "base_ref",
  "policy_path",
  "policy_blob",
  "conclusion",
  "title",
  "rules",
  "session_authors",
  "tools",
  "delivery_id",
  "check_run_id",
  "merge_commit_sha",
  "merged_by",
  "merged_at",
  "approved_head_matches",
  "dropped",
  "note",
  "prev_hash",
  "hash",
] as const satisfies readonly (keyof AuditRecord)[];

export function canonicalJson(record: Omit<AuditRecord, "hash"> | AuditRecord): string {
  const body: Record<string, unknown> = {};
  for (const field of RECORD_FIELDS) {
    if (field === "hash") continue;
    const value = (record as AuditRecord)[field];
    if (value !== null && value !== undefined) body[field] = value;
  }
  return canonicalize(body) as string;
}

export function recordHash(record: Omit<AuditRecord, "hash"> | AuditRecord): string {
  return createHash("sha256").update(canonicalJson(record), "utf8").digest("hex");
}

/** Numbers and chains a draft as the record after `previous` (undefined: the first record). */
export function chain(d: AuditDraft, previous: { seq: number; hash: string } | undefined): AuditRecord {
  const unhashed = {
    ...d,
    approved_head_matches: d.approved_head_matches ?? null,
    seq: (previous?.seq ?? 0) + 1,
    prev_hash: previous?.hash ?? GENESIS_HASH,
  };
  return { ...unhashed, hash: recordHash(unhashed) };
}

/**
 * A merge record completed from the pull request's latest evaluation record: the gate's state
 * at the merge (rules, who counted, who drove the AI, the policy) travels with the merge, so an
 * export of merges alone answers an auditor; and whether what was merged is what was approved.
 */
export function completeMerge(merge: AuditDraft, latest: AuditRecord | undefined): AuditDraft {
  if (merge.kind !== "merge" || merge.approved_head_matches !== undefined) return merge;
  const matches = latest !== undefined && latest.conclusion === "success" && latest.head_sha === merge.head_sha;
  if (!latest) return { ...merge, approved_head_matches: false, note: merge.note ?? "no result of the gate is recorded for this pull request" };
  return {
    ...merge,
    base_ref: merge.base_ref ?? latest.base_ref,
    policy_path: latest.policy_path,
    policy_blob: latest.policy_blob,
    conclusion: latest.conclusion,
    title: latest.title,
    rules: latest.rules,
    session_authors: latest.session_authors,
    tools: latest.tools,
    approved_head_matches: matches,
    note:
      merge.note ??
      (matches
        ? null
        : latest.head_sha !== merge.head_sha
          ? `merged head ${short(merge.head_sha)} is not the head of the latest result (${short(latest.head_sha)}, record ${latest.seq})`
          : `the latest result on the merged head is ${latest.conclusion} (record ${latest.seq})`),
  };
}

function short(sha: string | null): string {
  return sha ? shortSha(sha) : "unknown";
}

/** `at` values: ISO 8601 UTC with milliseconds, so they sort as text in both stores. */
export function isoMillis(date: Date): string {
  return date.toISOString();
}
