/**
 * Deadlines on every request to GitHub (SPEC 7.1). Node's fetch waits up to 300 s for an answer
 * and forever for a body that stalls, and Octokit's retry plugin then tries again: a hung
 * connection would hold an evaluation for many minutes with no check run to show for it.
 *
 * The app's `fetch`:
 * - gives the answer `connectMs` to start (connection, TLS, GitHub's own work: its headers) and
 *   `totalMs` to arrive completely;
 * - reads the body itself, so a connection reset or a stall mid-body is an error Octokit retries,
 *   not an empty or partial body that Octokit would hand on as the answer;
 * - refuses a 2xx JSON answer that does not parse (cut short on the way), for the same reason;
 * - retries a request that met the deadline once, when repeating it is harmless, and then gives
 *   up with an error Octokit does not retry again, so a hang costs at most two deadlines;
 * - never lets Octokit repeat a create whose answer broke: it may have happened (fallback.ts checks).
 */
export interface Deadlines {
  /** Until the answer's headers arrive. */
  connectMs: number;
  /** Until the whole answer has arrived. */
  totalMs: number;
}

export const DEFAULT_DEADLINES: Deadlines = { connectMs: 10_000, totalMs: 30_000 };

/**
 * A request that met its deadline. Named `AbortError` on purpose: Octokit passes those through
 * without wrapping them, and its retry plugin leaves them alone — this module already retried.
 */
export class RequestDeadlineError extends Error {
  override readonly name = "AbortError";
  readonly status = 500;
  constructor(
    readonly request: string,
    readonly phase: "connect" | "total",
    readonly ms: number,
  ) {
    super(
      phase === "connect"
        ? `GitHub did not start answering ${request} within ${seconds(ms)} (twice)`
        : `GitHub's answer to ${request} did not arrive completely within ${seconds(ms)} (twice)`,
    );
  }
}

/** An answer that broke on the way: the connection failed mid-body, or its JSON was cut short. */
export class BrokenAnswerError extends Error {
  override name = "BrokenAnswerError";
}

type Fetch = typeof globalThis.fetch;

export function fetchWithDeadlines(deadlines: Deadlines = DEFAULT_DEADLINES, inner: Fetch = globalThis.fetch): Fetch {
  return async (input, init = {}) => {
    const method = (init.method ?? "GET").toUpperCase();
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const what = `${method} ${pathOf(url)}`;
    const again = repeatable(method, url);
    for (let attempt = 1; ; attempt++) {
      try {
        return await oneAttempt(inner, input, init, deadlines, what);
      } catch (error) {
        if (error instanceof RequestDeadlineError && again && attempt < 2) continue;
        // A write that may have happened (its answer broke) must not be repeated blindly: the
        // caller checks what landed instead (see app/fallback.ts).
        if (!again && error instanceof BrokenAnswerError) throw Object.assign(error, { name: "AbortError", status: 500 });
        throw error;
      }
    }
  };
}

async function oneAttempt(inner: Fetch, input: Parameters<Fetch>[0], init: RequestInit, deadlines: Deadlines, what: string): Promise<Response> {
  const controller = new AbortController();
  let phase: "connect" | "total" = "connect";
  const expire = (which: "connect" | "total") => () => {
    phase = which;
    controller.abort();
  };
  const connectTimer = setTimeout(expire("connect"), deadlines.connectMs);
  const totalTimer = setTimeout(expire("total"), deadlines.totalMs);
  const signal = init.signal ? AbortSignal.any([init.signal, controller.signal]) : controller.signal;
  const timedOut = () => controller.signal.aborted && !init.signal?.aborted;
  try {
    let response: Response;
    try {
      response = await inner(input, { ...init, signal });
    } catch (error) {
      if (timedOut()) throw new RequestDeadlineError(what, phase, phase === "connect" ? deadlines.connectMs : deadlines.totalMs);
      throw error;
    }
    clearTimeout(connectTimer);
    let body: ArrayBuffer;
    try {
      body = await response.arrayBuffer();
    } catch (error) {
      if (timedOut()) throw new RequestDeadlineError(what, "total", deadlines.totalMs);
      throw new BrokenAnswerError(`the connection broke while GitHub's answer to ${what} was arriving (${describe(error)})`, { cause: error });
    }
    if (response.ok && isJson(response.headers.get("content-type")) && body.byteLength > 0) {
      try {
        JSON.parse(new TextDecoder().decode(body));
      } catch {
        throw new BrokenAnswerError(`GitHub's answer to ${what} was cut short: ${body.byteLength} bytes of JSON that does not parse`);
      }
    }
    const copy = new Response(response.status === 204 || response.status === 205 || response.status === 304 ? null : body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
    Object.defineProperty(copy, "url", { value: response.url });
    return copy;
  } finally {
    clearTimeout(connectTimer);
    clearTimeout(totalTimer);
  }
}

/** Requests that change nothing, or change it to the same end state when repeated. */
function repeatable(method: string, url: string): boolean {
  if (method === "GET" || method === "HEAD" || method === "PATCH" || method === "PUT" || method === "DELETE") return true;
  // The app's GraphQL documents are all queries.
  return method === "POST" && /\/graphql$/.test(pathOf(url));
}

function isJson(contentType: string | null): boolean {
  return contentType !== null && /^application\/(?:[\w.+-]+\+)?json\b/i.test(contentType);
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname.replace(/^\/api\/v3(?=\/)/, "");
  } catch {
    return url;
  }
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

function describe(error: unknown): string {
  const e = error as { cause?: { code?: string; message?: string }; message?: string };
  return e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(error);
}
