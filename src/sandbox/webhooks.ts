/**
 * Webhook deliveries as GitHub makes them: a JSON body POSTed over HTTP with `X-GitHub-Event`,
 * `X-GitHub-Delivery` and `X-Hub-Signature-256` (HMAC-SHA256 of the exact bytes sent).
 */
import { createHmac, randomUUID } from "node:crypto";
import { request } from "node:http";

export function signBody(body: string, secret: string): string {
  return "sha256=" + createHmac("sha256", secret).update(body, "utf8").digest("hex");
}

export interface Delivery {
  id: string;
  event: string;
  action?: string;
  status: number;
  response: string;
  ms: number;
}

export interface DeliverOptions {
  url: string;
  secret: string;
  event: string;
  payload: Record<string, unknown>;
  /** Override the signature (tests of forged deliveries). */
  signature?: string;
  timeoutMs?: number;
  /** The delivery's GUID (`X-GitHub-Delivery`); a redelivery repeats the original's. */
  id?: string;
}

export async function deliverWebhook(opts: DeliverOptions): Promise<Delivery> {
  const body = JSON.stringify(opts.payload);
  const id = opts.id ?? randomUUID();
  const started = performance.now();
  const u = new URL(opts.url);
  const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request(
      {
        hostname: u.hostname,
        port: u.port,
        path: u.pathname + u.search,
        method: "POST",
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          "user-agent": "GitHub-Hookshot/sandbox",
          "x-github-event": opts.event,
          "x-github-delivery": id,
          "x-github-hook-id": "1",
          "x-github-hook-installation-target-type": "integration",
          "x-hub-signature-256": opts.signature ?? signBody(body, opts.secret),
        },
        timeout: opts.timeoutMs ?? 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
      },
    );
    req.on("timeout", () => req.destroy(new Error(`webhook delivery to ${opts.url} timed out`)));
    req.on("error", reject);
    req.end(body);
  });
  return {
    id,
    event: opts.event,
    action: typeof opts.payload.action === "string" ? opts.payload.action : undefined,
    status,
    response: text,
    ms: performance.now() - started,
  };
}
