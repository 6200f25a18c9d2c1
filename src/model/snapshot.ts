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
   * What this commit changed: a path, or an entry naming a rename or copy with its source (so
   * attribution can follow the content to its new name). A bare path on both sides of a rename
   * means the same as before: both paths changed. Loaders list the files of every commit from
   * the first AI-marked commit or the first commit by a would-be approver on; they may leave it
   * out for earlier commits. A commit without it is treated as touching every file of the pull
   * request (the safe direction), and as renaming nothing.
   */
  files?: CommitFile[];
  /**
   * Line-level AI attestations for this commit from git-ai notes or Agent Trace records (SPEC §9),
   * filled by loaders that can read them. Optional: a snapshot without them means what it meant.
   */
  ai_records?: AiRecord[];
}

/** One file a commit changed: a bare path, or an entry shaped like GitHub's commit file. */
export type CommitFile = string | CommitFileEntry;

export interface CommitFileEntry {
  filename: string;
  status: FileStatus;
  /** The source of a rename or copy. */
  previous_filename?: string;
  /**
   * The blob the commit left at `filename` (GitHub's commit file `sha`, git's `--raw` object), when
   * the loader knows it: a blob an AI-marked commit wrote is AI content wherever it turns up later.
   */
  sha?: string;
}

/** Git's id of the empty blob: every empty file has it, so it says nothing about where content came from. */
export const EMPTY_BLOB = "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391";

/** Git file modes that are not plain files: links can make other paths reach a protected one. */
export const SYMLINK_MODE = "120000";
export const SUBMODULE_MODE = "160000";

export type FileStatus = "added" | "removed" | "modified" | "renamed" | "copied" | "changed" | "unchanged";

export interface SnapshotFile {
  filename: string;
  status: FileStatus;
  previous_filename?: string;
  /** The git file mode at the head (`100644`, `100755`, `120000` link, `160000` submodule), when known. */
  mode?: string;
  /** Where a link points (a symlink's target path, a submodule's commit), for messages. */
  link_target?: string;
  /** The blob at the head (absent for removals and submodules), when the loader knows it. */
  sha?: string;
}

export type ReviewState = "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED" | "DISMISSED" | "PENDING";

/** A person's permission on the repository, strongest first (GitHub's roles). */
export const PERMISSIONS = ["admin", "maintain", "write", "triage", "read", "none"] as const;
export type Permission = (typeof PERMISSIONS)[number];

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
  /**
   * Logins that pushed to the head branch while the pull request was open (each `synchronize`
   * sender). Default: none besides the author.
   */
  pushers?: string[];
  /** The pull request's assignees (for an agent's pull request: the people who asked it). */
  assignees?: string[];
  /**
   * People GitHub records as asking an agent account for work on this pull request: the actor of
   * each assignment of an account to it (`via: "assigned"`, `agent`: the assignee), and the author
   * of each comment or review that mentions an agent's handle (`via: "mentioned"`, `agent`: the
   * handle without `@`). Whether one counts is the evaluator's judgement: only when that agent's
   * tool worked on the pull request through its own account.
   */
  requesters?: SnapshotRequester[];
}

export interface SnapshotRequester {
  login: string;
  agent: string;
  via: "assigned" | "mentioned";
}

/** GitHub lists at most this many files of a pull request (REST and GraphQL alike). */
export const GITHUB_MAX_PR_FILES = 3000;

/**
 * What a loader knows about who writes under an e-mail beyond GitHub's own answer: the CLI's
 * `--identity EMAIL=LOGIN` and the base's `.mailmap`. It only ever adds: a login ties the
 * address to an account, an alias names another address of the same person.
 */
export interface SnapshotIdentity {
  email: string;
  login?: string;
  aliases?: string[];
}

export interface Snapshot {
  repository: string;
  pull_request: SnapshotPullRequest;
  files: SnapshotFile[];
  commits: SnapshotCommit[];
  reviews: SnapshotReview[];
  /** Optional; see `SnapshotIdentity`. */
  identities?: SnapshotIdentity[];
}
