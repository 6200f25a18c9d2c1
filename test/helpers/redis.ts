/**
 * Real Redis for the replica and outage tests. `.ci/run` starts one on loopback and exports
 * TEST_REDIS_URL (not REDIS_URL, which would switch every app the other tests start onto Redis).
 * Outage tests start their own `redis-server`, since they stop it. Under CI=true these tests
 * never skip: a missing Redis is a failure.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { Redis } from "ioredis";

export const hasRedisServer = spawnSync("redis-server", ["--version"]).status === 0;
/** Skip only outside CI, and only when there is no Redis at all. */
export const skipWithoutRedis = !process.env.CI && !process.env.TEST_REDIS_URL && !hasRedisServer;

export interface OwnRedis {
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
}

/** A `redis-server` of the test's own on a free loopback port, without persistence. */
export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const url = `redis://127.0.0.1:${port}`;
  const start = async () => {
    child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
    await waitFor(url);
  };
  const stop = async () => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once("exit", () => resolve());
      c.kill("SIGKILL");
    });
  };
  await start();
  return { url, start, stop };
}

/** The CI Redis, or one of the test's own. */
export async function sharedRedis(): Promise<{ url: string; stop(): Promise<void> }> {
  if (process.env.TEST_REDIS_URL) return { url: process.env.TEST_REDIS_URL, stop: async () => undefined };
  if (!hasRedisServer) throw new Error("No Redis: set TEST_REDIS_URL or install redis-server (.ci/run does both)");
  return startOwnRedis();
}

async function waitFor(url: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on("error", () => undefined);
    try {
      await client.connect();
      await client.ping();
      client.disconnect();
      return;
    } catch {
      client.disconnect();
      if (Date.now() > deadline) throw new Error(`redis-server on ${url} did not start`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const addr = s.address();
      s.close(() => (typeof addr === "object" && addr ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}
