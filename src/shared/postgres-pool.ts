/**
 * The app's PostgreSQL connections (`pg`), one way for every store that uses them (the audit
 * record, the coordination of replicas): a bounded wait for a connection, deadlines on every
 * query so a hung server ends in an error and never in a wait without end, and no crash when the
 * server drops an idle connection (the next query reconnects).
 */
import pg from "pg";

export interface PostgresPoolOptions {
  /** Connections at most. */
  max?: number;
  /** Deadline of one query, client and server side. */
  queryTimeoutMs?: number;
  /** Deadline for a connection. */
  connectionTimeoutMs?: number;
  /** Every transaction read-only (readers of the audit record). */
  readonly?: boolean;
}

export function postgresPool(url: string, options: PostgresPoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 4,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 5_000,
    query_timeout: options.queryTimeoutMs ?? 15_000,
    statement_timeout: options.queryTimeoutMs ?? 15_000,
    idleTimeoutMillis: 10_000,
    allowExitOnIdle: true,
    ...(options.readonly ? { options: "-c default_transaction_read_only=on" } : {}),
  });
  pool.on("error", () => undefined);
  return pool;
}
