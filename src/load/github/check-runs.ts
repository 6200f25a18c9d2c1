/**
 * This app's `Provenance Gate` runs on one commit. The list serves two purposes in one request:
 * the push time of the head (see `push-time.ts`) and the run the publisher updates. GitHub
 * filters by `app_id`, since anyone with checks:write can post a run of the same name; the list
 * is read completely, as every list is (`pager.ts`).
 */
import { CHECK_NAME } from "../../model/check-name.js";
import type { GitHubClient, RepoRef, RequestCache } from "./client.js";
import { nextRestPage, readCompleteList } from "./pager.js";

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

export async function listOwnCheckRuns(
  gh: GitHubClient,
  repo: RepoRef,
  sha: string,
  appId: number,
  cache: RequestCache,
): Promise<ExistingCheckRun[]> {
  return cache.get(`check-runs:${sha}`, async () => {
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
