/**
 * When was the pull request's current head pushed?
 *
 * GitHub exposes no push time: a commit's dates are whatever the pusher's git wrote, and after a
 * force-push GitHub re-points older reviews' `commit_id` at the new head, so neither can tell a
 * stale approval from a fresh one. Instead the app records the time itself: it starts its check
 * run on a new head SHA as soon as it sees it, and the earliest `started_at` of this app's
 * `Provenance Gate` runs on that SHA is the push time. The publisher creates a run with
 * `started_at` set to exactly the value computed here, so the first estimate persists.
 *
 * With no run yet, the best evidence is the event itself: a `pull_request` opened / reopened /
 * synchronize event's `pull_request.updated_at` (capped at now, since it comes from the payload);
 * otherwise now — which can only make reviews look older, never fresher (the safe direction).
 */
import type { ExistingCheckRun } from "./check-runs.js";

export function lastPushAt(runs: readonly ExistingCheckRun[], eventTime: Date | undefined, now: Date): string {
  const starts = runs
    .map((run) => (run.started_at ? Date.parse(run.started_at) : Number.NaN))
    .filter((t) => Number.isFinite(t));
  if (starts.length > 0) return isoSeconds(new Date(Math.min(...starts)));
  if (eventTime && Number.isFinite(eventTime.getTime()) && eventTime.getTime() <= now.getTime()) {
    return isoSeconds(eventTime);
  }
  return isoSeconds(now);
}

/** GitHub's timestamp format (`2026-11-20T10:00:00Z`); sub-second precision is kept when present. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.000Z$/, "Z");
}
