/**
 * The snapshot: everything the decision needs about one pull request at one head SHA
 * (SPEC §5). Loaders fill it (GitHub API, local git, a JSON file); `evaluate` reads only it.
 * Shapes follow GitHub's REST objects so a snapshot can be written by hand from an API dump.
 */
import type { AiRecord } from "../provenance-records/record.js";

/** A git identity as GitHub reports it on a commit; `login` is null when GitHub ties no account to the e-mail. */
export interface GitIdentity {
  login: string | null;
  name: string;
  email: string;
  /** GitHub account type ("User" | "Bot" | "Organization"), when known. */
  type?: string;
}

export interface SnapshotCommit {
  sha: string;
  message: string;
  author: GitIdentity;
  committer: GitIdentity;
  /**
   * Repository paths this commit changed (both sides of a rename). Loaders may leave it out for
   * commits that carry no AI marker; an AI-marked commit without it is treated as touching every
   * file of the pull request (the safe direction).
   */
  files?: string[];
  /**
   * Line-level AI attestations for this commit from git-ai notes or Agent Trace records (SPEC §9),
   * filled by loaders that can read them. Optional: a snapshot without them means what it meant.
   */
  ai_records?: AiRecord[];
}

export type FileStatus = "added" | "removed" | "modified" | "renamed" | "copied" | "changed" | "unchanged";

export interface SnapshotFile {
  filename: string;
  status: FileStatus;
  previous_filename?: string;
}

export type ReviewState = "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED" | "DISMISSED" | "PENDING";

export type Permission = "admin" | "maintain" | "write" | "triage" | "read" | "none";

export interface SnapshotReview {
  user: { login: string; type?: string };
  state: ReviewState;
  submitted_at: string;
  /** The reviewer's permission on the repository, filled by the loader. */
  permission?: Permission;
  /** Teams the reviewer belongs to, as `org/slug`, filled by the loader for `from` teams. */
  teams?: string[];
  /** The head SHA GitHub reports for the review. Informational only: GitHub re-points it after a force-push. */
  commit_id?: string;
}

export interface SnapshotPullRequest {
  number: number;
  author: string;
  author_type?: string;
  base_ref: string;
  head_ref: string;
  head_sha: string;
  labels: string[];
  body: string;
  /** When the current head was pushed; reviews at or before it are stale. */
  last_push_at: string;
  /** GitHub's own count of changed files; when present, the file list must add up to it. */
  changed_files?: number;
  /** GitHub's own count of commits; when present, the commit list must add up to it. */
  commits?: number;
}

/** GitHub lists at most this many files of a pull request (REST and GraphQL alike). */
export const GITHUB_MAX_PR_FILES = 3000;

export interface Snapshot {
  repository: string;
  pull_request: SnapshotPullRequest;
  files: SnapshotFile[];
  commits: SnapshotCommit[];
  reviews: SnapshotReview[];
}
