/**
 * The Probot application: wires the handlers. `src/index.ts` adds the start-up checks.
 */
import type { Probot } from "probot";
import { AppIdentity } from "./identity.js";
import { registerHandlers } from "./handlers.js";
import type { AuditRecorder } from "../audit/writer.js";

export interface ProvenanceGateOptions {
  /** The GitHub App id; by default read from the app's credentials. */
  appId?: number;
  /** The clock (tests and the sandbox pass their own). */
  now?: () => Date;
  /** Where posted results and merges are recorded (SPEC §10); none by default. */
  audit?: AuditRecorder;
}

export function provenanceGate(options: ProvenanceGateOptions = {}): (app: Probot) => void {
  return (app: Probot) => {
    registerHandlers(app, {
      identity: new AppIdentity(app, options.appId),
      now: options.now ?? (() => new Date()),
      audit: options.audit,
    });
  };
}
