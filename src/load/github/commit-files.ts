/**
 * What commits changed, on GitHub: one commit through `repos.getCommit` (its files on pages of
 * their own), a run of consecutive commits through one `repos.compareCommitsWithBasehead` (their
 * net change, with renames and copies naming their source as a commit's list does). A compare
 * answer is used only when it is provably the whole run: exactly the run's commits, and fewer
 * files than GitHub's cap on a comparison's file list; otherwise the commits are read one by one.
 */
import type { FileStatus, CommitFile as SnapshotCommitFile } from "../../model/snapshot.js";
import type { GitHubClient, RepoRef } from "./client.js";
import { readCompleteList, SPLIT_REMEDY } from "./pager.js";

/** GitHub lists at most 3,000 files of a commit, 100 a page at most. */
export const MAX_COMMIT_FILES = 3_000;
const FILES_PAGE = 100;
/** A comparison lists at most 300 files, without saying whether it left any off. */
export const COMPARE_FILES_CAP = 300;

interface ListedFile {
  filename: string;
  status: string;
  previous_filename?: string;
  /** The blob at `filename` after the change; GitHub answers null for a change of mode alone. */
  sha?: string | null;
}

export async function readCommitFiles(gh: GitHubClient, repo: RepoRef, sha: string): Promise<SnapshotCommitFile[]> {
  const files = await readCompleteList<ListedFile, number>({
    what: `files of commit ${sha.slice(0, 7)}`,
    start: 1,
    maxPages: MAX_COMMIT_FILES / FILES_PAGE,
    key: (file) => file.filename,
    tooLongRemedy: SPLIT_REMEDY,
    read: async (page) => {
      const { data, headers } = await gh.rest.repos.getCommit({ ...repo, ref: sha, per_page: FILES_PAGE, page });
      // Large commits continue on further pages, announced by a Link header.
      return { items: data.files ?? [], next: /rel="next"/.test(headers.link ?? "") ? page + 1 : null };
    },
  });
  return files.map(toCommitFile);
}

/** The net change of the commits `shas` (linear, `base` the first one's parent), or undefined when the answer may not be all of it. */
export async function readRunFiles(gh: GitHubClient, repo: RepoRef, base: string, shas: readonly string[]): Promise<SnapshotCommitFile[] | undefined> {
  const last = shas[shas.length - 1];
  const { data } = await gh.rest.repos.compareCommitsWithBasehead({ ...repo, basehead: `${base}...${last}` });
  const listed = data.commits.map((c) => c.sha);
  // A merge in the run brings commits of another branch: the comparison is then not the run's.
  if (data.total_commits !== shas.length || listed.length !== shas.length || listed.some((sha, i) => sha !== shas[i])) return undefined;
  const files = data.files ?? [];
  if (files.length >= COMPARE_FILES_CAP) return undefined;
  return files.map(toCommitFile);
}

/**
 * Renames and copies name their source, and every file that is still there names the blob it
 * left, so attribution follows the content (SPEC §4) — by name and by exact content. A
 * `previous_filename` always means a move; only a copy leaves its source in place.
 */
function toCommitFile(file: ListedFile): SnapshotCommitFile {
  const blob = file.status !== "removed" && file.sha ? { sha: file.sha } : {};
  if (file.previous_filename) {
    return { filename: file.filename, status: file.status === "copied" ? "copied" : "renamed", previous_filename: file.previous_filename, ...blob };
  }
  // The answer's status is checked against GitHub's enum, which is the snapshot's (`exchange-check.ts`).
  return blob.sha ? { filename: file.filename, status: file.status as FileStatus, ...blob } : file.filename;
}
