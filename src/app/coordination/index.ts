/**
 * The process's coordinator: Redis when `REDIS_URL` is set, else PostgreSQL advisory locks when
 * `DATABASE_URL` is (replicas share either; one is enough), the process otherwise (a single
 * replica needs no store). `src/index.ts` installs it at start-up.
 */
import { ProcessCoordinator, type Coordinator } from "./coordinator.js";
import { PostgresCoordinator } from "./postgres.js";
import { RedisCoordinator } from "./redis.js";

export { CoordinationError, type Coordinator, type Turn } from "./coordinator.js";

let current: Coordinator = new ProcessCoordinator();

export function coordinator(): Coordinator {
  return current;
}

/** Installs `next` as the process's coordinator and returns it. */
export function useCoordinator(next: Coordinator): Coordinator {
  current = next;
  return next;
}

/** Tuning through the environment (milliseconds), for operators and for tests of outages. */
export function coordinatorFromEnv(env: NodeJS.ProcessEnv = process.env): Coordinator {
  const ms = (name: string) => {
    const value = Number(env[name]);
    return Number.isFinite(value) && value > 0 ? value : undefined;
  };
  const url = env.REDIS_URL?.trim();
  const database = env.DATABASE_URL?.trim();
  if (!url && database) {
    return new PostgresCoordinator({
      url: database,
      lockWaitMs: ms("COORDINATION_LOCK_WAIT_MS"),
      outageWaitMs: ms("COORDINATION_OUTAGE_WAIT_MS"),
      commandTimeoutMs: ms("COORDINATION_COMMAND_TIMEOUT_MS"),
    });
  }
  if (!url) return new ProcessCoordinator();
  return new RedisCoordinator({
    url,
    lockTtlMs: ms("COORDINATION_LOCK_TTL_MS"),
    lockWaitMs: ms("COORDINATION_LOCK_WAIT_MS"),
    outageWaitMs: ms("COORDINATION_OUTAGE_WAIT_MS"),
    commandTimeoutMs: ms("COORDINATION_COMMAND_TIMEOUT_MS"),
  });
}

let installed: Coordinator | undefined;

/**
 * What the production entry calls (once per process): the coordinator from the environment, the
 * store in readiness (`/readyz` says so when Redis or PostgreSQL does not answer), closed on shutdown.
 */
export function installFromEnv(env: NodeJS.ProcessEnv, hooks: { addReadinessCheck(name: string, check: () => Promise<string | null>): unknown; onShutdown(name: string, close: () => unknown): void }): Coordinator {
  if (installed) return installed;
  installed = useCoordinator(coordinatorFromEnv(env));
  const store = installed;
  if (store instanceof RedisCoordinator || store instanceof PostgresCoordinator) hooks.addReadinessCheck("store", () => store.problem());
  hooks.onShutdown("coordination", () => store.close());
  return installed;
}
