/**
 * Checks every exchange the app has with GitHub in nock tests against GitHub's own published
 * descriptions (the validators themselves are production code: src/load/github/schema/), so a
 * nock test can pass neither with a request the real API would reject (or silently ignore) nor
 * with a mocked answer GitHub would never send:
 * - each REST request against GitHub's OpenAPI description, each GraphQL document against
 *   GitHub's schema;
 * - each 2xx answer a mock serves against the fields the app reads, as GitHub's description
 *   types them (REST), or against the document it answers (GraphQL).
 * This covers every Octokit a test builds — the app's, a plain `ProbotOctokit`, one built inside
 * the code under test — because it sits in nock, under all of them.
 *
 * Adoption in a nock test file (`guardGitHubMocks` in the harness does this for you):
 *
 *   const schema = installGitHubSchemaCheck();
 *   afterEach(() => expect(schema.problems()).toEqual([]));
 *   afterAll(() => schema.stop());
 *
 * A test that serves a malformed answer on purpose (to prove the app fails closed on it) says so
 * with `replyMalformed`, and the check then requires the answer to be one GitHub's description rejects.
 */
import { EventEmitter } from "node:events";
import { promisify } from "node:util";
import nock from "nock";
import { isGitHubApiUrl, validateGitHubRequest, validateGitHubResponse, type GitHubRequest, type ValidateOptions } from "../../src/load/github/schema/rest.js";
import { validateGraphqlAnswer, validateGraphqlDocument } from "../../src/load/github/schema/graphql.js";
import { checkInstalled, checkStopped, type NockRequestLike } from "./unchecked-mocks.js";

export { isGitHubApiUrl, validateGitHubRequest, type GitHubRequest, type ValidateOptions } from "../../src/load/github/schema/rest.js";

// ---------------------------------------------------------------------------------------------
// The nock hook

export interface GitHubSchemaCheck {
  /** Problems found since install (or the last `problems()` call, which clears them). */
  problems(): string[];
  /** Stops checking; safe to call twice. */
  stop(): void;
}

interface Listener {
  /** A request nock intercepted, validated with the listener's own options. */
  request(request: GitHubRequest): void;
  /** Problems with an answer a mock served, or with a GraphQL document it answered. */
  answer(problems: string[]): void;
}
const listeners = new Set<Listener>();
let unpatch: (() => void) | null = null;

/**
 * Validates every request nock intercepts while installed, and every 2xx answer its mocks serve
 * to GitHub's API — in every scope, with no per-scope wiring — and collects the problems.
 *
 * Mechanism (nock 14.0.x): nock has no global "request" event. Every request that matches an
 * interceptor is announced on that interceptor's Scope (`scope.emit('request', req, interceptor,
 * body)`, nock's documented per-scope event), and every request that reaches a mocked host but
 * matches no interceptor on the global `nock.emitter` as `'no match'` (req, options, body). All
 * scopes share one prototype (reached through a throwaway scope, which registers nothing), so
 * wrapping `Scope.prototype.emit` sees every matched request with its method, full URL and body
 * — before the response is played back. At that moment the interceptor's answer is wrapped (once
 * per interceptor) in a reply function that checks what it serves before nock plays it back, so
 * `problems()` is complete when the request resolves. Requests to hosts that are not GitHub's API (the sandbox's local server, say) are ignored.
 *
 * `problems()` drains what was collected, so `afterEach(() => expect(schema.problems()).toEqual([]))`
 * reports each test's own problems.
 */
export function installGitHubSchemaCheck(options: ValidateOptions = {}): GitHubSchemaCheck {
  let collected: string[] = [];
  const listener: Listener = {
    request(request) {
      if (!isGitHubApiUrl(request.url)) return;
      collected.push(...validateGitHubRequest(request, options));
    },
    answer(problems) {
      collected.push(...problems);
    },
  };
  listeners.add(listener);
  checkInstalled();
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
      checkStopped();
      if (listeners.size === 0) {
        unpatch?.();
        unpatch = null;
      }
    },
  };
}


function announce(req: NockRequestLike | undefined, body: unknown, fallbackBase?: string): void {
  if (!req?.method || typeof req.path !== "string") return;
  const url = requestUrl(req, fallbackBase);
  if (!url) return;
  for (const listener of listeners) listener.request({ method: req.method, url, body });
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
      if (interceptor) checkAnswers(interceptor as NockInterceptorLike);
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


// ---------------------------------------------------------------------------------------------
// The answers

type Json = Record<string, unknown>;
type ReplyFunction = (this: NockInterceptorLike, uri: string, requestBody: unknown, callback?: unknown) => unknown;

/** What nock 14 keeps on an interceptor about its answer (lib/interceptor.js, `reply`). */
interface NockInterceptorLike {
  basePath?: unknown;
  req?: NockRequestLike;
  statusCode: number | null;
  body?: unknown;
  rawHeaders?: unknown[];
  headers?: Record<string, unknown>;
  errorMessage?: unknown;
  replyFunction?: ReplyFunction;
  fullReplyFunction?: ReplyFunction;
}

/** Interceptors whose answer is already checked: each is wrapped once, however often it answers. */
const checked = new WeakSet<object>();
/** Interceptors a test marked with `replyMalformed`. */
const malformedOnPurpose = new WeakSet<object>();

/**
 * Serves an answer that is malformed on purpose — one GitHub's description rejects — to prove the
 * app fails closed on it. The check reports nothing for it, and reports the answer if it turns out
 * to be well-formed after all (then the test proves nothing).
 */
export function replyMalformed(interceptor: nock.Interceptor, status: number, body: nock.Body, headers?: nock.ReplyHeaders): nock.Scope {
  malformedOnPurpose.add(interceptor);
  return interceptor.reply(status, body, headers);
}

function checkAnswers(interceptor: NockInterceptorLike): void {
  if (checked.has(interceptor) || interceptor.errorMessage !== undefined) return;
  if (interceptor.headers?.["content-encoding"] !== undefined) return; // bytes, never JSON the app reads
  checked.add(interceptor);
  const { replyFunction, fullReplyFunction } = interceptor;
  if (fullReplyFunction) {
    interceptor.fullReplyFunction = async function (this: NockInterceptorLike, uri: string, requestBody: unknown) {
      const result = (await callReply(fullReplyFunction, this, uri, requestBody)) as [number, unknown, unknown?];
      if (Array.isArray(result)) await inspect(this, requestBody, result[0], result[1], result[2]);
      return result;
    };
    return;
  }
  const status = interceptor.statusCode ?? 200;
  const staticBody = interceptor.body;
  // nock plays a reply function's answer exactly as a static one (a string as is, anything else
  // as JSON), so a static answer becomes one to be checked on its way out.
  interceptor.replyFunction = async function (this: NockInterceptorLike, uri: string, requestBody: unknown) {
    const body = replyFunction ? await callReply(replyFunction, this, uri, requestBody) : staticBody;
    await inspect(this, requestBody, status, body);
    return body;
  };
}

function callReply(fn: ReplyFunction, interceptor: NockInterceptorLike, uri: string, requestBody: unknown): Promise<unknown> {
  // A reply function of three parameters answers through its callback (nock's own rule).
  if (fn.length === 3) return promisify((u: string, b: unknown, done: (error: unknown, result: unknown) => void) => fn.call(interceptor, u, b, done))(uri, requestBody);
  return Promise.resolve(fn.call(interceptor, uri, requestBody));
}

/** Checks one answer about to be served, and tells every listener what is wrong with it. */
async function inspect(interceptor: NockInterceptorLike, requestBody: unknown, status: number, body: unknown, replyHeaders?: unknown): Promise<void> {
  if (listeners.size === 0 || !interceptor.req?.method) return;
  const url = requestUrl(interceptor.req, typeof interceptor.basePath === "string" ? interceptor.basePath : undefined);
  if (!url || !isGitHubApiUrl(url)) return;
  const label = `${interceptor.req.method} ${new URL(url).pathname}`;
  let problems: string[];
  try {
    problems = await answerProblems({ method: interceptor.req.method, url }, parseRequestBody(requestBody), status, servedData(body, contentType(interceptor, replyHeaders)));
  } catch (error) {
    problems = [`${label}: the answer could not be checked: ${(error as Error).message}`];
  }
  if (malformedOnPurpose.has(interceptor)) {
    problems = problems.length > 0 ? [] : [`${label}: an answer served as malformed on purpose, but GitHub's description accepts it`];
  }
  if (problems.length === 0) return;
  for (const listener of listeners) listener.answer(problems);
}

/** What the exchange check in production would find wrong: the GraphQL document and its answer, or a REST answer. */
async function answerProblems(request: { method: string; url: string }, requestBody: unknown, status: number, data: unknown): Promise<string[]> {
  const isGraphql = new URL(request.url).pathname.endsWith("/graphql");
  if (isGraphql) {
    const { query, variables } = (requestBody ?? {}) as { query?: unknown; variables?: Json };
    if (typeof query !== "string") return []; // the envelope check reports it
    const documentProblems = await validateGraphqlDocument(query);
    if (documentProblems.length > 0 || status < 200 || status >= 300) return documentProblems;
    return validateGraphqlAnswer(query, variables, data);
  }
  if (status < 200 || status >= 300) return [];
  return validateGitHubResponse(request, data);
}

function parseRequestBody(body: unknown): unknown {
  if (typeof body !== "string") return body;
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

/** The answer's content type, as the client will see it. */
function contentType(interceptor: NockInterceptorLike, replyHeaders: unknown): string {
  const raw = [...(interceptor.rawHeaders ?? []), ...(Array.isArray(replyHeaders) ? replyHeaders : Object.entries((replyHeaders ?? {}) as Json).flat())];
  for (let i = 0; i + 1 < raw.length; i += 2) if (String(raw[i]).toLowerCase() === "content-type") return String(raw[i + 1]);
  return "";
}

/**
 * The data an Octokit reads from an answer nock serves: JSON for anything but a string (nock
 * serializes it and says `application/json`), a string parsed only when its content type is JSON
 * (as @octokit/request does: text otherwise, or the text itself when it does not parse).
 */
function servedData(body: unknown, type: string): unknown {
  const text = Buffer.isBuffer(body) ? body.toString("utf8") : body;
  if (text === undefined || text === null) return "";
  if (typeof text !== "string") return JSON.parse(JSON.stringify(text));
  if (!/[/+]json\b/i.test(type)) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
