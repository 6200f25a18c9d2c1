/**
 * The main GraphQL read of a pull request (`PullRequestSnapshot`): the pull request, its commits,
 * reviews and changed files, this app's runs on the head, and both candidate policies in one
 * request; further pages of commits and reviews through the complete-list pager (files: see
 * `pull-request-data.ts`). Both the pull request's data and the policy source read it, once per
 * evaluation.
 */
import type { ReviewState, SnapshotCommit, SnapshotRequester, SnapshotReview } from "../../model/snapshot.js";
import { mentionedAgents } from "../../evaluate/requesters.js";
import { POLICY_PATH } from "../../model/policy.js";
import { resolveIdentity } from "../../shared/identity.js";
import { CHECK_NAME } from "../../model/check-name.js";
import type { GitHubClient, RepoRef, RequestCache } from "./client.js";
import { rememberCheckRuns, runsFromQuery, runsOnCommit } from "./check-runs.js";
import { IncompleteDataError } from "../pull-request-data.js";
import { connectionPage, HEAD_MOVED_REMEDY, readCompleteList, RETRY_REMEDY, SPLIT_REMEDY, type Connection, type Page } from "./pager.js";
import { GITHUB_MAX_PR_FILES } from "../../model/snapshot.js";
import { shortSha } from "../../shared/format.js";
import {
  PULL_REQUEST_ASSIGNMENTS_QUERY,
  PULL_REQUEST_COMMENTS_QUERY,
  PULL_REQUEST_COMMITS_QUERY,
  PULL_REQUEST_FILES_QUERY,
  PULL_REQUEST_REVIEWS_QUERY,
  PULL_REQUEST_SNAPSHOT_QUERY,
  type GqlActor,
  type GqlAssignmentConnection,
  type GqlBlob,
  type GqlCommitRuns,
  type GqlFileConnection,
  type GqlGitActor,
  type GqlPullRequest,
  type PullRequestPageResponse,
  type PullRequestSnapshotResponse,
} from "./queries.js";

/** GraphQL lists at most 100 nodes per page; 250 pages of commits is far past what GitHub keeps. */
const MAX_CONNECTION_PAGES = 250;

export interface PullRequestQueryOptions extends RepoRef {
  number: number;
  /** The base branch, when the event tells it; otherwise one `GET pull` finds it. */
  baseRef?: string;
  /** Whose runs on the head the query brings. */
  appId: number;
  /** A commit whose runs of this app the query brings too: the head before the pushes this process saw. */
  before?: string;
}

/** What the main query itself answered (see `firstAnswer`). */
export interface SnapshotAnswer {
  pr: GqlPullRequest;
  /** The base whose policy the answer holds: the pull request's own, re-asked when the event's was out of date. */
  baseRef: string;
  policy: Partial<GqlBlob> | null;
  fallback: Partial<GqlBlob> | null;
  /** Which notes refs of line-level AI attestations exist (SPEC §9). */
  notesRefs: string[];
  before?: Partial<GqlCommitRuns> | null;
}

/** The answer with every further page read. */
export interface PullRequestCore extends Omit<SnapshotAnswer, "before"> {
  commits: SnapshotCommit[];
  reviews: SnapshotReview[];
  /** `authorCanPushToRepository` of each reviewer, by lower-case login. */
  pushPermission: Map<string, boolean>;
  /** Who GitHub records asking an account for work: assignments and mentions (see `requesters.ts`). */
  requesters: SnapshotRequester[];
}

interface GraphqlErrorLike {
  type?: string;
  message?: string;
  path?: Array<string | number>;
}

type FileNode = GqlFileConnection["nodes"][number];

export class PullRequestQuery {
  #loadedHeadSha: string | undefined;
  /** Pages of changed files that came with a page of commits, by the cursor each starts at (see `filesPage`). */
  readonly #filePages = new Map<string, Page<FileNode, string>>();

  constructor(
    readonly gh: GitHubClient,
    readonly options: PullRequestQueryOptions,
    readonly cache: RequestCache,
  ) {}

  /** The head SHA, if the pull request has been read already (no request). */
  get loadedHeadSha(): string | undefined {
    return this.#loadedHeadSha;
  }

  core(): Promise<PullRequestCore> {
    return this.cache.get("core", () => this.#readCore());
  }

  /**
   * The main query's own answer, before any further page: what it tells of the head and of our
   * runs there is known from here on (a shared head is held on it, see app/shared-head.ts).
   */
  firstAnswer(): Promise<SnapshotAnswer> {
    return this.cache.get("first-answer", () => this.#readFirstAnswer());
  }

  async #readFirstAnswer(): Promise<SnapshotAnswer> {
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
    const headRuns = runsFromQuery(pr.headCommit, pr.headRefOid, this.options.appId);
    if (headRuns) rememberCheckRuns(this.cache, pr.headRefOid, headRuns);
    const { before } = this.options;
    if (before && first.before !== undefined) {
      // No such commit has no runs; an answer that may not hold them all leaves them to the REST listing.
      const beforeRuns = first.before === null ? [] : runsOnCommit(first.before, before, this.options.appId);
      if (beforeRuns) rememberCheckRuns(this.cache, before, beforeRuns);
    }
    return { ...first, baseRef };
  }

  async #readCore(): Promise<PullRequestCore> {
    const first = await this.firstAnswer();
    const { pr, baseRef } = first;
    const of = `of pull request #${pr.number}`;
    // While the files have pages left too, each further page of commits comes with the next page
    // of files, in one request (`filesPage` hands them to the files' pager, which checks them as
    // any page). Past GitHub's listing limit the files are not read at all.
    let filesAfter = pr.files && pr.changedFiles <= GITHUB_MAX_PR_FILES ? advancing(connectionPage(pr.files, ""), "") : null;
    const commitsPage = async (after: string) => {
      const files = filesAfter;
      if (files === null) return this.nextPage(PULL_REQUEST_COMMITS_QUERY, after, "commits", (page) => page.commits);
      filesAfter = null;
      const later = await this.#page(PULL_REQUEST_FILES_QUERY, { after: files, commitsAfter: after, withCommits: true }, "commits and changed files");
      if (later?.files) {
        const page = connectionPage(later.files, files);
        this.#filePages.set(files, page);
        filesAfter = advancing(page, files);
      }
      if (!later?.commits) throw new IncompleteDataError("GitHub stopped returning the pull request's commits.", RETRY_REMEDY);
      return connectionPage(later.commits, after);
    };
    const [commitNodes, reviewNodes, assignmentNodes, commentNodes] = await Promise.all([
      readCompleteList({
        what: `commits ${of}`,
        counted: (n) => `${n} commit${n === 1 ? "" : "s"} ${of}`,
        countRemedy: SPLIT_REMEDY,
        start: "",
        first: connectionPage(pr.commits, ""),
        maxPages: MAX_CONNECTION_PAGES,
        key: (node) => node?.commit.oid ?? "an empty commit",
        read: commitsPage,
      }),
      this.#wholeConnection(`reviews ${of}`, pr.reviews, PULL_REQUEST_REVIEWS_QUERY, "reviews", (page) => page.reviews),
      this.#wholeConnection(`assignments ${of}`, pr.assignments, PULL_REQUEST_ASSIGNMENTS_QUERY, "assignments", (page) => page.assignments),
      this.#wholeConnection(`comments ${of}`, pr.comments, PULL_REQUEST_COMMENTS_QUERY, "comments", (page) => page.comments),
    ]);
    const commits = commitNodes.flatMap((n) => (n ? [toCommit(n.commit)] : []));
    const reviews: SnapshotReview[] = [];
    const pushPermission = new Map<string, boolean>();
    for (const node of reviewNodes) {
      // Pending reviews (no submission time) and reviews by deleted accounts decide nothing.
      if (!node?.author || !node.submittedAt) continue;
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
    const requesters = requestersOf([...assignmentNodes, ...closingIssueAssignments(pr)], [...commentNodes, ...reviewNodes]);
    return { pr, baseRef, policy: first.policy, fallback: first.fallback, commits, reviews, pushPermission, notesRefs: first.notesRefs, requesters };
  }

  /** A connection whose first page the main query brought, with the rest read through the pager. */
  #wholeConnection<N>(what: string, first: Connection<N>, query: string, name: string, pick: (pr: PagedPullRequest) => Connection<N> | null | undefined): Promise<N[]> {
    return readCompleteList({
      what,
      start: "",
      first: connectionPage(first, ""),
      maxPages: MAX_CONNECTION_PAGES,
      read: (after) => this.nextPage(query, after, name, pick),
    });
  }

  async #baseRefFromRest(): Promise<string> {
    const { data } = await this.gh.rest.pulls.get({ owner: this.options.owner, repo: this.options.repo, pull_number: this.options.number });
    return data.base.ref;
  }

  async #snapshotQuery(baseRef: string): Promise<Omit<SnapshotAnswer, "baseRef">> {
    const variables = {
      owner: this.options.owner,
      name: this.options.repo,
      number: this.options.number,
      // Fully qualified: git resolves a tag before a branch of the same name, and a tag `main`
      // pushed by anyone with write access must not stand in for the base branch's policy.
      policyExpr: `refs/heads/${baseRef}:${POLICY_PATH}`,
      appId: this.options.appId,
      checkName: CHECK_NAME,
      before: this.options.before ?? null,
      withBefore: this.options.before !== undefined,
    };
    let data: PullRequestSnapshotResponse;
    try {
      data = await this.gh.graphql<PullRequestSnapshotResponse>(PULL_REQUEST_SNAPSHOT_QUERY, variables);
    } catch (error) {
      data = partialDataOrThrow(error);
    }
    const pr = data.repository?.pullRequest;
    if (!pr) throw new Error(`GitHub returned no pull request #${this.options.number} in ${this.options.owner}/${this.options.repo}.`);
    const notesRefs = [data.repository?.aiNotes ? "refs/notes/ai" : "", data.repository?.traceNotes ? "refs/notes/agent-trace" : ""].filter(Boolean);
    return { pr, policy: data.repository?.policy ?? null, fallback: data.fallbackRepo?.object ?? null, notesRefs, before: data.repository?.before };
  }

  /**
   * One further page of a connection of the pull request, with its own query. Every page names
   * the head it was read at: one of another head would mix two versions of the pull request into
   * one list, so a push between pages fails the evaluation (its own event brings the new head).
   */
  async nextPage<N>(query: string, after: string, what: string, pick: (pr: PagedPullRequest) => Connection<N> | null | undefined) {
    const later = await this.#page(query, { after }, what);
    const connection = later ? pick(later) : undefined;
    if (!connection) throw new IncompleteDataError(`GitHub stopped returning the pull request's ${what}.`, RETRY_REMEDY);
    return connectionPage(connection, after);
  }

  /** The page of changed files at `after`: the one a page of commits brought, else a request of its own. */
  filesPage(after: string): Promise<Page<FileNode, string>> {
    const brought = this.#filePages.get(after);
    if (!brought) return this.nextPage(PULL_REQUEST_FILES_QUERY, after, "changed files", (page) => page.files);
    this.#filePages.delete(after);
    return Promise.resolve(brought);
  }

  async #page(query: string, cursors: Record<string, string | boolean>, what: string): Promise<PagedPullRequest | undefined> {
    const { owner, repo, number } = this.options;
    const data = await this.gh.graphql<PullRequestPageResponse>(query, { owner, name: repo, number, ...cursors });
    const later = data.repository?.pullRequest ?? undefined;
    const read = this.#loadedHeadSha;
    if (later && read !== undefined && later.headRefOid !== read) {
      throw new IncompleteDataError(
        `The head of pull request #${number} moved from ${shortSha(read)} to ${shortSha(later.headRefOid)} while its ${what} were read.`,
        HEAD_MOVED_REMEDY,
      );
    }
    return later;
  }
}

type PagedPullRequest = NonNullable<NonNullable<PullRequestPageResponse["repository"]>["pullRequest"]>;

/** Where a page's successor starts, when there is one to read: a page that does not advance is left to its pager to refuse. */
function advancing<N>(page: Page<N, string>, previous: string): string | null {
  return page.next !== null && page.next !== previous && page.items.length > 0 ? page.next : null;
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

/**
 * The assignments of the issues the pull request closes (where Copilot's coding agent is started),
 * read whole or failing closed: an issue assigned more than 100 times, or more linked issues than
 * the query reads, cannot be judged from part of its record.
 */
function closingIssueAssignments(pr: GqlPullRequest): GqlAssignmentConnection["nodes"] {
  const issues = pr.closingIssues;
  if (!issues) return [];
  const remedy = "Link at most 25 issues to close, then click Re-evaluate.";
  if (issues.totalCount > issues.nodes.length) {
    throw new IncompleteDataError(`Pull request #${pr.number} closes ${issues.totalCount} issues; the app reads who was assigned on at most ${issues.nodes.length}.`, remedy);
  }
  return issues.nodes.flatMap((issue) => {
    if (!issue) return [];
    if (issue.assignments.pageInfo.hasNextPage) {
      throw new IncompleteDataError(`Issue #${issue.number}, which pull request #${pr.number} closes, was assigned more than 100 times; its assignments cannot be read whole.`, remedy);
    }
    return issue.assignments.nodes;
  });
}

/**
 * The snapshot's requesters: the actor of every assignment, with its assignee; and the author of
 * every comment or review body that mentions an agent's handle. Deleted accounts are nobody.
 */
function requestersOf(assignments: GqlAssignmentConnection["nodes"], texts: Array<{ author: GqlActor | null; body: string } | null>): SnapshotRequester[] {
  const out = new Map<string, SnapshotRequester>();
  const add = (r: SnapshotRequester) => out.set(`${r.via}\u0000${r.agent}\u0000${r.login}`.toLowerCase(), r);
  for (const node of assignments) {
    const assignee = node?.assignee;
    if (!node?.actor || !assignee?.login) continue;
    add({ login: actorLogin(node.actor)!, agent: actorLogin({ login: assignee.login, __typename: assignee.__typename })!, via: "assigned" });
  }
  for (const node of texts) {
    if (!node?.author) continue;
    for (const agent of mentionedAgents(node.body)) add({ login: actorLogin(node.author)!, agent, via: "mentioned" });
  }
  return [...out.values()];
}

/** GraphQL spells bot logins without the `[bot]` suffix REST uses; the snapshot follows REST. */
export function actorLogin(actor: GqlActor | null): string | null {
  if (!actor) return null;
  return actor.__typename === "Bot" && !actor.login.endsWith("[bot]") ? `${actor.login}[bot]` : actor.login;
}

export function actorType(actor: GqlActor): string {
  return actor.__typename === "Bot" ? "Bot" : actor.__typename === "Organization" ? "Organization" : "User";
}

function toCommit(commit: { oid: string; message: string; author: GqlGitActor | null; committer: GqlGitActor | null }): SnapshotCommit {
  return { sha: commit.oid, message: commit.message, author: toIdentity(commit.author), committer: toIdentity(commit.committer) };
}

function toIdentity(actor: GqlGitActor | null) {
  const name = actor?.name ?? "";
  const email = actor?.email ?? "";
  const user = actor?.user ? { login: actorLogin(actor.user)!, type: actorType(actor.user) } : null;
  // GraphQL's GitActor.user is a User, so bot accounts come back null; their no-reply address
  // still names them, exactly as REST would attribute the commit.
  return resolveIdentity(name, email, user);
}
