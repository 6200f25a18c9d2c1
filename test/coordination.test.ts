/**
 * The coordinator contract, against each shared store for real (the Redis and PostgreSQL servers
 * `.ci/run` starts), in this process: the contract the replica tests (separate `node
 * lib/server.js` processes) rely on — turns per pull request across coordinators, tickets that
 * keep an older evaluation from posting a green, the fence, readiness, and a bounded failure when
 * the store is unreachable. The one-process coordinator keeps the ticket rule too.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import pg from "pg";
import { CoordinationError, ProcessCoordinator, type Coordinator } from "../src/app/coordination/coordinator.js";
import { PostgresCoordinator } from "../src/app/coordination/postgres.js";
import { RedisCoordinator } from "../src/app/coordination/redis.js";
import { STORE_KINDS, type TestStore } from "./helpers/audit-stores.js";
import { sharedRedis, skipWithoutRedis } from "./helpers/redis.js";

/** Resolves when `promise` settles, or with "pending" after `ms`. */
const within = <T>(promise: Promise<T>, ms: number) => Promise.race([promise, new Promise<"pending">((r) => setTimeout(() => r("pending"), ms))]);

interface SharedCoordinator extends Coordinator {
  problem(): Promise<string | null>;
}

/** One shared store, as the contract needs it. */
interface Store {
  /** As the coordinator's messages name it. */
  label: string;
  skip: boolean;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** A coordinator on the store, as one replica has it; `fence`: a lease short enough to lose. */
  replica(options?: { fence?: boolean }): SharedCoordinator;
  /** Takes `key`'s lock from whoever holds it, as an expired lease or a lost session would; how many locks were taken. */
  loseLock(key: string): Promise<number>;
  /** A coordinator on a store nobody answers at. */
  unreachable(): SharedCoordinator;
}

const COMMON = { lockWaitMs: 10_000, outageWaitMs: 1_000 };
const DOWN = { outageWaitMs: 500, commandTimeoutMs: 300 };

function redisStore(): Store {
  let redis: { url: string; stop(): Promise<void> };
  const prefix = `coordination-test-${Math.random().toString(36).slice(2, 8)}:`;
  return {
    label: "Redis",
    skip: skipWithoutRedis,
    start: async () => {
      redis = await sharedRedis();
    },
    stop: () => redis.stop(),
    replica: ({ fence } = {}) => new RedisCoordinator({ url: redis.url, prefix, ...COMMON, ...(fence ? { lockTtlMs: 300 } : {}) }),
    async loseLock(key) {
      const admin = new Redis(redis.url, { maxRetriesPerRequest: 1 });
      try {
        return await admin.del(`${prefix}lock:${key}`);
      } finally {
        admin.disconnect();
      }
    },
    unreachable: () => new RedisCoordinator({ url: "redis://127.0.0.1:1", ...DOWN }),
  };
}

function postgresStore(): Store {
  const postgres = STORE_KINDS.find((k) => k.name === "postgres")!;
  let db: TestStore;
  const url = () => (db.target as { url: string }).url;
  return {
    label: "PostgreSQL",
    skip: !postgres.available,
    start: async () => {
      db = await postgres.make();
    },
    stop: () => db.remove(),
    replica: () => new PostgresCoordinator({ url: url(), ...COMMON }),
    // The lock is a session's advisory lock: ending the session (in this test's own database)
    // is what a lost connection does. Evaluations of one pull request hold one at a time.
    async loseLock() {
      const admin = new pg.Client({ connectionString: url() });
      await admin.connect();
      try {
        const { rows } = await admin.query(
          "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND classid = $1 AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
          [0x5047434f],
        );
        return rows.length;
      } finally {
        await admin.end();
      }
    },
    unreachable: () => new PostgresCoordinator({ url: "postgres://provenance@127.0.0.1:1/none", ...DOWN }),
  };
}

describe.each([redisStore(), postgresStore()])("the $label coordinator", (store) => {
  const coordinators: Coordinator[] = [];
  const track = <C extends Coordinator>(c: C) => (coordinators.push(c), c);
  const replica = (options?: { fence?: boolean }) => track(store.replica(options));
  beforeAll(async () => {
    if (!store.skip) await store.start();
  }, 30_000);
  afterAll(async () => {
    for (const c of coordinators) await c.close();
    if (!store.skip) await store.stop();
  });

  it.skipIf(store.skip)("answers readiness while the store is up", async () => {
    expect(await replica().problem()).toBeNull();
  });

  it.skipIf(store.skip)("one pull request's evaluations take turns across coordinators; another pull request does not wait", async () => {
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

  it.skipIf(store.skip)("a newer ticket: the older evaluation may post a failure or action_required, never a success; the newest may", async () => {
    await newerTicketRule(replica(), replica());
  });

  it.skipIf(store.skip)("the fence: a lock lost to another evaluation may not write; one nobody took is taken back", async () => {
    const [a, b] = [replica({ fence: true }), replica({ fence: true })];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let bMayWrite: boolean | undefined;
    const lost = await a.withTurn("acme/z#1", await a.announce("acme/z#1"), async (turn) => {
      // The lock's holder stalls past its lease, or loses its session, and another evaluation takes the lock.
      expect(await store.loseLock("acme/z#1")).toBe(1);
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
      expect(await store.loseLock("acme/z#2")).toBe(1);
      return turn.mayWrite("failure");
    });
    expect(tookBack).toBe(true);
  });

  it.skipIf(store.skip)("an unreachable store: a CoordinationError within the bound, not a hang; readiness says why", async () => {
    const down = track(store.unreachable());
    const started = Date.now();
    const error = await down.announce("acme/w#1").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CoordinationError);
    expect((error as Error).message).toMatch(new RegExp(`^the shared store \\(${store.label}\\) could not take a ticket for 1 s`));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await down.problem()).toMatch(new RegExp(`^the shared store \\(${store.label}\\) does not answer`));
  });
});

describe("the one-process coordinator", () => {
  it("a newer ticket: the older evaluation may post a failure or action_required, never a success; the newest may", async () => {
    const process = new ProcessCoordinator();
    await newerTicketRule(process, process);
  });
});

/** `a` takes a ticket, then `b` a newer one for the same pull request. */
async function newerTicketRule(a: Coordinator, b: Coordinator): Promise<void> {
  const older = await a.announce("acme/y#1");
  expect(await b.announce("acme/y#1")).toBe(older + 1);
  const allowed = await a.withTurn("acme/y#1", older, async (turn) => [await turn.mayWrite("success"), await turn.mayWrite("action_required"), await turn.mayWrite("failure")]);
  expect(allowed).toEqual([false, true, true]);
  const newest = await b.withTurn("acme/y#1", older + 1, async (turn) => turn.mayWrite("success"));
  expect(newest).toBe(true);
}
