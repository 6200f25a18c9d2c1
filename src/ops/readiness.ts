/**
 * `GET /readyz`: can this replica serve? A small registry of named checks, so each part that can
 * make the app unable to serve (GitHub, the shared store, the audit database) adds its own. A
 * check answers `null` when fine, or the reason it is not; a check that throws or takes longer
 * than `CHECK_TIMEOUT_MS` counts as not ready, so the probe itself never hangs.
 */
export type ReadinessCheck = () => string | null | Promise<string | null>;

export const CHECK_TIMEOUT_MS = 2_000;

const checks = new Map<string, ReadinessCheck>();

/** Adds (or replaces) the check called `name`. Returns a function that removes it. */
export function addReadinessCheck(name: string, check: ReadinessCheck): () => void {
  checks.set(name, check);
  return () => {
    if (checks.get(name) === check) checks.delete(name);
  };
}

export interface Readiness {
  ready: boolean;
  /** Each check's name and `ok` or the reason it is not. */
  checks: Record<string, string>;
}

export async function readiness(timeoutMs = CHECK_TIMEOUT_MS): Promise<Readiness> {
  const entries = await Promise.all(
    [...checks].map(async ([name, check]) => [name, await withTimeout(check, timeoutMs)] as const),
  );
  const result: Record<string, string> = {};
  for (const [name, reason] of entries) result[name] = reason ?? "ok";
  return { ready: entries.every(([, reason]) => reason === null), checks: result };
}

async function withTimeout(check: ReadinessCheck, timeoutMs: number): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${timeoutMs} ms`), timeoutMs);
  });
  try {
    return await Promise.race([Promise.resolve().then(check), late]);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    clearTimeout(timer);
  }
}
