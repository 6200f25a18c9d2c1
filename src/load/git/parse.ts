/**
 * Parsers for git's NUL-separated (`-z`) output. NUL cannot occur in a path or a commit message
 * that git itself writes, so these parse any content safely — newlines, tabs, quotes, Unicode.
 */
import type { FileStatus, GitIdentity, SnapshotFile } from "../../model/snapshot.js";
import { GitError } from "./run-git.js";
import { resolveIdentity } from "../../shared/identity.js";

/** `git log -z --format=` fields, in order; `%B` (the raw message) must stay last. */
export const LOG_FORMAT = ["%H", "%P", "%an", "%ae", "%cn", "%ce", "%cI", "%B"].join("%x00");
const LOG_FIELDS = 8;

export interface LoggedCommit {
  sha: string;
  parents: string[];
  author: GitIdentity;
  committer: GitIdentity;
  /** Strict ISO 8601 committer date. */
  committedAt: string;
  message: string;
}

/** Parses `git log -z --format=LOG_FORMAT`: fields are NUL-separated, and so are commits. */
export function parseLog(output: string): LoggedCommit[] {
  if (output === "") return [];
  const parts = output.split("\0");
  // `-z` terminates the last record with NUL too on some versions, not on others.
  if (parts.length % LOG_FIELDS === 1 && parts[parts.length - 1] === "") parts.pop();
  if (parts.length % LOG_FIELDS !== 0) throw new GitError("unexpected `git log` output (fields do not line up)");
  const commits: LoggedCommit[] = [];
  for (let i = 0; i < parts.length; i += LOG_FIELDS) {
    const [sha, parents, an, ae, cn, ce, cdate, message] = parts.slice(i, i + LOG_FIELDS) as string[];
    // With -z, git separates records by NUL but may leave the previous record's newline behind.
    const cleanSha = sha.replace(/^\n+/, "");
    if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(cleanSha)) throw new GitError(`unexpected \`git log\` output near "${cleanSha.slice(0, 20)}"`);
    commits.push({
      sha: cleanSha,
      parents: parents.split(" ").filter(Boolean),
      author: identity(an, ae),
      committer: identity(cn, ce),
      committedAt: cdate,
      // GitHub reports messages without git's trailing newline.
      message: message.replace(/\n+$/, ""),
    });
  }
  return commits;
}

/** The GitHub login an address names, resolved as the app's loader does (`shared/identity.ts`). */
export function loginFromEmail(email: string): string | null {
  return resolveIdentity("", email).login;
}

/** Who a commit identity is on GitHub, resolved as the app's loader does. */
export function identity(name: string, email: string): GitIdentity {
  return resolveIdentity(name, email);
}

export interface NameStatusEntry {
  status: FileStatus;
  path: string;
  /** The source path of a rename or copy. */
  from?: string;
}

const STATUS_BY_LETTER: Record<string, FileStatus> = {
  A: "added",
  D: "removed",
  M: "modified",
  R: "renamed",
  C: "copied",
  // A type change (file ↔ symlink); GitHub reports those as "changed".
  T: "changed",
  U: "modified",
  X: "changed",
  B: "modified",
};

/** Parses `--name-status -z`: `X\0path\0`, or `R100\0old\0new\0` for renames and copies. */
export function parseNameStatus(output: string): NameStatusEntry[] {
  const parts = output.split("\0");
  if (parts[parts.length - 1] === "") parts.pop();
  const entries: NameStatusEntry[] = [];
  let i = 0;
  while (i < parts.length) {
    const code = parts[i++].replace(/^\n+/, "");
    const letter = code.charAt(0);
    const status = STATUS_BY_LETTER[letter];
    if (!status) throw new GitError(`unexpected name-status code "${code}" from git`);
    if (letter === "R" || letter === "C") {
      const from = parts[i++];
      const path = parts[i++];
      if (from === undefined || path === undefined) throw new GitError("truncated name-status output from git");
      entries.push({ status, path, from });
    } else {
      const path = parts[i++];
      if (path === undefined) throw new GitError("truncated name-status output from git");
      entries.push({ status, path });
    }
  }
  return entries;
}

/** Pull-request file entries, shaped like GitHub's "list pull request files". */
export function toSnapshotFiles(entries: NameStatusEntry[]): SnapshotFile[] {
  return entries.map((e) => {
    const file: SnapshotFile = { filename: e.path, status: e.status };
    // A copy leaves its source untouched, so only a rename names a previous path that changed.
    if (e.status === "renamed" && e.from !== undefined) file.previous_filename = e.from;
    return file;
  });
}

/** Every path a commit changed: both sides of a rename, in order, without duplicates. */
export function touchedPaths(entries: NameStatusEntry[]): string[] {
  const seen = new Set<string>();
  for (const e of entries) {
    if (e.status === "renamed" && e.from !== undefined) seen.add(e.from);
    seen.add(e.path);
  }
  return [...seen];
}
