/**
 * This app's `Provenance Gate` runs on one commit. The list serves two purposes: the push time of
 * the head (see `push-time.ts`) and the run the publisher updates. For the head, the main GraphQL
 * query brings it (`runsFromQuery`); otherwise, or when that answer is not the whole list, one
 * REST listing reads it. GitHub filters by app id, since anyone with checks:write can post a run
 * of the same name; the list is read completely, as every list is (`pager.ts`).
 */
import { CHECK_NAME } from "../../model/check-name.js";
import type { GitHubClient, RepoRef, RequestCache } from "./client.js";
import { nextRestPage, readCompleteList } from "./pager.js";
import type { GqlCommitRuns, GqlHeadRuns } from "./queries.js";

export interface ExistingCheckRun {
  id: number;
  head_sha: string;
  external_id: string | null;
  status: string;
  conclusion: string | null;
  started_at: string | null;
  output: { title: string | null; summary: string | null };
}

type ListedRun = Awaited<ReturnType<GitHubClient["rest"]["checks"]["listForRef"]>>["data"]["check_runs"][number];

const PER_PAGE = 100;
/** A head SHA has a handful of our runs; more than 1,000 means something is posting in a loop. */
const MAX_PAGES = 10;

const cacheKey = (sha: string) => `check-runs:${sha}`;

/**
 * The runs the main query found on the head, or undefined when its answer may not be the whole
 * list (more suites or runs than one page holds): then the REST listing reads them.
 */
export function runsFromQuery(head: GqlHeadRuns | null | undefined, headSha: string, appId: number): ExistingCheckRun[] | undefined {
  return runsOnCommit(head?.nodes?.[0]?.commit, headSha, appId);
}

/** The same for any commit a query brought with its runs (`COMMIT_RUNS` in queries.ts). */
export function runsOnCommit(commit: Partial<GqlCommitRuns> | null | undefined, sha: string, appId: number): ExistingCheckRun[] | undefined {
  const suites = commit?.checkSuites;
  if (!commit || commit.oid !== sha || !suites || suites.totalCount !== suites.nodes.length) return undefined;
  const runs: ExistingCheckRun[] = [];
  for (const suite of suites.nodes) {
    if (!suite?.checkRuns) return undefined;
    if (suite.checkRuns.totalCount !== suite.checkRuns.nodes.length) return undefined;
    // The filters are GitHub's; checking them again costs nothing and keeps a foreign run out.
    if (suite.app?.databaseId !== appId) continue;
    for (const run of suite.checkRuns.nodes) {
      if (!run || run.name !== CHECK_NAME || typeof run.databaseId !== "number") continue;
      runs.push({
        id: run.databaseId,
        head_sha: sha,
        external_id: run.externalId ?? null,
        // GraphQL spells the enums in upper case; REST, which the rest of the app reads, in lower.
        status: run.status.toLowerCase(),
        conclusion: run.conclusion?.toLowerCase() ?? null,
        started_at: run.startedAt ?? null,
        output: { title: run.title ?? null, summary: run.summary ?? null },
      });
    }
  }
  return runs;
}

/** Makes runs another read brought the answer for `sha`, so nobody lists them again. */
export function rememberCheckRuns(cache: RequestCache, sha: string, runs: ExistingCheckRun[]): void {
  void cache.get(cacheKey(sha), () => Promise.resolve(runs));
}

/** The runs on `sha` after this evaluation wrote one there (the hold, app/shared-head.ts): the result updates it. */
export function replaceCheckRuns(cache: RequestCache, sha: string, runs: ExistingCheckRun[]): void {
  cache.replace(cacheKey(sha), runs);
}

export async function listOwnCheckRuns(
  gh: GitHubClient,
  repo: RepoRef,
  sha: string,
  appId: number,
  cache: RequestCache,
): Promise<ExistingCheckRun[]> {
  return cache.get(cacheKey(sha), async () => {
    const runs = await readCompleteList<ListedRun, number>({
      what: `Provenance Gate runs on ${sha.slice(0, 7)}`,
      start: 1,
      maxPages: MAX_PAGES,
      key: (run) => String(run.id),
      tooLongRemedy: "Too many check runs on this commit; push a new commit.",
      read: async (page) => {
        const { data, headers } = await gh.rest.checks.listForRef({
          ...repo,
          ref: sha,
          check_name: CHECK_NAME,
          app_id: appId,
          filter: "all",
          per_page: PER_PAGE,
          page,
        });
        return { items: data.check_runs, total: data.total_count, next: nextRestPage(page, headers.link, data.check_runs.length, PER_PAGE) };
      },
    });
    // The filters are GitHub's; checking them again costs nothing and keeps a foreign run out.
    return runs
      .filter((run) => run.app?.id === appId && run.name === CHECK_NAME)
      .map((run) => ({
        id: run.id,
        head_sha: run.head_sha,
        external_id: run.external_id ?? null,
        status: run.status,
        conclusion: run.conclusion ?? null,
        started_at: run.started_at ?? null,
        output: { title: run.output?.title ?? null, summary: run.output?.summary ?? null },
      }));
  });
}
