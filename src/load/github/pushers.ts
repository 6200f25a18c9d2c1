/**
 * Who pushed to a pull request's head branch (SPEC §5), from what the app can know without
 * GitHub's activity: the pushes this process saw (each `synchronize`'s sender, `before` and
 * `after`), and what its runs recorded in their hidden marker (`pushers=…`, and `pushes=all` when
 * that list names the sender of every push since the pull request was opened).
 *
 * The list is known to be whole for a head when one of this pull request's runs on it says so,
 * when the pull request was opened at it, or when the pushes this process saw lead to it from a
 * head that is whole (the `before` of the first of them, whose runs come with the main query: so a
 * restart between two pushes, or another replica's run on the earlier head, loses nobody).
 * Otherwise the loader asks GitHub's activity (`push-activity.ts`).
 */
import { summaryHashes } from "../../report/check-run.js";
import type { ExistingCheckRun } from "./check-runs.js";
import type { Push } from "./update-branch.js";

/**
 * The run of pushes this process saw that ends with the newest one, as the head it started from
 * (`from`) and the head it led to (`to`); undefined without pushes.
 */
export function pushedFrom(pushes: readonly Push[]): { from: string; to: string } | undefined {
  const newest = pushes.at(-1);
  if (!newest) return undefined;
  const seen = new Set([newest.after]);
  let from = newest.before;
  for (let push = earlierPush(pushes, from); push && !seen.has(push.before); push = earlierPush(pushes, from)) {
    seen.add(from);
    from = push.before;
  }
  return { from, to: newest.after };
}

function earlierPush(pushes: readonly Push[], after: string): Push | undefined {
  return pushes.findLast((push) => push.after === after);
}

/** The pushers every run on a commit recorded (any pull request's: naming more people only asks for another reviewer). */
export function recordedPushers(runs: readonly ExistingCheckRun[]): string[] {
  return runs.flatMap((run) => summaryHashes(run.output.summary)?.pushers ?? []);
}

/** Whether one of this pull request's runs on a commit recorded every push until then. */
export function recordsAllPushes(runs: readonly ExistingCheckRun[], number: number): boolean {
  return runs.some((run) => run.external_id === String(number) && summaryHashes(run.output.summary)?.allPushes === true);
}
