/**
 * No older result lands last (SPEC 7.1). Evaluations of one pull request take turns — across
 * replicas when a shared store is configured (redis.ts), within the process otherwise — and each
 * evaluation carries a ticket taken when its event arrived. Before it writes, an evaluation asks
 * its turn whether it may: not when its lock expired and another replica may have taken over
 * (the fencing token no longer matches), and not with a result that could be green when a newer
 * event for the pull request has arrived since its own (that evaluation follows and publishes).
 */
import type { Conclusion } from "../../model/verdict.js";

export interface Turn {
  /** May this evaluation write a run with `conclusion` now? */
  mayWrite(conclusion: Conclusion): Promise<boolean>;
}

export interface Coordinator {
  /** Which store coordinates: `redis` or `process`. */
  readonly kind: string;
  /** Takes a ticket for an event about `key`, when it arrives (before it waits its turn). */
  announce(key: string): Promise<number>;
  /** Runs `task` as the only evaluation of `key` (in the cluster, or the process). */
  withTurn<T>(key: string, ticket: number, task: (turn: Turn) => Promise<T>): Promise<T>;
  /** The call that announced a ticket for `key` is over (it ran, or shared another's run). */
  done(key: string): void;
  /** Calls `listener` each time the store is reachable again after an outage. */
  onRecovered(listener: () => void): void;
  close(): Promise<void>;
}

/** The shared store could not be used within its bound (unreachable, or a lock never came free). */
export class CoordinationError extends Error {
  override readonly name = "CoordinationError";
}

/**
 * One process: the per-pull-request queue in evaluation.ts already runs one evaluation at a time,
 * so a turn needs no lock; tickets are counted here, and forgotten when nothing is pending.
 */
export class ProcessCoordinator implements Coordinator {
  readonly kind = "process";
  readonly #latest = new Map<string, { ticket: number; pending: number }>();

  async announce(key: string): Promise<number> {
    const entry = this.#latest.get(key) ?? { ticket: 0, pending: 0 };
    entry.ticket++;
    entry.pending++;
    this.#latest.set(key, entry);
    return entry.ticket;
  }

  withTurn<T>(key: string, ticket: number, task: (turn: Turn) => Promise<T>): Promise<T> {
    return task({ mayWrite: async (conclusion) => conclusion !== "success" || (this.#latest.get(key)?.ticket ?? ticket) <= ticket });
  }

  done(key: string): void {
    const entry = this.#latest.get(key);
    if (entry && --entry.pending <= 0) this.#latest.delete(key);
  }

  onRecovered(): void {}

  async close(): Promise<void> {}
}

/**
 * Runs one command against a shared store, retrying an unreachable store for `outageMs`: then a
 * CoordinationError naming the store, what could not be done, and why (`failed` says why, and
 * lets the store react to each failure).
 */
export async function retryWithinOutage<T>(store: string, what: string, outageMs: number, command: () => Promise<T>, failed: (error: unknown) => string): Promise<T> {
  const deadline = Date.now() + outageMs;
  for (;;) {
    try {
      return await command();
    } catch (error) {
      const why = failed(error);
      if (Date.now() >= deadline) throw new CoordinationError(`the shared store (${store}) could not ${what} for ${Math.round(outageMs / 1000)} s: ${why}`);
      await sleep(200);
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
