/**
 * No GitHub mock answers unchecked. Every test file runs this (vitest `setupFiles`, through
 * test/helpers/no-network.ts): a test in which nock serves GitHub's API while no schema check is
 * installed (`guardGitHubMocks`, `installGitHubSchemaCheck`) fails, so a test file cannot forget
 * the check of its requests and of its mocks' answers. It imports no validator: files that never
 * mock GitHub pay nothing for it.
 */
import type { EventEmitter } from "node:events";
import nock from "nock";
import { afterEach, expect } from "vitest";

let installedChecks = 0;
let unchecked: string[] = [];

/** A schema check is installed (its count is what "checked" means here). */
export function checkInstalled(): void {
  installedChecks++;
}

export function checkStopped(): void {
  installedChecks--;
}

/** The requests to GitHub's API that mocks answered with no check installed since the last call. */
export function takeUncheckedExchanges(): string[] {
  const out = unchecked;
  unchecked = [];
  return out;
}

/** What nock 14 announces of a request it answers. */
export interface NockRequestLike {
  method?: string;
  path?: string;
  options?: { proto?: string; protocol?: string; hostname?: string; host?: string; port?: number | string };
}

/** api.github.com, or a GitHub Enterprise Server's `/api/v3` and `/api/graphql`. */
function isGitHubApi(req: NockRequestLike): boolean {
  const host = req.options?.hostname ?? req.options?.host ?? "";
  return host === "api.github.com" || /^\/api\/(v3\/|graphql\b)/.test(req.path ?? "");
}

// Every interceptor's Scope shares one prototype; nock announces each request it answers there
// (`scope.emit('request', req, …)`), the hook test/helpers/github-schema.ts wraps too.
const scopePrototype = Object.getPrototypeOf(nock("https://unchecked-mocks.invalid")) as EventEmitter;
const originalEmit = scopePrototype.emit;
scopePrototype.emit = function (this: EventEmitter, event: string | symbol, ...args: unknown[]): boolean {
  const req = args[0] as NockRequestLike | undefined;
  if (event === "request" && installedChecks === 0 && req && isGitHubApi(req)) unchecked.push(`${req.method ?? ""} ${req.options?.hostname ?? ""}${req.path ?? ""}`);
  return originalEmit.call(this, event, ...args);
};

/**
 * Registers the check for the test file being set up. Called from the setup file, which vitest
 * runs for every test file: workers keep modules loaded between files (`isolate: false`), so a
 * hook registered when this module is first evaluated would guard the first file of each worker
 * only.
 */
export function guardUncheckedMocks(): void {
  afterEach(() => {
    expect(takeUncheckedExchanges(), "GitHub mocks answered with no schema check installed (guardGitHubMocks)").toEqual([]);
  });
}
