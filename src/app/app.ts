/**
 * The Probot application: wires the handlers. `src/index.ts` adds the start-up checks.
 */
import type { Probot } from "probot";
import { AppIdentity } from "./identity.js";
import { registerHandlers } from "./handlers.js";
import { Reconciler } from "./reconciler.js";
import { EvaluationTurns } from "./evaluation.js";
import type { AuditRecorder } from "../audit/writer.js";

export interface ProvenanceGateOptions {
  /** The GitHub App id; by default read from the app's credentials. */
  appId?: number;
  /** The clock (tests and the sandbox pass their own). */
  now?: () => Date;
  /** Where posted results and merges are recorded (SPEC §10); none by default. */
  audit?: AuditRecorder;
  /** How often the reconciler runs (its first pass at start-up); 0 or absent: never (SPEC 7.1). */
  reconcileIntervalMs?: number;
  /**
   * How long a shared head's hold waits for the main query to tell the runs there before it lists
   * them over REST (default `DEFAULT_HOLD_WAIT_MS`, app/shared-head.ts). Tests whose GitHub is
   * mocked request by request pass a long one, so a slow test worker cannot add the listing.
   */
  holdWaitMs?: number;
}

export function provenanceGate(options: ProvenanceGateOptions = {}): (app: Probot) => void {
  return (app: Probot) => {
    const identity = new AppIdentity(app, options.appId);
    const now = options.now ?? (() => new Date());
    // Per app instance, shared by its handlers and its reconciler: two instances in one process
    // (tests, a restart played in place) keep their turns apart, as two replicas do.
    const turns = new EvaluationTurns();
    registerHandlers(app, { identity, now, audit: options.audit, turns, holdWaitMs: options.holdWaitMs });
    if (options.reconcileIntervalMs) new Reconciler(app, { identity, now, turns, intervalMs: options.reconcileIntervalMs }).start();
  };
}
