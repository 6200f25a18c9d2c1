/**
 * The Redis coordinator in this process, against the real Redis `.ci/run` starts: the contract the
 * replica tests (separate `node lib/server.js` processes) rely on — turns per pull request across
 * coordinators, tickets that keep an older evaluation from posting a green, the fence, and a
 * bounded failure when the store is unreachable.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { CoordinationError } from "../src/app/coordination/coordinator.js";
import { RedisCoordinator } from "../src/app/coordination/redis.js";
import { sharedRedis, skipWithoutRedis } from "./helpers/redis.js";

/** Resolves when `promise` settles, or with "pending" after `ms`. */
const within = <T>(promise: Promise<T>, ms: number) => Promise.race([promise, new Promise<"pending">((r) => setTimeout(() => r("pending"), ms))]);

describe.skipIf(skipWithoutRedis)("the Redis coordinator", () => {
  let redis: { url: string; stop(): Promise<void> };
  const prefix = `coordination-test-${Math.random().toString(36).slice(2, 8)}:`;
  const coordinators: RedisCoordinator[] = [];
  const replica = (options: { lockTtlMs?: number } = {}) => {
    const c = new RedisCoordinator({ url: redis.url, prefix, lockWaitMs: 10_000, outageWaitMs: 1_000, ...options });
    coordinators.push(c);
    return c;
  };
  beforeAll(async () => {
    redis = await sharedRedis();
  }, 30_000);
  afterAll(async () => {
    for (const c of coordinators) await c.close();
    await redis?.stop();
  });

  it("answers readiness while the store is up", async () => {
    expect(await replica().problem()).toBeNull();
  });

  it("one pull request's evaluations take turns across coordinators; another pull request does not wait", async () => {
    const [a, b] = [replica(), replica()];
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const first = a.withTurn("acme/x#1", await a.announce("acme/x#1"), async () => {
      order.push("a starts");
      await held;
      order.push("a ends");
    });
    await new Promise((r) => setTimeout(r, 200));
    const second = b.withTurn("acme/x#1", await b.announce("acme/x#1"), async () => void order.push("b runs"));
    const other = b.withTurn("acme/x#2", await b.announce("acme/x#2"), async () => "other ran");
    expect(await within(other, 5_000)).toBe("other ran");
    expect(await within(second, 500)).toBe("pending");
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(["a starts", "a ends", "b runs"]);
  });

  it("a newer ticket: the older evaluation may post a failure or action_required, never a success", async () => {
    const [a, b] = [replica(), replica()];
    const older = await a.announce("acme/y#1");
    expect(await b.announce("acme/y#1")).toBe(older + 1);
    const allowed = await a.withTurn("acme/y#1", older, async (turn) => [await turn.mayWrite("success"), await turn.mayWrite("action_required"), await turn.mayWrite("failure")]);
    expect(allowed).toEqual([false, true, true]);
    const newest = await b.withTurn("acme/y#1", older + 1, async (turn) => turn.mayWrite("success"));
    expect(newest).toBe(true);
  });

  it("the fence: a lock that expired and was taken by another evaluation may not write; one nobody took is taken back", async () => {
    const [a, b] = [replica({ lockTtlMs: 300 }), replica({ lockTtlMs: 300 })];
    const admin = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    try {
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let bMayWrite: boolean | undefined;
      const lost = await a.withTurn("acme/z#1", await a.announce("acme/z#1"), async (turn) => {
        // The lock's holder stalls past its lease (renewal lost with it): delete the lock, as expiry would.
        expect(await admin.del(`${prefix}lock:acme/z#1`)).toBe(1);
        const bTurn = b.withTurn("acme/z#1", await b.announce("acme/z#1"), async (other) => {
          bMayWrite = await other.mayWrite("failure");
          await held;
        });
        while (bMayWrite === undefined) await new Promise((r) => setTimeout(r, 20));
        const mine = await turn.mayWrite("failure");
        release();
        await bTurn;
        return mine;
      });
      expect(bMayWrite).toBe(true);
      expect(lost).toBe(false);

      const tookBack = await a.withTurn("acme/z#2", await a.announce("acme/z#2"), async (turn) => {
        expect(await admin.del(`${prefix}lock:acme/z#2`)).toBe(1);
        return turn.mayWrite("failure");
      });
      expect(tookBack).toBe(true);
    } finally {
      admin.disconnect();
    }
  });

  it("an unreachable store: a CoordinationError within the bound, not a hang; readiness says why", async () => {
    const down = new RedisCoordinator({ url: "redis://127.0.0.1:1", outageWaitMs: 500, commandTimeoutMs: 300 });
    coordinators.push(down);
    const started = Date.now();
    const error = await down.announce("acme/w#1").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CoordinationError);
    expect((error as Error).message).toMatch(/^the shared store \(Redis\) could not take a ticket for 1 s/);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await down.problem()).toMatch(/^the shared store \(Redis\) does not answer: /);
  });
});
