/**
 * One schema for both stores, as numbered migrations applied at start-up (each once, in order,
 * recorded in `audit_schema`). A migration is only ever added, never edited: a store created by
 * an older version reaches the same schema as a new one.
 *
 * `seq` is assigned by the app inside a serialized append, not by a sequence (a sequence skips
 * numbers on a rolled-back transaction, and a skip is what `verify` reports as a deletion).
 * Triggers refuse UPDATE and DELETE, so nothing edits a record by accident; a deliberate edit
 * by the database's owner is what the hash chain is there to reveal.
 */
import { RECORD_FIELDS, type AuditDraft, type AuditRecord, type RuleRecord } from "./record.js";

export interface Migration {
  version: number;
  name: string;
  sqlite: string;
  postgres: string;
}

const COLUMNS_SQL = `
  seq BIGINT PRIMARY KEY,
  at TEXT NOT NULL,
  kind TEXT NOT NULL,
  repository TEXT,
  pull_request INTEGER,
  head_sha TEXT,
  base_ref TEXT,
  policy_path TEXT,
  policy_blob TEXT,
  conclusion TEXT,
  title TEXT,
  rules TEXT NOT NULL,
  session_authors TEXT NOT NULL,
  tools TEXT NOT NULL,
  delivery_id TEXT,
  check_run_id BIGINT,
  merge_commit_sha TEXT,
  merged_by TEXT,
  merged_at TEXT,
  approved_head_matches BOOLEAN,
  dropped INTEGER,
  note TEXT,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL`;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "audit records, append-only",
    sqlite: `
      CREATE TABLE audit_records (${COLUMNS_SQL});
      CREATE INDEX audit_records_at ON audit_records (at);
      CREATE INDEX audit_records_pull ON audit_records (repository, pull_request, seq);
      CREATE TRIGGER audit_records_no_update BEFORE UPDATE ON audit_records
        BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;
      CREATE TRIGGER audit_records_no_delete BEFORE DELETE ON audit_records
        BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;`,
    postgres: `
      CREATE TABLE audit_records (${COLUMNS_SQL});
      CREATE INDEX audit_records_at ON audit_records (at);
      CREATE INDEX audit_records_pull ON audit_records (repository, pull_request, seq);
      CREATE FUNCTION audit_records_append_only() RETURNS trigger LANGUAGE plpgsql AS
        $$ BEGIN RAISE EXCEPTION 'audit records are append-only'; END $$;
      CREATE TRIGGER audit_records_no_update BEFORE UPDATE OR DELETE ON audit_records
        FOR EACH ROW EXECUTE FUNCTION audit_records_append_only();
      CREATE TRIGGER audit_records_no_truncate BEFORE TRUNCATE ON audit_records
        FOR EACH STATEMENT EXECUTE FUNCTION audit_records_append_only();`,
  },
];

export const SCHEMA_TABLE_SQL = "CREATE TABLE IF NOT EXISTS audit_schema (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)";

export const LATEST_SCHEMA = MIGRATIONS[MIGRATIONS.length - 1].version;

/** The columns, in the order of the record's fields. */
export const INSERT_COLUMNS = RECORD_FIELDS;

type Row = Record<(typeof INSERT_COLUMNS)[number], unknown>;

/** A record as column values; lists are JSON text; `booleans` says how the store spells true. */
export function toRow(record: AuditRecord, booleans: "integer" | "boolean"): unknown[] {
  const row: Row = {
    ...record,
    rules: JSON.stringify(record.rules),
    session_authors: JSON.stringify(record.session_authors),
    tools: JSON.stringify(record.tools),
    approved_head_matches:
      record.approved_head_matches === null ? null : booleans === "integer" ? Number(record.approved_head_matches) : record.approved_head_matches,
  };
  return INSERT_COLUMNS.map((column) => row[column]);
}

/** Column values (as either driver returns them) back to a record. */
export function fromRow(row: Record<string, unknown>): AuditRecord {
  const text = (v: unknown) => (v === null || v === undefined ? null : String(v));
  const int = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    seq: Number(row.seq),
    at: String(row.at),
    kind: String(row.kind) as AuditDraft["kind"],
    repository: text(row.repository),
    pull_request: int(row.pull_request),
    head_sha: text(row.head_sha),
    base_ref: text(row.base_ref),
    policy_path: text(row.policy_path),
    policy_blob: text(row.policy_blob),
    conclusion: text(row.conclusion),
    title: text(row.title),
    rules: JSON.parse(String(row.rules)) as RuleRecord[],
    session_authors: JSON.parse(String(row.session_authors)) as string[],
    tools: JSON.parse(String(row.tools)) as string[],
    delivery_id: text(row.delivery_id),
    check_run_id: int(row.check_run_id),
    merge_commit_sha: text(row.merge_commit_sha),
    merged_by: text(row.merged_by),
    merged_at: text(row.merged_at),
    approved_head_matches: row.approved_head_matches === null || row.approved_head_matches === undefined ? null : Boolean(row.approved_head_matches),
    dropped: int(row.dropped),
    note: text(row.note),
    prev_hash: String(row.prev_hash),
    hash: String(row.hash),
  };
}
