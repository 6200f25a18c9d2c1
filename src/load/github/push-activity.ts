/**
 * Pushes to a same-repository head branch that the app may not have seen (SPEC §5): a
 * `synchronize` that never reached it (no replica was up, and nobody redelivered it). GitHub's
 * repository activity (`GET /repos/{owner}/{repo}/activity`, Metadata read) lists every change of
 * a ref with its `actor`, newest first, paged by an `after` cursor in the `Link` header. The API
 * filters by one activity type per call, so one unfiltered listing brings pushes, force-pushes
 * and merges into the branch alike; only a branch deletion changes no content. It is read back
 * to the pull request's creation, at most `MAX_PAGES` pages: a longer history, a page out of
 * order or a next page that cannot be reached fails the evaluation (`pager.ts`), never a silent
 * stop that would forget a pusher.
 */
import type { GitHubClient, RepoRef } from "./client.js";
import { IncompleteDataError } from "../pull-request-data.js";
import { GitHubAnswerError } from "./exchange-check.js";
import { nextRestCursor, readCompleteList, RETRY_REMEDY } from "./pager.js";
import type { Push } from "./update-branch.js";

const PER_PAGE = 100;
/** 1,000 pushes to one branch while one pull request is open is far past any real one. */
const MAX_PAGES = 10;

type Activity = Awaited<ReturnType<GitHubClient["rest"]["repos"]["listActivities"]>>["data"][number];

/** The pushes to `branch` since `since` (the pull request's creation) whose actor GitHub names. */
export async function pushesSince(gh: GitHubClient, repo: RepoRef, branch: string, since: string): Promise<Push[]> {
  const ref = `refs/heads/${branch}`;
  const from = Date.parse(since);
  const what = `pushes to ${branch} since the pull request was opened`;
  let previous = Number.POSITIVE_INFINITY;
  const activities = await readCompleteList<Activity, string>({
    what,
    start: "",
    maxPages: MAX_PAGES,
    key: (activity) => `activity ${activity.id}`,
    tooLongRemedy: "Open a new pull request from a fresh branch.",
    read: async (after) => {
      const { data, headers } = await gh.rest.repos.listActivities({ ...repo, ref, direction: "desc", per_page: PER_PAGE, ...(after ? { after } : {}) });
      // The early stop below relies on the order: a list that is not newest first cannot be cut short.
      for (const activity of data) {
        const at = Date.parse(activity.timestamp);
        if (Number.isNaN(at)) {
          const problem = `activity ${activity.id} has no time it happened (got ${JSON.stringify(activity.timestamp)})`;
          throw new GitHubAnswerError(`GitHub's answer listing the ${what} is not what the app reads: ${problem}`, [problem]);
        }
        if (at > previous) throw new IncompleteDataError(`GitHub listed the ${what} out of order.`, RETRY_REMEDY);
        previous = at;
      }
      // A page that reaches back past the pull request's creation is the last one needed.
      return { items: data, next: previous < from ? null : nextRestCursor(headers.link, "after", what) };
    },
  });
  return activities.flatMap((activity) =>
    // A push without an actor (a deploy key) names nobody who could approve.
    activity.ref === ref && activity.activity_type !== "branch_deletion" && Date.parse(activity.timestamp) >= from && activity.actor
      ? [{ login: activity.actor.login, before: activity.before, after: activity.after }]
      : [],
  );
}
