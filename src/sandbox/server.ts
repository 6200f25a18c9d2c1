/**
 * The sandbox's HTTP front: GitHub's REST paths (with and without the Enterprise `/api/v3`
 * prefix), GraphQL at `/graphql` and `/api/graphql`, token and JWT checks, optional latency, and
 * per-operation request counters. Unknown routes answer 404 `{"message":"Not Found"}` and are
 * recorded, so a test can see the app asking for something the sandbox does not model.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { GraphqlExecutor, operationNameOf, parseQuery } from "./graphql-exec.js";
import { RESOLVERS, type GraphqlContext } from "./graphql-resolvers.js";
import { matchRoute, type Caller, type RestHost } from "./rest.js";
import { SandboxError } from "./state.js";
import { applyFault, FaultInjector, repoOfRequest } from "./faults.js";
import { graphqlCost, RateLimits, type RateLimitSettings } from "./rate-limits.js";

export interface RequestRecord {
  method: string;
  path: string;
  operation: string;
  status: number;
  /** When the request arrived and when it was answered (ms, `performance.now()`), for critical-path analysis. */
  start: number;
  end: number;
}

export interface RequestCounters {
  total: number;
  byOperation: Record<string, number>;
  /** `METHOD /path` of every request no route matched. */
  unknown: string[];
}

/** One per process: the trimmed schema is built once, on the first GraphQL request. */
const graphqlExecutor = new GraphqlExecutor(RESOLVERS);

export class SandboxHttp {
  private server?: Server;
  latencyMs = 0;
  private counters: RequestCounters = { total: 0, byOperation: {}, unknown: [] };
  /** The most recent requests (bounded), for debugging and tests. */
  readonly log: RequestRecord[] = [];
  private inFlight = 0;
  /** Every unknown route since start; unlike the counters, never reset. */
  readonly unknownEver: string[] = [];
  /** Faults to inject, by operation and repository (see faults.ts). */
  readonly faults = new FaultInjector();

  /** GitHub's rate limits, counted per caller (see rate-limits.ts). */
  readonly rateLimits: RateLimits;

  constructor(
    private readonly host: RestHost,
    rateLimits: Partial<RateLimitSettings> = {},
  ) {
    this.rateLimits = new RateLimits(rateLimits);
  }

  async listen(port = 0, hostname = "127.0.0.1"): Promise<string> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((e) => {
        if (!res.headersSent) send(res, 500, { message: `sandbox error: ${(e as Error).message}` });
      });
    });
    // GitHub keeps a connection open between requests. Node's fetch gives one up a second before
    // the server's advertised keep-alive timeout, so at 1 s it opened a new one for every request.
    this.server.keepAliveTimeout = 5000;
    await new Promise<void>((resolve) => this.server!.listen(port, hostname, resolve));
    const { port: p } = this.server.address() as AddressInfo;
    return `http://${hostname}:${p}`;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  requestCounters(): RequestCounters {
    return { total: this.counters.total, byOperation: { ...this.counters.byOperation }, unknown: [...this.counters.unknown] };
  }

  resetCounters(): void {
    this.counters = { total: 0, byOperation: {}, unknown: [] };
    this.log.length = 0;
  }

  /** Requests being served right now. */
  get busy(): number {
    return this.inFlight;
  }

  private started = new WeakMap<IncomingMessage, number>();

  private count(req: IncomingMessage, operation: string, method: string, path: string, status: number) {
    this.counters.total++;
    this.counters.byOperation[operation] = (this.counters.byOperation[operation] ?? 0) + 1;
    if (operation === "unknown") {
      this.counters.unknown.push(`${method} ${path}`);
      this.unknownEver.push(`${method} ${path}`);
    }
    const start = this.started.get(req) ?? performance.now();
    this.log.push({ method, path, operation, status, start, end: performance.now() });
    if (this.log.length > 2000) this.log.splice(0, this.log.length - 2000);
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    this.inFlight++;
    this.started.set(req, performance.now());
    // In flight from arrival, so the secondary limit on concurrent requests sees slow ones too.
    const who = this.rateCallerOf(req);
    const leave = who === undefined ? () => {} : this.rateLimits.enter(who);
    try {
      const raw = await readBody(req);
      if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
      const url = new URL(req.url ?? "/", `http://${req.headers.host ?? "localhost"}`);
      const method = (req.method ?? "GET").toUpperCase();
      let pathname = url.pathname.replace(/\/+$/, "") || "/";
      const enterprise = pathname.startsWith("/api/v3/") || pathname === "/api/v3";
      if (enterprise) pathname = pathname.slice("/api/v3".length) || "/";
      const apiBase = `${url.protocol}//${url.host}${enterprise ? "/api/v3" : ""}`;

      let body: Record<string, unknown> = {};
      if (raw.length) {
        try {
          body = JSON.parse(raw);
        } catch {
          this.count(req, "invalid-json", method, pathname, 400);
          return send(res, 400, { message: "Problems parsing JSON" });
        }
      }

      if (method === "POST" && (pathname === "/graphql" || pathname === "/api/graphql")) {
        return await this.graphql(req, res, body, pathname);
      }

      const match = matchRoute(method, pathname);
      if (!match) {
        this.count(req, "unknown", method, pathname, 404);
        return send(res, 404, { message: "Not Found", documentation_url: "https://docs.github.com/rest" });
      }
      const { route, params } = match;
      if (await this.injectFault(req, res, route.operation, method, pathname, repoOfRequest(pathname) ?? this.installationOwner(pathname))) return;
      const caller = route.auth === "jwt" ? this.jwtCaller(req) : this.tokenCaller(req);
      if (typeof caller === "string") {
        this.count(req, route.operation, method, pathname, 401);
        return send(res, 401, { message: caller, documentation_url: "https://docs.github.com/rest" });
      }
      const requestId = newRequestId();
      const decision = this.rateLimits.spend(this.rateCaller(caller), "core", 1, method !== "GET" && method !== "HEAD", requestId);
      const rate = { ...decision.headers, "x-github-request-id": requestId };
      if (!decision.allowed) {
        this.count(req, route.operation, method, pathname, decision.status);
        return send(res, decision.status, { message: decision.message, documentation_url: RATE_LIMIT_DOCS[decision.kind] }, rate);
      }
      try {
        const out = route.handle(this.host, { params, query: url.searchParams, body, headers: req.headers, caller, url, apiBase });
        this.count(req, route.operation, method, pathname, out.status);
        if (out.raw !== undefined) {
          res.writeHead(out.status, { ...githubHeaders(), ...rate, ...out.headers });
          return res.end(out.raw);
        }
        return send(res, out.status, out.body, { ...rate, ...out.headers });
      } catch (e) {
        if (!(e instanceof SandboxError)) throw e;
        this.count(req, route.operation, method, pathname, e.status);
        // GitHub's error bodies carry the status as a string beside the message.
        return send(res, e.status, { message: e.message, ...(e.errors ? { errors: e.errors } : {}), documentation_url: "https://docs.github.com/rest", status: String(e.status) }, rate);
      }
    } finally {
      leave();
      this.inFlight--;
    }
  }

  /** `owner/*` for a request about an installation (its access token). */
  private installationOwner(pathname: string): string | undefined {
    const id = /^\/app\/installations\/(\d+)\//.exec(pathname)?.[1];
    const account = id === undefined ? undefined : this.host.state.installations.get(Number(id))?.account;
    return account === undefined ? undefined : `${account}/*`;
  }

  /** Answers with the fault the request meets, if it meets one that answers in place of the operation. */
  private async injectFault(req: IncomingMessage, res: ServerResponse, operation: string, method: string, pathname: string, repo: string | undefined): Promise<boolean> {
    const rule = this.faults.take(operation, repo);
    if (rule === undefined) return false;
    const answered = await applyFault(rule, req, res, githubHeaders());
    if (answered) this.count(req, operation, method, pathname, typeof rule.fault === "number" ? rule.fault : 0);
    return answered;
  }

  private async graphql(req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>, pathname: string) {
    const caller = this.tokenCaller(req);
    const parsed = parseQuery(typeof body.query === "string" ? body.query : "");
    if ("refused" in parsed) {
      this.count(req, "graphql", "POST", pathname, 200);
      return send(res, 200, parsed.refused);
    }
    const name = operationNameOf(parsed.document, typeof body.operationName === "string" ? body.operationName : undefined);
    const operation = name ? `graphql:${name}` : "graphql";
    const variables = (body.variables as Record<string, unknown> | undefined) ?? undefined;
    if (await this.injectFault(req, res, operation, "POST", pathname, repoOfRequest(pathname, variables))) return;
    if (typeof caller === "string") {
      this.count(req, operation, "POST", pathname, 401);
      return send(res, 401, { message: caller, documentation_url: "https://docs.github.com/graphql" });
    }
    const who = this.rateCaller(caller);
    const requestId = newRequestId();
    const cost = graphqlCost(parsed.document, variables, name);
    const decision = this.rateLimits.spend(who, "graphql", cost, false, requestId);
    const rate = { ...decision.headers, "x-github-request-id": requestId };
    if (!decision.allowed && decision.kind === "secondary") {
      this.count(req, operation, "POST", pathname, decision.status);
      return send(res, decision.status, { message: decision.message, documentation_url: RATE_LIMIT_DOCS.secondary }, rate);
    }
    if (!decision.allowed) {
      // GitHub answers a spent GraphQL limit with a 200 and an error of type RATE_LIMITED.
      this.count(req, operation, "POST", pathname, 200);
      return send(res, 200, { errors: [{ type: "RATE_LIMITED", message: decision.message }] }, rate);
    }
    const state = this.host.state;
    const context: GraphqlContext = {
      state,
      canSee: (owner) => caller.kind !== "installation" || state.installations.get(caller.installationId!)?.account.toLowerCase() === owner.toLowerCase(),
      rateLimit: () => {
        const b = this.rateLimits.bucket(who, "graphql");
        return { cost, limit: b.limit, remaining: b.limit - b.used, used: b.used, resetAt: new Date(b.reset * 1000).toISOString() };
      },
    };
    const payload = await graphqlExecutor.run(parsed.document, variables, name, context);
    this.count(req, operation, "POST", pathname, 200);
    return send(res, 200, payload, rate);
  }

  /** Whose limit a request will spend, from its credentials alone (before the route is known). */
  private rateCallerOf(req: IncomingMessage): string | undefined {
    const token = this.tokenCaller(req);
    if (typeof token !== "string") return this.rateCaller(token);
    const app = this.jwtCaller(req);
    return typeof app === "string" ? undefined : this.rateCaller(app);
  }

  /** Whose limit a request spends, named as GitHub's messages name it. */
  private rateCaller(caller: Caller): string {
    if (caller.kind === "installation") return `installation ID ${caller.installationId}`;
    if (caller.kind === "user") return `user ID ${this.host.state.user(caller.login ?? "")?.id ?? caller.login}`;
    return `app ID ${caller.appId}`;
  }

  private tokenCaller(req: IncomingMessage): Caller | string {
    const m = /^(?:token|bearer)\s+(\S+)$/i.exec(String(req.headers.authorization ?? ""));
    if (!m) return "Requires authentication";
    const t = this.host.state.tokens.get(m[1]);
    if (!t) return "Bad credentials";
    if (t.installation !== undefined) return { kind: "installation", installationId: t.installation };
    return { kind: "user", login: t.user };
  }

  private jwtCaller(req: IncomingMessage): Caller | string {
    const m = /^bearer\s+(\S+)$/i.exec(String(req.headers.authorization ?? ""));
    if (!m) return "A JSON web token could not be decoded";
    const claims = decodeJwt(m[1]);
    if (!claims) return "A JSON web token could not be decoded";
    const now = Date.now() / 1000;
    if (typeof claims.exp !== "number" || claims.exp < now - 30) return "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires";
    if (typeof claims.iat === "number" && claims.exp - claims.iat > 660) return "'Expiration time' claim ('exp') is too far in the future";
    if (Number(claims.iss) !== this.host.appId) return `Integration not found (iss ${String(claims.iss)})`;
    // The signature is not verified: the sandbox has no use for the app's public key.
    return { kind: "app", appId: this.host.appId };
  }
}

function decodeJwt(jwt: string): Record<string, unknown> | undefined {
  const parts = jwt.split(".");
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]+$/.test(p))) return undefined;
  try {
    const header = JSON.parse(Buffer.from(parts[0], "base64url").toString("utf8"));
    if (header.alg !== "RS256") return undefined;
    return JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
}

const RATE_LIMIT_DOCS = {
  primary: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
  secondary: "https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
};

function newRequestId(): string {
  return Math.random().toString(16).slice(2, 10).toUpperCase();
}

/** Headers on every answer; the `x-ratelimit-*` ones come with the caller's limit, once it is known. */
function githubHeaders(): Record<string, string> {
  return { "x-github-request-id": newRequestId(), "x-github-api-version-selected": "2022-11-28" };
}

function send(res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>) {
  const text = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, { ...githubHeaders(), "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
