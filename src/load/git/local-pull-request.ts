/**
 * `PullRequestData` over a local checkout: the branch `head` as if it were a pull request into
 * `base`. Commits and files come from git; what git cannot know (labels, body, reviews, who may
 * approve) comes from command-line flags.
 */
import { basename } from "node:path";
import type { PullRequestData } from "../pull-request-data.js";
import {
  SUBMODULE_MODE,
  SYMLINK_MODE,
  type CommitFile,
  type Permission,
  type SnapshotCommit,
  type SnapshotFile,
  type SnapshotPullRequest,
  type SnapshotIdentity,
  type SnapshotReview,
} from "../../model/snapshot.js";
import { identitiesFor, parseMailmap } from "./identities.js";
import { LOG_FORMAT, type LoggedCommit, type NameStatusEntry, commitFileEntries, loginFromEmail, parseLog, parseRaw, toSnapshotFiles } from "./parse.js";
import { createGit, type Git, GitError } from "./run-git.js";
import { readAiRecords } from "./ai-records.js";
import type { RecordWarning } from "../../provenance-records/record.js";

export interface LocalPullRequestOptions {
  /** Any directory inside the checkout. */
  cwd: string;
  /** The branch the "pull request" would merge into; default: the repository's default branch. */
  base?: string;
  /** The tip of the "pull request"; default `HEAD`. */
  head?: string;
  /** The pull request author's login; see `resolveAuthor` for the default. */
  author?: string;
  labels?: string[];
  body?: string;
  /** Logins that pushed to the branch (besides the author): AI-session authors and contributors. */
  pushers?: string[];
  /** Logins that approve; each becomes an APPROVED review submitted after the head commit. */
  approvedBy?: string[];
  /** Everyone's permission unless `permissions` names them; default `write`. */
  permission?: Permission;
  /** Per-login permission, keys compared case-insensitively. */
  permissions?: Record<string, Permission>;
  /** Per-login team memberships as `org/slug`, keys compared case-insensitively. */
  teams?: Record<string, string[]>;
  /** `--identity`: lower-case e-mail → the GitHub login behind it. */
  identities?: ReadonlyMap<string, string>;
  /** The moment the flag-given reviews are "submitted"; default: the current time. */
  now?: Date;
  env?: NodeJS.ProcessEnv;
  /** Injected for tests. */
  git?: Git;
}

export interface ResolvedRange {
  /** The base ref as the user (or the default-branch lookup) named it, e.g. `main`. */
  baseRef: string;
  /** The head ref as named, e.g. `feature/x` or `HEAD`. */
  headRef: string;
  headSha: string;
  /** The base ref's tip: where the app reads the policy from. */
  baseSha: string;
  mergeBase: string;
}

/** Refs come from the command line; one that looks like an option must never reach git as one. */
export function assertSafeRef(ref: string, what: string): void {
  if (ref === "" || ref.startsWith("-") || /[\0\n]/.test(ref)) {
    throw new GitError(`invalid ${what} "${ref.replace(/[\0\n]/g, " ")}"`);
  }
}

export async function repositoryRoot(git: Git): Promise<string> {
  return (await git(["rev-parse", "--show-toplevel"])).trim();
}

export async function resolveCommit(git: Git, ref: string, what: string): Promise<string> {
  assertSafeRef(ref, what);
  try {
    return (await git(["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`])).trim();
  } catch (e) {
    if (e instanceof GitError && /not a git repository|not installed/.test(e.message)) throw e;
    if (ref === "HEAD") throw new GitError("HEAD is not a commit yet (a repository without commits?); commit first or pass --head REF");
    throw new GitError(`unknown ${what} "${ref}" (not a commit in this repository)`);
  }
}

async function refExists(git: Git, ref: string): Promise<boolean> {
  try {
    await git(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
    return true;
  } catch {
    return false;
  }
}

/**
 * The default branch, as a pull request would target it: where `origin/HEAD` points, else
 * `main`, else `master`. Returns the ref to resolve and the branch name to report.
 */
export async function defaultBranch(git: Git): Promise<{ ref: string; name: string }> {
  try {
    const target = (await git(["symbolic-ref", "--quiet", "refs/remotes/origin/HEAD"])).trim();
    if (target && (await refExists(git, target))) return { ref: target, name: target.replace(/^refs\/remotes\/origin\//, "") };
  } catch {
    // No origin/HEAD: a clone without a remote, or a remote that never set it.
  }
  for (const name of ["main", "master"]) {
    if (await refExists(git, `refs/heads/${name}`)) return { ref: `refs/heads/${name}`, name };
    if (await refExists(git, `refs/remotes/origin/${name}`)) return { ref: `refs/remotes/origin/${name}`, name };
  }
  throw new GitError("cannot find the default branch (tried origin/HEAD, main, master); pass --base REF");
}

export async function resolveRange(git: Git, base: string | undefined, head: string | undefined): Promise<ResolvedRange> {
  await repositoryRoot(git);
  const headRef = head ?? "HEAD";
  const headSha = await resolveCommit(git, headRef, "--head ref");
  let baseRef: string;
  let baseSha: string;
  if (base === undefined) {
    const branch = await defaultBranch(git);
    baseRef = branch.name;
    baseSha = await resolveCommit(git, branch.ref, "default branch");
  } else {
    baseRef = base;
    baseSha = await resolveCommit(git, base, "--base ref");
  }
  let mergeBase: string;
  try {
    mergeBase = (await git(["merge-base", baseSha, headSha])).trim();
  } catch {
    throw new GitError(`${baseRef} and ${headRef} share no history (no merge base)`);
  }
  return { baseRef, headRef, headSha, baseSha, mergeBase };
}

/** Commits of a revision range (`a..b`, or any `git log` revision arguments), oldest first. */
export async function logCommits(git: Git, revisions: readonly string[], options: { maxCount?: number } = {}): Promise<LoggedCommit[]> {
  for (const r of revisions) assertSafeRef(r, "revision range");
  const limit = options.maxCount === undefined ? [] : [`--max-count=${options.maxCount}`];
  const order = options.maxCount === undefined ? ["--reverse", "--topo-order"] : [];
  const out = await git(["log", "-z", ...order, ...limit, `--format=${LOG_FORMAT}`, "--end-of-options", ...revisions, "--"]);
  return parseLog(out);
}

/**
 * What one commit changed: paths, and renames and copies with their source. A merge commit is
 * compared with its first parent — everything the merge brought into the branch — so an
 * AI-marked merge over-attributes rather than hides; a root commit is compared with the empty tree.
 */
export async function commitPaths(git: Git, sha: string): Promise<CommitFile[]> {
  assertSafeRef(sha, "commit");
  const out = await git(["diff-tree", "-r", "-M", "-C", "--root", "--diff-merges=first-parent", "--raw", "--no-abbrev", "-z", "--no-commit-id", sha]);
  return commitFileEntries(parseRaw(out));
}

/** A symbolic link's target is its blob's text; longer than a path can be, it is cut for messages. */
const MAX_LINK_TARGET = 4096;

/** Where each link points: a symlink's target path, a submodule's commit. */
async function withLinkTargets(git: Git, entries: NameStatusEntry[]): Promise<SnapshotFile[]> {
  const files = toSnapshotFiles(entries);
  await Promise.all(
    entries.map(async (e, i) => {
      if (e.mode === SUBMODULE_MODE) files[i].link_target = e.object!;
      if (e.mode === SYMLINK_MODE) files[i].link_target = (await git(["cat-file", "blob", e.object!])).slice(0, MAX_LINK_TARGET);
    }),
  );
  return files;
}

export function toSnapshotCommit(c: LoggedCommit): SnapshotCommit {
  return { sha: c.sha, message: c.message, author: c.author, committer: c.committer };
}

export class LocalPullRequest implements PullRequestData {
  private commitsCache?: Promise<LoggedCommit[]>;
  private filesCache?: Promise<SnapshotFile[]>;
  private prCache?: Promise<SnapshotPullRequest>;

  private constructor(
    readonly git: Git,
    private readonly options: LocalPullRequestOptions,
    readonly range: ResolvedRange,
    readonly root: string,
    readonly repository: string,
  ) {}

  /** Resolves the refs up front, so a bad ref or a non-repository fails before any work. */
  static async open(options: LocalPullRequestOptions): Promise<LocalPullRequest> {
    const git = options.git ?? createGit({ cwd: options.cwd, env: options.env });
    const root = await repositoryRoot(git);
    const range = await resolveRange(git, options.base, options.head);
    const repository = await repositoryName(git, root);
    return new LocalPullRequest(git, options, range, root, repository);
  }

  pullRequest(): Promise<SnapshotPullRequest> {
    return (this.prCache ??= this.loadPullRequest());
  }

  files(): Promise<SnapshotFile[]> {
    return (this.filesCache ??= this.git(["diff", "-z", "-M", "--raw", "--no-abbrev", "--no-ext-diff", this.range.mergeBase, this.range.headSha, "--"]).then(
      (out) => withLinkTargets(this.git, parseRaw(out)),
    ));
  }

  /** Unreadable notes or trace lines met while loading (never fatal). */
  readonly recordWarnings: RecordWarning[] = [];

  async commits(): Promise<SnapshotCommit[]> {
    const logged = await this.loggedCommits();
    const records = await readAiRecords(this.git, { cwd: this.root, env: this.options.env }, logged.map((c) => c.sha), this.range.headSha);
    this.recordWarnings.push(...records.warnings);
    return logged.map((c) => {
      const commit = toSnapshotCommit(c);
      const attested = records.byCommit.get(c.sha);
      return attested ? { ...commit, ai_records: attested } : commit;
    });
  }

  /** What `--identity` and the base's `.mailmap` say about the addresses of the range (SPEC §8). */
  async identities(): Promise<SnapshotIdentity[]> {
    const commits = (await this.loggedCommits()).map(toSnapshotCommit);
    let mailmap = "";
    try {
      mailmap = await this.git(["show", `${this.range.baseSha}:.mailmap`]);
    } catch {
      // No .mailmap at the base: nothing to add.
    }
    return identitiesFor(commits, this.options.identities ?? new Map(), parseMailmap(mailmap));
  }

  commitFiles(sha: string): Promise<CommitFile[]> {
    return commitPaths(this.git, sha);
  }

  async reviews(): Promise<SnapshotReview[]> {
    const pr = await this.pullRequest();
    const submittedAt = reviewTime(this.options.now ?? new Date(), pr.last_push_at);
    const seen = new Set<string>();
    const reviews: SnapshotReview[] = [];
    for (const login of this.options.approvedBy ?? []) {
      if (seen.has(login.toLowerCase())) continue;
      seen.add(login.toLowerCase());
      reviews.push({
        user: { login, type: /\[bot\]$/i.test(login) ? "Bot" : "User" },
        state: "APPROVED",
        submitted_at: submittedAt,
        commit_id: pr.head_sha,
      });
    }
    return reviews;
  }

  async permission(login: string): Promise<Permission> {
    return lookup(this.options.permissions, login) ?? this.options.permission ?? "write";
  }

  async teamsOf(login: string, teams: string[]): Promise<string[]> {
    const mine = new Set((lookup(this.options.teams, login) ?? []).map((t) => t.toLowerCase().replace(/^@/, "")));
    return teams.filter((t) => mine.has(t.toLowerCase().replace(/^@/, "")));
  }

  private loggedCommits(): Promise<LoggedCommit[]> {
    return (this.commitsCache ??= logCommits(this.git, [`${this.range.mergeBase}..${this.range.headSha}`]));
  }

  private async loadPullRequest(): Promise<SnapshotPullRequest> {
    const [head] = await logCommits(this.git, [this.range.headSha], { maxCount: 1 });
    if (!head) throw new GitError(`cannot read commit ${this.range.headSha}`);
    const author = this.options.author ?? (await defaultAuthor(this.git, head));
    return {
      number: 0,
      author,
      author_type: /\[bot\]$/i.test(author) ? "Bot" : "User",
      base_ref: this.range.baseRef,
      head_ref: await headRefName(this.git, this.range.headRef),
      head_sha: this.range.headSha,
      labels: [...(this.options.labels ?? [])],
      body: this.options.body ?? "",
      // A local branch has no push time; its head commit's committer date stands in for it.
      last_push_at: new Date(head.committedAt).toISOString(),
      ...(this.options.pushers?.length ? { pushers: [...this.options.pushers] } : {}),
    };
  }
}

/**
 * Flag-given approvals are meant as "approved the current code": submit them now, or just after
 * the head commit when its committer date lies in the future (clock skew, fixed test dates).
 */
function reviewTime(now: Date, lastPushAt: string): string {
  const afterPush = Date.parse(lastPushAt) + 1000;
  return new Date(Math.max(now.getTime(), afterPush)).toISOString();
}

function lookup<T>(table: Record<string, T> | undefined, login: string): T | undefined {
  if (!table) return undefined;
  const key = Object.keys(table).find((k) => k.toLowerCase() === login.toLowerCase());
  return key === undefined ? undefined : table[key];
}

async function gitConfig(git: Git, key: string): Promise<string | null> {
  try {
    const v = (await git(["config", "--get", key])).trim();
    return v || null;
  } catch {
    return null;
  }
}

/**
 * Who would open this pull request, when `--author` is not given: the head commit author's
 * GitHub login (from a no-reply address) unless that is a bot; else `git config github.user`;
 * else the login of `git config user.email` when it is a no-reply address, or its local part;
 * else `unknown`. It only ever adds a person to
 * the AI-session authors, so a wrong guess cannot make anyone eligible who was not.
 */
async function defaultAuthor(git: Git, head: LoggedCommit): Promise<string> {
  const login = head.author.login;
  if (login && head.author.type !== "Bot" && login !== "web-flow") return login;
  const githubUser = await gitConfig(git, "github.user");
  if (githubUser) return githubUser;
  const email = await gitConfig(git, "user.email");
  if (!email) return "unknown";
  return loginFromEmail(email) ?? (email.split("@")[0] || "unknown");
}

async function headRefName(git: Git, headRef: string): Promise<string> {
  assertSafeRef(headRef, "--head ref");
  try {
    const full = (await git(["rev-parse", "--symbolic-full-name", headRef])).trim();
    if (full.startsWith("refs/heads/")) return full.slice("refs/heads/".length);
    if (full.startsWith("refs/remotes/")) return full.slice("refs/remotes/".length).replace(/^[^/]+\//, "");
  } catch {
    // Fall through: a SHA or an expression has no branch name.
  }
  return headRef;
}

/** `owner/name` from the `origin` remote when it points at GitHub, else `local/<directory>`. */
async function repositoryName(git: Git, root: string): Promise<string> {
  const url = await gitConfig(git, "remote.origin.url");
  const m = url ? /github\.com[:/]+([^/\s]+)\/([^/\s]+?)(?:\.git)?\/?$/i.exec(url) : null;
  return m ? `${m[1]}/${m[2]}` : `local/${basename(root)}`;
}
