/**
 * Where the record of decisions is kept: one small interface, two stores. SQLite (one file) by
 * default, PostgreSQL when `DATABASE_URL` is set, which replicas share. Both number and chain
 * records inside a serialized append, so writers in several processes keep one valid chain.
 */
import type { AuditDraft, AuditKind, AuditRecord } from "./record.js";

export interface AuditFilter {
  /** Records at or after this instant (ISO 8601). */
  since?: string;
  /** Records strictly before this instant (ISO 8601). */
  until?: string;
  repository?: string;
  kind?: AuditKind;
}

export interface AuditStore {
  /** Where it is, for messages: a file path, or the URL without its password. */
  readonly location: string;
  /** Numbers, chains and appends the drafts, in order, in one serialized transaction. */
  append(drafts: readonly AuditDraft[]): Promise<AuditRecord[]>;
  /** Up to `limit` records with `seq` greater than `afterSeq` that match, in `seq` order. */
  page(filter: AuditFilter, afterSeq: number, limit: number): Promise<AuditRecord[]>;
  close(): Promise<void>;
}

export type AuditTarget = { kind: "sqlite"; path: string } | { kind: "postgres"; url: string };

export const DEFAULT_DB_PATH = "data/provenance.db";

/** `--db` (a file path or a postgres:// URL), else `DATABASE_URL`, else `PROVENANCE_DB`, else the default file. */
export function auditTarget(env: NodeJS.ProcessEnv, db?: string): AuditTarget {
  const chosen = db ?? (env.DATABASE_URL?.trim() || undefined);
  if (chosen !== undefined && /^postgres(ql)?:\/\//i.test(chosen)) return { kind: "postgres", url: chosen };
  return { kind: "sqlite", path: chosen ?? (env.PROVENANCE_DB?.trim() || DEFAULT_DB_PATH) };
}

export interface OpenOptions {
  /** Read only (the CLI): never creates a file or runs a migration. */
  readonly?: boolean;
}

export async function openAuditStore(target: AuditTarget, options: OpenOptions = {}): Promise<AuditStore> {
  if (target.kind === "postgres") {
    const { PostgresAuditStore } = await import("./postgres.js");
    return PostgresAuditStore.open(target.url, options);
  }
  const { SqliteAuditStore } = await import("./sqlite.js");
  return SqliteAuditStore.open(target.path, options);
}

/** Every matching record in `seq` order, read a page at a time (memory does not grow with the store). */
export async function* auditRecords(store: AuditStore, filter: AuditFilter = {}, pageSize = 2000): AsyncGenerator<AuditRecord> {
  let after = 0;
  for (;;) {
    const page = await store.page(filter, after, pageSize);
    yield* page;
    if (page.length < pageSize) return;
    after = page[page.length - 1].seq;
  }
}

/** The URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "postgres://…";
  }
}

/** The WHERE clause of a filter, with `?`-style or `$n`-style placeholders. */
export function filterSql(filter: AuditFilter, afterSeq: number, placeholder: (n: number) => string): { where: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    clauses.push(sql.replace("?", placeholder(params.length)));
  };
  add("seq > ?", afterSeq);
  if (filter.since) add("at >= ?", filter.since);
  if (filter.until) add("at < ?", filter.until);
  if (filter.repository) add("lower(repository) = lower(?)", filter.repository);
  if (filter.kind) add("kind = ?", filter.kind);
  return { where: clauses.join(" AND "), params };
}
