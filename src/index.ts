/**
 * Provenance Gate as a Probot app: `npm start` (src/server.ts, Probot's `run()`) loads this default
 * export. Loading it checks the environment first, so a misconfigured server fails at start-up
 * instead of accepting forged webhooks.
 */
import type { Probot } from "probot";
import { provenanceGate } from "./app/app.js";
import { assertWebhookSecret } from "./app/env.js";
import { installFromEnv } from "./app/coordination/index.js";
import { addReadinessCheck } from "./ops/readiness.js";
import { auditWriterFromEnv } from "./audit/writer.js";
import { drain } from "./ops/drain.js";

export { provenanceGate, type ProvenanceGateOptions } from "./app/app.js";
export { CHECK_NAME } from "./model/check-name.js";

export default function provenanceGateApp(app: Probot): void {
  assertWebhookSecret(process.env);
  // Replicas take turns on a pull request through Redis when REDIS_URL is set (SPEC 7.1).
  installFromEnv(process.env, { addReadinessCheck, onShutdown: (name, close) => drain.onShutdown(name, close) });
  // The record of decisions: DATABASE_URL (PostgreSQL), else PROVENANCE_DB (SQLite, default data/provenance.db).
  provenanceGate({ audit: auditWriterFromEnv(process.env, app.log), reconcileIntervalMs: reconcileInterval(process.env) })(app);
}

/** RECONCILE_INTERVAL_MS (default 10 minutes; 0 turns the reconciler off). */
function reconcileInterval(env: NodeJS.ProcessEnv): number {
  const value = Number(env.RECONCILE_INTERVAL_MS ?? 600_000);
  return Number.isFinite(value) && value >= 0 ? value : 600_000;
}
