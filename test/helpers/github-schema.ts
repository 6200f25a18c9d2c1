/**
 * Checks requests the app sends to GitHub in nock tests against GitHub's own published OpenAPI
 * description (the validator itself is production code: src/load/github/schema/rest.ts), so a
 * nock test cannot pass with a request the real API would reject (or silently ignore).
 *
 * Adoption in a nock test file (`guardGitHubMocks` in the harness does this for you):
 *
 *   const schema = installGitHubSchemaCheck();
 *   afterEach(() => expect(schema.problems()).toEqual([]));
 *   afterAll(() => schema.stop());
 */
import { EventEmitter } from "node:events";
import nock from "nock";
import { isGitHubApiUrl, validateGitHubRequest, type GitHubRequest, type ValidateOptions } from "../../src/load/github/schema/rest.js";

export { isGitHubApiUrl, validateGitHubRequest, type GitHubRequest, type ValidateOptions } from "../../src/load/github/schema/rest.js";

// ---------------------------------------------------------------------------------------------
// The nock hook

export interface GitHubSchemaCheck {
  /** Problems found since install (or the last `problems()` call, which clears them). */
  problems(): string[];
  /** Stops checking; safe to call twice. */
  stop(): void;
}

type RequestListener = (request: GitHubRequest) => void;
const listeners = new Set<RequestListener>();
let unpatch: (() => void) | null = null;

/**
 * Validates every request nock intercepts while installed — in every scope, with no per-scope
 * wiring — and collects the problems.
 *
 * Mechanism (nock 14.0.x): nock has no global "request" event. Every request that matches an
 * interceptor is announced on that interceptor's Scope (`scope.emit('request', req, interceptor,
 * body)`, nock's documented per-scope event), and every request that reaches a mocked host but
 * matches no interceptor on the global `nock.emitter` as `'no match'` (req, options, body). All
 * scopes share one prototype (reached through a throwaway scope, which registers nothing), so
 * wrapping `Scope.prototype.emit` sees every matched request with its method, full URL and body
 * — before the response is played back, so `problems()` is complete when the request resolves.
 * Requests to hosts that are not GitHub's API (the sandbox's local server, say) are ignored.
 *
 * `problems()` drains what was collected, so `afterEach(() => expect(schema.problems()).toEqual([]))`
 * reports each test's own problems.
 */
export function installGitHubSchemaCheck(options: ValidateOptions = {}): GitHubSchemaCheck {
  let collected: string[] = [];
  const listener: RequestListener = (request) => {
    if (!isGitHubApiUrl(request.url)) return;
    collected.push(...validateGitHubRequest(request, options));
  };
  listeners.add(listener);
  ensurePatched();
  let stopped = false;
  return {
    problems() {
      const out = collected;
      collected = [];
      return out;
    },
    stop() {
      if (stopped) return;
      stopped = true;
      listeners.delete(listener);
      if (listeners.size === 0) {
        unpatch?.();
        unpatch = null;
      }
    },
  };
}

interface NockRequestLike {
  method?: string;
  path?: string;
  options?: { proto?: string; protocol?: string; hostname?: string; host?: string; port?: number | string };
}

function announce(req: NockRequestLike | undefined, body: unknown, fallbackBase?: string): void {
  if (!req?.method || typeof req.path !== "string") return;
  const url = requestUrl(req, fallbackBase);
  if (!url) return;
  for (const listener of listeners) listener({ method: req.method, url, body });
}

function requestUrl(req: NockRequestLike, fallbackBase?: string): string | null {
  const o = req.options;
  const host = o?.hostname ?? o?.host;
  if (host) {
    const proto = o?.proto ?? o?.protocol?.replace(/:$/, "") ?? "https";
    return `${proto}://${host}${req.path}`;
  }
  return fallbackBase ? `${fallbackBase.replace(/:\d+$/, "")}${req.path}` : null;
}

function ensurePatched(): void {
  if (unpatch) return;
  const scopePrototype = Object.getPrototypeOf(nock("https://schema-check.invalid")) as EventEmitter;
  const originalEmit = Object.hasOwn(scopePrototype, "emit") ? scopePrototype.emit : undefined;
  const patchedEmit = function (this: EventEmitter, event: string | symbol, ...args: unknown[]): boolean {
    if (event === "request") {
      const [req, interceptor, body] = args as [NockRequestLike, { basePath?: unknown }, unknown];
      announce(req, body, typeof interceptor?.basePath === "string" ? interceptor.basePath : undefined);
    }
    return (originalEmit ?? EventEmitter.prototype.emit).call(this, event, ...args);
  };
  scopePrototype.emit = patchedEmit;

  const onNoMatch = (req: NockRequestLike, _options: unknown, body: unknown) => {
    // nock also emits 'no match' with only request options for hosts it has no scope for; those
    // carry no body and fail with NetConnectNotAllowedError anyway, so only the 3-argument form counts.
    if (typeof body === "string") announce(req, body);
  };
  nock.emitter.on("no match", onNoMatch);

  unpatch = () => {
    if (originalEmit) scopePrototype.emit = originalEmit;
    else delete (scopePrototype as Partial<EventEmitter>).emit;
    nock.emitter.removeListener("no match", onNoMatch);
  };
}

