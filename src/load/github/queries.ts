/**
 * GraphQL documents. One query (`PullRequestSnapshot`) returns the pull request, its first 100
 * commits, reviews and changed files, this app's runs on the head, the base-branch policy blob
 * and the owner's `.github` fallback policy, so a typical pull request costs a single request
 * for all of them.
 */

const COMMIT_FIELDS = `
  totalCount
  pageInfo { hasNextPage endCursor }
  nodes {
    commit {
      oid
      message
      author { name email user { login __typename } }
      committer { name email user { login __typename } }
    }
  }`;

const REVIEW_FIELDS = `
  totalCount
  pageInfo { hasNextPage endCursor }
  nodes {
    author { login __typename }
    state
    body
    submittedAt
    authorCanPushToRepository
    commit { oid }
  }`;

// Who assigned whom: the actor of an agent's assignment is who asked it (Copilot's coding agent
// starts on one). GitHub's `totalCount` on a filtered timeline is not documented as filtered, so
// only `hasNextPage` says whether more follow.
const ASSIGNMENT_FIELDS = `
  pageInfo { hasNextPage endCursor }
  nodes {
    ... on AssignedEvent {
      actor { login __typename }
      assignee { __typename ... on Bot { login } ... on User { login } }
    }
  }`;

// The issues the pull request closes, with their assignments: Copilot's coding agent starts on the
// assignment of an issue to it, and its pull request closes that issue. Bounded; more fail closed.
export const MAX_CLOSING_ISSUES = 25;

// The conversation's comments, whose mentions of an agent's handle (`@claude`) ask it for work.
const COMMENT_FIELDS = `
  totalCount
  pageInfo { hasNextPage endCursor }
  nodes { author { login __typename } body }`;

// GraphQL names a changed file's path and how it changed, but not a rename's or copy's source:
// only when `changeType` says RENAMED or COPIED does the loader read the REST list as well.
const FILE_FIELDS = `
  totalCount
  pageInfo { hasNextPage endCursor }
  nodes { path changeType }`;

// This app's runs on a commit: GitHub filters the suites by app and the runs by name, so a run of
// the same name posted by anyone else is not among them.
const COMMIT_RUNS = `
            oid
            checkSuites(first: 10, filterBy: {appId: $appId}) {
              totalCount
              nodes {
                app { databaseId }
                checkRuns(first: 100, filterBy: {checkName: $checkName, checkType: ALL}) {
                  totalCount
                  nodes { databaseId name externalId status conclusion startedAt title summary }
                }
              }
            }`;

// The runs on the head commit (the PR's last commit).
const HEAD_RUNS = `
      headCommit: commits(last: 1) {
        nodes {
          commit {${COMMIT_RUNS}
          }
        }
      }`;

// `aiNotes`, `traceNotes` and `headRef…traceFile` ask for the line-level AI attestations (SPEC §9):
// whether the notes refs exist (their blobs are read only then, see `ai-records.ts`) and the
// traces file at the head. `before` brings this app's runs on the head before the pushes this
// process saw, whose marker names who pushed until then (see `pushers.ts`).
export const PULL_REQUEST_SNAPSHOT_QUERY = `
query PullRequestSnapshot($owner: String!, $name: String!, $number: Int!, $policyExpr: String!, $appId: Int!, $checkName: String!, $before: GitObjectID, $withBefore: Boolean!) {
  repository(owner: $owner, name: $name) {
    pullRequest(number: $number) {
      number
      createdAt
      isCrossRepository
      headRefOid
      headRefName
      baseRefName
      baseRefOid
      body
      changedFiles
      author { login __typename }
      labels(first: 100) { totalCount nodes { name } }
      forcePushes: timelineItems(last: 1, itemTypes: [HEAD_REF_FORCE_PUSHED_EVENT]) {
        nodes { ... on HeadRefForcePushedEvent { createdAt afterCommit { oid } } }
      }
      assignments: timelineItems(first: 100, itemTypes: [ASSIGNED_EVENT]) {${ASSIGNMENT_FIELDS}
      }
      comments(first: 100) {${COMMENT_FIELDS}
      }
      closingIssues: closingIssuesReferences(first: ${MAX_CLOSING_ISSUES}) {
        totalCount
        nodes {
          number
          assignments: timelineItems(first: 100, itemTypes: [ASSIGNED_EVENT]) {${ASSIGNMENT_FIELDS}
          }
        }
      }
      commits(first: 100) {${COMMIT_FIELDS}
      }
      reviews(first: 100) {${REVIEW_FIELDS}
      }
      files(first: 100) {${FILE_FIELDS}
      }${HEAD_RUNS}
      headRef { target { oid ... on Commit { traceFile: file(path: ".agent-trace/traces.jsonl") { object { ... on Blob { text isTruncated } } } } } }
    }
    policy: object(expression: $policyExpr) {
      ... on Blob { oid text isTruncated }
    }
    before: object(oid: $before) @include(if: $withBefore) {
      ... on Commit {${COMMIT_RUNS}
      }
    }
    aiNotes: ref(qualifiedName: "refs/notes/ai") { name }
    traceNotes: ref(qualifiedName: "refs/notes/agent-trace") { name }
  }
  fallbackRepo: repository(owner: $owner, name: ".github") {
    object(expression: "HEAD:.provenance.yml") {
      ... on Blob { oid text isTruncated }
    }
  }
}`;

// Further pages of a connection of the pull request, each with the head it was read at: a page
// read after a push belongs to another head, and a list must be of one.
function pageQuery(name: string, connection: string, fields: string): string {
  return `
query ${name}($owner: String!, $name: String!, $number: Int!, $after: String) {
  repository(owner: $owner, name: $name) {
    pullRequest(number: $number) {
      headRefOid
      ${connection} {${fields}
      }
    }
  }
}`;
}

/** Further pages of commits, for pull requests with more than 100. */
export const PULL_REQUEST_COMMITS_QUERY = pageQuery("PullRequestCommits", "commits(first: 100, after: $after)", COMMIT_FIELDS);

/** Further pages of reviews, for pull requests with more than 100. */
export const PULL_REQUEST_REVIEWS_QUERY = pageQuery("PullRequestReviews", "reviews(first: 100, after: $after)", REVIEW_FIELDS);

/** Further pages of assignments, for pull requests assigned more than 100 times. */
export const PULL_REQUEST_ASSIGNMENTS_QUERY = pageQuery("PullRequestAssignments", "assignments: timelineItems(first: 100, after: $after, itemTypes: [ASSIGNED_EVENT])", ASSIGNMENT_FIELDS);

/** Further pages of comments, for pull requests with more than 100. */
export const PULL_REQUEST_COMMENTS_QUERY = pageQuery("PullRequestComments", "comments(first: 100, after: $after)", COMMENT_FIELDS);

/**
 * Further pages of changed files, for pull requests with more than 100; while the commits have
 * pages left too, each also brings the next page of commits (`$withCommits`), so a large pull
 * request pages both lists in the same requests.
 */
export const PULL_REQUEST_FILES_QUERY = `
query PullRequestFiles($owner: String!, $name: String!, $number: Int!, $after: String, $commitsAfter: String, $withCommits: Boolean! = false) {
  repository(owner: $owner, name: $name) {
    pullRequest(number: $number) {
      headRefOid
      files(first: 100, after: $after) {${FILE_FIELDS}
      }
      commits(first: 100, after: $commitsAfter) @include(if: $withCommits) {${COMMIT_FIELDS}
      }
    }
  }
}`;

// ---- response shapes (only what the loader reads) ----

export interface GqlActor {
  login: string;
  __typename: string;
}

export interface GqlGitActor {
  name: string | null;
  email: string | null;
  user: GqlActor | null;
}

export interface GqlPageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface GqlCommitConnection {
  totalCount: number;
  pageInfo: GqlPageInfo;
  nodes: Array<{ commit: { oid: string; message: string; author: GqlGitActor | null; committer: GqlGitActor | null } } | null>;
}

export interface GqlReviewConnection {
  totalCount: number;
  pageInfo: GqlPageInfo;
  nodes: Array<{
    author: GqlActor | null;
    state: string;
    body: string;
    submittedAt: string | null;
    authorCanPushToRepository: boolean;
    commit: { oid: string } | null;
  } | null>;
}

export interface GqlAssignmentConnection {
  pageInfo: GqlPageInfo;
  /** An empty object for an item of another type (none: the filter asks for assignments only). */
  nodes: Array<{ actor?: GqlActor | null; assignee?: { __typename: string; login?: string } | null } | null>;
}

export interface GqlCommentConnection {
  totalCount: number;
  pageInfo: GqlPageInfo;
  nodes: Array<{ author: GqlActor | null; body: string } | null>;
}

export interface GqlFileConnection {
  totalCount: number;
  pageInfo: GqlPageInfo;
  nodes: Array<{ path: string; changeType: string } | null>;
}

export interface GqlCheckRun {
  databaseId: number | null;
  name: string;
  externalId: string | null;
  status: string;
  conclusion: string | null;
  startedAt: string | null;
  title: string | null;
  summary: string | null;
}

/** A commit with this app's runs on it. */
export interface GqlCommitRuns {
  oid: string;
  checkSuites: {
    totalCount: number;
    nodes: Array<{ app: { databaseId: number | null } | null; checkRuns: { totalCount: number; nodes: Array<GqlCheckRun | null> } | null } | null>;
  } | null;
}

export interface GqlHeadRuns {
  nodes: Array<{ commit: GqlCommitRuns } | null>;
}

export interface GqlBlob {
  oid: string;
  text: string | null;
  isTruncated: boolean;
}

export interface GqlPullRequest {
  number: number;
  createdAt: string;
  /** The head branch is in a fork: its pushes happen there, out of this repository's activity. */
  isCrossRepository: boolean;
  headRefOid: string;
  headRefName: string;
  baseRefName: string;
  baseRefOid: string;
  body: string | null;
  changedFiles: number;
  author: GqlActor | null;
  labels: { totalCount: number; nodes: Array<{ name: string } | null> } | null;
  /** The latest force-push of the head branch: GitHub's own record of when it happened. */
  forcePushes?: { nodes: Array<{ createdAt?: string; afterCommit?: { oid: string } | null } | null> } | null;
  /** Every assignment of someone to the pull request, oldest first. */
  assignments: GqlAssignmentConnection;
  comments: GqlCommentConnection;
  /** Null where GitHub cannot tell. */
  closingIssues?: { totalCount: number; nodes: Array<{ number: number; assignments: GqlAssignmentConnection } | null> } | null;
  commits: GqlCommitConnection;
  reviews: GqlReviewConnection;
  /** Null when GitHub cannot list them (a diff too large to compute). */
  files: GqlFileConnection | null;
  /** The last commit (the head) with this app's runs on it. */
  headCommit?: GqlHeadRuns | null;
  /** The head branch and its `.agent-trace/traces.jsonl` (SPEC §9); null when the branch is gone. */
  headRef?: { target: { oid: string; traceFile?: { object: Partial<GqlBlob> | null } | null } | null } | null;
}

export interface PullRequestSnapshotResponse {
  repository: {
    pullRequest: GqlPullRequest | null;
    /** Empty object when the expression names something other than a blob. */
    policy: Partial<GqlBlob> | null;
    /** Asked for only with a `before` commit; null when GitHub knows no such commit. */
    before?: Partial<GqlCommitRuns> | null;
    /** Present when the repository has the notes ref (SPEC §9). */
    aiNotes?: { name: string } | null;
    traceNotes?: { name: string } | null;
  } | null;
  fallbackRepo: { object: Partial<GqlBlob> | null } | null;
}

/** One further page (`PullRequestCommits`, `…Reviews`, `…Files`): the head, and one of the connections. */
export interface PullRequestPageResponse {
  repository: {
    pullRequest: {
      headRefOid: string;
      assignments?: GqlAssignmentConnection;
      comments?: GqlCommentConnection;
      commits?: GqlCommitConnection;
      reviews?: GqlReviewConnection;
      files?: GqlFileConnection | null;
    } | null;
  } | null;
}
