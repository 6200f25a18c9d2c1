/**
 * Replicas coordinated through PostgreSQL advisory locks (`DATABASE_URL` without `REDIS_URL`;
 * SPEC 7.1), on the real server `.ci/run` starts (PROVENANCE_TEST_DATABASE_URL), in a fresh
 * database: two `node lib/server.js` processes sharing it through the races of
 * test/helpers/races.ts. The lock, the fence and the tickets themselves: test/coordination.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sandbox } from "../src/sandbox/sandbox.js";
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
