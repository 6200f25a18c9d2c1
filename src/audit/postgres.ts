/**
 * The PostgreSQL store (`pg`), shared by replicas. An append is one transaction holding a
 * transaction-scoped advisory lock: replicas appending at once take turns, each reading the
 * chain's last record only once it holds the lock, so the chain never forks. The primary key
 * on `seq` is the backstop should anything bypass the lock.
 */
import type pg from "pg";
import { chain, completeMerge, type AuditDraft, type AuditRecord } from "./record.js";
import { INSERT_COLUMNS, LATEST_SCHEMA, MIGRATIONS, SCHEMA_TABLE_SQL, fromRow, toRow } from "./schema.js";
import { filterSql, redactUrl, type AuditFilter, type AuditStore, type OpenOptions } from "./store.js";
import { AuditStoreError } from "./errors.js";
import { postgresPool } from "../shared/postgres-pool.js";

/** The advisory lock (two-key form, its own key space): "PGAT", 1. */
const LOCK_KEY = [0x50474154, 1] as const;
/** Rows per INSERT statement (24 columns each stays far below PostgreSQL's 65,535 parameters). */
const ROWS_PER_INSERT = 500;

export class PostgresAuditStore implements AuditStore {
  private constructor(
    private readonly pool: pg.Pool,
    readonly location: string,
  ) {}

  static async open(url: string, options: OpenOptions = {}): Promise<PostgresAuditStore> {
    // A hung server ends in an error the writer retries, never in a wait without end.
    const pool = postgresPool(url, { max: 4, readonly: options.readonly });
    const location = redactUrl(url);
    try {
      if (options.readonly) await assertSchema(pool, location);
      else await migrate(pool);
    } catch (error) {
      await pool.end().catch(() => undefined);
      if (error instanceof AuditStoreError) throw error;
      throw new AuditStoreError(`cannot open the audit store ${location}: ${(error as Error).message}`, { cause: error });
    }
    return new PostgresAuditStore(pool, location);
  }

  async append(drafts: readonly AuditDraft[]): Promise<AuditRecord[]> {
    if (drafts.length === 0) return [];
    return withLock(this.pool, async (client) => {
      const last = await client.query<{ seq: string; hash: string }>("SELECT seq, hash FROM audit_records ORDER BY seq DESC LIMIT 1");
      let previous: { seq: number; hash: string } | undefined = last.rows[0] && { seq: Number(last.rows[0].seq), hash: last.rows[0].hash };
      const out: AuditRecord[] = [];
      for (const d of drafts) {
        const completed = d.kind === "merge" ? completeMerge(d, await this.latestOf(client, d, out)) : d;
        const record = chain(completed, previous);
        out.push(record);
        previous = record;
      }
      for (let i = 0; i < out.length; i += ROWS_PER_INSERT) await insert(client, out.slice(i, i + ROWS_PER_INSERT));
      return out;
    });
  }

  async page(filter: AuditFilter, afterSeq: number, limit: number): Promise<AuditRecord[]> {
    const { where, params } = filterSql(filter, afterSeq, (n) => `$${n}`);
    const result = await this.pool.query(`SELECT * FROM audit_records WHERE ${where} ORDER BY seq LIMIT $${params.length + 1}`, [...params, limit]);
    return result.rows.map(fromRow);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /** The pull request's latest evaluation: in this batch, else in the table. */
  private async latestOf(client: pg.PoolClient, d: AuditDraft, batch: readonly AuditRecord[]): Promise<AuditRecord | undefined> {
    const sameRequest = (r: AuditRecord) => r.kind === "evaluation" && r.repository === d.repository && r.pull_request === d.pull_request;
    const inBatch = [...batch].reverse().find(sameRequest);
    if (inBatch) return inBatch;
    const result = await client.query(
      "SELECT * FROM audit_records WHERE kind = 'evaluation' AND repository = $1 AND pull_request = $2 ORDER BY seq DESC LIMIT 1",
      [d.repository, d.pull_request],
    );
    return result.rows[0] && fromRow(result.rows[0]);
  }
}

async function withLock<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock($1, $2)", [...LOCK_KEY]);
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

async function insert(client: pg.PoolClient, records: readonly AuditRecord[]): Promise<void> {
  const width = INSERT_COLUMNS.length;
  const values = records.map((_, r) => `(${INSERT_COLUMNS.map((_, c) => `$${r * width + c + 1}`).join(", ")})`).join(", ");
  await client.query(`INSERT INTO audit_records (${INSERT_COLUMNS.join(", ")}) VALUES ${values}`, records.flatMap((record) => toRow(record, "boolean")));
}

async function migrate(pool: pg.Pool): Promise<void> {
  await withLock(pool, async (client) => {
    await client.query(SCHEMA_TABLE_SQL);
    const applied = new Set((await client.query<{ version: number }>("SELECT version FROM audit_schema")).rows.map((r) => Number(r.version)));
    for (const m of MIGRATIONS) {
      if (applied.has(m.version)) continue;
      await client.query(m.postgres);
      await client.query("INSERT INTO audit_schema (version, name, applied_at) VALUES ($1, $2, $3)", [m.version, m.name, new Date().toISOString()]);
    }
  });
}

async function assertSchema(pool: pg.Pool, location: string): Promise<void> {
  const exists = await pool.query("SELECT to_regclass('audit_schema') IS NOT NULL AS present");
  const version = exists.rows[0]?.present ? Number((await pool.query("SELECT coalesce(max(version), 0) AS v FROM audit_schema")).rows[0].v) : 0;
  if (version === 0) throw new AuditStoreError(`${location} holds no Provenance Gate audit store (no audit_schema table)`);
  if (version > LATEST_SCHEMA) throw new AuditStoreError(`${location} has audit schema ${version}; this version reads up to ${LATEST_SCHEMA}: upgrade provenance-gate`);
}
