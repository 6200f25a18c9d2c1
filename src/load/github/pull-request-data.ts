/**
 * `PullRequestData` backed by the GitHub API: the pull request's own data. The main GraphQL read
 * (`pull-request-query.ts`) brings the pull request, its commits, reviews and files (REST's file
 * list only when a file was renamed or copied: GraphQL has no `previous_filename`); what commits
 * changed comes from `commit-files.ts`; every list goes through the complete-list pager
 * (`pager.ts`), so a pull request that cannot be read completely throws `IncompleteDataError`
 * instead of being judged on part of its contents. Where the policy comes from is
 * `policy-source.ts`. Every call is cached for the evaluation.
 */
import type { PullRequestData } from "../pull-request-data.js";
import { IncompleteDataError } from "../pull-request-data.js";
import type { CommitFile as SnapshotCommitFile, FileStatus, Permission, SnapshotCommit, SnapshotFile, SnapshotPullRequest, SnapshotRequester, SnapshotReview } from "../../model/snapshot.js";
import { GITHUB_MAX_PR_FILES } from "../../model/snapshot.js";
import { httpStatus, RequestCache, type GitHubClient, type RepoRef } from "./client.js";
import { listOwnCheckRuns, type ExistingCheckRun } from "./check-runs.js";
import { connectionPage, nextRestPage, readCompleteList, RETRY_REMEDY, SPLIT_REMEDY } from "./pager.js";
import { GitHubPolicySource } from "./policy-source.js";
import { PullRequestQuery, actorLogin, actorType } from "./pull-request-query.js";
import { lastPushAt } from "./push-time.js";
import { commitsWithAiRecords } from "./ai-records.js";
import type { RecordWarning } from "../../provenance-records/record.js";
import { readCommitFiles, readRunFiles } from "./commit-files.js";
import { readCommitChanges } from "./tree-walk.js";
import type { GqlPullRequest } from "./queries.js";
import { readFileModes, type FileMode } from "./file-modes.js";
import { isUpdateBranchMerge, looksLikeUpdateBranch, type Push } from "./update-branch.js";
import { pushedFrom, recordedPushers, recordsAllPushes } from "./pushers.js";
import { pushesSince } from "./push-activity.js";
import { mentionAnswererAtWork, mentionedAgents } from "../../evaluate/requesters.js";

/** GitHub lists at most 3,000 files of a pull request, and of a commit. */
export const MAX_PR_FILES = GITHUB_MAX_PR_FILES;
/** The documented page size maximum of "list files". */
const FILES_PAGE = 100;
/** Review comments come 100 to a page at most; 100 pages is far past any pull request's conversation. */
const COMMENTS_PAGE = 100;
const MAX_COMMENT_PAGES = 100;

interface InlineComment {
  id: number;
  body: string;
  /** Null for a deleted account. */
  login: string | null;
}


export interface GitHubPullRequestDataOptions extends RepoRef {
  number: number;
  appId: number;
  /** The base branch, when the event tells it; otherwise one `GET pull` finds it. */
  baseRef?: string;
  /** When the event says the head was pushed (see `push-time.ts`)... */
  eventTime?: Date;
  /** ...and which head that was: the time only applies while the pull request is still there. */
  eventHeadSha?: string;
  now: Date;
  cache?: RequestCache;
  /** People the events said pushed to the head branch (each `synchronize` sender). */
  pushers?: string[];
  /** Pushes whose sender is a pusher unless the push only added GitHub's "Update branch" merge. */
  pushes?: Push[];
  /** The head the pull request was opened at, when this process handled its `opened`: no push came before it. */
  openedHead?: string;
  /** The pull request's assignees, from the event (for an agent's pull request: who asked it). */
  assignees?: string[];
}

export class GitHubPullRequestData implements PullRequestData {
  readonly cache: RequestCache;
  /** Where the policy comes from: the base branch, the owner's `.github`, the pull request's own copy. */
  readonly policy: GitHubPolicySource;
  readonly #repo: RepoRef;
  readonly #query: PullRequestQuery;
  /** The pushes this process saw that lead to the newest one (see `pushers.ts`). */
  readonly #pushed: { from: string; to: string } | undefined;
  #readAfterQuery = false;

  constructor(
    readonly gh: GitHubClient,
    readonly options: GitHubPullRequestDataOptions,
  ) {
    this.cache = options.cache ?? new RequestCache();
    this.#repo = { owner: options.owner, repo: options.repo };
    this.#pushed = pushedFrom(options.pushes ?? []);
    // The runs on the head those pushes started from come with the main query, unless the pull request was opened there.
    const before = this.#pushed && this.#pushed.from !== options.openedHead ? this.#pushed.from : undefined;
    this.#query = new PullRequestQuery(gh, { ...this.#repo, number: options.number, baseRef: options.baseRef, appId: options.appId, ...(before ? { before } : {}) }, this.cache);
    this.policy = new GitHubPolicySource(gh, this.#repo, this.#query, this.cache);
  }

  /**
   * Whether part of the snapshot was read by pull request number after the main query, without
   * GitHub saying which head it was of (the REST file list, whose paths are only checked against
   * GraphQL's; further GraphQL pages name their head and fail on another). Reads by commit SHA
   * and of people cannot mix two heads; when nothing else followed, the main query's head is the
   * snapshot's, and no separate re-read is needed before publishing.
   */
  get readAfterQuery(): boolean {
    return this.#readAfterQuery;
  }


  get repository(): string {
    return `${this.options.owner}/${this.options.repo}`;
  }

  // ---------- PullRequestData ----------

  async pullRequest(): Promise<SnapshotPullRequest> {
    const [{ pr, requesters: recorded, commits }, lastPush, { pushers }] = await Promise.all([this.#query.core(), this.pushTime(), this.pushers()]);
    const author = actorLogin(pr.author);
    // Inline review comments cost a request of their own: read only where a mention could count.
    const inline = mentionAnswererAtWork({ author: author ?? "ghost", pushers }, commits) ? await this.#inlineMentions(pr.number) : [];
    const requesters = [...recorded, ...inline];
    return {
      number: pr.number,
      author: author ?? "ghost",
      author_type: pr.author ? actorType(pr.author) : "User",
      base_ref: pr.baseRefName,
      head_ref: pr.headRefName,
      head_sha: pr.headRefOid,
      labels: labelsOf(pr),
      body: pr.body ?? "",
      last_push_at: lastPush,
      changed_files: pr.changedFiles,
      commits: pr.commits.totalCount,
      ...(pushers.length > 0 ? { pushers } : {}),
      ...(this.options.assignees?.length ? { assignees: [...this.options.assignees] } : {}),
      ...(requesters.length > 0 ? { requesters } : {}),
    };
  }

  /**
   * Everyone who pushed to the head branch since the pull request was opened (see `pushers.ts`),
   * and whether that is known to be all of them: what the app knows, and where that may not be
   * everyone, the pushes GitHub's activity lists for a same-repository head (`push-activity.ts`).
   * A fork's pushes happen in the fork, so for a fork head the known ones are all there is.
   */
  pushers(): Promise<KnownPushers> {
    return this.cache.get("pushers", async () => {
      const known = await this.knownPushers();
      const { pr } = await this.#query.core();
      if (known.complete || pr.isCrossRepository) return known;
      const unseen = await this.cache.get("push-activity", () => pushesSince(this.gh, this.#repo, pr.headRefName, pr.createdAt));
      return { pushers: unique([...known.pushers, ...(await this.#pushersOf(unseen))]), complete: true };
    });
  }

  /**
   * The pushers known without GitHub's activity: the senders of the events this process handled,
   * and the pushers this app recorded on its runs on the head and on the head those pushes started
   * from — so the list survives restarts and is the same on every replica once a run holds it.
   */
  knownPushers(): Promise<KnownPushers> {
    return this.cache.get("known-pushers", async () => {
      const { pr } = await this.#query.core();
      const head = pr.headRefOid;
      const pushed = this.#pushed?.to === head ? this.#pushed : undefined;
      const opened = this.options.openedHead;
      const [headRuns, fromRuns] = await Promise.all([this.checkRuns(head), pushed && pushed.from !== opened ? this.checkRuns(pushed.from) : Promise.resolve([])]);
      // A force-push can take the branch back to a head it had before (push A, lost push B, force
      // back to A): what was recorded, or known at the opening, before the latest force-push says
      // nothing about the pushes since. Only a record of a push at or after it still counts.
      const forced = latestForcePush(pr);
      const since = (runs: ExistingCheckRun[]) => (forced === undefined ? runs : runs.filter((run) => run.started_at !== null && Date.parse(run.started_at) >= forced));
      const openedAt = (sha: string | undefined) => forced === undefined && sha !== undefined && sha === opened;
      const complete =
        openedAt(head) || recordsAllPushes(since(headRuns), pr.number) || (pushed !== undefined && (openedAt(pushed.from) || recordsAllPushes(since(fromRuns), pr.number)));
      const pushers = [...(this.options.pushers ?? []), ...recordedPushers(headRuns), ...recordedPushers(fromRuns), ...(await this.#pushersOf(this.options.pushes ?? []))];
      return { pushers: unique(pushers), complete };
    });
  }

  /** The senders of `pushes`, but for a push that only added GitHub's "Update branch" merge. */
  async #pushersOf(pushes: readonly Push[]): Promise<string[]> {
    const judged = await Promise.all(pushes.map(async (push) => ((await this.#onlyUpdatedBranch(push)) ? [] : [push.login])));
    return judged.flat();
  }

  /** See `update-branch.ts`: read further only when the pushed head looks like GitHub's base merge. */
  async #onlyUpdatedBranch(push: Push): Promise<boolean> {
    const { pr, commits } = await this.#query.core();
    const head = commits.find((c) => c.sha === push.after);
    if (!head || !looksLikeUpdateBranch(head, pr.baseRefName)) return false;
    return this.cache.get(`update-branch:${push.before}:${push.after}`, () => isUpdateBranchMerge(this.gh, this.#repo, push, pr.baseRefName));
  }

  /**
   * When the current head was pushed (see `push-time.ts`): the latest of the pushes this app
   * recorded on its runs, the event's push of this head, and GitHub's record of a force-push onto it.
   */
  async pushTime(): Promise<string> {
    const { pr } = await this.#query.core();
    const runs = await this.checkRuns(pr.headRefOid);
    const eventTime = this.options.eventHeadSha === pr.headRefOid ? this.options.eventTime : undefined;
    return lastPushAt(runs, latest(eventTime, forcePushOnto(pr)), this.options.now);
  }

  files(): Promise<SnapshotFile[]> {
    return this.cache.get("files", () => this.#readFiles());
  }

  /** With git-ai notes and Agent Trace records attached (SPEC §9; see `ai-records.ts`). */
  async commits(): Promise<SnapshotCommit[]> {
    return (await this.#attested()).commits;
  }

  /** Notes and trace lines that could not be read while loading the commits (never fatal). */
  async recordWarnings(): Promise<RecordWarning[]> {
    return (await this.#attested()).warnings;
  }

  async #attested() {
    const core = await this.#query.core();
    return this.cache.get("attested-commits", () => commitsWithAiRecords(this.gh, this.#repo, core));
  }

  commitFiles(sha: string): Promise<SnapshotCommitFile[]> {
    return this.cache.get(`commit-files:${sha}`, () => readCommitFiles(this.gh, this.#repo, sha));
  }

  /** One tree comparison for many commits (see `tree-walk.ts`). */
  commitChanges(shas: string[]): Promise<Map<string, SnapshotCommitFile[]>> {
    return this.cache.get(`commit-changes:${shas.join(",")}`, () => readCommitChanges(this.gh, this.#repo, shas));
  }

  runFiles(base: string, shas: string[]): Promise<SnapshotCommitFile[] | undefined> {
    return this.cache.get(`run-files:${base}:${shas.join(",")}`, () => readRunFiles(this.gh, this.#repo, base, shas));
  }

  async reviews(): Promise<SnapshotReview[]> {
    return (await this.#query.core()).reviews;
  }

  /**
   * GraphQL's `authorCanPushToRepository` answers this for every reviewer at no cost: push access
   * means the `write`, `maintain` or `admin` role, so it maps to "write"; no push access to
   * "read". Anyone without a review falls back to the REST permission endpoint.
   */
  async permission(login: string): Promise<Permission> {
    const core = await this.#query.core();
    const canPush = core.pushPermission.get(login.toLowerCase());
    if (canPush !== undefined) return canPush ? "write" : "read";
    return this.cache.get(`permission:${login.toLowerCase()}`, async () => {
      const { data } = await this.gh.rest.repos.getCollaboratorPermissionLevel({ ...this.#repo, username: login });
      const role = (data as { role_name?: string }).role_name;
      if (role === "maintain" || role === "triage") return role;
      return data.permission as Permission;
    });
  }

  async teamsOf(login: string, teams: string[]): Promise<string[]> {
    const member = await Promise.all(teams.map((team) => this.#isTeamMember(login, team)));
    return teams.filter((_, i) => member[i]);
  }

  /** One tree query at the head (see `file-modes.ts`). */
  async fileModes(paths: string[]): Promise<Map<string, FileMode>> {
    const { pr } = await this.#query.core();
    return this.cache.get(`modes:${paths.join("\0")}`, () => readFileModes(this.gh, this.#repo, pr.headRefOid, paths));
  }

  // ---------- what the app needs around the snapshot ----------

  /** The head SHA, if the pull request has been read already (no request). */
  get loadedHeadSha(): string | undefined {
    return this.#query.loadedHeadSha;
  }

  async headSha(): Promise<string> {
    return (await this.#query.core()).pr.headRefOid;
  }

  async baseRef(): Promise<string> {
    return (await this.#query.core()).baseRef;
  }

  /**
   * The head as the main query's own answer has it, with this app's runs there: known before any
   * further page is read (the shared-head hold waits for nothing more, see app/shared-head.ts).
   */
  async headRuns(): Promise<{ sha: string; runs: ExistingCheckRun[] }> {
    const { pr } = await this.#query.firstAnswer();
    return { sha: pr.headRefOid, runs: await this.checkRuns(pr.headRefOid) };
  }

  /**
   * This app's runs on `sha` (shared with the publisher, so it is fetched once). For the head the
   * main query brings them; a REST listing only when it could not, or for another commit.
   */
  async checkRuns(sha: string): Promise<ExistingCheckRun[]> {
    await this.#query.firstAnswer().catch(() => undefined);
    return listOwnCheckRuns(this.gh, this.#repo, sha, this.options.appId, this.cache);
  }

  // ---------- reading ----------

  /**
   * The changed files from GraphQL (the main query's first page, then pages of their own); the
   * REST list, which alone names a rename's or copy's source, only when GraphQL reports one.
   */
  async #readFiles(): Promise<SnapshotFile[]> {
    const { pr } = await this.#query.core();
    const of = `of pull request #${pr.number}`;
    if (pr.changedFiles > MAX_PR_FILES) {
      throw new IncompleteDataError(
        `Pull request #${pr.number} changes ${pr.changedFiles} files; GitHub lists at most ${MAX_PR_FILES}, so it cannot be checked completely.`,
        SPLIT_REMEDY,
      );
    }
    if (!pr.files) throw new IncompleteDataError(`GitHub did not list the changed files ${of}.`, RETRY_REMEDY);
    const counted = (n: number) => `${n} changed file${n === 1 ? "" : "s"} ${of}`;
    const nodes = await readCompleteList({
      what: `files ${of}`,
      counted,
      start: "",
      first: connectionPage(pr.files, ""),
      maxPages: MAX_PR_FILES / FILES_PAGE,
      key: (node) => node?.path ?? "an empty entry",
      read: (after) => this.#query.filesPage(after),
    });
    const files = nodes.flatMap((node) => (node ? [{ filename: node.path, status: fileStatus(node.changeType) }] : []));
    // GitHub's own count of the pull request's files, besides the connection's.
    if (files.length !== pr.changedFiles) {
      throw new IncompleteDataError(`GitHub listed ${counted(files.length)}, but it reports ${pr.changedFiles}.`, RETRY_REMEDY);
    }
    if (!files.some((file) => file.status === "renamed" || file.status === "copied")) return files;
    const moved = await this.#readRestFiles(pr.changedFiles, of, counted);
    // The REST list is of the pull request as it is now: it must be the list GraphQL gave.
    const paths = (list: SnapshotFile[]) => list.map((file) => `${file.filename}\u0000${file.status}`).sort().join("\n");
    if (paths(moved) !== paths(files)) {
      throw new IncompleteDataError(`The changed files ${of} differ between two reads of it: the head moved while it was read.`, RETRY_REMEDY);
    }
    return moved;
  }

  #readRestFiles(total: number, of: string, counted: (n: number) => string): Promise<SnapshotFile[]> {
    return readCompleteList({
      what: `files ${of}`,
      counted,
      total,
      start: 1,
      maxPages: MAX_PR_FILES / FILES_PAGE,
      key: (file) => file.filename,
      read: async (page) => {
        this.#readAfterQuery = true;
        const { data, headers } = await this.gh.rest.pulls.listFiles({ ...this.#repo, pull_number: this.options.number, per_page: FILES_PAGE, page });
        const items = data.map((file) => ({
          filename: file.filename,
          status: file.status as FileStatus,
          ...(file.previous_filename ? { previous_filename: file.previous_filename } : {}),
        }));
        return { items, next: nextRestPage(page, headers.link, data.length, FILES_PAGE) };
      },
    });
  }

  /** Who mentioned an agent in an inline review comment (REST lists them all, flat, in pages). */
  async #inlineMentions(number: number): Promise<SnapshotRequester[]> {
    const comments = await readCompleteList<InlineComment, number>({
      what: `review comments of pull request #${number}`,
      start: 1,
      maxPages: MAX_COMMENT_PAGES,
      key: (comment) => String(comment.id),
      tooLongRemedy: RETRY_REMEDY,
      // Comments are not of a head: a page read after a push mixes nothing.
      read: async (page) => {
        const { data, headers } = await this.gh.rest.pulls.listReviewComments({ ...this.#repo, pull_number: number, per_page: COMMENTS_PAGE, page });
        const items = data.map((c) => ({ id: c.id, body: c.body, login: c.user?.login ?? null }));
        return { items, next: nextRestPage(page, headers.link, data.length, COMMENTS_PAGE) };
      },
    });
    return comments.flatMap(({ login, body }) => (login ? mentionedAgents(body).map((agent) => ({ login, agent, via: "mentioned" as const })) : []));
  }

  #isTeamMember(login: string, team: string): Promise<boolean> {
    const [org, slug] = team.split("/");
    return this.cache.get(`team:${team.toLowerCase()}:${login.toLowerCase()}`, async () => {
      if (!org || !slug) return false;
      try {
        const { data } = await this.gh.rest.teams.getMembershipForUserInOrg({ org, team_slug: slug, username: login });
        return data.state === "active";
      } catch (error) {
        if (httpStatus(error) === 404) return false;
        throw error;
      }
    });
  }
}

/** Who pushed to the head branch; `complete` when that is every push since the pull request was opened. */
export interface KnownPushers {
  pushers: string[];
  complete: boolean;
}

function unique(logins: readonly string[]): string[] {
  return [...new Set(logins.map((l) => l.toLowerCase()))].sort();
}

/** Labels decide PR-level AI marks, so a list GitHub cut short must not pass as complete. */
function labelsOf(pr: GqlPullRequest): string[] {
  const labels = (pr.labels?.nodes ?? []).flatMap((l) => (l ? [l.name] : []));
  if (pr.labels && pr.labels.totalCount > labels.length) {
    throw new IncompleteDataError(
      `Pull request #${pr.number} has ${pr.labels.totalCount} labels; only ${labels.length} could be read.`,
      "Remove labels the pull request does not need, then click Re-evaluate.",
    );
  }
  return labels;
}

/**
 * When the head was force-pushed onto, by GitHub's timeline: evidence of the push time that does
 * not depend on the app having received the webhook (a SHA pushed away and back again).
 */
function forcePushOnto(pr: GqlPullRequest): Date | undefined {
  const t = latestForcePush(pr);
  return t !== undefined && pr.forcePushes?.nodes?.[0]?.afterCommit?.oid === pr.headRefOid ? new Date(t) : undefined;
}

/** When the head branch was last force-pushed, to any commit (GitHub's timeline), in milliseconds. */
function latestForcePush(pr: GqlPullRequest): number | undefined {
  const t = Date.parse(pr.forcePushes?.nodes?.[0]?.createdAt ?? "");
  return Number.isFinite(t) ? t : undefined;
}

function latest(...dates: Array<Date | undefined>): Date | undefined {
  const known = dates.filter((d): d is Date => d !== undefined);
  return known.length === 0 ? undefined : new Date(Math.max(...known.map((d) => d.getTime())));
}

/** GraphQL's `PatchStatus` in REST's words, which the snapshot uses. */
function fileStatus(changeType: string): FileStatus {
  switch (changeType) {
    case "ADDED":
      return "added";
    case "DELETED":
      return "removed";
    case "RENAMED":
      return "renamed";
    case "COPIED":
      return "copied";
    case "CHANGED":
      return "changed";
    default:
      return "modified";
  }
}
