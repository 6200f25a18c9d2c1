/**
 * The app's Prometheus metrics (SPEC §7.2), all on prom-client's default registry, which
 * `GET /metrics` serves. Other modules import the metric they feed from here rather than
 * registering their own, so each name exists once; `existing()` also tolerates a second copy of
 * this module (tests that reset modules) instead of throwing "already registered".
 */
import { Counter, Gauge, Histogram, register, type Metric } from "prom-client";

function existing<T extends Metric>(name: string, create: () => T): T {
  return (register.getSingleMetric(name) as T | undefined) ?? create();
}

/** Evaluations that ended in a posted (or attempted) check run, by conclusion. */
export const evaluationsTotal = existing(
  "provenance_gate_evaluations_total",
  () => new Counter({ name: "provenance_gate_evaluations_total", help: "Evaluations of a pull request, by check-run conclusion.", labelNames: ["conclusion"] }),
);

/** Load + evaluate + publish of one pull request; GitHub's latency dominates. */
export const evaluationSeconds = existing(
  "provenance_gate_evaluation_seconds",
  () =>
    new Histogram({
      name: "provenance_gate_evaluation_seconds",
      help: "Duration of one evaluation (load, evaluate, publish), in seconds.",
      buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
    }),
);

/** Every GitHub API request the app made: operation is the route template, status the HTTP status or the error kind. */
export const githubRequestsTotal = existing(
  "provenance_gate_github_requests_total",
  () =>
    new Counter({
      name: "provenance_gate_github_requests_total",
      help: "GitHub API requests, by operation (method and route template, or the GraphQL operation name) and status.",
      labelNames: ["operation", "status"],
    }),
);

/** Verified webhook deliveries, by event name (`X-GitHub-Event`). */
export const webhookDeliveriesTotal = existing(
  "provenance_gate_webhook_deliveries_total",
  () => new Counter({ name: "provenance_gate_webhook_deliveries_total", help: "Webhook deliveries received with a valid signature, by event.", labelNames: ["event"] }),
);

/** Runs the reconciler repaired, by reason (fed by the reconciler). */
export const reconciledTotal = existing(
  "provenance_gate_reconciled_total",
  () => new Counter({ name: "provenance_gate_reconciled_total", help: "Check runs the reconciler repaired or deliveries it redelivered, by reason.", labelNames: ["reason"] }),
);

/** What GitHub said is left of the rate limit on its latest answer, by resource (`core`, `graphql`, …). */
export const rateLimitRemaining = existing(
  "provenance_gate_rate_limit_remaining",
  () =>
    new Gauge({
      name: "provenance_gate_rate_limit_remaining",
      help: "Requests left in GitHub's rate-limit window (x-ratelimit-remaining of the latest answer), by resource.",
      labelNames: ["resource"],
    }),
);

type DepthSource = () => number;
const depthSources = new Map<string, DepthSource>();

/**
 * Work waiting or running. Several parts of the app hold work (webhook deliveries in flight,
 * evaluations queued behind a lock, the reconciler's backlog): each registers a source under its
 * own name, and the gauge reports their sum when scraped, so no two writers overwrite each other.
 */
export function addQueueDepthSource(name: string, source: DepthSource): void {
  depthSources.set(name, source);
}

// Registered for its collect(): the gauge sums the depth sources when scraped.
existing(
  "provenance_gate_queue_depth",
  () =>
    new Gauge({
      name: "provenance_gate_queue_depth",
      help: "Webhook deliveries and evaluations in flight or waiting.",
      collect() {
        let sum = 0;
        for (const source of depthSources.values()) sum += source();
        this.set(sum);
      },
    }),
);

