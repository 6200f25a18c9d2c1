/**
 * This app's `Provenance Gate` runs on one commit. The list serves two purposes in one request:
 * the push time of the head (see `push-time.ts`) and the run the publisher updates.
 */
import { CHECK_NAME } from "../../app/constants.js";
import type { GitHubClient, RepoRef, RequestCache } from "./client.js";

export interface ExistingCheckRun {
  id: number;
  head_sha: string;
  external_id: string | null;
  status: string;
  conclusion: string | null;
  started_at: string | null;
  output: { title: string | null; summary: string | null };
}

export async function listOwnCheckRuns(
  gh: GitHubClient,
  repo: RepoRef,
  sha: string,
  appId: number,
  cache: RequestCache,
): Promise<ExistingCheckRun[]> {
  return cache.get(`check-runs:${sha}`, async () => {
    const runs: ExistingCheckRun[] = [];
    // A head SHA has a handful of our runs; the loop only guards against a surprising pile-up.
    for (let page = 1; page <= 10; page++) {
      const { data } = await gh.rest.checks.listForRef({
        ...repo,
        ref: sha,
        check_name: CHECK_NAME,
        filter: "all",
        per_page: 100,
        page,
      });
      for (const run of data.check_runs) {
        // Anyone with checks:write can post a run named "Provenance Gate"; only ours count.
        if (run.app?.id !== appId || run.name !== CHECK_NAME) continue;
        runs.push({
          id: run.id,
          head_sha: run.head_sha,
          external_id: run.external_id ?? null,
          status: run.status,
          conclusion: run.conclusion ?? null,
          started_at: run.started_at ?? null,
          output: { title: run.output?.title ?? null, summary: run.output?.summary ?? null },
        });
      }
      if (data.check_runs.length < 100) break;
    }
    return runs;
  });
}
