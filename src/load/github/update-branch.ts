/**
 * Whether a push only added GitHub's "Update branch" merge of the base (SPEC §5: its sender is
 * then not a pusher). A web-flow committer and GitHub's signature are not enough on their own:
 * the web conflict editor (arbitrary content, by whoever clicks) and `POST /repos/{o}/{r}/merges`
 * (any branch, any message) make such commits too. So the push counts as "Update branch" only
 * when all of these hold, read from GitHub:
 * - the new head is a merge of exactly two parents, the first the head before the push;
 * - GitHub committed and signed it (`web-flow`, `verification.verified`), with its message
 *   `Merge branch '<base>' into …`;
 * - the second parent is on the base branch (the base is at it or ahead of it);
 * - every file the merge changes against the old head has exactly the blob the base side has,
 *   so it brings the base's content and nothing of its own.
 * Anything short of that, or a read that fails, keeps the sender a pusher: over-counting only
 * asks for one more reviewer. Only a head commit that looks like such a merge in the main query
 * (committer and message) is read further, so ordinary pushes cost nothing.
 */
import type { GitHubClient, RepoRef } from "./client.js";

export interface Push {
  login: string;
  before: string;
  after: string;
}

const WEB_FLOW = "web-flow";

/** The cheap look, from what the main query already has: committed by web-flow with a base-merge message. */
export function looksLikeUpdateBranch(commit: { message: string; committer: { login: string | null } }, baseRef: string): boolean {
  return commit.committer.login?.toLowerCase() === WEB_FLOW && commit.message.startsWith(`Merge branch '${baseRef}' into `);
}

export async function isUpdateBranchMerge(gh: GitHubClient, repo: RepoRef, push: Push, baseRef: string): Promise<boolean> {
  try {
    const { data: merge } = await gh.rest.repos.getCommit({ ...repo, ref: push.after, per_page: 100 });
    const [first, second] = merge.parents;
    if (merge.parents.length !== 2 || first!.sha !== push.before) return false;
    if (merge.committer?.login?.toLowerCase() !== WEB_FLOW || merge.commit.verification?.verified !== true) return false;
    if (!merge.commit.message.startsWith(`Merge branch '${baseRef}' into `)) return false;
    const { data: onBase } = await gh.rest.repos.compareCommitsWithBasehead({ ...repo, basehead: `${second!.sha}...${baseRef}`, per_page: 1 });
    if (onBase.status !== "identical" && onBase.status !== "ahead") return false;
    const { data: baseSide } = await gh.rest.repos.compareCommitsWithBasehead({ ...repo, basehead: `${push.before}...${second!.sha}`, per_page: 100 });
    const brought = new Map((baseSide.files ?? []).map((f) => [f.filename, f.sha]));
    const files = merge.files ?? [];
    // A list GitHub cut short cannot prove the merge adds nothing.
    if (files.length >= 100 || (baseSide.files?.length ?? 0) >= 100) return false;
    return files.every((f) => brought.get(f.filename) === f.sha);
  } catch {
    return false;
  }
}
