/**
 * Reads a snapshot JSON file (SPEC §5) strictly: the CLI's `evaluate` trusts nothing it did not
 * check, and names the exact JSON path of the first problem so a hand-written snapshot is easy to
 * fix. Unknown fields are errors too: a misspelt optional field (`previous_filname`) would
 * otherwise be dropped silently and change the verdict.
 */
import type {
  CommitFile,
  FileStatus,
  GitIdentity,
  ReviewState,
  Snapshot,
  SnapshotCommit,
  SnapshotFile,
  SnapshotPullRequest,
  SnapshotReview,
  SnapshotIdentity,
  SnapshotRequester,
} from "../model/snapshot.js";
import { PERMISSIONS } from "../model/snapshot.js";
import { nearest } from "../shared/did-you-mean.js";
import { validateAiRecords } from "../provenance-records/validate.js";

export class SnapshotError extends Error {
  override readonly name = "SnapshotError";
  constructor(
    /** JSON path of the offending value, e.g. `snapshot.commits[3].author.email`. */
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path}: ${problem}`);
  }
}

const FILE_STATUSES: readonly FileStatus[] = ["added", "removed", "modified", "renamed", "copied", "changed", "unchanged"];
const REQUEST_VIAS: readonly SnapshotRequester["via"][] = ["assigned", "mentioned"];
const REVIEW_STATES: readonly ReviewState[] = ["APPROVED", "CHANGES_REQUESTED", "COMMENTED", "DISMISSED", "PENDING"];
// Git's file modes: regular, executable, symbolic link, submodule (gitlink), and the tree mode.
const GIT_MODE = /^(100644|100755|120000|160000|040000)$/;
// A git object id: SHA-1, or SHA-256 in repositories that use it.
const GIT_OBJECT = /^[0-9a-f]{40}([0-9a-f]{24})?$/;
// ISO 8601 date-time with a zone, as GitHub writes them; `Date.parse` alone accepts far too much.
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

type Json = Record<string, unknown>;

/** Parses and validates snapshot JSON text; throws `SnapshotError` on the first problem. */
export function parseSnapshot(text: string): Snapshot {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new SnapshotError("snapshot", `invalid JSON (${(e as Error).message})`);
  }
  return validateSnapshot(data);
}

export function validateSnapshot(data: unknown, path = "snapshot"): Snapshot {
  const o = object(data, path, ["repository", "pull_request", "files", "commits", "reviews"], ["identities"]);
  const snapshot: Snapshot = {
    repository: nonEmptyString(o.repository, `${path}.repository`),
    pull_request: pullRequest(o.pull_request, `${path}.pull_request`),
    files: array(o.files, `${path}.files`).map((f, i) => file(f, `${path}.files[${i}]`)),
    commits: array(o.commits, `${path}.commits`).map((c, i) => commit(c, `${path}.commits[${i}]`)),
    reviews: array(o.reviews, `${path}.reviews`).map((r, i) => review(r, `${path}.reviews[${i}]`)),
  };
  if (o.identities !== undefined) snapshot.identities = array(o.identities, `${path}.identities`).map((x, i) => identityEntry(x, `${path}.identities[${i}]`));
  return snapshot;
}

function identityEntry(v: unknown, path: string): SnapshotIdentity {
  const o = object(v, path, ["email"], ["login", "aliases"]);
  const entry: SnapshotIdentity = { email: nonEmptyString(o.email, `${path}.email`) };
  if (o.login !== undefined) entry.login = loginArray([o.login], `${path}.login`)[0];
  if (o.aliases !== undefined) entry.aliases = stringArray(o.aliases, `${path}.aliases`);
  return entry;
}

function pullRequest(v: unknown, path: string): SnapshotPullRequest {
  const o = object(
    v,
    path,
    ["number", "author", "base_ref", "head_ref", "head_sha", "labels", "body", "last_push_at"],
    ["author_type", "changed_files", "commits", "pushers", "assignees", "requesters"],
  );
  const pr: SnapshotPullRequest = {
    number: integer(o.number, `${path}.number`),
    author: nonEmptyString(o.author, `${path}.author`),
    base_ref: string(o.base_ref, `${path}.base_ref`),
    head_ref: string(o.head_ref, `${path}.head_ref`),
    head_sha: nonEmptyString(o.head_sha, `${path}.head_sha`),
    labels: stringArray(o.labels, `${path}.labels`),
    // GitHub's API returns `null` for an empty description; accept what an API dump contains.
    body: o.body === null ? "" : string(o.body, `${path}.body`),
    last_push_at: dateTime(o.last_push_at, `${path}.last_push_at`),
  };
  if (o.author_type !== undefined) pr.author_type = string(o.author_type, `${path}.author_type`);
  if (o.changed_files !== undefined) pr.changed_files = integer(o.changed_files, `${path}.changed_files`);
  if (o.commits !== undefined) pr.commits = integer(o.commits, `${path}.commits`);
  if (o.pushers !== undefined) pr.pushers = loginArray(o.pushers, `${path}.pushers`);
  if (o.assignees !== undefined) pr.assignees = loginArray(o.assignees, `${path}.assignees`);
  if (o.requesters !== undefined) pr.requesters = array(o.requesters, `${path}.requesters`).map((r, i) => requester(r, `${path}.requesters[${i}]`));
  return pr;
}

function requester(v: unknown, path: string): SnapshotRequester {
  const o = object(v, path, ["login", "agent", "via"], []);
  return {
    login: loginArray([o.login], `${path}.login`)[0],
    agent: nonEmptyString(o.agent, `${path}.agent`),
    via: oneOf(o.via, REQUEST_VIAS, `${path}.via`),
  };
}

function file(v: unknown, path: string): SnapshotFile {
  const o = object(v, path, ["filename", "status"], ["previous_filename", "mode", "link_target", "sha"]);
  const f: SnapshotFile = fileEntry(o, path);
  if (o.mode !== undefined) {
    const mode = string(o.mode, `${path}.mode`);
    if (!GIT_MODE.test(mode)) throw new SnapshotError(`${path}.mode`, `expected a git file mode such as "100644" or "120000", got ${describe(mode)}`);
    f.mode = mode;
  }
  if (o.link_target !== undefined) f.link_target = string(o.link_target, `${path}.link_target`);
  return f;
}

/** `filename`, `status`, `previous_filename` and the blob `sha`, as a pull-request or commit file entry has them. */
function fileEntry(o: Json, path: string): SnapshotFile {
  const f: SnapshotFile = {
    filename: nonEmptyString(o.filename, `${path}.filename`),
    status: oneOf(o.status, FILE_STATUSES, `${path}.status`),
  };
  if (o.previous_filename !== undefined) f.previous_filename = nonEmptyString(o.previous_filename, `${path}.previous_filename`);
  if (f.status === "renamed" && f.previous_filename === undefined) {
    throw new SnapshotError(`${path}.previous_filename`, 'required when status is "renamed"');
  }
  if (o.sha !== undefined) f.sha = blobId(o.sha, `${path}.sha`);
  return f;
}

function blobId(v: unknown, path: string): string {
  const sha = string(v, path);
  if (!GIT_OBJECT.test(sha)) throw new SnapshotError(path, `expected a git object id (40 or 64 lower-case hex digits), got ${describe(sha)}`);
  return sha;
}

/** A commit's file: a path, or `{ filename, status, previous_filename?, sha? }`. */
function commitFile(v: unknown, path: string): CommitFile {
  if (typeof v === "string") return v;
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    throw new SnapshotError(path, `expected a path or an object with filename and status, got ${describe(v)}`);
  }
  return fileEntry(object(v, path, ["filename", "status"], ["previous_filename", "sha"]), path);
}

function commit(v: unknown, path: string): SnapshotCommit {
  const o = object(v, path, ["sha", "message", "author", "committer"], ["files", "ai_records"]);
  const c: SnapshotCommit = {
    sha: nonEmptyString(o.sha, `${path}.sha`),
    message: string(o.message, `${path}.message`),
    author: gitIdentity(o.author, `${path}.author`),
    committer: gitIdentity(o.committer, `${path}.committer`),
  };
  if (o.files !== undefined) c.files = array(o.files, `${path}.files`).map((f, i) => commitFile(f, `${path}.files[${i}]`));
  if (o.ai_records !== undefined) c.ai_records = validateAiRecords(o.ai_records, `${path}.ai_records`, (p, problem) => {
    throw new SnapshotError(p, problem);
  });
  return c;
}

function gitIdentity(v: unknown, path: string): GitIdentity {
  const o = object(v, path, ["name", "email"], ["login", "type"]);
  // `login` may be left out as well as null: both mean "no GitHub account tied to this e-mail".
  const id: GitIdentity = {
    login: o.login === undefined || o.login === null ? null : nonEmptyString(o.login, `${path}.login`),
    name: string(o.name, `${path}.name`),
    email: string(o.email, `${path}.email`),
  };
  if (o.type !== undefined) id.type = string(o.type, `${path}.type`);
  return id;
}

function review(v: unknown, path: string): SnapshotReview {
  const o = object(v, path, ["user", "state", "submitted_at"], ["permission", "teams", "commit_id"]);
  const user = object(o.user, `${path}.user`, ["login"], ["type"]);
  const r: SnapshotReview = {
    user: { login: nonEmptyString(user.login, `${path}.user.login`) },
    state: oneOf(o.state, REVIEW_STATES, `${path}.state`),
    submitted_at: dateTime(o.submitted_at, `${path}.submitted_at`),
  };
  if (user.type !== undefined) r.user.type = string(user.type, `${path}.user.type`);
  if (o.permission !== undefined) r.permission = oneOf(o.permission, PERMISSIONS, `${path}.permission`);
  if (o.teams !== undefined) r.teams = stringArray(o.teams, `${path}.teams`);
  if (o.commit_id !== undefined) r.commit_id = string(o.commit_id, `${path}.commit_id`);
  return r;
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "string") return `"${v.length > 40 ? `${v.slice(0, 40)}…` : v}"`;
  if (typeof v === "object") return "an object";
  return `${typeof v} ${String(v)}`;
}

function object(v: unknown, path: string, required: string[], optional: string[]): Json {
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    throw new SnapshotError(path, `expected an object, got ${v === undefined ? "nothing" : describe(v)}`);
  }
  const o = v as Json;
  const known = [...required, ...optional];
  for (const key of Object.keys(o)) {
    if (!known.includes(key)) {
      const near = nearest(key, known);
      throw new SnapshotError(`${path}.${key}`, `unknown field${near ? ` (did you mean "${near}"?)` : ""}`);
    }
  }
  for (const key of required) {
    if (o[key] === undefined) throw new SnapshotError(`${path}.${key}`, "required field is missing");
  }
  return o;
}

function array(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) throw new SnapshotError(path, `expected an array, got ${describe(v)}`);
  return v;
}

function string(v: unknown, path: string): string {
  if (typeof v !== "string") throw new SnapshotError(path, `expected a string, got ${describe(v)}`);
  return v;
}

function nonEmptyString(v: unknown, path: string): string {
  const s = string(v, path);
  if (s.trim() === "") throw new SnapshotError(path, "expected a non-empty string");
  return s;
}

function stringArray(v: unknown, path: string): string[] {
  return array(v, path).map((x, i) => string(x, `${path}[${i}]`));
}

// GitHub logins: letters, digits and single hyphens, or an app's `name[bot]`.
const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(\[bot\])?$/;

function loginArray(v: unknown, path: string): string[] {
  return stringArray(v, path).map((login, i) => {
    if (!LOGIN.test(login)) throw new SnapshotError(`${path}[${i}]`, `expected a GitHub login such as "alice", got ${describe(login)}`);
    return login;
  });
}

function integer(v: unknown, path: string): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0) {
    throw new SnapshotError(path, `expected a non-negative integer, got ${describe(v)}`);
  }
  return v;
}

function dateTime(v: unknown, path: string): string {
  const s = string(v, path);
  if (!ISO_DATE_TIME.test(s) || Number.isNaN(Date.parse(s))) {
    throw new SnapshotError(path, `expected an ISO 8601 date-time such as "2026-11-20T10:00:00Z", got ${describe(s)}`);
  }
  return s;
}

function oneOf<T extends string>(v: unknown, allowed: readonly T[], path: string): T {
  if (typeof v !== "string" || !allowed.includes(v as T)) {
    throw new SnapshotError(path, `expected one of ${allowed.map((a) => `"${a}"`).join(", ")}, got ${describe(v)}`);
  }
  return v as T;
}

