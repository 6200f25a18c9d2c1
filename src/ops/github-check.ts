/**
 * Readiness of the GitHub side: has GitHub answered the app's own `GET /app` recently, and did it
 * accept the credentials? A timer asks every `intervalMs`; the readiness probe only reads the
 * last answer, so a busy load balancer probing `/readyz` costs GitHub nothing.
 */
export interface GitHubCheckOptions {
  /** Sends `GET /app` with the app's JWT; rejects with an Octokit error on failure. */
  probe: (signal: AbortSignal) => Promise<unknown>;
  intervalMs?: number;
  /** An answer older than this no longer counts. */
  freshMs?: number;
  timeoutMs?: number;
  now?: () => number;
}

export type ProbeResult = { ok: true } | { ok: false; rejected: boolean; reason: string };

export class GitHubCheck {
  private lastOk?: number;
  private last?: ProbeResult;
  private timer?: NodeJS.Timeout;
  // A shutdown must not wait out a probe GitHub is slow to answer.
  private readonly stopped = new AbortController();
  private readonly intervalMs: number;
  private readonly freshMs: number;
  private readonly timeoutMs: number;
  private readonly now: () => number;

  constructor(private readonly options: GitHubCheckOptions) {
    this.intervalMs = options.intervalMs ?? 30_000;
    this.freshMs = options.freshMs ?? 3 * this.intervalMs;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** Asks GitHub once and records the answer. */
  async probe(): Promise<ProbeResult> {
    let result: ProbeResult;
    try {
      await this.options.probe(AbortSignal.any([AbortSignal.timeout(this.timeoutMs), this.stopped.signal]));
      this.lastOk = this.now();
      result = { ok: true };
    } catch (error) {
      result = describeFailure(error, this.timeoutMs);
    }
    this.last = result;
    return result;
  }

  /** Probes now and then every interval, until `stop()`; the timer never keeps the process alive. */
  start(): Promise<ProbeResult> {
    this.timer ??= setInterval(() => void this.probe(), this.intervalMs).unref();
    return this.probe();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.stopped.abort();
  }

  /** Readiness check "github": null when GitHub answered within `freshMs`. */
  reachable = (): string | null => {
    if (this.last && !this.last.ok && this.last.rejected) return null; // reported by "credentials"
    if (this.lastOk !== undefined && this.now() - this.lastOk <= this.freshMs) return null;
    const failure = this.last && !this.last.ok ? `: ${this.last.reason}` : "";
    return this.lastOk === undefined
      ? `GitHub has not answered GET /app yet${failure}`
      : `GitHub has not answered GET /app for ${Math.round((this.now() - this.lastOk) / 1000)} s${failure}`;
  };

  /** Readiness check "credentials": the latest answer did not reject the app's JWT. */
  credentials = (): string | null => (this.last && !this.last.ok && this.last.rejected ? this.last.reason : null);
}

/** 401 and 404 on `GET /app` mean the key or APP_ID is wrong; anything else may pass by itself. */
export function describeFailure(error: unknown, timeoutMs: number): ProbeResult & { ok: false } {
  const e = error as { status?: number; message?: string; response?: unknown };
  const unanswered = noAnswer(error);
  if (unanswered === "timeout") return { ok: false, rejected: false, reason: `no answer within ${timeoutMs} ms` };
  if (unanswered) return { ok: false, rejected: false, reason: `no answer: ${e.message ?? String(error)}` };
  if (e.status === 401 || e.status === 404) {
    return { ok: false, rejected: true, reason: `GitHub rejected the app's credentials (${e.status}: ${e.message}); check APP_ID and the private key` };
  }
  return { ok: false, rejected: false, reason: `GitHub answered ${e.status}: ${e.message}` };
}

/**
 * Whether a request failed without an HTTP answer, and how. Octokit reports a refused connection
 * or a timeout as a `RequestError` with status 500 and no `response`, the fetch error as `cause`.
 */
export function noAnswer(error: unknown): "timeout" | "network_error" | undefined {
  const e = error as { status?: number; response?: unknown; name?: string; cause?: { name?: string } };
  if (e.response !== undefined) return undefined;
  if ([e.name, e.cause?.name].some((name) => name === "TimeoutError" || name === "AbortError")) return "timeout";
  return e.status === undefined || e.status === 500 ? "network_error" : undefined;
}
