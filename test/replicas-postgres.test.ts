/**
 * Replicas coordinated through PostgreSQL advisory locks (`DATABASE_URL` without `REDIS_URL`;
 * SPEC 7.1), on the real server `.ci/run` starts (PROVENANCE_TEST_DATABASE_URL), in a fresh
 * database: the lock, the fence and the tickets directly, then two `node lib/server.js`
 * processes sharing the database through the races of test/helpers/races.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { Sandbox } from "../src/sandbox/sandbox.js";
import { PostgresCoordinator } from "../src/app/coordination/postgres.js";
import { STORE_KINDS, type TestStore } from "./helpers/audit-stores.js";
import { approvalThenChangesRequested, openedAndLabeledAtOnce } from "./helpers/races.js";
import { processCluster, type ProcessCluster, type ServerProcess } from "./helpers/server-processes.js";

const postgres = STORE_KINDS.find((k) => k.name === "postgres")!;
let db: TestStore;

beforeAll(async () => {
  if (postgres.available) db = await postgres.make();
}, 30_000);
afterAll(async () => {
  await db?.remove();
});

/** Resolves when `promise` settles, or with "pending" after `ms`. */
const within = <T>(promise: Promise<T>, ms: number) => Promise.race([promise, new Promise<"pending">((r) => setTimeout(() => r("pending"), ms))]);

describe.skipIf(!postgres.available)("the PostgreSQL coordinator", () => {
  const coordinators: PostgresCoordinator[] = [];
  const replica = () => {
    const c = new PostgresCoordinator({ url: db.target.kind === "postgres" ? db.target.url : "", lockWaitMs: 10_000, outageWaitMs: 1_000 });
    coordinators.push(c);
    return c;
  };
  afterAll(async () => {
    for (const c of coordinators) await c.close();
  });

  /** Ends the session that holds a pull request's advisory lock, as a lost connection would. */
  async function dropLockHolder(): Promise<number> {
    const admin = new pg.Client({ connectionString: (db.target as { url: string }).url });
    await admin.connect();
    try {
      const { rows } = await admin.query("SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND classid = $1 AND granted", [0x5047434f]);
      return rows.length;
    } finally {
      await admin.end();
    }
  }

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
    await b.announce("acme/y#1");
    const allowed = await a.withTurn("acme/y#1", older, async (turn) => [await turn.mayWrite("success"), await turn.mayWrite("action_required"), await turn.mayWrite("failure")]);
    expect(allowed).toEqual([false, true, true]);
  });

  it("the fence: a session that lost its lock to another evaluation may not write; one whose lock nobody took takes it back", async () => {
    const [a, b] = [replica(), replica()];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let bMayWrite: boolean | undefined;
    const lost = await a.withTurn("acme/z#1", await a.announce("acme/z#1"), async (turn) => {
      expect(await dropLockHolder()).toBe(1);
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
      expect(await dropLockHolder()).toBe(1);
      return turn.mayWrite("failure");
    });
    expect(tookBack).toBe(true);
  });

  it("an unreachable server: a CoordinationError within the bound, not a hang", async () => {
    const down = new PostgresCoordinator({ url: "postgres://provenance@127.0.0.1:1/none", outageWaitMs: 500, commandTimeoutMs: 300 });
    coordinators.push(down);
    const started = Date.now();
    await expect(down.announce("acme/w#1")).rejects.toThrow(/shared store \(PostgreSQL\) could not take a ticket/);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await down.problem()).toMatch(/^the shared store \(PostgreSQL\) does not answer/);
  });
});

describe.skipIf(!postgres.available)("two node lib/server.js processes sharing PostgreSQL (DATABASE_URL, no REDIS_URL)", () => {
  let sb: Sandbox;
  let c: ProcessCluster;
  const replicas: ServerProcess[] = [];
  const run = Math.random().toString(36).slice(2, 8);
  beforeAll(async () => {
    sb = await Sandbox.start();
    c = processCluster(sb);
    const env = { DATABASE_URL: (db.target as { url: string }).url };
    replicas.push(...(await Promise.all([c.start("pg-a", env), c.start("pg-b", env)])));
  }, 180_000);
  afterAll(async () => {
    await c?.stopAll();
    await sb?.close();
  });

  it("both use PostgreSQL for their turns (readiness names the store)", async () => {
    for (const r of replicas) {
      const body = (await (await fetch(`${r.baseUrl}/readyz`)).json()) as { checks: Record<string, string> };
      expect(body.checks.store).toBe("ok");
    }
  });

  it("approval on one, changes requested on the other: the older evaluation does not land last", async () => {
    const { latest, written } = await approvalThenChangesRequested(sb, c.secret, `${run}a/models`, replicas[0], replicas[1]);
    expect(latest).toBe("action_required");
    expect(written).not.toContain("success");
  }, 30_000);

  it("`opened` and `labeled` at once, one on each replica: one run on the head", async () => {
    const { statuses, runs } = await openedAndLabeledAtOnce(sb, `${run}b/models`, replicas[0], replicas[1]);
    expect(statuses).toEqual([200, 200]);
    expect(runs).toEqual(["action_required"]);
  }, 30_000);
});
