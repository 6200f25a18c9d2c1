/**
 * Provenance Gate as a Probot app: `npm start` (src/server.ts, Probot's `run()`) loads this default
 * export. Loading it checks the environment first, so a misconfigured server fails at start-up
 * instead of accepting forged webhooks.
 */
import type { Probot } from "probot";
import { provenanceGate } from "./app/app.js";
import { assertWebhookSecret } from "./app/env.js";
import { auditWriterFromEnv } from "./audit/writer.js";

export { provenanceGate, type ProvenanceGateOptions } from "./app/app.js";
export { CHECK_NAME } from "./app/constants.js";

export default function provenanceGateApp(app: Probot): void {
  assertWebhookSecret(process.env);
  // The record of decisions: DATABASE_URL (PostgreSQL), else PROVENANCE_DB (SQLite, default data/provenance.db).
  provenanceGate({ audit: auditWriterFromEnv(process.env, app.log) })(app);
}
