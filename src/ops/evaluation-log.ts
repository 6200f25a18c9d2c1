/**
 * The one JSON log line per evaluation (SPEC §7.2) and the evaluation metrics. The caller's logger
 * carries the delivery id and the event (bound where the webhook is handled); this adds what the
 * evaluation found, how long it took and what became of the check run. Only names, numbers and
 * SHAs go in: never a token, key or secret.
 */
import type { Logger } from "probot";
import type { PublishResult } from "../app/publish.js";
import { httpStatus } from "../load/github/client.js";
import { evaluationSeconds, evaluationsTotal } from "./metrics.js";

export type EvaluationFields = Record<string, unknown> & { conclusion: string };

/** `created`, `updated`, `unchanged`, `stale` (the head moved on), or `failed (<status>)`. */
export function publishOutcome(result: PublishResult | { error: unknown }): string {
  if ("error" in result) {
    const status = httpStatus(result.error);
    return status === undefined ? "failed" : `failed (${status})`;
  }
  return result.kind;
}

export function logEvaluation(log: Logger, fields: EvaluationFields, startedAt: number, publish: string): void {
  const seconds = (performance.now() - startedAt) / 1000;
  evaluationsTotal.inc({ conclusion: fields.conclusion });
  evaluationSeconds.observe(seconds);
  log.info({ ...fields, duration_ms: Math.round(seconds * 1000), publish }, "provenance-gate evaluation");
}
