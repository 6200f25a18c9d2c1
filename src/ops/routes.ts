/**
 * `/healthz`, `/readyz` and `/metrics` on the app's own port, as a Probot server handler (a
 * handler answers and returns true, or returns false to pass the request on). Probot's webhook
 * middleware and `/ping` come first, then these.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { register } from "prom-client";
import { readiness } from "./readiness.js";

export const HEALTH_PATHS = { live: "/healthz", ready: "/readyz", metrics: "/metrics" } as const;

export async function opsHandler(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  if (req.method !== "GET" && req.method !== "HEAD") return false;
  const path = new URL(req.url ?? "/", "http://localhost").pathname;
  switch (path) {
    case HEALTH_PATHS.live:
      send(res, 200, "application/json", JSON.stringify({ status: "ok" }));
      return true;
    case HEALTH_PATHS.ready: {
      const { ready, checks } = await readiness();
      send(res, ready ? 200 : 503, "application/json", JSON.stringify({ status: ready ? "ready" : "not ready", checks }));
      return true;
    }
    case HEALTH_PATHS.metrics:
      send(res, 200, register.contentType, await register.metrics());
      return true;
    default:
      return false;
  }
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
  res.end(res.req?.method === "HEAD" ? undefined : body);
}
