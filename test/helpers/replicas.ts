/**
 * Replicas of the app in one test process: each is a real Probot server on its own port, loaded
 * from a fresh copy of the app's modules (`vi.resetModules`), so no in-process state — the
 * per-pull-request queue, the coordinator — is shared between them; only the store they are given
 * (Redis) is. Deliveries go to the replica the test names, as a load balancer would send them.
 */
import { randomBytes } from "node:crypto";
import { vi } from "vitest";
import type { Sandbox } from "../../src/sandbox/sandbox.js";
import type { RedisCoordinatorOptions } from "../../src/app/coordination/redis.js";
import { deliverWebhook, type Delivery } from "../../src/sandbox/webhooks.js";
import { throwawayPrivateKey } from "../../src/sandbox/probot-runner.js";
import { withoutWriteSpacing } from "./octokit.js";

export interface Replica {
  name: string;
  webhookUrl: string;
  logs: string[];
  deliver(event: string, payload: Record<string, unknown>): Promise<Delivery>;
  stop(): Promise<void>;
}

export interface Cluster {
  secret: string;
  privateKey: string;
}

export function cluster(): Cluster {
  return { secret: randomBytes(24).toString("hex"), privateKey: throwawayPrivateKey() };
}

export async function startReplica(sb: Sandbox, c: Cluster, name: string, redis?: RedisCoordinatorOptions): Promise<Replica> {
  vi.resetModules();
  const coordination = await import("../../src/app/coordination/index.js");
  const { provenanceGate } = await import("../../src/app/app.js");
  const runner = await import("../../src/sandbox/probot-runner.js");
  const { tunedGateOctokit } = await import("../../src/app/octokit.js");
  const store = coordination.useCoordinator(redis ? new coordination.RedisCoordinator(redis) : new coordination.ProcessCoordinator());
  const server = await runner.startProbotServer({
    appId: sb.appId,
    privateKey: c.privateKey,
    secret: c.secret,
    baseUrl: `${sb.url}/api/v3`,
    app: provenanceGate() as never,
    // Deadlines long enough for the races the tests stage with slow answers; fast retries.
    Octokit: withoutWriteSpacing(tunedGateOctokit({ deadlines: { connectMs: 5_000, totalMs: 10_000 }, retryBaseMs: 5 })),
  });
  return {
    name,
    webhookUrl: server.webhookUrl,
    logs: server.logs,
    deliver: (event, payload) => deliverWebhook({ url: server.webhookUrl, secret: c.secret, event, payload }),
    stop: async () => {
      await server.stop();
      await store.close();
    },
  };
}
