/**
 * The two audit stores, real: a SQLite file in a temporary folder, and a fresh database on the
 * PostgreSQL server `.ci/run` starts (PROVENANCE_TEST_DATABASE_URL). Without that variable the
 * PostgreSQL tests are skipped locally and fail under CI=true: they never pass by not running.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import Database from "better-sqlite3";
import pg from "pg";
import type { AuditTarget } from "../../src/audit/store.js";

export const PG_URL = process.env.PROVENANCE_TEST_DATABASE_URL;

if (!PG_URL && process.env.CI === "true") {
  throw new Error("PROVENANCE_TEST_DATABASE_URL is not set under CI=true: .ci/run must start PostgreSQL (.ci/postgres.sh)");
}

export interface TestStore {
  target: AuditTarget;
  /** The --db value for the CLI. */
  db: string;
  /** Raw SQL behind the app's back: a tamperer with the database's own rights. */
  sql(statement: string): Promise<void>;
  remove(): Promise<void>;
}

export interface StoreKind {
  name: "sqlite" | "postgres";
  available: boolean;
  make(): Promise<TestStore>;
}

export const STORE_KINDS: StoreKind[] = [
  {
    name: "sqlite",
    available: true,
    async make() {
      const dir = mkdtempSync(join(tmpdir(), "provenance-audit-"));
      const path = join(dir, "provenance.db");
      return {
        target: { kind: "sqlite", path },
        db: path,
        async sql(statement) {
          const db = new Database(path);
          try {
            db.exec(statement);
          } finally {
            db.close();
          }
        },
        async remove() {
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: "postgres",
    available: PG_URL !== undefined,
    async make() {
      const name = `audit_${randomBytes(6).toString("hex")}`;
      await withClient(PG_URL!, (c) => c.query(`CREATE DATABASE ${name}`));
      const url = new URL(PG_URL!);
      url.pathname = `/${name}`;
      const db = url.toString();
      return {
        target: { kind: "postgres", url: db },
        db,
        sql: (statement) => withClient(db, (c) => c.query(statement)).then(() => undefined),
        remove: () => withClient(PG_URL!, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
      };
    },
  },
];

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** SQL that lets the tamperer edit: the append-only triggers dropped first. */
export function withoutTriggers(kind: StoreKind["name"], statement: string): string {
  return kind === "sqlite"
    ? `DROP TRIGGER audit_records_no_update; DROP TRIGGER audit_records_no_delete; ${statement}`
    : `DROP TRIGGER audit_records_no_update ON audit_records; ${statement}`;
}
