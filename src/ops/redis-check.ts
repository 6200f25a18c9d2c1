/**
 * Readiness check "redis", when `REDIS_URL` is set: the replicas share their GitHub rate-limit
 * accounting (and, across replicas, more) through it, so a replica that cannot reach it should
 * not take deliveries. A PING on a client of its own that never queues commands while
 * disconnected, so the probe answers at once instead of waiting for a reconnect.
 */
import { Redis } from "ioredis";

export interface StoreCheck {
  check: () => Promise<string | null>;
  close: () => Promise<void>;
}

export function redisCheck(url: string): StoreCheck {
  const where = redacted(url);
  let lastError: string | undefined;
  const client = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 2_000,
    retryStrategy: (times) => Math.min(times * 500, 5_000),
  });
  // Reported by the check; an unhandled "error" event would crash the process.
  client.on("error", (error: Error) => (lastError = error.message));
  client.on("ready", () => (lastError = undefined));
  return {
    async check() {
      try {
        if (client.status === "wait") await client.connect();
        await client.ping();
        return null;
      } catch (error) {
        return `Redis at ${where} does not answer: ${lastError ?? (error as Error).message}`;
      }
    },
    async close() {
      client.disconnect();
    },
  };
}

/** The URL without its password, for messages. */
function redacted(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "REDIS_URL";
  }
}
