/**
 * A person losing access (SPEC §7: `member` removed or edited, `membership` removed,
 * `organization` member_removed): which open pull requests to re-evaluate. Those whose newest
 * run counted an approval by that person — the run's hidden marker names whose approvals it
 * counted (`report/check-run.ts`), so the app finds them from its own runs, without keeping a
 * database. A team removal is found the same way: whoever left the team was counted by login.
 *
 * Bounded: at most `MAX_SCANNED_REPOSITORIES` repositories of the installation for an
 * organisation-wide event and `MAX_SCANNED_PULLS` open pull requests each. Pull requests past
 * the bound keep their result until their next event, the reconciler or Re-evaluate; the log
 * says when the bound was reached.
 */
import type { Logger } from "probot";
import { mapBounded } from "../load/build-snapshot.js";
import { RequestCache, type GitHubClient, type RepoRef } from "../load/github/client.js";
import { listOwnCheckRuns } from "../load/github/check-runs.js";
import { summaryHashes } from "../report/check-run.js";

export const MAX_SCANNED_REPOSITORIES = 100;
export const MAX_SCANNED_PULLS = 100;
/** Runs listed at once while scanning. */
const SCAN_CONCURRENCY = 4;

export interface CountedTarget extends RepoRef {
  number: number;
  baseRef: string;
  headSha: string;
}

/** The installation's repositories owned by `org` (an organisation-wide event names no repository). */
export async function repositoriesOf(gh: GitHubClient, org: string, log: Logger): Promise<RepoRef[]> {
  const { data } = await gh.request("GET /installation/repositories", { per_page: MAX_SCANNED_REPOSITORIES });
  if (data.total_count > data.repositories.length) {
    log.warn({ org, repositories: data.total_count, scanned: data.repositories.length }, "provenance-gate: revoked access: more repositories than one scan covers");
  }
  return data.repositories.filter((r) => r.owner.login.toLowerCase() === org.toLowerCase()).map((r) => ({ owner: r.owner.login, repo: r.name }));
}

/** The open pull requests of `repos` whose newest run of this app counted an approval by `login`. */
export async function pullRequestsCounting(gh: GitHubClient, appId: number, repos: readonly RepoRef[], login: string, log: Logger): Promise<CountedTarget[]> {
  const who = login.toLowerCase();
  const perRepo = await mapBounded(repos, SCAN_CONCURRENCY, async (repo) => {
    const { data: open } = await gh.rest.pulls.list({ ...repo, state: "open", per_page: MAX_SCANNED_PULLS });
    if (open.length === MAX_SCANNED_PULLS) log.warn({ ...repo, scanned: open.length }, "provenance-gate: revoked access: more open pull requests than one scan covers");
    const cache = new RequestCache();
    const counting = await mapBounded(open, SCAN_CONCURRENCY, async (pr) => {
      const runs = await listOwnCheckRuns(gh, repo, pr.head.sha, appId, cache);
      // One run per head and pull request is the rule; re-evaluating on any of them is only a re-run.
      return runs.some((run) => run.external_id === String(pr.number) && (summaryHashes(run.output.summary)?.counted.includes(who) ?? false));
    });
    return open.filter((_, i) => counting[i]).map((pr): CountedTarget => ({ ...repo, number: pr.number, baseRef: pr.base.ref, headSha: pr.head.sha }));
  });
  return perRepo.flat();
}
