/**
 * Parsers for git's NUL-separated (`-z`) output. NUL cannot occur in a path or a commit message
 * that git itself writes, so these parse any content safely — newlines, tabs, quotes, Unicode.
 */
import { SUBMODULE_MODE, type CommitFile, type FileStatus, type GitIdentity, type SnapshotFile } from "../../model/snapshot.js";
import { GitError } from "./run-git.js";
import { resolveIdentity } from "../../shared/identity.js";

/** `git log -z --format=` fields, in order; `%B` (the raw message) must stay last. */
export const LOG_FORMAT = ["%H", "%P", "%an", "%ae", "%cn", "%ce", "%cI", "%B"].join("%x00");
export const LOG_FIELDS = 8;

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
  for (let i = 0; i < parts.length; i += LOG_FIELDS) commits.push(commitFromFields(parts.slice(i, i + LOG_FIELDS)));
  return commits;
}

/** One commit from its `LOG_FIELDS` fields, in `LOG_FORMAT` order. */
export function commitFromFields(fields: readonly string[]): LoggedCommit {
  const [sha, parents, an, ae, cn, ce, cdate, message] = fields;
  // With -z, git separates records by NUL but may leave the previous record's newline behind.
  const cleanSha = sha.replace(/^\n+/, "");
  if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(cleanSha)) throw new GitError(`unexpected \`git log\` output near "${cleanSha.slice(0, 20)}"`);
  return {
    sha: cleanSha,
    parents: parents.split(" ").filter(Boolean),
    author: identity(an, ae),
    committer: identity(cn, ce),
    committedAt: cdate,
    // GitHub reports messages without git's trailing newline.
    message: withoutTrailingNewlines(message),
  };
}

/** By hand: `/\n+$/` retries every run of newlines, so a message of many blank lines is quadratic. */
function withoutTrailingNewlines(message: string): string {
  let end = message.length;
  while (end > 0 && message.charCodeAt(end - 1) === 10) end--;
  return message.slice(0, end);
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
  /** From `--raw`: the git mode after the change (`000000` when removed), and the blob or commit it names. */
  mode?: string;
  object?: string;
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

function statusOf(code: string): FileStatus {
  const status = STATUS_BY_LETTER[code.charAt(0)];
  if (!status) throw new GitError(`unexpected name-status code "${code}" from git`);
  return status;
}

// `:100644 120000 <old sha> <new sha> R087`: modes and objects before the status and paths.
const RAW_HEADER = /^:(\d{6}) (\d{6}) ([0-9a-f]{40,64}) ([0-9a-f]{40,64}) ([A-Z]\d*)$/;
const ABSENT_MODE = "000000";

/**
 * Parses `--raw -z --no-abbrev`: `:srcmode dstmode srcsha dstsha X\0path\0`, with two paths for
 * renames and copies. Unlike `--name-status` it says what each path is at the head: a file, a
 * symbolic link (120000) or a submodule (160000).
 */
export function parseRaw(output: string): NameStatusEntry[] {
  const parts = output.split("\0");
  if (parts[parts.length - 1] === "") parts.pop();
  const entries: NameStatusEntry[] = [];
  let i = 0;
  while (i < parts.length) {
    const header = parts[i++].replace(/^\n+/, "");
    const m = RAW_HEADER.exec(header);
    if (!m) throw new GitError(`unexpected raw diff line "${header.slice(0, 60)}" from git`);
    const [, , mode, , object, code] = m as unknown as [string, string, string, string, string, string];
    const status = statusOf(code);
    const twoPaths = code.startsWith("R") || code.startsWith("C");
    const from = twoPaths ? parts[i++] : undefined;
    const path = parts[i++];
    if (path === undefined || (twoPaths && from === undefined)) throw new GitError("truncated raw diff output from git");
    entries.push({ status, path, ...(from !== undefined ? { from } : {}), mode, object });
  }
  return entries;
}

/** Pull-request file entries, shaped like GitHub's "list pull request files", with the head's mode. */
export function toSnapshotFiles(entries: NameStatusEntry[]): SnapshotFile[] {
  return entries.map((e) => {
    const file: SnapshotFile = { filename: e.path, status: e.status };
    // A copy leaves its source untouched, so only a rename names a previous path that changed.
    if (e.status === "renamed" && e.from !== undefined) file.previous_filename = e.from;
    if (e.mode !== undefined && e.mode !== ABSENT_MODE) file.mode = e.mode;
    const sha = blobOf(e);
    if (sha) file.sha = sha;
    return file;
  });
}

/** The blob an entry leaves at its path: none for a removal or a submodule (whose object is a commit). */
function blobOf(e: NameStatusEntry): string | undefined {
  return e.object !== undefined && e.mode !== ABSENT_MODE && e.mode !== SUBMODULE_MODE ? e.object : undefined;
}

/**
 * A commit's file entries: renames and copies name their source, and every file still there the
 * blob it left, so attribution can follow the content by name and by exact content.
 */
export function commitFileEntries(entries: NameStatusEntry[]): CommitFile[] {
  return entries.map((e) => {
    const blob = blobOf(e);
    const sha = blob ? { sha: blob } : {};
    if ((e.status === "renamed" || e.status === "copied") && e.from !== undefined) return { filename: e.path, status: e.status, previous_filename: e.from, ...sha };
    return blob ? { filename: e.path, status: e.status, ...sha } : e.path;
  });
}

/** Every path a commit's entries name: both sides of a rename or copy. */
export function bothSides(files: readonly CommitFile[]): string[] {
  return files.flatMap((f) => (typeof f === "string" ? [f] : f.previous_filename !== undefined ? [f.previous_filename, f.filename] : [f.filename]));
}
