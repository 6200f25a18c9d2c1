/**
 * When was the pull request's current head pushed?
 *
 * GitHub exposes no push time: a commit's dates are whatever the pusher's git wrote, and after a
 * force-push GitHub re-points older reviews' `commit_id` at the new head, so neither can tell a
 * stale approval from a fresh one. Instead the app records the time itself, as the `started_at`
 * of its `Provenance Gate` runs on the head SHA: a run is created when the app first sees a push
 * of that SHA, with `started_at` set to exactly the value computed here, so it persists.
 *
 * The push time is the LATEST push recorded for the SHA. A SHA can be pushed more than once: push
 * X, force-push Y, get Y approved, force-push X back. The approval of Y must not count for X, so
 * a push event newer than every recorded push is a new push of the SHA (`isNewPush`): it wins, and
 * the publisher records it in a new run instead of updating the old one.
 *
 * Besides the event, GitHub's timeline records force-pushes (`HeadRefForcePushedEvent`); the loader
 * passes the latest one onto the head as evidence too, so a SHA force-pushed back is dated even when
 * its webhook never arrived.
 *
 * With no run yet, the best evidence is the event itself: a `pull_request` opened / reopened /
 * synchronize event's `pull_request.updated_at`, even when ahead of this server's clock (an
 * earlier stand-in would let approvals given just before the push count); otherwise now — which
 * can only make reviews look older, never fresher (the safe direction).
 */
import type { ExistingCheckRun } from "./check-runs.js";
import { isoSeconds } from "../../shared/format.js";

function recordedPushes(runs: readonly ExistingCheckRun[]): number[] {
  return runs.map((run) => (run.started_at ? Date.parse(run.started_at) : Number.NaN)).filter((t) => Number.isFinite(t));
}

function usableEventTime(eventTime: Date | undefined): number | undefined {
  const t = eventTime?.getTime();
  return t !== undefined && Number.isFinite(t) ? t : undefined;
}

/** Whether the event is a push of the SHA newer than every push the app has recorded for it. */
export function isNewPush(runs: readonly ExistingCheckRun[], eventTime: Date | undefined): boolean {
  const recorded = recordedPushes(runs);
  const event = usableEventTime(eventTime);
  return recorded.length > 0 && event !== undefined && event > Math.max(...recorded);
}

export function lastPushAt(runs: readonly ExistingCheckRun[], eventTime: Date | undefined, now: Date): string {
  const recorded = recordedPushes(runs);
  const event = usableEventTime(eventTime);
  if (recorded.length === 0) return isoSeconds(new Date(event ?? now.getTime()));
  return isoSeconds(new Date(Math.max(...recorded, event ?? Number.NEGATIVE_INFINITY)));
}
