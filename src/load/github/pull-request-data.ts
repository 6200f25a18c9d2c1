/**
 * `PullRequestData` backed by the GitHub API. One GraphQL query (`PullRequestSnapshot`) brings the
 * pull request, its commits and reviews and both candidate policies; the file list comes from
 * REST (GraphQL has no `previous_filename`). Every call is cached for the evaluation, and every
 * list is checked against GitHub's own count: a pull request that cannot be read completely
 * throws `IncompleteDataError` instead of being judged on part of its contents.
 */
import { IncompleteDataError, type PullRequestData } from "../pull-request-data.js";
import type {
  FileStatus,
  GitIdentity,
  Permission,
  SnapshotCommit,
  SnapshotFile,
  SnapshotPullRequest,
  SnapshotReview,
  ReviewState,
} from "../../model/snapshot.js";
import { POLICY_PATH } from "../../model/policy.js";
import { httpStatus, RequestCache, type GitHubClient, type RepoRef } from "./client.js";
import { listOwnCheckRuns, type ExistingCheckRun } from "./check-runs.js";
import { lastPushAt } from "./push-time.js";
import {
  PULL_REQUEST_COMMITS_QUERY,
  PULL_REQUEST_REVIEWS_QUERY,
  PULL_REQUEST_SNAPSHOT_QUERY,
  type GqlActor,
  type GqlBlob,
  type GqlCommitConnection,
  type GqlGitActor,
  type GqlPullRequest,
  type GqlReviewConnection,
  type PullRequestCommitsResponse,
  type PullRequestReviewsResponse,
  type PullRequestSnapshotResponse,
} from "./queries.js";
import { GITHUB_MAX_PR_FILES } from "../../model/snapshot.js";

const SPLIT_REMEDY = "Split the pull request into smaller ones, then push again or click Re-evaluate.";
const RETRY_REMEDY = "Click Re-evaluate on the check run, or push again.";
/** GitHub lists at most 3,000 files of a pull request, and of a commit. */
export const MAX_PR_FILES = GITHUB_MAX_PR_FILES;
export const MAX_COMMIT_FILES = 3_000;
/** The documented page size maximum of "get a commit" (its file list continues on further pages). */
const COMMIT_FILES_PAGE = 100;
const FILES_PAGE = 100;

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
}

/** A policy file as read from GitHub. */
export interface PolicyBlob {
  /** Where it was read, e.g. `.provenance.yml` or `acme/.github:.provenance.yml`. */
  path: string;
  ref: string;
  blob_sha: string;
  text: string | null;
  truncated: boolean;
}

export interface PolicyCandidates {
  base: PolicyBlob | null;
  fallback: PolicyBlob | null;
  /** Human-readable places that were searched, for the "No provenance policy" summary. */
  searched: string[];
}

interface GraphqlErrorLike {
  type?: string;
  message?: string;
  path?: Array<string | number>;
}

interface CoreData {
  pr: GqlPullRequest;
  baseRef: string;
  policy: Partial<GqlBlob> | null;
  fallback: Partial<GqlBlob> | null;
  commits: SnapshotCommit[];
  reviews: SnapshotReview[];
  pushPermission: Map<string, boolean>;
}

export class GitHubPullRequestData implements PullRequestData {
  readonly cache: RequestCache;
  readonly #repo: RepoRef;
  #loadedHeadSha: string | undefined;

  constructor(
    readonly gh: GitHubClient,
    readonly options: GitHubPullRequestDataOptions,
  ) {
    this.cache = options.cache ?? new RequestCache();
    this.#repo = { owner: options.owner, repo: options.repo };
  }

  get repository(): string {
    return `${this.options.owner}/${this.options.repo}`;
  }

  // ---------- PullRequestData ----------

  async pullRequest(): Promise<SnapshotPullRequest> {
    const core = await this.#core();
    const runs = await this.checkRuns(core.pr.headRefOid);
    const author = actorLogin(core.pr.author);
    return {
      number: core.pr.number,
      author: author ?? "ghost",
      author_type: core.pr.author ? actorType(core.pr.author) : "User",
      base_ref: core.pr.baseRefName,
      head_ref: core.pr.headRefName,
      head_sha: core.pr.headRefOid,
      labels: labelsOf(core.pr),
      body: core.pr.body ?? "",
      last_push_at: lastPushAt(runs, latest(this.#eventTimeFor(core.pr.headRefOid), forcePushOnto(core.pr)), this.options.now),
      changed_files: core.pr.changedFiles,
      commits: core.pr.commits.totalCount,
    };
  }

  files(): Promise<SnapshotFile[]> {
    return this.cache.get("files", () => this.#readFiles());
  }

  async commits(): Promise<SnapshotCommit[]> {
    return (await this.#core()).commits;
  }

  commitFiles(sha: string): Promise<string[]> {
    return this.cache.get(`commit-files:${sha}`, () => this.#readCommitFiles(sha));
  }

  async reviews(): Promise<SnapshotReview[]> {
    return (await this.#core()).reviews;
  }

  /**
   * GraphQL's `authorCanPushToRepository` answers this for every reviewer at no cost: push access
   * means the `write`, `maintain` or `admin` role, so it maps to "write"; no push access to
   * "read". Anyone without a review falls back to the REST permission endpoint.
   */
  async permission(login: string): Promise<Permission> {
    const core = await this.#core();
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

  // ---------- beyond PullRequestData: what the app needs around the snapshot ----------

  /** The head SHA, if the pull request has been read already (no request). */
  get loadedHeadSha(): string | undefined {
    return this.#loadedHeadSha;
  }

  async headSha(): Promise<string> {
    return (await this.#core()).pr.headRefOid;
  }

  async baseRef(): Promise<string> {
    return (await this.#core()).baseRef;
  }

  /** This app's runs on `sha` (shared with the publisher, so it is fetched once). */
  checkRuns(sha: string): Promise<ExistingCheckRun[]> {
    return listOwnCheckRuns(this.gh, this.#repo, sha, this.options.appId, this.cache);
  }

  async policyCandidates(): Promise<PolicyCandidates> {
    const core = await this.#core();
    const { owner, repo } = this.options;
    return {
      base: toPolicyBlob(core.policy, POLICY_PATH, core.baseRef),
      fallback: toPolicyBlob(core.fallback, `${owner}/.github:${POLICY_PATH}`, "HEAD"),
      searched: [
        `\`${POLICY_PATH}\` on the base branch \`${core.baseRef}\` of ${owner}/${repo}`,
        `\`${POLICY_PATH}\` on the default branch of ${owner}/.github`,
      ],
    };
  }

  /** The pull request's own `.provenance.yml` at its head, or null when the head has none. */
  async headPolicyText(): Promise<string | null> {
    const sha = await this.headSha();
    return this.cache.get(`head-policy:${sha}`, async () => {
      try {
        const { data } = await this.gh.rest.repos.getContent({ ...this.#repo, path: POLICY_PATH, ref: sha });
        if (Array.isArray(data) || data.type !== "file") return null;
        const file = data as { content?: string; encoding?: string };
        if (file.encoding !== "base64" || typeof file.content !== "string") {
          throw new IncompleteDataError(`GitHub did not return the contents of ${POLICY_PATH} at ${sha.slice(0, 7)}.`, RETRY_REMEDY);
        }
        return Buffer.from(file.content, "base64").toString("utf8");
      } catch (error) {
        if (httpStatus(error) === 404) return null;
        throw error;
      }
    });
  }

  /** The event's push time, only for the head the event was about (a newer push is later still). */
  #eventTimeFor(headSha: string): Date | undefined {
    return this.options.eventHeadSha === headSha ? this.options.eventTime : undefined;
  }

  // ---------- reading ----------

  #core(): Promise<CoreData> {
    return this.cache.get("core", () => this.#readCore());
  }

  async #readCore(): Promise<CoreData> {
    let baseRef = this.options.baseRef ?? (await this.#baseRefFromRest());
    let first = await this.#snapshotQuery(baseRef);
    // The base can change between the event and the query (an `edited` event moved it): the
    // policy must come from the base the pull request has now.
    if (first.pr.baseRefName !== baseRef) {
      baseRef = first.pr.baseRefName;
      first = await this.#snapshotQuery(baseRef);
    }
    const { pr } = first;
    this.#loadedHeadSha = pr.headRefOid;
    const [commitConnections, reviewConnections] = await Promise.all([
      this.#pageCommits(pr.commits),
      this.#pageReviews(pr.reviews),
    ]);
    const commits = commitConnections.flatMap((c) => c.nodes).flatMap((n) => (n ? [toCommit(n.commit)] : []));
    const distinct = new Set(commits.map((c) => c.sha)).size;
    if (distinct !== commits.length) {
      throw new IncompleteDataError(
        `GitHub listed ${commits.length - distinct} commit${commits.length - distinct === 1 ? "" : "s"} of pull request #${pr.number} more than once while paging; the commit list cannot be trusted.`,
        RETRY_REMEDY,
      );
    }
    if (commits.length !== pr.commits.totalCount) {
      throw new IncompleteDataError(
        `GitHub listed ${commits.length} commit${commits.length === 1 ? "" : "s"} of pull request #${pr.number}, but it has ${pr.commits.totalCount}.`,
        SPLIT_REMEDY,
      );
    }
    const reviews: SnapshotReview[] = [];
    const pushPermission = new Map<string, boolean>();
    for (const node of reviewConnections.flatMap((c) => c.nodes)) {
      // Pending reviews (no submission time) and reviews by deleted accounts decide nothing.
      if (!node || !node.author || !node.submittedAt) continue;
      const login = actorLogin(node.author)!;
      reviews.push({
        user: { login, type: actorType(node.author) },
        state: node.state as ReviewState,
        submitted_at: node.submittedAt,
        ...(node.commit ? { commit_id: node.commit.oid } : {}),
      });
      pushPermission.set(login.toLowerCase(), node.authorCanPushToRepository);
    }
    reviews.sort((a, b) => Date.parse(a.submitted_at) - Date.parse(b.submitted_at));
    return { pr, baseRef, policy: first.policy, fallback: first.fallback, commits, reviews, pushPermission };
  }

  async #baseRefFromRest(): Promise<string> {
    const { data } = await this.gh.rest.pulls.get({ ...this.#repo, pull_number: this.options.number });
    return data.base.ref;
  }

  async #snapshotQuery(baseRef: string): Promise<{ pr: GqlPullRequest; policy: Partial<GqlBlob> | null; fallback: Partial<GqlBlob> | null }> {
    const variables = {
      owner: this.options.owner,
      name: this.options.repo,
      number: this.options.number,
      // Fully qualified: git resolves a tag before a branch of the same name, and a tag `main`
      // pushed by anyone with write access must not stand in for the base branch's policy.
      policyExpr: `refs/heads/${baseRef}:${POLICY_PATH}`,
      commitsAfter: null,
      reviewsAfter: null,
    };
    let data: PullRequestSnapshotResponse;
    try {
      data = await this.gh.graphql<PullRequestSnapshotResponse>(PULL_REQUEST_SNAPSHOT_QUERY, variables);
    } catch (error) {
      data = partialDataOrThrow(error);
    }
    const pr = data.repository?.pullRequest;
    if (!pr) throw new Error(`GitHub returned no pull request #${this.options.number} in ${this.repository}.`);
    return { pr, policy: data.repository?.policy ?? null, fallback: data.fallbackRepo?.object ?? null };
  }

  #pageCommits(first: GqlCommitConnection): Promise<GqlCommitConnection[]> {
    return this.#pageField(first, "commits", PULL_REQUEST_COMMITS_QUERY, (data: PullRequestCommitsResponse) => data.repository?.pullRequest?.commits);
  }

  #pageReviews(first: GqlReviewConnection): Promise<GqlReviewConnection[]> {
    return this.#pageField(first, "reviews", PULL_REQUEST_REVIEWS_QUERY, (data: PullRequestReviewsResponse) => data.repository?.pullRequest?.reviews);
  }

  /** Pages one connection of the pull request with its own query, from `after` on. */
  #pageField<C extends Connection, R>(
    first: C,
    what: "commits" | "reviews",
    query: string,
    pick: (data: R) => C | null | undefined,
  ): Promise<C[]> {
    return this.#page(first, what, async (after) => {
      const data = await this.gh.graphql<R>(query, { owner: this.options.owner, name: this.options.repo, number: this.options.number, after });
      const connection = pick(data);
      if (!connection) throw new IncompleteDataError(`GitHub stopped returning the pull request's ${what}.`, RETRY_REMEDY);
      return connection;
    });
  }

  async #page<C extends Connection>(
    first: C,
    what: string,
    next: (after: string) => Promise<C>,
  ): Promise<C[]> {
    const pages = [first];
    const cursors = new Set<string>();
    let read = first.nodes.length;
    let current = first;
    while (current.pageInfo.hasNextPage) {
      const after = current.pageInfo.endCursor;
      if (!after || cursors.has(after) || read >= first.totalCount) {
        throw new IncompleteDataError(
          `Paging through the ${what} of pull request #${this.options.number} did not advance after ${read} of ${first.totalCount}.`,
          SPLIT_REMEDY,
        );
      }
      cursors.add(after);
      current = await next(after);
      if (current.nodes.length === 0) {
        throw new IncompleteDataError(
          `GitHub returned an empty page of ${what} after ${read} of ${first.totalCount}.`,
          SPLIT_REMEDY,
        );
      }
      read += current.nodes.length;
      pages.push(current);
    }
    return pages;
  }

  async #readFiles(): Promise<SnapshotFile[]> {
    const files: SnapshotFile[] = [];
    const seen = new Set<string>();
    const maxPages = MAX_PR_FILES / FILES_PAGE;
    for (let page = 1; page <= maxPages; page++) {
      const { data, headers } = await this.gh.rest.pulls.listFiles({
        ...this.#repo,
        pull_number: this.options.number,
        per_page: FILES_PAGE,
        page,
      });
      for (const file of data) {
        if (seen.has(file.filename)) {
          throw new IncompleteDataError(
            `GitHub listed ${file.filename} twice while paging the files of pull request #${this.options.number}.`,
            RETRY_REMEDY,
          );
        }
        seen.add(file.filename);
        files.push({
          filename: file.filename,
          status: file.status as FileStatus,
          ...(file.previous_filename ? { previous_filename: file.previous_filename } : {}),
        });
      }
      // On a listing of several pages GitHub sends a Link header on each; one without rel="next"
      // marks the last page, which saves an empty request at every multiple of 100 files.
      if (data.length < FILES_PAGE || (headers.link !== undefined && !hasNextPage(headers.link))) break;
    }
    const { pr } = await this.#core();
    if (pr.changedFiles > MAX_PR_FILES) {
      throw new IncompleteDataError(
        `Pull request #${pr.number} changes ${pr.changedFiles} files; GitHub lists at most ${MAX_PR_FILES}, so it cannot be checked completely.`,
        SPLIT_REMEDY,
      );
    }
    if (files.length !== pr.changedFiles) {
      throw new IncompleteDataError(
        `GitHub listed ${files.length} changed files of pull request #${pr.number}, but it reports ${pr.changedFiles}.`,
        RETRY_REMEDY,
      );
    }
    return files;
  }

  async #readCommitFiles(sha: string): Promise<string[]> {
    const paths = new Set<string>();
    for (let page = 1; page <= MAX_COMMIT_FILES / COMMIT_FILES_PAGE; page++) {
      const response = await this.gh.rest.repos.getCommit({ ...this.#repo, ref: sha, per_page: COMMIT_FILES_PAGE, page });
      const files = response.data.files ?? [];
      const before = paths.size;
      for (const file of files) {
        paths.add(file.filename);
        if (file.previous_filename) paths.add(file.previous_filename);
      }
      // Large commits continue on further pages, announced by a Link header.
      if (!hasNextPage(response.headers.link) || files.length === 0) return [...paths];
      if (paths.size === before) {
        throw new IncompleteDataError(
          `Paging the files of commit ${sha.slice(0, 7)} did not advance: GitHub repeated page ${page}.`,
          RETRY_REMEDY,
        );
      }
    }
    throw new IncompleteDataError(
      `Commit ${sha.slice(0, 7)} changes more than ${MAX_COMMIT_FILES} files; GitHub cannot list them all.`,
      SPLIT_REMEDY,
    );
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

/**
 * GraphQL answers with partial data and errors together. The owner's `.github` repository is
 * optional: NOT_FOUND there only means "no fallback policy". Any other error fails the evaluation.
 */
function partialDataOrThrow(error: unknown): PullRequestSnapshotResponse {
  const e = error as { name?: string; errors?: GraphqlErrorLike[]; data?: PullRequestSnapshotResponse };
  if (e?.name !== "GraphqlResponseError" || !Array.isArray(e.errors) || !e.data) throw error;
  const basePolicyFound = typeof e.data.repository?.policy?.oid === "string";
  const blocking = e.errors.filter((err) => {
    if (err.path?.[0] !== "fallbackRepo") return true;
    // With a base-branch policy the fallback is irrelevant, whatever went wrong reading it.
    return !basePolicyFound && err.type !== "NOT_FOUND";
  });
  if (blocking.length > 0) throw error;
  return { ...e.data, fallbackRepo: null };
}

function toPolicyBlob(blob: Partial<GqlBlob> | null, path: string, ref: string): PolicyBlob | null {
  if (!blob || typeof blob.oid !== "string") return null;
  return { path, ref, blob_sha: blob.oid, text: blob.text ?? null, truncated: blob.isTruncated === true };
}

/** GraphQL spells bot logins without the `[bot]` suffix REST uses; the snapshot follows REST. */
function actorLogin(actor: GqlActor | null): string | null {
  if (!actor) return null;
  return actor.__typename === "Bot" && !actor.login.endsWith("[bot]") ? `${actor.login}[bot]` : actor.login;
}

function actorType(actor: GqlActor): string {
  return actor.__typename === "Bot" ? "Bot" : actor.__typename === "Organization" ? "Organization" : "User";
}

const NOREPLY = /^(?:\d+\+)?([^@\s]+)@users\.noreply\.github\.com$/i;

function toIdentity(actor: GqlGitActor | null): GitIdentity {
  const name = actor?.name ?? "";
  const email = actor?.email ?? "";
  if (actor?.user) return { login: actorLogin(actor.user), name, email, type: actorType(actor.user) };
  // GraphQL's GitActor.user is a User, so bot accounts come back null; their no-reply address
  // still names them, exactly as REST would attribute the commit.
  const login = NOREPLY.exec(email)?.[1] ?? null;
  if (login) return { login, name, email, type: login.endsWith("[bot]") ? "Bot" : "User" };
  return { login: null, name, email };
}

function toCommit(commit: { oid: string; message: string; author: GqlGitActor | null; committer: GqlGitActor | null }): SnapshotCommit {
  return { sha: commit.oid, message: commit.message, author: toIdentity(commit.author), committer: toIdentity(commit.committer) };
}

function hasNextPage(link: string | undefined): boolean {
  return /rel="next"/.test(link ?? "");
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

/** A GraphQL connection as the pagers read it. */
interface Connection {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes: unknown[];
}

/**
 * When the head was force-pushed onto, by GitHub's timeline: evidence of the push time that does
 * not depend on the app having received the webhook (a SHA pushed away and back again).
 */
function forcePushOnto(pr: GqlPullRequest): Date | undefined {
  const push = pr.forcePushes?.nodes?.[0];
  if (!push?.createdAt || push.afterCommit?.oid !== pr.headRefOid) return undefined;
  const t = Date.parse(push.createdAt);
  return Number.isFinite(t) ? new Date(t) : undefined;
}

function latest(...dates: Array<Date | undefined>): Date | undefined {
  const known = dates.filter((d): d is Date => d !== undefined);
  return known.length === 0 ? undefined : new Date(Math.max(...known.map((d) => d.getTime())));
}
