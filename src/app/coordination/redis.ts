/**
 * Turns across replicas in Redis (`REDIS_URL`):
 * - tickets: `INCR <prefix>ticket:<pr>` when an event arrives;
 * - the pull request's lock: `SET <prefix>lock:<pr> <token> NX PX <ttl>`, renewed while the
 *   evaluation runs, released by compare-and-delete. The token (`INCR <prefix>fence`) is the
 *   fence: right before writing, the evaluation checks (and extends) that the lock still holds its
 *   token. GitHub cannot check a token, so this narrows the window to one round trip to Redis
 *   instead of closing it; the lock's time to live is far longer than that round trip.
 * - outages: every command has a deadline; a store that stays unreachable for `outageWaitMs` is
 *   a CoordinationError (the caller fails closed with a posted `failure`), and the client keeps
 *   reconnecting on its own: `onRecovered` listeners run when it is back.
 */
import { Redis } from "ioredis";
import type { Conclusion } from "../../model/verdict.js";
import { CoordinationError, retryWithinOutage, sleep, type Coordinator, type Turn } from "./coordinator.js";

export interface RedisCoordinatorOptions {
  url: string;
  /** Time to live of a pull request's lock; renewed every third of it while the evaluation runs. */
  lockTtlMs?: number;
  /** How long to wait for another evaluation of the same pull request to finish. */
  lockWaitMs?: number;
  /** Deadline of one command. */
  commandTimeoutMs?: number;
  /** How long an unreachable store is retried before evaluations fail closed. */
  outageWaitMs?: number;
  prefix?: string;
}

/** Extends the lock if it still holds our token: 1, else 0. */
const EXTEND = `if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("PEXPIRE", KEYS[1], ARGV[2]) else return 0 end`;
/** Deletes the lock if it still holds our token. */
const RELEASE = `if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) else return 0 end`;

/** Tickets outlive any queue: an hour. */
const TICKET_TTL_MS = 3_600_000;

export class RedisCoordinator implements Coordinator {
  readonly kind = "redis";
  readonly #redis: Redis;
  readonly #ttl: number;
  readonly #wait: number;
  readonly #outage: number;
  readonly #prefix: string;
  readonly #recovered: Array<() => void> = [];
  #down = false;
  #lastError = "";

  constructor(options: RedisCoordinatorOptions) {
    this.#ttl = options.lockTtlMs ?? 30_000;
    this.#wait = options.lockWaitMs ?? 90_000;
    this.#outage = options.outageWaitMs ?? 5_000;
    this.#prefix = options.prefix ?? "provenance-gate:";
    this.#redis = new Redis(options.url, {
      commandTimeout: options.commandTimeoutMs ?? 2_000,
      maxRetriesPerRequest: 1,
      // Reconnect forever, at most every 2 s: work resumes by itself when the store is back.
      retryStrategy: (times) => Math.min(times * 100, 2_000),
    });
    // ioredis emits every failed reconnect; the state is what matters (readiness, the next command).
    this.#redis.on("error", (error: Error) => {
      this.#lastError = error.message;
    });
    this.#redis.on("close", () => {
      this.#down = true;
    });
    this.#redis.on("ready", () => {
      if (!this.#down) return;
      this.#down = false;
      for (const listener of this.#recovered) listener();
    });
  }

  /** For readiness: null when the store answers, else why not. */
  async problem(): Promise<string | null> {
    try {
      await this.#redis.ping();
      return null;
    } catch (error) {
      return `the shared store (Redis) does not answer: ${error instanceof Error ? error.message : String(error)}`;
    }
  }

  async announce(key: string): Promise<number> {
    const ticketKey = this.#key("ticket", key);
    const ticket = await this.#store("take a ticket", async () => {
      const [[incrError, value], [expireError]] = (await this.#redis.multi().incr(ticketKey).pexpire(ticketKey, TICKET_TTL_MS).exec()) ?? [[new Error("aborted"), 0], [null]];
      if (incrError || expireError) throw incrError ?? expireError;
      return Number(value);
    });
    return ticket;
  }

  async withTurn<T>(key: string, ticket: number, task: (turn: Turn) => Promise<T>): Promise<T> {
    const lockKey = this.#key("lock", key);
    const token = String(await this.#store("take a fencing token", () => this.#redis.incr(this.#key("fence", "all"))));
    const deadline = Date.now() + this.#wait;
    while ((await this.#store("take the lock", () => this.#redis.set(lockKey, token, "PX", this.#ttl, "NX"))) !== "OK") {
      if (Date.now() > deadline) {
        throw new CoordinationError(`another evaluation of this pull request held its lock for more than ${Math.round(this.#wait / 1000)} s`);
      }
      await sleep(25 + Math.random() * 75);
    }
    const renew = setInterval(() => {
      this.#redis.eval(EXTEND, 1, lockKey, token, this.#ttl).catch(() => undefined);
    }, this.#ttl / 3);
    renew.unref();
    const turn: Turn = {
      mayWrite: async (conclusion: Conclusion) => {
        if (!(await this.#holds(lockKey, token))) return false;
        if (conclusion !== "success") return true;
        const latest = Number(await this.#store("read the newest ticket", () => this.#redis.get(this.#key("ticket", key))));
        return !(latest > ticket);
      },
    };
    try {
      return await task(turn);
    } finally {
      clearInterval(renew);
      await this.#redis.eval(RELEASE, 1, lockKey, token).catch(() => undefined);
    }
  }

  done(): void {}

  onRecovered(listener: () => void): void {
    this.#recovered.push(listener);
  }

  async close(): Promise<void> {
    await this.#redis.quit().catch(() => this.#redis.disconnect());
  }

  /**
   * The fence: does the lock still hold our token? A lock that expired and that nobody took is
   * taken back; one another evaluation holds means that evaluation read later and writes instead.
   */
  async #holds(lockKey: string, token: string): Promise<boolean> {
    if (Number(await this.#store("check the lock", () => this.#redis.eval(EXTEND, 1, lockKey, token, this.#ttl))) === 1) return true;
    return (await this.#store("take the lock back", () => this.#redis.set(lockKey, token, "PX", this.#ttl, "NX"))) === "OK";
  }

  /** Runs a command, retrying an unreachable store for a bounded time. */
  #store<T>(what: string, command: () => Promise<T>): Promise<T> {
    return retryWithinOutage("Redis", what, this.#outage, command, (error) => (error instanceof Error ? error.message : String(error)) || this.#lastError);
  }

  #key(kind: string, key: string): string {
    return `${this.#prefix}${kind}:${key}`;
  }
}
