/**
 * The sandbox's notion of "now" for GitHub timestamps (review `submitted_at`, push times,
 * `updated_at`). Scenarios need strict ordering — a review must land strictly after the push it
 * reviews — so the default clock is virtual and moves forward one second per action, whatever the
 * wall clock does.
 */
export interface SandboxClock {
  now(): Date;
  /** Moves the clock forward (virtual clocks) and returns the new time. */
  tick(seconds?: number): Date;
}

export function virtualClock(start = "2026-11-20T10:00:00Z", stepSeconds = 1): SandboxClock {
  let t = Date.parse(start);
  if (Number.isNaN(t)) throw new Error(`virtualClock: not a date: ${start}`);
  return {
    now: () => new Date(t),
    tick: (seconds = stepSeconds) => {
      t += seconds * 1000;
      return new Date(t);
    },
  };
}

/** Wall-clock time; `tick` only guarantees that consecutive ticks differ by at least one second. */
export function wallClock(): SandboxClock {
  let last = 0;
  return {
    now: () => new Date(Math.max(Date.now(), last)),
    tick: () => {
      last = Math.max(Date.now(), last + 1000);
      return new Date(last);
    },
  };
}

/** GitHub prints timestamps without milliseconds. */
export { isoSeconds } from "../shared/format.js";
