/**
 * The slice of GitHub's GraphQL schema the sandbox models, as resolver objects over the state.
 * Field names and enum values follow GitHub's schema (PullRequestReviewState, PullRequestState,
 * PatchStatus…). A field not listed here is an error, exactly as an unknown field is on GitHub.
 */
import { blobSha } from "./shapes.js";
import { connection, GraphqlNotFound, type GqlObject } from "./graphql-exec.js";
import type { SandboxCommit, SandboxPull, SandboxRepo, SandboxState } from "./state.js";

const WRITE_PERMISSIONS = new Set(["write", "maintain", "admin"]);

export function queryRoot(state: SandboxState, canSee: (owner: string) => boolean): GqlObject {
  return {
    __typename: "Query",
    repository: ({ owner, name }: Record<string, unknown>) => {
      const repo = state.repos.get(`${owner}/${name}`.toLowerCase());
      if (!repo || !canSee(repo.owner)) throw new GraphqlNotFound(`Could not resolve to a Repository with the name '${owner}/${name}'.`);
      return repository(state, repo);
    },
    organization: ({ login }: Record<string, unknown>) => {
      const org = String(login);
      if (!canSee(org)) throw new GraphqlNotFound(`Could not resolve to an Organization with the login of '${org}'.`);
      return organization(state, org);
    },
    rateLimit: () => ({ __typename: "RateLimit", cost: 1, limit: 5000, remaining: 4999, used: 1, nodeCount: 0, resetAt: new Date(Date.now() + 3600_000).toISOString() }),
  };
}

function actor(state: SandboxState, login: string): GqlObject {
  const u = state.user(login) ?? state.addUser(login);
  const typename = u.type === "Bot" ? "Bot" : u.type === "Organization" ? "Organization" : "User";
  // GitHub's Bot login drops the `[bot]` suffix in GraphQL.
  return {
    __typename: typename,
    __interfaces: ["Actor", "Node"],
    login: typename === "Bot" ? u.login.replace(/\[bot\]$/, "") : u.login,
    id: Buffer.from(`04:${typename}${u.id}`).toString("base64"),
    databaseId: u.id,
    url: `https://github.com/${u.login}`,
    name: u.name,
  };
}

function gitActor(state: SandboxState, p: { name: string; email: string; date: string }): GqlObject {
  const u = state.userByEmail(p.email);
  return { __typename: "GitActor", name: p.name, email: p.email, date: p.date, user: u ? actor(state, u.login) : null };
}

function repository(state: SandboxState, repo: SandboxRepo): GqlObject {
  const ref = (name: string) => {
    const sha = repo.branches.get(name);
    return sha ? { __typename: "Ref", name, prefix: "refs/heads/", target: commit(state, repo, repo.commits.get(sha)!) } : null;
  };
  return {
    __typename: "Repository",
    __interfaces: ["Node"],
    id: Buffer.from(`010:Repository${repo.id}`).toString("base64"),
    databaseId: repo.id,
    name: repo.name,
    nameWithOwner: `${repo.owner}/${repo.name}`,
    isPrivate: repo.private,
    owner: actor(state, repo.owner),
    defaultBranchRef: () => ref(repo.default_branch),
    ref: ({ qualifiedName }: Record<string, unknown>) => ref(String(qualifiedName).replace(/^refs\/heads\//, "")),
    pullRequest: ({ number }: Record<string, unknown>) => {
      const pr = repo.pulls.get(Number(number));
      if (!pr) throw new GraphqlNotFound(`Could not resolve to a PullRequest with the number of ${number}.`);
      return pullRequest(state, repo, pr);
    },
    object: ({ expression, oid }: Record<string, unknown>) => gitObject(state, repo, expression as string | undefined, oid as string | undefined),
    collaborators: (args: Record<string, unknown>) => {
      const q = typeof args.query === "string" ? args.query.toLowerCase() : undefined;
      const list = [...repo.collaborators.entries()].filter(([login]) => !q || login.toLowerCase().includes(q));
      const conn = connection(list, args, ([login]) => actor(state, login), "RepositoryCollaboratorConnection");
      const edges = (conn.edges as GqlObject[]).map((e, i) => ({ ...e, permission: list[i][1].toUpperCase() }));
      return { ...conn, edges };
    },
  };
}

function organization(state: SandboxState, org: string): GqlObject {
  return {
    __typename: "Organization",
    login: org,
    team: ({ slug }: Record<string, unknown>) => {
      const members = state.teams.get(`${org}/${slug}`.toLowerCase());
      if (!members) return null;
      return {
        __typename: "Team",
        slug,
        name: slug,
        combinedSlug: `${org}/${slug}`,
        members: (args: Record<string, unknown>) => {
          const q = typeof args.query === "string" ? args.query.toLowerCase() : undefined;
          const list = [...members].filter((m) => !q || m.includes(q));
          return connection(list, args, (login) => actor(state, login), "TeamMemberConnection");
        },
      };
    },
  };
}

function gitObject(state: SandboxState, repo: SandboxRepo, expression?: string, oid?: string): GqlObject | null {
  if (oid) {
    const c = repo.commits.get(oid);
    return c ? commit(state, repo, c) : null;
  }
  if (!expression) return null;
  const colon = expression.indexOf(":");
  const rev = colon < 0 ? expression : expression.slice(0, colon);
  const sha = state.resolveRef(repo, rev);
  if (!sha) return null;
  if (colon < 0) return commit(state, repo, repo.commits.get(sha)!);
  const text = state.readFile(repo, sha, expression.slice(colon + 1));
  if (text === undefined) return null;
  const byteSize = Buffer.byteLength(text);
  return {
    __typename: "Blob",
    __interfaces: ["GitObject", "Node"],
    oid: blobSha(text),
    abbreviatedOid: blobSha(text).slice(0, 7),
    byteSize,
    isBinary: text.includes("\0"),
    // GitHub truncates blob text at 512 kB in GraphQL.
    isTruncated: byteSize > 512_000,
    text: text.includes("\0") ? null : text.slice(0, 512_000),
  };
}

function commit(state: SandboxState, repo: SandboxRepo, c: SandboxCommit): GqlObject {
  const [headline, ...rest] = c.message.split("\n");
  const pushedAt = pushDate(repo, c.sha);
  return {
    __typename: "Commit",
    __interfaces: ["GitObject", "Node"],
    id: Buffer.from(`06:Commit${c.sha}`).toString("base64"),
    oid: c.sha,
    abbreviatedOid: c.sha.slice(0, 7),
    message: c.message,
    messageHeadline: headline,
    messageBody: rest.join("\n").replace(/^\n/, ""),
    authoredDate: c.author.date,
    committedDate: c.committer.date,
    pushedDate: pushedAt,
    author: gitActor(state, c.author),
    committer: gitActor(state, c.committer),
    authors: (args: Record<string, unknown>) => connection([c.author], args, (p) => gitActor(state, p), "GitActorConnection"),
    parents: (args: Record<string, unknown>) => connection(c.parents, args, (sha) => ({ __typename: "Commit", oid: sha, abbreviatedOid: sha.slice(0, 7) }), "CommitConnection"),
    changedFilesIfAvailable: c.changes.length,
    changedFiles: c.changes.length,
    additions: c.changes.length,
    deletions: 0,
    url: `https://github.com/${repo.owner}/${repo.name}/commit/${c.sha}`,
    file: ({ path }: Record<string, unknown>) => {
      const object = gitObject(state, repo, `${c.sha}:${String(path)}`);
      return object ? { __typename: "TreeEntry", name: String(path).split("/").pop(), path, object } : null;
    },
  };
}

function pushDate(repo: SandboxRepo, sha: string): string | null {
  for (const pr of repo.pulls.values()) for (const p of pr.pushes) if (p.head_sha === sha) return p.at;
  return null;
}

const CHANGE_TYPES: Record<string, string> = { added: "ADDED", removed: "DELETED", modified: "MODIFIED", renamed: "RENAMED" };

function pullRequest(state: SandboxState, repo: SandboxRepo, pr: SandboxPull): GqlObject {
  const ref = (name: string, sha: string) => ({ __typename: "Ref", name, prefix: "refs/heads/", target: commit(state, repo, repo.commits.get(sha)!) });
  const baseSha = repo.branches.get(pr.base_ref) ?? pr.base_sha;
  return {
    __typename: "PullRequest",
    __interfaces: ["Node"],
    id: Buffer.from(`011:PullRequest${pr.id}`).toString("base64"),
    databaseId: pr.id,
    number: pr.number,
    title: pr.title,
    body: pr.body,
    state: pr.state === "open" ? "OPEN" : "CLOSED",
    isDraft: pr.draft,
    merged: false,
    url: `https://github.com/${repo.owner}/${repo.name}/pull/${pr.number}`,
    createdAt: pr.created_at,
    updatedAt: pr.updated_at,
    author: actor(state, pr.author),
    authorAssociation: "MEMBER",
    baseRefName: pr.base_ref,
    headRefName: pr.head_ref,
    baseRefOid: baseSha,
    headRefOid: pr.head_sha,
    baseRef: () => ref(pr.base_ref, baseSha),
    headRef: () => (repo.branches.has(pr.head_ref) ? ref(pr.head_ref, repo.branches.get(pr.head_ref)!) : null),
    changedFiles: state.pullFiles(repo, pr).length,
    additions: 0,
    deletions: 0,
    labels: (args: Record<string, unknown>) =>
      connection(pr.labels, args, (name) => ({ __typename: "Label", name, color: "ededed" }), "LabelConnection"),
    // GraphQL pages past REST's 250-commit cap.
    commits: (args: Record<string, unknown>) =>
      connection(
        pr.commits,
        args,
        (sha) => ({ __typename: "PullRequestCommit", id: `PRC_${sha}`, commit: commit(state, repo, repo.commits.get(sha)!), url: `https://github.com/${repo.owner}/${repo.name}/pull/${pr.number}/commits/${sha}` }),
        "PullRequestCommitConnection",
      ),
    files: (args: Record<string, unknown>) =>
      connection(
        state.pullFiles(repo, pr),
        args,
        (f) => ({ __typename: "PullRequestChangedFile", path: f.filename, additions: 1, deletions: 0, changeType: CHANGE_TYPES[f.status] }),
        "PullRequestChangedFileConnection",
      ),
    reviews: (args: Record<string, unknown>) => {
      const states = Array.isArray(args.states) ? (args.states as string[]) : undefined;
      const list = pr.reviews.filter((r) => !states || states.includes(r.state));
      return connection(
        list,
        args,
        (r) => {
          const perm = repo.collaborators.get(r.user.toLowerCase()) ?? "none";
          return {
            __typename: "PullRequestReview",
            id: Buffer.from(`017:PullRequestReview${r.id}`).toString("base64"),
            databaseId: r.id,
            author: actor(state, r.user),
            authorAssociation: "MEMBER",
            authorCanPushToRepository: WRITE_PERMISSIONS.has(perm),
            state: r.state,
            body: r.body,
            submittedAt: r.submitted_at,
            createdAt: r.submitted_at,
            publishedAt: r.submitted_at,
            commit: commit(state, repo, repo.commits.get(r.commit_id)!),
            url: `https://github.com/${repo.owner}/${repo.name}/pull/${pr.number}#pullrequestreview-${r.id}`,
          };
        },
        "PullRequestReviewConnection",
      );
    },
    timelineItems: (args: Record<string, unknown>) => {
      // Only the items a push-time reader needs: PR commits and force pushes.
      const types = Array.isArray(args.itemTypes) ? (args.itemTypes as string[]) : ["PULL_REQUEST_COMMIT", "HEAD_REF_FORCE_PUSHED_EVENT"];
      const items: GqlObject[] = [];
      if (types.includes("PULL_REQUEST_COMMIT")) {
        for (const sha of pr.commits) items.push({ __typename: "PullRequestCommit", commit: commit(state, repo, repo.commits.get(sha)!) });
      }
      if (types.includes("HEAD_REF_FORCE_PUSHED_EVENT")) {
        for (const push of pr.pushes.filter((p) => p.forced)) {
          items.push({
            __typename: "HeadRefForcePushedEvent",
            __interfaces: ["Node"],
            createdAt: push.at,
            beforeCommit: repo.commits.has(push.before) ? commit(state, repo, repo.commits.get(push.before)!) : null,
            afterCommit: commit(state, repo, repo.commits.get(push.head_sha)!),
          });
        }
      }
      return connection(items, args, (x) => x, "PullRequestTimelineItemsConnection");
    },
  };
}
