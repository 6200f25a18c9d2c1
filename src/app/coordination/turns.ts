/**
 * One evaluation's path through the coordinator: take a ticket as the event arrives, wait for the
 * pull request's turn (in the process's queue, then the cluster's lock), run. When the shared
 * store fails, `onStoreError` decides what is posted instead (a `failure`: fail closed), and the
 * evaluation is run again by itself once the store answers again.
 */
import type { OneAtATime } from "../one-at-a-time.js";
import { addQueueDepthSource } from "../../ops/metrics.js";
import { coordinator, CoordinationError, type Turn } from "./index.js";

/**
 * Evaluations waiting or running in this process. Bounded: past the bound a new one is refused
 * (the delivery fails, so GitHub's redelivery and the reconciler bring it back) instead of
 * growing an invisible backlog. Visible as `provenance_gate_queue_depth{…}` (ops/metrics.ts).
 */
export const MAX_PENDING_EVALUATIONS = Number(process.env.MAX_PENDING_EVALUATIONS) > 0 ? Number(process.env.MAX_PENDING_EVALUATIONS) : 500;
let pending = 0;
addQueueDepthSource("evaluations", () => pending);

export class QueueFullError extends Error {
  override readonly name = "QueueFullError";
}

export async function takeTurn<T>(
  key: string,
  queue: OneAtATime<T>,
  run: (turn: Turn) => Promise<T>,
  onStoreError: (error: CoordinationError) => Promise<T>,
): Promise<T> {
  if (pending >= MAX_PENDING_EVALUATIONS) {
    throw new QueueFullError(`${pending} evaluations are already waiting in this replica; refusing more until they are done (the delivery will be redelivered)`);
  }
  pending++;
  try {
    return await takeTurnCounted(key, queue, run, onStoreError);
  } finally {
    pending--;
  }
}

async function takeTurnCounted<T>(
  key: string,
  queue: OneAtATime<T>,
  run: (turn: Turn) => Promise<T>,
  onStoreError: (error: CoordinationError) => Promise<T>,
): Promise<T> {
  const store = coordinator();
  const failClosed = (error: unknown): Promise<T> => {
    if (!(error instanceof CoordinationError)) throw error;
    return onStoreError(error);
  };
  let ticket: number;
  try {
    ticket = await store.announce(key);
  } catch (error) {
    return failClosed(error);
  }
  try {
    return await queue.run(key, () => store.withTurn(key, ticket, run).catch(failClosed));
  } finally {
    store.done(key);
  }
}

const waiting = new Map<string, () => Promise<unknown>>();
let listening = false;

/**
 * Runs `again` (once per key, the latest wins) when the shared store is back. Tokens of the
 * installation the evaluation used stay valid for an hour, longer than outages this waits out.
 */
export function whenStoreRecovers(key: string, again: () => Promise<unknown>): void {
  waiting.set(key, again);
  if (listening) return;
  listening = true;
  coordinator().onRecovered(() => {
    const due = [...waiting.values()];
    waiting.clear();
    for (const run of due) void run().catch(() => undefined);
  });
}
