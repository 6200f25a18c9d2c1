/**
 * The SQLite store (better-sqlite3): one file, WAL mode. An append is one `BEGIN IMMEDIATE`
 * transaction: it takes the file's write lock before reading the chain's last record, so two
 * processes appending at once queue behind each other instead of forking the chain.
 *
 * better-sqlite3 is synchronous. The busy timeout is kept short and a locked file is waited for
 * with timers instead, so a writer in another process never stalls this one's event loop (the
 * app's webhooks) for longer than a transaction takes.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { chain, completeMerge, type AuditDraft, type AuditRecord } from "./record.js";
import { INSERT_COLUMNS, LATEST_SCHEMA, MIGRATIONS, SCHEMA_TABLE_SQL, fromRow, toRow } from "./schema.js";
import { filterSql, type AuditFilter, type AuditStore, type OpenOptions } from "./store.js";
import { AuditStoreError } from "./errors.js";

/** How long one append waits, in total, for another process's write lock. */
const LOCK_WAIT_MS = 10_000;

export class SqliteAuditStore implements AuditStore {
  private readonly insert: Database.Statement;
  private readonly last: Database.Statement;
  private readonly latestEvaluation: Database.Statement;
  private readonly appendAll: Database.Transaction<(drafts: readonly AuditDraft[]) => AuditRecord[]>;

  private constructor(
    private readonly db: Database.Database,
    readonly location: string,
  ) {
    this.insert = db.prepare(`INSERT INTO audit_records (${INSERT_COLUMNS.join(", ")}) VALUES (${INSERT_COLUMNS.map(() => "?").join(", ")})`);
    this.last = db.prepare("SELECT seq, hash FROM audit_records ORDER BY seq DESC LIMIT 1");
    this.latestEvaluation = db.prepare(
      "SELECT * FROM audit_records WHERE kind = 'evaluation' AND repository = ? AND pull_request = ? ORDER BY seq DESC LIMIT 1",
    );
    this.appendAll = db.transaction((drafts: readonly AuditDraft[]) => {
      let previous = this.last.get() as { seq: number | bigint; hash: string } | undefined;
      const out: AuditRecord[] = [];
      for (const d of drafts) {
        const completed = d.kind === "merge" ? completeMerge(d, this.latestOf(d)) : d;
        const record = chain(completed, previous && { seq: Number(previous.seq), hash: previous.hash });
        this.insert.run(...toRow(record, "integer"));
        out.push(record);
        previous = record;
      }
      return out;
    });
  }

  static open(path: string, options: OpenOptions = {}): SqliteAuditStore {
    let db: Database.Database;
    try {
      if (!options.readonly && path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
      db = new Database(path, { readonly: options.readonly === true, fileMustExist: options.readonly === true });
    } catch (error) {
      throw new AuditStoreError(`cannot open the audit store ${path}: ${(error as Error).message}`, { cause: error });
    }
    db.pragma("busy_timeout = 20");
    if (!options.readonly) {
      // WAL: readers (export, verify) never block the app's appends, nor the appends them.
      retryBusySync(() => db.pragma("journal_mode = WAL"));
      db.pragma("synchronous = NORMAL");
      retryBusySync(() => migrate(db));
    } else {
      assertSchema(db, path);
    }
    return new SqliteAuditStore(db, path);
  }

  async append(drafts: readonly AuditDraft[]): Promise<AuditRecord[]> {
    if (drafts.length === 0) return [];
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (let attempt = 0; ; attempt++) {
      try {
        return this.appendAll.immediate(drafts);
      } catch (error) {
        if (!isBusy(error) || Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.min(50, 1 + attempt) * (0.5 + Math.random())));
      }
    }
  }

  async page(filter: AuditFilter, afterSeq: number, limit: number): Promise<AuditRecord[]> {
    const { where, params } = filterSql(filter, afterSeq, () => "?");
    const rows = this.db.prepare(`SELECT * FROM audit_records WHERE ${where} ORDER BY seq LIMIT ?`).all(...params, limit) as Record<string, unknown>[];
    return rows.map(fromRow);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  private latestOf(d: AuditDraft): AuditRecord | undefined {
    const row = this.latestEvaluation.get(d.repository, d.pull_request) as Record<string, unknown> | undefined;
    return row && fromRow(row);
  }
}

function migrate(db: Database.Database): void {
  db.transaction(() => {
    db.exec(SCHEMA_TABLE_SQL);
    const applied = new Set((db.prepare("SELECT version FROM audit_schema").all() as { version: number }[]).map((r) => r.version));
    for (const m of MIGRATIONS) {
      if (applied.has(m.version)) continue;
      db.exec(m.sqlite);
      db.prepare("INSERT INTO audit_schema (version, name, applied_at) VALUES (?, ?, ?)").run(m.version, m.name, new Date().toISOString());
    }
  }).immediate();
}

function assertSchema(db: Database.Database, path: string): void {
  const row = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'audit_schema'").get();
  const version = row ? ((db.prepare("SELECT max(version) AS v FROM audit_schema").get() as { v: number | null }).v ?? 0) : 0;
  if (version === 0) throw new AuditStoreError(`${path} is not a Provenance Gate audit store (no audit_schema table)`);
  if (version > LATEST_SCHEMA) throw new AuditStoreError(`${path} has audit schema ${version}; this version reads up to ${LATEST_SCHEMA}: upgrade provenance-gate`);
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return code === "SQLITE_BUSY" || code === "SQLITE_LOCKED" || code === "SQLITE_BUSY_SNAPSHOT";
}

/** Start-up only (before the app serves): a short synchronous wait for another process's lock. */
function retryBusySync<T>(fn: () => T): T {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      return fn();
    } catch (error) {
      if (!isBusy(error) || Date.now() > deadline) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    }
  }
}
