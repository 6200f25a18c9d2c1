/**
 * The GitHub client the loader and the publisher use: Probot's authenticated Octokit
 * (`context.octokit`). Only `.rest.*`, `.graphql` and `.request` are used — the shapes probot v14
 * supports.
 */
import type { ProbotOctokit } from "probot";

export type GitHubClient = InstanceType<typeof ProbotOctokit>;

/** Where the pull request lives. */
export interface RepoRef {
  owner: string;
  repo: string;
}

/**
 * A per-evaluation request cache (policy-bot style): each distinct call is made at most once per
 * evaluation, and concurrent callers share the same in-flight promise — failures included, so a
 * prefetched call that failed is not silently made again. Retrying transient errors is the
 * Octokit retry plugin's job, below this cache; a new evaluation starts with a new cache.
 */
export class RequestCache {
  readonly #entries = new Map<string, Promise<unknown>>();

  get<T>(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.#entries.get(key);
    if (hit) return hit as Promise<T>;
    const promise = load();
    this.#entries.set(key, promise);
    return promise;
  }

  /** What a later read would answer, now known otherwise (the evaluation wrote it itself). */
  replace<T>(key: string, value: T): void {
    this.#entries.set(key, Promise.resolve(value));
  }
}

/** The HTTP status of an Octokit `RequestError`, if the error is one. */
export function httpStatus(error: unknown): number | undefined {
  if (typeof error === "object" && error !== null && "status" in error) {
    const status = (error as { status: unknown }).status;
    if (typeof status === "number") return status;
  }
  return undefined;
}
