/**
 * Urgent evaluations go first in the client's request queues. Every write of one installation
 * (GraphQL queries pass, see query-lane.ts) waits its turn in one queue, a second apart (the
 * throttling plugin's spacing, which GitHub asks for); a backlog of other pull requests'
 * evaluations would otherwise hold an urgent one back by a second per queued request. Urgent is an evaluation whose delay lets a
 * commit show another pull request's green for longer (see shared-head.ts); all its requests, made
 * inside `urgently`, are scheduled ahead of the queued ones, though after the request in flight
 * and still a second apart: the spacing stays.
 *
 * The queues are made here so they can be wrapped: `global` is the plugin's own kind (a
 * Bottleneck group keyed per installation), `write` one that chooses at each slot
 * (spaced-queue.ts); the plugin keeps its defaults for the rest.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import Bottleneck from "bottleneck";
import { SpacedQueues } from "./spaced-queue.js";

const urgent = new AsyncLocalStorage<true>();

/** Runs `task` with every GitHub request it makes scheduled ahead of non-urgent ones. */
export function urgently<T>(task: () => Promise<T>): Promise<T> {
  return urgent.run(true, task);
}

/**
 * Bottleneck runs lower numbers first; its default is 5, and the throttling plugin gives a retry 0,
 * so a retry still goes before an urgent request.
 */
const URGENT_PRIORITY = 1;

interface JobOptions {
  priority?: number;
}
interface Limiter {
  schedule(options: JobOptions, task: (...args: never[]) => unknown, ...args: unknown[]): Promise<unknown>;
}
/** What the throttling plugin uses of a queue: one limiter per installation. */
interface LimiterGroup {
  key(id: string): Limiter;
}

const WRAPPED = Symbol("provenance-gate:urgency");

/** The group, with the requests of urgent evaluations scheduled first (wrapped once). */
export function withUrgency(group: LimiterGroup): LimiterGroup {
  if (WRAPPED in group) return group;
  const wrapped: LimiterGroup & { [WRAPPED]: true } = {
    [WRAPPED]: true,
    key(id: string) {
      const limiter = group.key(id);
      return {
        schedule: (options: JobOptions, task: (...args: never[]) => unknown, ...args: unknown[]) =>
          limiter.schedule(urgent.getStore() && (options.priority ?? 5) > URGENT_PRIORITY ? { ...options, priority: URGENT_PRIORITY } : options, task, ...args),
      };
    },
  };
  return wrapped;
}

/** The plugin's own settings (`@octokit/plugin-throttling`): idle limiters are dropped after 2 minutes. */
const TIMEOUT_MS = 120_000;

/**
 * The shipped queues, one per process as the plugin's are: `write` (writes, one at a time, a
 * second apart, per installation) and `global` (every request, 10 in flight).
 */
export const SHIPPED_QUEUES = {
  write: new SpacedQueues(1_000),
  global: new Bottleneck.Group({ id: "octokit-global", maxConcurrent: 10, timeout: TIMEOUT_MS }),
};
