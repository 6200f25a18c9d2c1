/**
 * Turns across replicas in PostgreSQL (`DATABASE_URL` without `REDIS_URL`; SPEC 7.1: one shared
 * store is enough):
 * - tickets: a row per pull request, `ticket = ticket + 1` when an event arrives;
 * - the pull request's lock: a session advisory lock (`pg_try_advisory_lock(class, hashtext(pr))`)
 *   held on a connection of its own while the evaluation runs. The server releases it when that
 *   session ends — a replica that dies or loses its connection cannot keep it.
 * - the fence: taking the lock writes a new token (`nextval`) into the pull request's lock row.
 *   Right before writing, the evaluation asks on its own session whether the row still holds its
 *   token. A session that broke has lost the lock: it takes it back only if nobody holds it and
 *   nobody took it meanwhile (the token is still its own); otherwise another evaluation read later
 *   and publishes instead. As with Redis, GitHub cannot check the token: this narrows the window
 *   to one round trip, it cannot close it.
 * - outages: every query has a deadline; a store that stays unreachable for `outageWaitMs` is a
 *   CoordinationError (the caller posts a `failure`), and once a probe reaches the server again
 *   the `onRecovered` listeners run.
 * Collisions of `hashtext` only make two pull requests take turns; the token row is per key.
 */
import type pg from "pg";
import type { Conclusion } from "../../model/verdict.js";
import { postgresPool } from "../../shared/postgres-pool.js";
import { CoordinationError, retryWithinOutage, sleep, type Coordinator, type Turn } from "./coordinator.js";

export interface PostgresCoordinatorOptions {
  url: string;
  /** How long to wait for another evaluation of the same pull request to finish. */
  lockWaitMs?: number;
  /** Deadline of one query. */
  commandTimeoutMs?: number;
  /** How long an unreachable store is retried before evaluations fail closed. */
  outageWaitMs?: number;
  /** Evaluations holding a lock at once in this process (each holds a connection). */
  connections?: number;
}

/** The advisory locks' key space (two-key form): "PGCO". */
const LOCK_CLASS = 0x5047434f;
/** The schema's own lock while two replicas create it at once. */
const SCHEMA_LOCK = [LOCK_CLASS, 0] as const;
/** Tickets outlive any queue: rows untouched for an hour are removed, at most once a minute. */
const TICKET_TTL = "1 hour";
const SWEEP_EVERY_MS = 60_000;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS provenance_gate_tickets (key text PRIMARY KEY, ticket bigint NOT NULL, updated_at timestamptz NOT NULL DEFAULT now());
  CREATE TABLE IF NOT EXISTS provenance_gate_locks (key text PRIMARY KEY, token bigint NOT NULL);
  CREATE SEQUENCE IF NOT EXISTS provenance_gate_fence;
`;

export class PostgresCoordinator implements Coordinator {
  readonly kind = "postgres";
  readonly #pool: pg.Pool;
  readonly #wait: number;
  readonly #outage: number;
  readonly #slots: Semaphore;
  readonly #recovered: Array<() => void> = [];
  #schema: Promise<void> | undefined;
  #probe: NodeJS.Timeout | undefined;
  #swept = 0;
  #closed = false;

  constructor(options: PostgresCoordinatorOptions) {
    this.#wait = options.lockWaitMs ?? 90_000;
    this.#outage = options.outageWaitMs ?? 5_000;
    const connections = options.connections ?? 20;
    const timeout = options.commandTimeoutMs ?? 2_000;
    // One more than the lock holders: tickets and probes never wait behind them.
    this.#pool = postgresPool(options.url, { max: connections + 1, queryTimeoutMs: timeout, connectionTimeoutMs: Math.max(timeout, 2_000) });
    this.#slots = new Semaphore(connections);
  }

  /** For readiness: null when the store answers, else why not. */
  async problem(): Promise<string | null> {
    try {
      await this.#pool.query("SELECT 1");
      return null;
    } catch (error) {
      return `the shared store (PostgreSQL) does not answer: ${reason(error)}`;
    }
  }

  async announce(key: string): Promise<number> {
    return this.#store("take a ticket", async () => {
      await this.#ensureSchema();
      if (Date.now() - this.#swept > SWEEP_EVERY_MS) {
        this.#swept = Date.now();
        await this.#pool.query(`DELETE FROM provenance_gate_tickets WHERE updated_at < now() - interval '${TICKET_TTL}'`);
      }
      const { rows } = await this.#pool.query<{ ticket: string }>(
        `INSERT INTO provenance_gate_tickets (key, ticket) VALUES ($1, 1)
         ON CONFLICT (key) DO UPDATE SET ticket = provenance_gate_tickets.ticket + 1, updated_at = now() RETURNING ticket`,
        [key],
      );
      return Number(rows[0].ticket);
    });
  }

  async withTurn<T>(key: string, ticket: number, task: (turn: Turn) => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.#wait;
    const tooLong = () => new CoordinationError(`another evaluation of this pull request held its lock for more than ${Math.round(this.#wait / 1000)} s`);
    if (!(await this.#slots.acquire(deadline))) throw tooLong();
    try {
      await this.#store("prepare the lock", () => this.#ensureSchema());
      const lease: Lease = { session: await this.#store("connect for the lock", () => this.#connect()), broken: false };
      try {
        while (!(await this.#store("take the lock", () => tryLock(lease.session, key)))) {
          if (Date.now() > deadline) throw tooLong();
          await sleep(25 + Math.random() * 75);
        }
        const token = await this.#store("take a fencing token", () => newToken(lease.session, key));
        const turn: Turn = {
          mayWrite: async (conclusion: Conclusion) => {
            if (!(await this.#holds(lease, key, token))) return false;
            if (conclusion !== "success") return true;
            const { rows } = await this.#store("read the newest ticket", () => this.#pool.query<{ ticket: string }>("SELECT ticket FROM provenance_gate_tickets WHERE key = $1", [key]));
            return !(Number(rows[0]?.ticket ?? 0) > ticket);
          },
        };
        return await task(turn);
      } finally {
        if (!lease.broken) {
          await lease.session.query("SELECT pg_advisory_unlock($1, hashtext($2))", [LOCK_CLASS, key]).then(
            () => lease.session.release(),
            (error: Error) => lease.session.release(error),
          );
        }
      }
    } finally {
      this.#slots.release();
    }
  }

  done(): void {}

  onRecovered(listener: () => void): void {
    this.#recovered.push(listener);
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#probe) clearInterval(this.#probe);
    await this.#pool.end().catch(() => undefined);
  }

  /**
   * The fence: do we still hold the lock, with our token? A broken session has lost it; a new one
   * takes it back only when it is free and the token row still holds our token.
   */
  async #holds(lease: Lease, key: string, token: string): Promise<boolean> {
    if (!lease.broken) {
      try {
        return (await readToken(lease.session, key)) === token;
      } catch (error) {
        lease.session.release(error as Error);
        lease.broken = true;
      }
    }
    const fresh = await this.#store("take the lock back", () => this.#connect());
    try {
      if (await tryLock(fresh, key)) {
        if ((await readToken(fresh, key)) === token) {
          lease.session = fresh;
          lease.broken = false;
          return true;
        }
        await fresh.query("SELECT pg_advisory_unlock($1, hashtext($2))", [LOCK_CLASS, key]);
      }
      fresh.release();
    } catch (error) {
      fresh.release(error as Error);
    }
    return false;
  }

  /**
   * A connection of our own. A session the server ends while it is checked out (it holds a lock
   * between queries) reports that as an `error` event, which must not crash the process: the
   * next query on it fails, and the fence handles that.
   */
  async #connect(): Promise<pg.PoolClient> {
    const client = await this.#pool.connect();
    if (!WATCHED.has(client)) {
      WATCHED.add(client);
      client.on("error", () => undefined);
    }
    return client;
  }

  #ensureSchema(): Promise<void> {
    this.#schema ??= (async () => {
      const client = await this.#pool.connect();
      try {
        await client.query("BEGIN");
        await client.query("SELECT pg_advisory_xact_lock($1, $2)", [...SCHEMA_LOCK]);
        await client.query(SCHEMA);
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    })().catch((error: unknown) => {
      this.#schema = undefined;
      throw error;
    });
    return this.#schema;
  }

  /** Runs a query, retrying an unreachable store for a bounded time. */
  #store<T>(what: string, command: () => Promise<T>): Promise<T> {
    return retryWithinOutage("PostgreSQL", what, this.#outage, command, (error) => {
      this.#watchForRecovery();
      return reason(error);
    });
  }

  /** After a failure, probes the server every half second; the listeners run once it answers. */
  #watchForRecovery(): void {
    if (this.#probe || this.#closed) return;
    this.#probe = setInterval(() => {
      this.#pool.query("SELECT 1").then(
        () => {
          clearInterval(this.#probe);
          this.#probe = undefined;
          for (const listener of this.#recovered) listener();
        },
        () => undefined,
      );
    }, 500);
    this.#probe.unref();
  }
}

const WATCHED = new WeakSet<pg.PoolClient>();

async function tryLock(session: pg.PoolClient, key: string): Promise<boolean> {
  const { rows } = await session.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked", [LOCK_CLASS, key]);
  return rows[0].locked === true;
}

/** The session holding a pull request's lock; `broken` once its connection failed (the server then let the lock go). */
interface Lease {
  session: pg.PoolClient;
  broken: boolean;
}

async function readToken(session: pg.PoolClient, key: string): Promise<string | undefined> {
  const { rows } = await session.query<{ token: string }>("SELECT token FROM provenance_gate_locks WHERE key = $1", [key]);
  return rows[0] && String(rows[0].token);
}

async function newToken(session: pg.PoolClient, key: string): Promise<string> {
  const { rows } = await session.query<{ token: string }>(
    `INSERT INTO provenance_gate_locks (key, token) VALUES ($1, nextval('provenance_gate_fence'))
     ON CONFLICT (key) DO UPDATE SET token = EXCLUDED.token RETURNING token`,
    [key],
  );
  return String(rows[0].token);
}

/** At most `size` holders; `acquire` gives up at `deadline`. */
class Semaphore {
  #free: number;
  readonly #waiting: Array<() => void> = [];
  constructor(size: number) {
    this.#free = size;
  }
  async acquire(deadline: number): Promise<boolean> {
    if (this.#free > 0) {
      this.#free--;
      return true;
    }
    return new Promise<boolean>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        const i = this.#waiting.indexOf(wake);
        if (i >= 0) this.#waiting.splice(i, 1);
        resolve(false);
      }, Math.max(0, deadline - Date.now()));
      this.#waiting.push(wake);
    });
  }
  release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#free++;
  }
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
