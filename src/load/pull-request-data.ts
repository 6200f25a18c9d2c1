/**
 * One interface for "the pull request's data", whatever it comes from: the GitHub API (with
 * caching), a local git checkout, or an in-memory fake in tests. `buildSnapshot` turns any of
 * them into a Snapshot, asking only for what the decision needs.
 */
import type { CommitFile, Permission, SnapshotCommit, SnapshotFile, SnapshotPullRequest, SnapshotReview } from "../model/snapshot.js";

export interface PullRequestData {
  /** The pull request itself, including `last_push_at`. */
  pullRequest(): Promise<SnapshotPullRequest>;
  /** Every changed file; throws `IncompleteDataError` when the list cannot be read completely. */
  files(): Promise<SnapshotFile[]>;
  /** Every commit, oldest first, without `files`; throws `IncompleteDataError` when incomplete. */
  commits(): Promise<SnapshotCommit[]>;
  /** What one commit changed: paths, or entries naming a rename's or copy's source. */
  commitFiles(sha: string): Promise<CommitFile[]>;
  /**
   * Optional: what the consecutive commits `shas` (the first one's parent is `base`) changed
   * together, as one net change naming its renames and copies; undefined when one read cannot
   * tell it completely (then each commit is read).
   */
  runFiles?(base: string, shas: string[]): Promise<CommitFile[] | undefined>;
  /**
   * Optional: what each of the commits `shas` changed, read together, for those whose lists one
   * batched read can tell exactly as `commitFiles` would; the others are absent (then read with
   * `commitFiles`).
   */
  commitChanges?(shas: string[]): Promise<Map<string, CommitFile[]>>;
  /** Every review, in submission order, without `permission`/`teams`. */
  reviews(): Promise<SnapshotReview[]>;
  /** A user's permission on the repository. */
  permission(login: string): Promise<Permission>;
  /** Which of `teams` (as `org/slug`) the user belongs to. */
  teamsOf(login: string, teams: string[]): Promise<string[]>;
  /**
   * The git mode at the head of each of `paths` (changed files in a class), where links point,
   * and the blob each holds. For sources whose `files()` lacks modes (GitHub's REST list); a
   * source that fills `mode` and `sha` itself (local git) leaves it out.
   */
  fileModes?(paths: string[]): Promise<Map<string, { mode: string; link_target?: string; sha?: string }>>;
}

/**
 * The pull request cannot be read completely (too many files or commits, paging that does not add
 * up). Never evaluate a partial snapshot as if it were whole: this ends in a `failure` check.
 */
export class IncompleteDataError extends Error {
  override readonly name = "IncompleteDataError";
  constructor(
    message: string,
    /** What the author can do about it, e.g. "Split the pull request into smaller ones." */
    readonly remedy: string,
  ) {
    super(message);
  }
}
