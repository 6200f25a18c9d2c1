/**
 * The sandbox's world: users, installations, repositories with branches and commits, pull
 * requests, reviews, check runs. Plain data plus the few rules GitHub enforces that a scenario can
 * run into (self-approval, unknown refs). No HTTP here: `rest.ts`/`graphql-resolvers.ts` expose it,
 * `sandbox.ts` drives it and sends the webhooks.
 */
import { createHash } from "node:crypto";
import type { Permission } from "../model/snapshot.js";
import { isoSeconds, type SandboxClock } from "./clock.js";
import { noreplyLogin } from "../shared/identity.js";
import { blobSha } from "./shapes.js";
import type { CheckRunConclusion, CheckRunStatus } from "./github-types.js";

export class SandboxError extends Error {
  override readonly name = "SandboxError";
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: unknown[],
  ) {
    super(message);
  }
}

export interface SandboxUser {
  login: string;
  id: number;
  type: "User" | "Bot" | "Organization";
  name: string;
  email: string;
}

export type ChangeStatus = "added" | "modified" | "removed" | "renamed";

export interface FileChange {
  filename: string;
  status: ChangeStatus;
  previous_filename?: string;
  /** New content; absent for removals. A symlink's content is its target, a submodule's its commit. */
  content?: string;
  /** The git mode after the change (default `100644`): `120000` symlink, `160000` submodule. */
  mode?: string;
}

/** One entry of a folder at a commit, as git's tree lists it. */
export interface SandboxTreeEntry {
  name: string;
  /** git's octal mode: `100644`, `120000`, `160000`, `040000` for a folder. */
  mode: string;
  /** The file's content (a link's target, a submodule's commit); absent for a folder. */
  content?: string;
  /** git's id of the entry: a blob's, a folder's tree's, a submodule's commit. */
  oid: string;
}

/** git's tree id: `<mode> <name>\0` and the 20-byte id of each entry, in git's order (a folder sorts as `name/`). */
function treeHash(entries: readonly SandboxTreeEntry[]): string {
  const sortKey = (e: SandboxTreeEntry) => (e.mode === "040000" ? `${e.name}/` : e.name);
  const ordered = [...entries].sort((a, b) => Buffer.compare(Buffer.from(sortKey(a)), Buffer.from(sortKey(b))));
  const body = Buffer.concat(
    ordered.map((e) => {
      const id = /^[0-9a-f]{40}$/.test(e.oid) ? Buffer.from(e.oid, "hex") : createHash("sha1").update(e.oid).digest();
      return Buffer.concat([Buffer.from(`${e.mode.replace(/^0+/, "")} ${e.name}\0`), id]);
    }),
  );
  return createHash("sha1").update(`tree ${body.length}\0`).update(body).digest("hex");
}

export interface GitPerson {
  name: string;
  email: string;
  date: string;
}

export interface SandboxCommit {
  sha: string;
  message: string;
  author: GitPerson;
  committer: GitPerson;
  parents: string[];
  changes: FileChange[];
  /** Made and signed by GitHub itself (the web UI's merges): `verification.verified`. */
  signedByGitHub?: boolean;
}

export interface SandboxReview {
  id: number;
  user: string;
  state: "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED" | "DISMISSED";
  body: string;
  submitted_at: string;
  commit_id: string;
}

export interface SandboxPull {
  number: number;
  id: number;
  title: string;
  body: string;
  author: string;
  labels: string[];
  state: "open" | "closed";
  draft: boolean;
  base_ref: string;
  /** The base branch head when the PR was opened: the merge base of its commits. */
  base_sha: string;
  head_ref: string;
  head_sha: string;
  /** The PR's own commits, oldest first. */
  commits: string[];
  created_at: string;
  updated_at: string;
  /** Every push to the head branch, oldest first; `forced` for a force-push. */
  pushes: { at: string; head_sha: string; before: string; forced?: boolean }[];
  reviews: SandboxReview[];
  /** Who is assigned now. */
  assignees: string[];
  /** Every assignment, oldest first: who assigned whom (GitHub's `AssignedEvent`). */
  assignments: { actor: string; assignee: string; at: string }[];
  /** The conversation's comments, oldest first. */
  comments: { id: number; author: string; body: string; at: string }[];
  /** Inline review comments on the diff, oldest first. */
  reviewComments: { id: number; author: string; body: string; path: string; at: string }[];
  /** Set when the PR was merged: the merge commit on its base branch. */
  merged?: { sha: string; by: string; at: string };
}

export interface Annotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: "notice" | "warning" | "failure";
  message: string;
  title?: string;
  raw_details?: string;
  start_column?: number;
  end_column?: number;
}

export interface SandboxCheckRun {
  id: number;
  app_id: number;
  name: string;
  head_sha: string;
  status: CheckRunStatus;
  conclusion: CheckRunConclusion | null;
  started_at: string;
  completed_at: string | null;
  external_id: string | null;
  details_url: string | null;
  output: { title: string | null; summary: string | null; text: string | null };
  annotations: Annotation[];
  actions: { label: string; description: string; identifier: string }[];
  /** How many times the run was written (create + updates), so tests can see no-op updates. */
  writes: number;
}

/** One change of a ref, as GitHub's repository activity lists it (`GET /repos/{o}/{r}/activity`). */
export interface SandboxActivity {
  id: number;
  /** The full ref: `refs/heads/<branch>`. */
  ref: string;
  before: string;
  after: string;
  timestamp: string;
  activity_type: "push" | "force_push" | "branch_creation" | "branch_deletion" | "pr_merge" | "merge_queue_merge";
  /** Who did it; null when no account did (a deploy key). */
  actor: string | null;
}

/** git's SHA of nothing: the `before` of a branch's creation. */
export const NO_COMMIT = "0".repeat(40);

export interface SandboxRepo {
  id: number;
  owner: string;
  name: string;
  default_branch: string;
  private: boolean;
  branches: Map<string, string>;
  commits: Map<string, SandboxCommit>;
  collaborators: Map<string, Permission>;
  pulls: Map<number, SandboxPull>;
  /** Issues, numbered from 1001 so they never meet a pull request's number (GitHub shares one sequence). */
  issues: Map<number, SandboxIssue>;
  checkRuns: SandboxCheckRun[];
  /** Every change of a branch, oldest first, with who made it. */
  activity: SandboxActivity[];
}

export interface SandboxIssue {
  number: number;
  title: string;
  author: string;
  created_at: string;
  /** Every assignment, oldest first (GitHub's `AssignedEvent`). */
  assignments: { actor: string; assignee: string; at: string }[];
}

export interface Installation {
  id: number;
  app_id: number;
  account: string;
}

export interface CommitSpec {
  message: string;
  /** A login known to the sandbox, or an explicit identity (login null when GitHub knows no account). */
  author: string | { name: string; email: string };
  committer?: string | { name: string; email: string };
  files: (FileChange | string)[];
}

export class SandboxState {
  readonly users = new Map<string, SandboxUser>();
  readonly repos = new Map<string, SandboxRepo>();
  readonly teams = new Map<string, Set<string>>(); // key `org/slug` (lower-case) → logins (lower-case)
  readonly installations = new Map<number, Installation>();
  readonly tokens = new Map<string, { installation?: number; user?: string; expires_at: string }>();
  private seq = 1000;
  private shaSeq = 0;

  constructor(readonly clock: SandboxClock) {}

  nextId(): number {
    return ++this.seq;
  }

  private newSha(seed: string): string {
    return createHash("sha1").update(`${++this.shaSeq}\0${seed}`).digest("hex");
  }

  addUser(login: string, opts: Partial<Omit<SandboxUser, "login">> = {}): SandboxUser {
    const existing = this.users.get(login.toLowerCase());
    if (existing) return existing;
    const user: SandboxUser = {
      login,
      id: opts.id ?? this.nextId(),
      type: opts.type ?? (login.endsWith("[bot]") ? "Bot" : "User"),
      name: opts.name ?? login,
      email: opts.email ?? `${login}@users.sandbox.example`,
    };
    this.users.set(login.toLowerCase(), user);
    return user;
  }

  user(login: string): SandboxUser | undefined {
    return this.users.get(login.toLowerCase());
  }

  /** GitHub ties a commit identity to an account by its e-mail (or a no-reply address). */
  userByEmail(email: string): SandboxUser | undefined {
    const e = email.toLowerCase();
    const noreply = noreplyLogin(e)?.toLowerCase();
    for (const u of this.users.values()) {
      if (u.email.toLowerCase() === e) return u;
      if (noreply && u.login.toLowerCase() === noreply) return u;
    }
    return undefined;
  }

  addInstallation(appId: number, account: string, id = this.nextId()): Installation {
    const inst = { id, app_id: appId, account };
    this.installations.set(id, inst);
    return inst;
  }

  installationFor(owner: string): Installation | undefined {
    for (const i of this.installations.values()) if (i.account.toLowerCase() === owner.toLowerCase()) return i;
    return undefined;
  }

  repo(owner: string, name: string): SandboxRepo {
    const r = this.repos.get(`${owner}/${name}`.toLowerCase());
    if (!r) throw new SandboxError(404, "Not Found");
    return r;
  }

  createRepo(owner: string, name: string, files: Record<string, string> = {}, defaultBranch = "main"): SandboxRepo {
    const key = `${owner}/${name}`.toLowerCase();
    if (this.repos.has(key)) throw new SandboxError(422, `Repository ${owner}/${name} already exists`);
    if (!this.users.has(owner.toLowerCase())) this.addUser(owner, { type: "Organization" });
    const repo: SandboxRepo = {
      id: this.nextId(),
      owner,
      name,
      default_branch: defaultBranch,
      private: true,
      branches: new Map(),
      commits: new Map(),
      collaborators: new Map(),
      pulls: new Map(),
      issues: new Map(),
      checkRuns: [],
      activity: [],
    };
    this.repos.set(key, repo);
    const initial = this.makeCommit(repo, [], {
      message: "Initial commit",
      author: { name: owner, email: `${owner}@users.sandbox.example` },
      files: Object.entries(files).map(([filename, content]) => ({ filename, status: "added" as const, content })),
    });
    repo.branches.set(defaultBranch, initial.sha);
    return repo;
  }

  private person(who: string | { name: string; email: string }, date: string): GitPerson {
    if (typeof who !== "string") return { ...who, date };
    const u = this.user(who) ?? this.addUser(who);
    return { name: u.name, email: u.email, date };
  }

  makeCommit(repo: SandboxRepo, parents: string[], spec: CommitSpec): SandboxCommit {
    const date = isoSeconds(this.clock.now());
    const changes = spec.files.map((f) => this.normaliseChange(repo, parents[0], f));
    const sha = this.newSha(`${repo.id}\0${spec.message}\0${parents.join(",")}`);
    const commit: SandboxCommit = {
      sha,
      message: spec.message,
      author: this.person(spec.author, date),
      committer: this.person(spec.committer ?? spec.author, date),
      parents,
      changes,
    };
    repo.commits.set(sha, commit);
    return commit;
  }

  private normaliseChange(repo: SandboxRepo, parent: string | undefined, f: FileChange | string): FileChange {
    // A rename without new content moves the source's content, as `git mv` does.
    if (typeof f !== "string" && f.status === "renamed" && f.content === undefined && f.previous_filename !== undefined && parent !== undefined) {
      const content = this.readFile(repo, parent, f.previous_filename);
      return content === undefined ? f : { ...f, content };
    }
    if (typeof f !== "string") return f;
    const exists = parent !== undefined && this.readFile(repo, parent, f) !== undefined;
    return { filename: f, status: exists ? "modified" : "added", content: `${f} @ ${this.shaSeq}\n` };
  }

  /** A file's content at a commit: the nearest change along the first-parent chain. */
  readFile(repo: SandboxRepo, sha: string, path: string): string | undefined {
    let c = repo.commits.get(sha);
    while (c) {
      for (let i = c.changes.length - 1; i >= 0; i--) {
        const ch = c.changes[i];
        if (ch.filename === path) return ch.status === "removed" ? undefined : ch.content;
        if (ch.status === "renamed" && ch.previous_filename === path) return undefined;
      }
      c = c.parents[0] ? repo.commits.get(c.parents[0]) : undefined;
    }
    return undefined;
  }

  /** Every file at a commit, by path: the nearest change of each path along the first-parent chain. */
  filesAt(repo: SandboxRepo, sha: string): Map<string, FileChange> {
    const chain: SandboxCommit[] = [];
    for (let c = repo.commits.get(sha); c; c = c.parents[0] ? repo.commits.get(c.parents[0]) : undefined) chain.push(c);
    const files = new Map<string, FileChange>();
    for (const c of chain.reverse()) {
      for (const ch of c.changes) {
        if (ch.status === "renamed" && ch.previous_filename) files.delete(ch.previous_filename);
        if (ch.status === "removed") files.delete(ch.filename);
        else files.set(ch.filename, ch);
      }
    }
    return files;
  }

  /** The entries of `folder` ("" for the root) at a commit; undefined when there is no such folder. */
  treeAt(repo: SandboxRepo, sha: string, folder: string): SandboxTreeEntry[] | undefined {
    return this.treesOf(repo, sha)?.get(folder.replace(/\/+$/, ""))?.entries;
  }

  /** The git id of `folder`'s tree at a commit: it follows the content, as git's does. */
  treeOid(repo: SandboxRepo, sha: string, folder: string): string | undefined {
    return this.treesOf(repo, sha)?.get(folder.replace(/\/+$/, ""))?.oid;
  }

  /**
   * A tree or blob by its git id, as `object(oid:)` finds any object of the repository: where a
   * tree with that id is (a commit and a folder), or a blob's content.
   */
  objectByOid(repo: SandboxRepo, oid: string): { tree: { sha: string; folder: string } } | { blob: string } | undefined {
    const index = this.objectIndex(repo);
    if (!index.has(oid)) for (const sha of repo.commits.keys()) this.treesOf(repo, sha);
    return index.get(oid);
  }

  private readonly trees = new WeakMap<SandboxCommit, Map<string, { entries: SandboxTreeEntry[]; oid: string }>>();
  /** A change's blob id, hashed once: every later commit's tree holds the same change. */
  private readonly blobs = new WeakMap<FileChange, string>();

  private blobOf(file: FileChange): string {
    const known = this.blobs.get(file);
    if (known !== undefined) return known;
    const oid = blobSha(file.content ?? "");
    this.blobs.set(file, oid);
    return oid;
  }
  private readonly objects = new WeakMap<SandboxRepo, Map<string, { tree: { sha: string; folder: string } } | { blob: string }>>();

  private objectIndex(repo: SandboxRepo) {
    const index = this.objects.get(repo) ?? new Map<string, { tree: { sha: string; folder: string } } | { blob: string }>();
    this.objects.set(repo, index);
    return index;
  }

  /** Every folder of a commit's tree, with its entries and git's tree id; built once per commit (a commit never changes). */
  private treesOf(repo: SandboxRepo, sha: string): Map<string, { entries: SandboxTreeEntry[]; oid: string }> | undefined {
    const commit = repo.commits.get(sha);
    if (!commit) return undefined;
    const cached = this.trees.get(commit);
    if (cached) return cached;
    const folders = new Map<string, Map<string, SandboxTreeEntry>>([["", new Map()]]);
    const folderOf = (folder: string) => {
      let entries = folders.get(folder);
      if (!entries) folders.set(folder, (entries = new Map()));
      return entries;
    };
    for (const [path, file] of this.filesAt(repo, sha)) {
      // Each folder on the way down, then the file in the last one.
      let start = 0;
      for (let slash = path.indexOf("/"); slash >= 0; start = slash + 1, slash = path.indexOf("/", start)) {
        const entries = folderOf(start === 0 ? "" : path.slice(0, start - 1));
        const name = path.slice(start, slash);
        if (!entries.has(name)) entries.set(name, { name, mode: "040000", oid: "" });
      }
      const content = file.content ?? "";
      const mode = file.mode ?? "100644";
      const name = path.slice(start);
      folderOf(start === 0 ? "" : path.slice(0, start - 1)).set(name, { name, mode, content, oid: mode === "160000" ? content : this.blobOf(file) });
    }
    const index = this.objectIndex(repo);
    const trees = new Map<string, { entries: SandboxTreeEntry[]; oid: string }>();
    // Deepest first, so each folder's id is known before its parent's is hashed.
    const depth = (folder: string) => (folder === "" ? 0 : folder.split("/").length);
    for (const folder of [...folders.keys()].sort((a, b) => depth(b) - depth(a))) {
      const entries = [...folders.get(folder)!.values()]
        .map((e) => (e.mode === "040000" ? { ...e, oid: trees.get(folder === "" ? e.name : `${folder}/${e.name}`)!.oid } : e))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      const oid = treeHash(entries);
      trees.set(folder, { entries, oid });
      index.set(oid, { tree: { sha, folder } });
      for (const e of entries) if (e.content !== undefined && e.mode !== "160000") index.set(e.oid, { blob: e.content });
    }
    this.trees.set(commit, trees);
    return trees;
  }

  /** Records a change of `branch` in the repository's activity, now. */
  recordActivity(repo: SandboxRepo, branch: string, change: Pick<SandboxActivity, "before" | "after" | "activity_type" | "actor">): void {
    repo.activity.push({ id: this.nextId(), ref: `refs/heads/${branch}`, timestamp: isoSeconds(this.clock.now()), ...change });
  }

  resolveRef(repo: SandboxRepo, ref: string): string | undefined {
    const branch = ref.replace(/^refs\/heads\//, "");
    if (repo.branches.has(branch)) return repo.branches.get(branch);
    if (repo.commits.has(ref)) return ref;
    if (ref === "HEAD") return repo.branches.get(repo.default_branch);
    return undefined;
  }

  /** Commits on a branch; returns the new head and the commits made, oldest first. */
  commitToBranch(repo: SandboxRepo, branch: string, specs: CommitSpec[]): SandboxCommit[] {
    let head = repo.branches.get(branch);
    if (!head) throw new SandboxError(422, `Reference does not exist: ${branch}`);
    const made: SandboxCommit[] = [];
    for (const spec of specs) {
      const c = this.makeCommit(repo, [head], spec);
      made.push(c);
      head = c.sha;
    }
    repo.branches.set(branch, head);
    return made;
  }

  openPull(
    repo: SandboxRepo,
    spec: { author: string; head: string; base?: string; title?: string; body?: string; labels?: string[]; draft?: boolean; commits: CommitSpec[] },
  ): SandboxPull {
    const base = spec.base ?? repo.default_branch;
    const baseSha = repo.branches.get(base);
    if (!baseSha) throw new SandboxError(422, `Base branch ${base} does not exist`);
    const now = isoSeconds(this.clock.now());
    let made: SandboxCommit[];
    if (spec.commits.length === 0) {
      // A pull request from a branch that already exists: GitHub lets one branch be proposed into
      // several bases, and then both pull requests share a head commit; a branch set to a commit
      // of another pull request proposes that pull request's commits up to it.
      const tip = repo.branches.get(spec.head);
      const existing = tip === undefined ? undefined : [...repo.pulls.values()].find((p) => p.commits.includes(tip));
      if (!existing || tip === undefined) throw new SandboxError(422, `No commits between ${base} and ${spec.head}`);
      made = existing.commits.slice(0, existing.commits.indexOf(tip) + 1).map((sha) => repo.commits.get(sha)!);
    } else {
      repo.branches.set(spec.head, baseSha);
      made = this.commitToBranch(repo, spec.head, spec.commits);
      this.recordActivity(repo, spec.head, { before: NO_COMMIT, after: made[made.length - 1].sha, activity_type: "branch_creation", actor: spec.author });
    }
    const number = repo.pulls.size + 1;
    const head_sha = made[made.length - 1].sha;
    const pr: SandboxPull = {
      number,
      id: this.nextId(),
      title: spec.title ?? made[0].message.split("\n")[0],
      body: spec.body ?? "",
      author: (this.user(spec.author) ?? this.addUser(spec.author)).login,
      labels: spec.labels ?? [],
      state: "open",
      draft: spec.draft ?? false,
      base_ref: base,
      base_sha: baseSha,
      head_ref: spec.head,
      head_sha,
      commits: made.map((c) => c.sha),
      created_at: now,
      updated_at: now,
      pushes: [{ at: now, head_sha, before: baseSha }],
      reviews: [],
      assignees: [],
      assignments: [],
      comments: [],
      reviewComments: [],
    };
    repo.pulls.set(number, pr);
    return pr;
  }

  pull(repo: SandboxRepo, number: number): SandboxPull {
    const pr = repo.pulls.get(number);
    if (!pr) throw new SandboxError(404, "Not Found");
    return pr;
  }

  /** `actor` pushes `specs` to the pull request's head branch. */
  pushToPull(repo: SandboxRepo, pr: SandboxPull, specs: CommitSpec[], actor: string): { before: string; commits: SandboxCommit[] } {
    const before = pr.head_sha;
    const made = this.commitToBranch(repo, pr.head_ref, specs);
    pr.head_sha = made[made.length - 1].sha;
    this.recordActivity(repo, pr.head_ref, { before, after: pr.head_sha, activity_type: "push", actor });
    pr.commits.push(...made.map((c) => c.sha));
    const now = isoSeconds(this.clock.now());
    pr.updated_at = now;
    pr.pushes.push({ at: now, head_sha: pr.head_sha, before });
    return { before, commits: made };
  }

  /**
   * GitHub's "Update branch": a merge of `secondParent` (default: the base branch's head) into the
   * PR's head, committed and signed by GitHub (web-flow), authored by `by`. `extra` is what a
   * conflict resolution in the web editor adds on top.
   */
  mergeIntoPull(repo: SandboxRepo, pr: SandboxPull, opts: { by: string; secondParent?: string; message?: string; extra?: FileChange[] }): { before: string } {
    const before = pr.head_sha;
    const second = opts.secondParent ?? repo.branches.get(pr.base_ref)!;
    const ours = this.filesAt(repo, before);
    const theirs = this.filesAt(repo, second);
    const atBase = this.filesAt(repo, pr.base_sha);
    const brought: FileChange[] = [];
    for (const [path, file] of theirs) {
      if (atBase.get(path)?.content === file.content || ours.get(path)?.content === file.content) continue;
      brought.push({ filename: path, status: ours.has(path) ? "modified" : "added", content: file.content, ...(file.mode ? { mode: file.mode } : {}) });
    }
    const webFlow = this.user("web-flow") ?? this.addUser("web-flow", { name: "GitHub", email: "noreply@github.com" });
    const commit = this.makeCommit(repo, [before, second], {
      message: opts.message ?? `Merge branch '${pr.base_ref}' into ${pr.head_ref}`,
      author: opts.by,
      committer: { name: webFlow.name, email: webFlow.email },
      files: [...brought, ...(opts.extra ?? [])],
    });
    commit.signedByGitHub = true;
    repo.branches.set(pr.head_ref, commit.sha);
    this.recordActivity(repo, pr.head_ref, { before, after: commit.sha, activity_type: "push", actor: opts.by });
    pr.head_sha = commit.sha;
    pr.commits.push(commit.sha);
    // The pull request's diff starts from the new merge base: what the base brought is not in it.
    pr.base_sha = second;
    const now = isoSeconds(this.clock.now());
    pr.updated_at = now;
    pr.pushes.push({ at: now, head_sha: commit.sha, before });
    return { before };
  }

  /** Every commit reachable from `sha`, `sha` included. */
  ancestors(repo: SandboxRepo, sha: string): Set<string> {
    const seen = new Set<string>();
    const todo = [sha];
    while (todo.length > 0) {
      const s = todo.pop()!;
      if (seen.has(s)) continue;
      seen.add(s);
      todo.push(...(repo.commits.get(s)?.parents ?? []));
    }
    return seen;
  }

  /** `actor` force-pushes the PR's head back to one of its earlier commits (the later ones leave the PR). */
  forcePushPull(repo: SandboxRepo, pr: SandboxPull, sha: string, actor: string): { before: string } {
    const keep = pr.commits.indexOf(sha);
    if (keep < 0) throw new SandboxError(422, `${sha} is not a commit of pull request #${pr.number}`);
    const before = pr.head_sha;
    pr.commits = pr.commits.slice(0, keep + 1);
    pr.head_sha = sha;
    repo.branches.set(pr.head_ref, sha);
    this.recordActivity(repo, pr.head_ref, { before, after: sha, activity_type: "force_push", actor });
    const now = isoSeconds(this.clock.now());
    pr.updated_at = now;
    pr.pushes.push({ at: now, head_sha: sha, before, forced: true });
    return { before };
  }

  /** The files a PR changes, as `GET /pulls/{n}/files` lists them: the net effect of its commits. */
  pullFiles(repo: SandboxRepo, pr: SandboxPull): FileChange[] {
    const net = new Map<string, FileChange>();
    for (const sha of pr.commits) {
      const commit = repo.commits.get(sha)!;
      // A merge of the base brings the base's content, which is not the pull request's change.
      const theirs = commit.parents.length > 1 ? this.filesAt(repo, commit.parents[1]) : undefined;
      for (const ch of commit.changes) {
        if (theirs && theirs.get(ch.filename)?.content === ch.content) continue;
        if (ch.status === "renamed" && ch.previous_filename) {
          const prior = net.get(ch.previous_filename);
          net.delete(ch.previous_filename);
          if (prior?.status === "added") net.set(ch.filename, { ...ch, status: "added", previous_filename: undefined });
          else net.set(ch.filename, { ...ch, previous_filename: prior?.previous_filename ?? ch.previous_filename });
          continue;
        }
        const prior = net.get(ch.filename);
        if (prior && ch.status === "removed" && prior.status === "added") net.delete(ch.filename);
        else if (prior && ch.status !== "removed") net.set(ch.filename, { ...prior, content: ch.content, status: prior.status });
        else net.set(ch.filename, ch);
      }
    }
    return [...net.values()];
  }

  submitReview(_repo: SandboxRepo, pr: SandboxPull, login: string, event: string, body = ""): SandboxReview {
    const states: Record<string, SandboxReview["state"]> = {
      APPROVE: "APPROVED",
      REQUEST_CHANGES: "CHANGES_REQUESTED",
      COMMENT: "COMMENTED",
    };
    const state = states[event];
    if (!state) throw new SandboxError(422, "Unprocessable Entity", [`event must be one of ${Object.keys(states).join(", ")}`]);
    const user = this.user(login) ?? this.addUser(login);
    const self = user.login.toLowerCase() === pr.author.toLowerCase();
    if (self && state === "APPROVED") throw new SandboxError(422, "Unprocessable Entity", ["Can not approve your own pull request"]);
    if (self && state === "CHANGES_REQUESTED") {
      throw new SandboxError(422, "Unprocessable Entity", ["Can not request changes on your own pull request"]);
    }
    if (state !== "APPROVED" && body === "") {
      throw new SandboxError(422, "Unprocessable Entity", [`Body is required for event ${event}`]);
    }
    const review: SandboxReview = {
      id: this.nextId(),
      user: user.login,
      state,
      body,
      submitted_at: isoSeconds(this.clock.now()),
      commit_id: pr.head_sha,
    };
    pr.reviews.push(review);
    pr.updated_at = review.submitted_at;
    return review;
  }

  addTeamMember(org: string, slug: string, login: string): void {
    const key = `${org}/${slug}`.toLowerCase();
    const set = this.teams.get(key) ?? new Set<string>();
    set.add(login.toLowerCase());
    this.teams.set(key, set);
  }
}
