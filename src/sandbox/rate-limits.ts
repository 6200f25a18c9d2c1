/**
 * GitHub's rate limits, counted: a primary limit per caller and resource (an installation's
 * 5,000 REST requests and 5,000 GraphQL points an hour), reported on every answer in GitHub's
 * `x-ratelimit-*` headers, and refused once spent — REST with a 403 (or 429) and `retry-after`,
 * GraphQL with a 200 whose error has the type `RATE_LIMITED`, as GitHub answers. Secondary limits,
 * when a scenario sets them: requests in flight per caller (GitHub's 100) and points per minute
 * (GitHub's 900 for REST, 2,000 for GraphQL; a read costs 1, a write 5). They are off by default:
 * a burst of a dozen events on three replicas keeps more than 100 of one installation's requests
 * in flight, which GitHub would refuse in part, and the suites that drive such bursts measure
 * other things.
 *
 * The window runs on wall time, not the sandbox clock: clients wait for `x-ratelimit-reset` and
 * `retry-after` by their own clock.
 */
import { Kind, type DocumentNode, type SelectionSetNode, type ValueNode } from "graphql";

export type RateResource = "core" | "graphql";

export interface RateLimitSettings {
  /** Requests per window for REST (`core`), points per window for GraphQL. */
  core: number;
  graphql: number;
  windowSeconds: number;
  /** GitHub answers an exhausted primary limit with 403 or 429. */
  primaryStatus: 403 | 429;
  /** Requests one caller may have in flight at once (GitHub's is 100); off unless set. */
  concurrent?: number;
  /** Points per minute per caller and resource (REST 900, GraphQL 2,000 on GitHub); off unless set. */
  pointsPerMinute?: { core: number; graphql: number };
  secondaryStatus: 403 | 429;
  /** What a secondary limit asks the client to wait. */
  secondaryRetryAfterSeconds: number;
}

/** An installation's limits on github.com. */
export const GITHUB_RATE_LIMITS: RateLimitSettings = {
  core: 5000,
  graphql: 5000,
  windowSeconds: 3600,
  primaryStatus: 403,
  secondaryStatus: 403,
  secondaryRetryAfterSeconds: 60,
};

/** Who a limit belongs to, in the words of GitHub's messages ("installation ID 42"). */
export type RateCaller = string;

interface Bucket {
  limit: number;
  used: number;
  /** Epoch seconds. */
  reset: number;
}

export type RateDecision =
  | { allowed: true; headers: Record<string, string> }
  | { allowed: false; kind: "primary" | "secondary"; status: number; message: string; headers: Record<string, string> };

const WRITE_POINTS = 5;

export class RateLimits {
  settings: RateLimitSettings;
  readonly #buckets = new Map<string, Bucket>();
  readonly #inFlight = new Map<RateCaller, number>();
  readonly #minute = new Map<string, Array<{ at: number; points: number }>>();

  constructor(
    settings: Partial<RateLimitSettings> = {},
    private readonly now: () => number = Date.now,
  ) {
    this.settings = { ...GITHUB_RATE_LIMITS, ...settings };
  }

  configure(settings: Partial<RateLimitSettings>): void {
    this.settings = { ...this.settings, ...settings };
    this.#buckets.clear();
    this.#minute.clear();
  }

  /** The caller's window for a resource, renewed once it has reset. */
  bucket(caller: RateCaller, resource: RateResource): Bucket {
    const key = `${caller}\0${resource}`;
    const nowSeconds = Math.floor(this.now() / 1000);
    let b = this.#buckets.get(key);
    if (!b || b.reset <= nowSeconds) {
      b = { limit: this.settings[resource], used: 0, reset: nowSeconds + this.settings.windowSeconds };
      this.#buckets.set(key, b);
    }
    return b;
  }

  /** Spends `cost` of the caller's limit, or says which limit refuses the request. */
  spend(caller: RateCaller, resource: RateResource, cost: number, write: boolean, requestId: string): RateDecision {
    const b = this.bucket(caller, resource);
    const secondary = this.#secondary(caller, resource, write ? WRITE_POINTS : 1);
    if (secondary) {
      return {
        allowed: false,
        kind: "secondary",
        status: this.settings.secondaryStatus,
        message: `You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID ${requestId}.`,
        headers: { ...headers(b, resource), "retry-after": String(this.settings.secondaryRetryAfterSeconds) },
      };
    }
    if (b.used + cost > b.limit) {
      const wait = Math.max(b.reset - Math.floor(this.now() / 1000), 0);
      return {
        allowed: false,
        kind: "primary",
        status: this.settings.primaryStatus,
        message: `API rate limit exceeded for ${caller}.`,
        headers: { ...headers({ ...b, used: b.limit }, resource), "retry-after": String(wait) },
      };
    }
    b.used += cost;
    return { allowed: true, headers: headers(b, resource) };
  }

  /** Spends what is left of a caller's window, as if it had sent that many requests. */
  exhaust(caller: RateCaller, resource: RateResource): void {
    const b = this.bucket(caller, resource);
    b.used = b.limit;
  }

  /** Marks a request in flight; the returned function ends it. */
  enter(caller: RateCaller): () => void {
    this.#inFlight.set(caller, (this.#inFlight.get(caller) ?? 0) + 1);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.#inFlight.set(caller, this.#inFlight.get(caller)! - 1);
    };
  }

  #secondary(caller: RateCaller, resource: RateResource, points: number): boolean {
    const concurrent = this.settings.concurrent;
    if (concurrent !== undefined && (this.#inFlight.get(caller) ?? 0) > concurrent) return true;
    const perMinute = this.settings.pointsPerMinute?.[resource];
    if (perMinute === undefined) return false;
    const key = `${caller}\0${resource}`;
    const now = this.now();
    const recent = (this.#minute.get(key) ?? []).filter((p) => p.at > now - 60_000);
    const spent = recent.reduce((sum, p) => sum + p.points, 0);
    if (spent + points > perMinute) {
      this.#minute.set(key, recent);
      return true;
    }
    recent.push({ at: now, points });
    this.#minute.set(key, recent);
    return false;
  }
}

function headers(b: Bucket, resource: RateResource): Record<string, string> {
  return {
    "x-ratelimit-limit": String(b.limit),
    "x-ratelimit-remaining": String(Math.max(b.limit - b.used, 0)),
    "x-ratelimit-used": String(b.used),
    "x-ratelimit-reset": String(b.reset),
    "x-ratelimit-resource": resource,
  };
}

/**
 * A query's cost in points, as GitHub documents it: the requests each connection would need at its
 * `first`/`last`, multiplied through nested connections, summed, divided by 100 and rounded;
 * never less than 1.
 */
export function graphqlCost(document: DocumentNode, variables: Record<string, unknown> = {}, operationName?: string): number {
  const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d.selectionSet] as const] : [])));
  const ops = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  const op = ops.find((o) => o.name?.value === operationName) ?? ops[0];
  if (!op) return 1;
  const argumentValue = (v: ValueNode): unknown => (v.kind === Kind.VARIABLE ? variables[v.name.value] : v.kind === Kind.INT ? Number(v.value) : undefined);
  let requests = 0;
  const walk = (set: SelectionSetNode, multiplier: number, seen: Set<string>) => {
    for (const s of set.selections) {
      if (s.kind === Kind.INLINE_FRAGMENT) walk(s.selectionSet, multiplier, seen);
      else if (s.kind === Kind.FRAGMENT_SPREAD) {
        const f = fragments.get(s.name.value);
        if (f && !seen.has(s.name.value)) walk(f, multiplier, new Set([...seen, s.name.value]));
      } else if (s.selectionSet) {
        const size = s.arguments?.find((a) => a.name.value === "first" || a.name.value === "last");
        const n = size ? Number(argumentValue(size.value)) : NaN;
        if (Number.isFinite(n)) {
          requests += multiplier;
          walk(s.selectionSet, multiplier * Math.max(n, 1), seen);
        } else walk(s.selectionSet, multiplier, seen);
      }
    }
  };
  walk(op.selectionSet, 1, new Set());
  return Math.max(Math.round(requests / 100), 1);
}
