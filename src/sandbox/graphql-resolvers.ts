/**
 * What the sandbox answers in GitHub's GraphQL API: resolvers by GitHub's type and field names
 * over the sandbox state. The keys of `RESOLVERS` are the schema: graphql-trim.ts keeps exactly
 * these types and fields of GitHub's schema (and refuses any GitHub lacks), so to answer a new
 * field, add its resolver here.
 *
 * A source that can stand where GitHub's schema says an interface or union (an Actor, a GitObject,
 * a timeline item) carries its `__typename`.
 */
import type { GraphQLFieldResolver, GraphQLResolveInfo } from "graphql";
import { blobSha } from "./shapes.js";
import { connection, notFound, type ConnectionPage } from "./graphql-exec.js";
import type { ResolverMap } from "./graphql-trim.js";
import type { GitPerson, SandboxCheckRun, SandboxIssue, SandboxPull, SandboxRepo, SandboxReview, SandboxState, SandboxUser } from "./state.js";

export interface GraphqlContext {
  state: SandboxState;
  /** Whether the caller's token may see the owner's repositories. */
  canSee: (owner: string) => boolean;
  /** The caller's rate limit, as `rateLimit` reports it. */
  rateLimit: () => { cost: number; limit: number; remaining: number; used: number; resetAt: string };
}

type Args = Record<string, any>;
type Fields<S> = Record<string, (source: S, args: Args, context: GraphqlContext, info: GraphQLResolveInfo) => unknown>;

const WRITE_PERMISSIONS = new Set(["write", "maintain", "admin"]);
/** GitHub cuts a blob's `text` at 512 kB in GraphQL. */
const BLOB_TEXT_LIMIT = 512_000;

interface ActorSource {
  __typename: "User" | "Bot" | "Organization";
  user: SandboxUser;
  /** On a collaborator edge: the collaborator's permission. */
  permission?: string;
}
interface CommitSource {
  __typename: "Commit";
  repo: SandboxRepo;
  sha: string;
}
interface BlobSource {
  __typename: "Blob";
  text: string;
}
interface TreeSource {
  __typename: "Tree";
  repo: SandboxRepo;
  sha: string;
  folder: string;
}
interface TreeEntrySource {
  name: string;
  path: string;
  object: unknown;
  /** git's octal mode; a file read through `Commit.file` is a plain one. */
  mode?: string;
  oid?: string;
}
interface RefSource {
  repo: SandboxRepo;
  name: string;
  sha: string;
}
interface PullSource {
  repo: SandboxRepo;
  pr: SandboxPull;
}
interface PullCommitSource extends PullSource {
  __typename: "PullRequestCommit";
  sha: string;
}
interface ReviewSource extends PullSource {
  review: SandboxReview;
}
interface ForcePushSource extends PullSource {
  __typename: "HeadRefForcePushedEvent";
  push: SandboxPull["pushes"][number];
}
interface AssignedSource {
  __typename: "AssignedEvent";
  assignment: SandboxPull["assignments"][number];
}
interface CommentSource extends PullSource {
  comment: SandboxPull["comments"][number];
}
interface CheckSuiteSource {
  repo: SandboxRepo;
  sha: string;
  appId: number;
}
interface TeamSource {
  org: string;
  slug: string;
  members: Set<string>;
}

const nodeId = (prefix: string, id: string | number) => Buffer.from(`${prefix}${id}`).toString("base64");

function actor(state: SandboxState, login: string): ActorSource {
  const user = state.user(login) ?? state.addUser(login);
  return { __typename: user.type, user };
}

function commitSource(repo: SandboxRepo, sha: string): CommitSource {
  return { __typename: "Commit", repo, sha };
}

function commitOf(s: CommitSource) {
  const c = s.repo.commits.get(s.sha);
  if (!c) throw notFound(`Could not resolve to a Commit with the oid of ${s.sha}.`);
  return c;
}

function gitObject(state: SandboxState, repo: SandboxRepo, expression?: string, oid?: string): CommitSource | BlobSource | TreeSource | null {
  if (oid) {
    if (repo.commits.has(oid)) return commitSource(repo, oid);
    const found = state.objectByOid(repo, oid);
    if (!found) return null;
    return "blob" in found ? { __typename: "Blob", text: found.blob } : { __typename: "Tree", repo, ...found.tree };
  }
  if (!expression) return null;
  const colon = expression.indexOf(":");
  const rev = colon < 0 ? expression : expression.slice(0, colon);
  const sha = state.resolveRef(repo, rev);
  if (!sha) return null;
  if (colon < 0) return commitSource(repo, sha);
  const path = expression.slice(colon + 1);
  const text = state.readFile(repo, sha, path);
  if (text !== undefined) return { __typename: "Blob", text };
  // A folder (the root for an empty path): its tree, as `<rev>:<folder>` names it in git.
  return state.treeAt(repo, sha, path) ? { __typename: "Tree", repo, sha, folder: path.replace(/\/+$/, "") } : null;
}

/** A list filter on a `query` argument, as GitHub's collaborator and member searches do. */
function matching(logins: Iterable<string>, query: unknown): string[] {
  const q = typeof query === "string" ? query.toLowerCase() : undefined;
  return [...logins].filter((login) => !q || login.toLowerCase().includes(q));
}

const CHANGE_TYPES: Record<string, string> = { added: "ADDED", removed: "DELETED", modified: "MODIFIED", renamed: "RENAMED" };

const Query: Fields<unknown> = {
  repository: (_s, { owner, name }, { state, canSee }) => {
    const repo = state.repos.get(`${owner}/${name}`.toLowerCase());
    if (!repo || !canSee(repo.owner)) throw notFound(`Could not resolve to a Repository with the name '${owner}/${name}'.`);
    return repo;
  },
  organization: (_s, { login }, { state, canSee }) => {
    const user = state.user(login);
    if (!canSee(login) || (user && user.type !== "Organization")) throw notFound(`Could not resolve to an Organization with the login of '${login}'.`);
    return { __typename: "Organization", user: user ?? state.addUser(login, { type: "Organization" }) } satisfies ActorSource;
  },
  rateLimit: (_s, _a, { rateLimit }) => ({ ...rateLimit(), nodeCount: 0 }),
};

const RateLimit: Fields<{ cost: number; limit: number; remaining: number; used: number; nodeCount: number; resetAt: string }> = {
  cost: (r) => r.cost,
  limit: (r) => r.limit,
  remaining: (r) => r.remaining,
  used: (r) => r.used,
  nodeCount: (r) => r.nodeCount,
  resetAt: (r) => r.resetAt,
};

const Repository: Fields<SandboxRepo> = {
  id: (r) => nodeId("010:Repository", r.id),
  databaseId: (r) => r.id,
  name: (r) => r.name,
  nameWithOwner: (r) => `${r.owner}/${r.name}`,
  isPrivate: (r) => r.private,
  url: (r) => `https://github.com/${r.owner}/${r.name}`,
  owner: (r, _a, { state }) => actor(state, r.owner),
  defaultBranchRef: (r) => branchRef(r, r.default_branch),
  ref: (r, { qualifiedName }) => branchRef(r, String(qualifiedName).replace(/^refs\/heads\//, "")),
  pullRequest: (r, { number }) => {
    const pr = r.pulls.get(number);
    if (!pr) throw notFound(`Could not resolve to a PullRequest with the number of ${number}.`);
    return { repo: r, pr } satisfies PullSource;
  },
  object: (r, { expression, oid }, { state }) => gitObject(state, r, expression ?? undefined, oid ?? undefined),
  collaborators: (r, args, { state }, info) =>
    connection(matching(r.collaborators.keys(), args.query), args, info, (login) => ({ ...actor(state, login), permission: r.collaborators.get(login)!.toUpperCase() })),
};

function branchRef(repo: SandboxRepo, name: string): RefSource | null {
  const sha = repo.branches.get(name);
  return sha ? { repo, name, sha } : null;
}

const Ref: Fields<RefSource> = {
  id: (r) => nodeId("03:Ref", `${r.repo.id}:${r.name}`),
  name: (r) => r.name,
  prefix: () => "refs/heads/",
  target: (r) => commitSource(r.repo, r.sha),
};

const actorFields: Fields<ActorSource> = {
  id: (a) => nodeId(`04:${a.__typename}`, a.user.id),
  databaseId: (a) => a.user.id,
  login: (a) => a.user.login,
  url: (a) => `https://github.com/${a.user.login}`,
};

const User: Fields<ActorSource> = { ...actorFields, name: (a) => a.user.name };
// GitHub's Bot login drops the `[bot]` suffix in GraphQL.
const Bot: Fields<ActorSource> = { ...actorFields, login: (a) => a.user.login.replace(/\[bot\]$/, "") };
const Organization: Fields<ActorSource> = {
  ...actorFields,
  name: (a) => a.user.name,
  team: (a, { slug }, { state }) => {
    const members = state.teams.get(`${a.user.login}/${slug}`.toLowerCase());
    return members ? ({ org: a.user.login, slug, members } satisfies TeamSource) : null;
  },
};

const Team: Fields<TeamSource> = {
  slug: (t) => t.slug,
  name: (t) => t.slug,
  combinedSlug: (t) => `${t.org}/${t.slug}`,
  members: (t, args, { state }, info) => connection(matching(t.members, args.query), args, info, (login) => actor(state, login)),
};

const GitActor: Fields<GitPerson> = {
  name: (p) => p.name,
  email: (p) => p.email,
  date: (p) => p.date,
  // GitActor.user is a User: a commit by a bot's address has none, as on GitHub.
  user: (p, _a, { state }) => {
    const u = state.userByEmail(p.email);
    return u && u.type === "User" ? actor(state, u.login) : null;
  },
};

const Commit: Fields<CommitSource> = {
  id: (s) => nodeId("06:Commit", s.sha),
  oid: (s) => s.sha,
  abbreviatedOid: (s) => s.sha.slice(0, 7),
  message: (s) => commitOf(s).message,
  messageHeadline: (s) => commitOf(s).message.split("\n")[0],
  messageBody: (s) => commitOf(s).message.split("\n").slice(1).join("\n").replace(/^\n/, ""),
  authoredDate: (s) => commitOf(s).author.date,
  committedDate: (s) => commitOf(s).committer.date,
  author: (s) => commitOf(s).author,
  committer: (s) => commitOf(s).committer,
  authors: (s, args, _c, info) => connection([commitOf(s).author], args, info, (p) => p),
  parents: (s, args, _c, info) => connection(commitOf(s).parents, args, info, (sha) => commitSource(s.repo, sha)),
  tree: (s): TreeSource => ({ __typename: "Tree", repo: s.repo, sha: commitOf(s).sha, folder: "" }),
  changedFilesIfAvailable: (s) => commitOf(s).changes.length,
  changedFiles: (s) => commitOf(s).changes.length,
  additions: (s) => commitOf(s).changes.length,
  deletions: () => 0,
  url: (s) => `https://github.com/${s.repo.owner}/${s.repo.name}/commit/${s.sha}`,
  file: (s, { path }, { state }) => {
    const object = gitObject(state, s.repo, `${s.sha}:${path}`);
    return object ? { name: String(path).split("/").pop(), path, object } : null;
  },
  // One suite per app with runs on the commit, as GitHub groups an app's runs.
  checkSuites: (s, args, _c, info) => {
    const filter = args.filterBy ?? {};
    const runs = s.repo.checkRuns.filter((r) => r.head_sha === s.sha && (filter.checkName == null || r.name === filter.checkName));
    const apps = [...new Set(runs.map((r) => r.app_id))].filter((id) => filter.appId == null || id === filter.appId).sort((a, b) => a - b);
    return connection(apps, args, info, (appId): CheckSuiteSource => ({ repo: s.repo, sha: s.sha, appId }));
  },
};

const CheckSuite: Fields<CheckSuiteSource> = {
  app: (su) => ({ databaseId: su.appId }),
  checkRuns: (su, args, _c, info) => {
    const filter = args.filterBy ?? {};
    let runs = su.repo.checkRuns.filter((r) => r.head_sha === su.sha && r.app_id === su.appId && (filter.checkName == null || r.name === filter.checkName));
    // GitHub's default is the latest run of each name.
    if ((filter.checkType ?? "LATEST") === "LATEST") runs = [...new Map(runs.map((r) => [r.name, r])).values()];
    return connection(runs, args, info, (r) => r);
  },
};

const App: Fields<{ databaseId: number }> = {
  databaseId: (a) => a.databaseId,
};

const CheckRun: Fields<SandboxCheckRun> = {
  databaseId: (r) => r.id,
  name: (r) => r.name,
  externalId: (r) => r.external_id,
  status: (r) => r.status.toUpperCase(),
  conclusion: (r) => r.conclusion?.toUpperCase() ?? null,
  startedAt: (r) => r.started_at,
  completedAt: (r) => r.completed_at,
  title: (r) => r.output.title,
  summary: (r) => r.output.summary,
  text: (r) => r.output.text,
};

const Blob: Fields<BlobSource> = {
  oid: (b) => blobSha(b.text),
  abbreviatedOid: (b) => blobSha(b.text).slice(0, 7),
  byteSize: (b) => Buffer.byteLength(b.text),
  isBinary: (b) => b.text.includes("\0"),
  isTruncated: (b) => Buffer.byteLength(b.text) > BLOB_TEXT_LIMIT,
  text: (b) => (b.text.includes("\0") ? null : b.text.slice(0, BLOB_TEXT_LIMIT)),
};

const TreeEntry: Fields<TreeEntrySource> = {
  name: (e) => e.name,
  path: (e) => e.path,
  object: (e) => e.object,
  // GitHub gives the mode as the integer value of git's octal mode (33188 for 100644).
  mode: (e) => parseInt(e.mode ?? "100644", 8),
  oid: (e) => e.oid ?? blobSha((e.object as BlobSource).text),
};

/** A folder at a commit: its entries, each with git's mode; a link's object is its blob (the target). */
const Tree: Fields<TreeSource> = {
  oid: (t, _args, { state }) => state.treeOid(t.repo, t.sha, t.folder),
  abbreviatedOid: (t, _args, { state }) => state.treeOid(t.repo, t.sha, t.folder)?.slice(0, 7),
  entries: (t, _args, { state }): TreeEntrySource[] =>
    (state.treeAt(t.repo, t.sha, t.folder) ?? []).map((e) => {
      const path = t.folder === "" ? e.name : `${t.folder}/${e.name}`;
      if (e.mode === "040000") return { name: e.name, path, mode: e.mode, oid: e.oid, object: { __typename: "Tree", repo: t.repo, sha: t.sha, folder: path } };
      if (e.mode === "160000") return { name: e.name, path, mode: e.mode, oid: e.oid, object: null };
      return { name: e.name, path, mode: e.mode, oid: e.oid, object: { __typename: "Blob", text: e.content ?? "" } };
    }),
};

const PullRequest: Fields<PullSource> = {
  id: ({ pr }) => nodeId("011:PullRequest", pr.id),
  databaseId: ({ pr }) => pr.id,
  number: ({ pr }) => pr.number,
  title: ({ pr }) => pr.title,
  body: ({ pr }) => pr.body,
  state: ({ pr }) => (pr.merged ? "MERGED" : pr.state === "open" ? "OPEN" : "CLOSED"),
  isDraft: ({ pr }) => pr.draft,
  merged: ({ pr }) => pr.merged !== undefined,
  url: ({ repo, pr }) => `https://github.com/${repo.owner}/${repo.name}/pull/${pr.number}`,
  createdAt: ({ pr }) => pr.created_at,
  updatedAt: ({ pr }) => pr.updated_at,
  author: ({ pr }, _a, { state }) => actor(state, pr.author),
  authorAssociation: () => "MEMBER",
  baseRefName: ({ pr }) => pr.base_ref,
  headRefName: ({ pr }) => pr.head_ref,
  baseRefOid: ({ repo, pr }) => repo.branches.get(pr.base_ref) ?? pr.base_sha,
  headRefOid: ({ pr }) => pr.head_sha,
  // The sandbox has no forks: every head branch is in the pull request's repository.
  isCrossRepository: () => false,
  baseRef: ({ repo, pr }) => ({ repo, name: pr.base_ref, sha: repo.branches.get(pr.base_ref) ?? pr.base_sha }) satisfies RefSource,
  headRef: ({ repo, pr }) => branchRef(repo, pr.head_ref),
  changedFiles: ({ repo, pr }, _a, { state }) => state.pullFiles(repo, pr).length,
  additions: () => 0,
  deletions: () => 0,
  labels: ({ pr }, args, _c, info) => connection(pr.labels, args, info, (name) => ({ name })),
  // GraphQL pages past REST's 250-commit cap.
  commits: ({ repo, pr }, args, _c, info) => connection(pr.commits, args, info, (sha) => ({ __typename: "PullRequestCommit", repo, pr, sha }) satisfies PullCommitSource),
  files: ({ repo, pr }, args, { state }, info) => connection(state.pullFiles(repo, pr), args, info, (f) => f),
  reviews: ({ repo, pr }, args, _c, info) => {
    const states = Array.isArray(args.states) ? (args.states as string[]) : undefined;
    const list = pr.reviews.filter((r) => !states || states.includes(r.state));
    return connection(list, args, info, (review) => ({ repo, pr, review }) satisfies ReviewSource);
  },
  comments: ({ repo, pr }, args, _c, info) => connection(pr.comments, args, info, (comment) => ({ repo, pr, comment }) satisfies CommentSource),
  // The issues a closing keyword in the body links ("Fixes #1001"), as GitHub reads them.
  closingIssuesReferences: ({ repo, pr }, args, _c, info) => connection(closingIssues(repo, pr.body), args, info, (issue) => issue),
  timelineItems: ({ repo, pr }, args, _c, info) => {
    // The items the loader reads: the pull request's commits, force pushes and assignments.
    const types = Array.isArray(args.itemTypes) ? (args.itemTypes as string[]) : ["PULL_REQUEST_COMMIT", "HEAD_REF_FORCE_PUSHED_EVENT", "ASSIGNED_EVENT"];
    const items: Array<PullCommitSource | ForcePushSource | AssignedSource> = [];
    if (types.includes("ASSIGNED_EVENT")) for (const assignment of pr.assignments) items.push({ __typename: "AssignedEvent", assignment });
    if (types.includes("PULL_REQUEST_COMMIT")) for (const sha of pr.commits) items.push({ __typename: "PullRequestCommit", repo, pr, sha });
    if (types.includes("HEAD_REF_FORCE_PUSHED_EVENT")) {
      for (const push of pr.pushes.filter((p) => p.forced)) items.push({ __typename: "HeadRefForcePushedEvent", repo, pr, push });
    }
    return connection(items, args, info, (x) => x);
  },
};

const Label: Fields<{ name: string }> = {
  name: (l) => l.name,
  color: () => "ededed",
};

const PullRequestCommit: Fields<PullCommitSource> = {
  id: (c) => nodeId("PRC_", c.sha),
  commit: (c) => commitSource(c.repo, c.sha),
  url: ({ repo, pr, sha }) => `https://github.com/${repo.owner}/${repo.name}/pull/${pr.number}/commits/${sha}`,
};

const PullRequestChangedFile: Fields<{ filename: string; status: string }> = {
  path: (f) => f.filename,
  additions: () => 1,
  deletions: () => 0,
  changeType: (f) => CHANGE_TYPES[f.status],
};

const PullRequestReview: Fields<ReviewSource> = {
  id: ({ review }) => nodeId("017:PullRequestReview", review.id),
  databaseId: ({ review }) => review.id,
  author: ({ review }, _a, { state }) => actor(state, review.user),
  authorAssociation: () => "MEMBER",
  authorCanPushToRepository: ({ repo, review }) => WRITE_PERMISSIONS.has(repo.collaborators.get(review.user.toLowerCase()) ?? "none"),
  state: ({ review }) => review.state,
  body: ({ review }) => review.body,
  submittedAt: ({ review }) => review.submitted_at,
  createdAt: ({ review }) => review.submitted_at,
  publishedAt: ({ review }) => review.submitted_at,
  commit: ({ repo, review }) => commitSource(repo, review.commit_id),
  url: ({ repo, pr, review }) => `https://github.com/${repo.owner}/${repo.name}/pull/${pr.number}#pullrequestreview-${review.id}`,
};

const HeadRefForcePushedEvent: Fields<ForcePushSource> = {
  id: ({ push }) => nodeId("HRFPE_", `${push.at}:${push.head_sha}`),
  createdAt: ({ push }) => push.at,
  beforeCommit: ({ repo, push }) => (repo.commits.has(push.before) ? commitSource(repo, push.before) : null),
  afterCommit: ({ repo, push }) => commitSource(repo, push.head_sha),
};

const CLOSING_KEYWORD = /\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\s+#(\d+)\b/gi;

function closingIssues(repo: SandboxRepo, body: string): SandboxIssue[] {
  const numbers = new Set([...body.matchAll(CLOSING_KEYWORD)].map((m) => Number(m[1])));
  return [...numbers].flatMap((n) => repo.issues.get(n) ?? []);
}

const Issue: Fields<SandboxIssue> = {
  id: (i) => nodeId("I_", i.number),
  number: (i) => i.number,
  title: (i) => i.title,
  createdAt: (i) => i.created_at,
  timelineItems: (i, args, _c, info) => {
    const types = Array.isArray(args.itemTypes) ? (args.itemTypes as string[]) : ["ASSIGNED_EVENT"];
    const items: AssignedSource[] = types.includes("ASSIGNED_EVENT") ? i.assignments.map((assignment) => ({ __typename: "AssignedEvent", assignment })) : [];
    return connection(items, args, info, (x) => x);
  },
};

const AssignedEvent: Fields<AssignedSource> = {
  id: ({ assignment }) => nodeId("AE_", `${assignment.at}:${assignment.assignee}`),
  createdAt: ({ assignment }) => assignment.at,
  actor: ({ assignment }, _a, { state }) => actor(state, assignment.actor),
  assignee: ({ assignment }, _a, { state }) => actor(state, assignment.assignee),
};

const IssueComment: Fields<CommentSource> = {
  id: ({ comment }) => nodeId("IC_", comment.id),
  databaseId: ({ comment }) => comment.id,
  author: ({ comment }, _a, { state }) => actor(state, comment.author),
  body: ({ comment }) => comment.body,
  createdAt: ({ comment }) => comment.at,
};

const Connection: Fields<ConnectionPage<unknown>> = {
  totalCount: (c) => c.totalCount,
  nodes: (c) => c.nodes,
  edges: (c) => c.edges,
  pageInfo: (c) => c.pageInfo,
};
const Edge: Fields<ConnectionPage<unknown>["edges"][number]> = {
  cursor: (e) => e.cursor,
  node: (e) => e.node,
};
const PageInfo: Fields<ConnectionPage<unknown>["pageInfo"]> = {
  hasNextPage: (p) => p.hasNextPage,
  hasPreviousPage: (p) => p.hasPreviousPage,
  startCursor: (p) => p.startCursor,
  endCursor: (p) => p.endCursor,
};

/** A connection type and its edge type, with the edge's extra fields. */
function connectionTypes(connectionType: string, edgeType: string, edgeFields: Fields<any> = {}) {
  return { [connectionType]: Connection, [edgeType]: { ...Edge, ...edgeFields } };
}

export const RESOLVERS: ResolverMap = asResolverMap({
  Query,
  RateLimit,
  Repository,
  Ref,
  User,
  Bot,
  Organization,
  Team,
  GitActor,
  Commit,
  Blob,
  Tree,
  TreeEntry,
  PullRequest,
  Label,
  PullRequestCommit,
  PullRequestChangedFile,
  PullRequestReview,
  HeadRefForcePushedEvent,
  AssignedEvent,
  Issue,
  IssueComment,
  CheckSuite,
  CheckRun,
  App,
  PageInfo,
  ...connectionTypes("RepositoryCollaboratorConnection", "RepositoryCollaboratorEdge", { permission: (e: { node: ActorSource }) => e.node.permission }),
  ...connectionTypes("TeamMemberConnection", "TeamMemberEdge"),
  ...connectionTypes("GitActorConnection", "GitActorEdge"),
  ...connectionTypes("CommitConnection", "CommitEdge"),
  ...connectionTypes("LabelConnection", "LabelEdge"),
  ...connectionTypes("PullRequestCommitConnection", "PullRequestCommitEdge"),
  ...connectionTypes("PullRequestChangedFileConnection", "PullRequestChangedFileEdge"),
  ...connectionTypes("PullRequestReviewConnection", "PullRequestReviewEdge"),
  ...connectionTypes("CheckSuiteConnection", "CheckSuiteEdge"),
  ...connectionTypes("CheckRunConnection", "CheckRunEdge"),
  ...connectionTypes("PullRequestTimelineItemsConnection", "PullRequestTimelineItemsEdge"),
  ...connectionTypes("IssueCommentConnection", "IssueCommentEdge"),
  ...connectionTypes("IssueConnection", "IssueEdge"),
  ...connectionTypes("IssueTimelineItemsConnection", "IssueTimelineItemsEdge"),
});

function asResolverMap(map: Record<string, Fields<any>>): ResolverMap {
  return map as Record<string, Record<string, GraphQLFieldResolver<any, GraphqlContext>>>;
}
