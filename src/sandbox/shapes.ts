/**
 * Sandbox state → the JSON objects GitHub's REST API and webhooks return. Only the fields a
 * GitHub client plausibly reads are filled; their names and types are GitHub's (each builder
 * `satisfies` the answer type Octokit derives from GitHub's OpenAPI description).
 */
import { createHash } from "node:crypto";
import type { GitHubData, GitHubItem, Subset } from "./github-types.js";
import type { FileChange, SandboxCheckRun, SandboxCommit, SandboxPull, SandboxRepo, SandboxReview, SandboxState } from "./state.js";

export function userJson(state: SandboxState, login: string) {
  const u = state.user(login) ?? state.addUser(login);
  return {
    login: u.login,
    id: u.id,
    node_id: Buffer.from(`04:User${u.id}`).toString("base64"),
    type: u.type,
    site_admin: false,
    html_url: `https://github.com/${u.login}`,
  } satisfies Subset<GitHubData<"users", "getByUsername">>;
}

export function repoJson(state: SandboxState, repo: SandboxRepo) {
  return {
    id: repo.id,
    node_id: Buffer.from(`010:Repository${repo.id}`).toString("base64"),
    name: repo.name,
    full_name: `${repo.owner}/${repo.name}`,
    private: repo.private,
    owner: userJson(state, repo.owner),
    html_url: `https://github.com/${repo.owner}/${repo.name}`,
    default_branch: repo.default_branch,
    fork: false,
  } satisfies Subset<GitHubData<"repos", "get">>;
}

export function pullJson(state: SandboxState, repo: SandboxRepo, pr: SandboxPull) {
  const files = state.pullFiles(repo, pr);
  return {
    id: pr.id,
    node_id: Buffer.from(`011:PullRequest${pr.id}`).toString("base64"),
    number: pr.number,
    state: pr.state,
    locked: false,
    title: pr.title,
    body: pr.body,
    draft: pr.draft,
    merged: pr.merged !== undefined,
    merged_at: pr.merged?.at ?? null,
    merged_by: pr.merged ? userJson(state, pr.merged.by) : null,
    merge_commit_sha: pr.merged?.sha ?? null,
    user: userJson(state, pr.author),
    assignees: pr.assignees.map((login) => userJson(state, login)),
    labels: pr.labels.map((name, i) => ({ id: i + 1, name, color: "ededed", default: false })),
    created_at: pr.created_at,
    updated_at: pr.updated_at,
    html_url: `https://github.com/${repo.owner}/${repo.name}/pull/${pr.number}`,
    head: { label: `${repo.owner}:${pr.head_ref}`, ref: pr.head_ref, sha: pr.head_sha, user: userJson(state, repo.owner), repo: repoJson(state, repo) },
    base: {
      label: `${repo.owner}:${pr.base_ref}`,
      ref: pr.base_ref,
      sha: repo.branches.get(pr.base_ref) ?? pr.base_sha,
      user: userJson(state, repo.owner),
      repo: repoJson(state, repo),
    },
    author_association: "MEMBER",
    commits: pr.commits.length,
    changed_files: files.length,
    additions: files.length,
    deletions: 0,
  } satisfies Subset<GitHubData<"pulls", "get">>;
}

function identity(state: SandboxState, p: { name: string; email: string }) {
  const u = state.userByEmail(p.email);
  return u ? userJson(state, u.login) : null;
}

export function commitJson(state: SandboxState, repo: SandboxRepo, c: SandboxCommit, withFiles: boolean) {
  const base = {
    sha: c.sha,
    node_id: Buffer.from(`06:Commit${c.sha}`).toString("base64"),
    commit: {
      message: c.message,
      author: c.author,
      committer: c.committer,
      tree: { sha: c.sha.split("").reverse().join("") },
      verification: c.signedByGitHub
        ? { verified: true, reason: "valid", signature: "-----BEGIN PGP SIGNATURE-----\n(GitHub)\n-----END PGP SIGNATURE-----", payload: c.message }
        : { verified: false, reason: "unsigned", signature: null, payload: null },
    },
    author: identity(state, c.author),
    committer: identity(state, c.committer),
    parents: c.parents.map((sha) => ({ sha })),
    html_url: `https://github.com/${repo.owner}/${repo.name}/commit/${c.sha}`,
  };
  if (!withFiles) return base satisfies Subset<GitHubItem<"pulls", "listCommits">>;
  return { ...base, files: c.changes.map(fileJson), stats: { total: c.changes.length, additions: c.changes.length, deletions: 0 } } satisfies Subset<GitHubData<"repos", "getCommit">>;
}

export function fileJson(f: FileChange) {
  return {
    sha: f.content === undefined ? "0000000000000000000000000000000000000000" : blobSha(f.content),
    filename: f.filename,
    status: f.status,
    additions: f.content ? f.content.split("\n").length : 0,
    deletions: 0,
    changes: f.content ? f.content.split("\n").length : 0,
    ...(f.previous_filename ? { previous_filename: f.previous_filename } : {}),
  } satisfies Subset<GitHubItem<"pulls", "listFiles">>;
}

export function blobSha(content: string): string {
  // Git's blob id, so a policy's reported blob SHA matches what `git hash-object` prints.
  const buf = Buffer.from(content, "utf8");
  return createHash("sha1").update(`blob ${buf.length}\0`).update(buf).digest("hex");
}

export function reviewJson(state: SandboxState, repo: SandboxRepo, pr: SandboxPull, r: SandboxReview) {
  return {
    id: r.id,
    node_id: Buffer.from(`017:PullRequestReview${r.id}`).toString("base64"),
    user: userJson(state, r.user),
    body: r.body,
    state: r.state,
    submitted_at: r.submitted_at,
    commit_id: r.commit_id,
    author_association: "MEMBER",
    html_url: `https://github.com/${repo.owner}/${repo.name}/pull/${pr.number}#pullrequestreview-${r.id}`,
    pull_request_url: `https://api.github.com/repos/${repo.owner}/${repo.name}/pulls/${pr.number}`,
  } satisfies Subset<GitHubItem<"pulls", "listReviews">>;
}

export function reviewCommentJson(state: SandboxState, repo: SandboxRepo, pr: SandboxPull, c: SandboxPull["reviewComments"][number]) {
  return {
    id: c.id,
    node_id: Buffer.from(`024:PullRequestReviewComment${c.id}`).toString("base64"),
    user: userJson(state, c.author),
    body: c.body,
    path: c.path,
    commit_id: pr.head_sha,
    created_at: c.at,
    updated_at: c.at,
    author_association: "MEMBER",
    html_url: `https://github.com/${repo.owner}/${repo.name}/pull/${pr.number}#discussion_r${c.id}`,
    pull_request_url: `https://api.github.com/repos/${repo.owner}/${repo.name}/pulls/${pr.number}`,
  } satisfies Subset<GitHubItem<"pulls", "listReviewComments">>;
}

export function checkRunJson(state: SandboxState, repo: SandboxRepo, run: SandboxCheckRun, apiBase: string) {
  const pulls = [...repo.pulls.values()].filter((p) => p.head_sha === run.head_sha && p.state === "open");
  return {
    id: run.id,
    node_id: Buffer.from(`08:CheckRun${run.id}`).toString("base64"),
    head_sha: run.head_sha,
    external_id: run.external_id,
    url: `${apiBase}/repos/${repo.owner}/${repo.name}/check-runs/${run.id}`,
    html_url: `https://github.com/${repo.owner}/${repo.name}/runs/${run.id}`,
    details_url: run.details_url,
    status: run.status,
    conclusion: run.conclusion,
    started_at: run.started_at,
    completed_at: run.completed_at,
    name: run.name,
    output: {
      ...run.output,
      annotations_count: run.annotations.length,
      annotations_url: `${apiBase}/repos/${repo.owner}/${repo.name}/check-runs/${run.id}/annotations`,
    },
    check_suite: { id: checkSuiteId(run) },
    app: { id: run.app_id, slug: "provenance-gate", name: "Provenance Gate", owner: userJson(state, repo.owner) },
    pull_requests: pulls.map((p) => ({
      id: p.id,
      number: p.number,
      head: { ref: p.head_ref, sha: p.head_sha },
      base: { ref: p.base_ref, sha: repo.branches.get(p.base_ref) ?? p.base_sha },
    })),
  } satisfies Subset<GitHubData<"checks", "get">>;
}

const checkSuiteId = (run: SandboxCheckRun) => run.id + 500_000;

/** A check run in a `check_run` webhook: the REST shape, with the check suite's head as well. */
export function checkRunEventJson(state: SandboxState, repo: SandboxRepo, run: SandboxCheckRun, apiBase: string) {
  return { ...checkRunJson(state, repo, run, apiBase), check_suite: { id: checkSuiteId(run), head_sha: run.head_sha, head_branch: headBranch(repo, run.head_sha) } };
}

/** The branch whose head is `sha` (a PR branch or a merge-queue branch), as GitHub fills `check_suite.head_branch`. */
function headBranch(repo: SandboxRepo, sha: string): string | null {
  for (const [name, head] of repo.branches) if (head === sha && name !== repo.default_branch) return name;
  return null;
}
