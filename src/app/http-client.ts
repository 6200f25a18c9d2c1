/**
 * The app's HTTP client for GitHub: `node:http`/`node:https` over keep-alive connections, each
 * answer read whole into memory, behind the `fetch` interface Octokit calls.
 *
 * Why not Node's fetch: undici's fetch builds a Request, web streams for the body both ways, an
 * AbortSignal and a Response for every request, and the deadlines (deadlines.ts) read the body
 * whole anyway. That machinery was the largest part of the app's CPU per evaluation (the
 * bench's profile of the typical PR, docs/benchmarks.md); a plain request does the same exchange
 * for a fraction of it. What fetch does that Octokit relies on is kept: redirects are followed
 * (the credentials dropped when one leaves the origin), compressed answers are decoded, an
 * `AbortSignal` aborts, and a failure before any answer is a `TypeError` whose `cause` names the
 * network error, as Octokit reads fetch's.
 */
import http from "node:http";
import https from "node:https";
import type { Socket } from "node:net";
import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync } from "node:zlib";

/** What the client needs of a request. */
export interface HttpRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  redirect?: RequestInit["redirect"];
  signal?: AbortSignal | null;
}

/** One request under way. */
export interface Exchange {
  /** Gives the request up: `reason` is what the pending call rejects with. */
  abort(reason: Error): void;
  /** The answer's headers arrived (the final one, after redirects). */
  readonly answered: Promise<void>;
  readonly response: Promise<Response>;
}

const MAX_REDIRECTS = 20;

/**
 * How long before a server's announced keep-alive timeout (`Keep-Alive: timeout=5`) the client
 * stops reusing an idle connection, so a request never goes out on a socket the server is closing.
 */
const KEEP_ALIVE_MARGIN_MS = 1_000;
/** An idle connection's life when the server announces none (undici's default). */
const DEFAULT_KEEP_ALIVE_MS = 4_000;

const keepAliveHints = new WeakMap<Socket, number>();

/** Keep-alive agents that give idle sockets up a second before the server would. */
function agentClass<T extends typeof http.Agent>(Base: T): T {
  // @ts-expect-error: a mixin over the two agent classes, whose constructors differ in options only.
  return class extends Base {
    override keepSocketAlive(socket: Socket): boolean {
      // Node returns whether the socket is kept; its types say void.
      const kept = super.keepSocketAlive(socket) as unknown as boolean;
      if (kept) socket.setTimeout(keepAliveHints.get(socket) ?? DEFAULT_KEEP_ALIVE_MS);
      return kept;
    }
  };
}

const agents = {
  "http:": new (agentClass(http.Agent))({ keepAlive: true, scheduling: "lifo", timeout: DEFAULT_KEEP_ALIVE_MS }),
  "https:": new (agentClass(https.Agent as unknown as typeof http.Agent))({ keepAlive: true, scheduling: "lifo", timeout: DEFAULT_KEEP_ALIVE_MS }),
};

/** Sends `request`, following redirects, and reads the answer whole. */
export function exchange(request: HttpRequest): Exchange {
  let current: http.ClientRequest | undefined;
  let given: Error | undefined;
  let settle: { resolve(): void; reject(e: Error): void } = { resolve: () => undefined, reject: () => undefined };
  const answered = new Promise<void>((resolve, reject) => {
    settle = { resolve, reject };
  });
  answered.catch(() => undefined);
  const abort = (reason: Error) => {
    given ??= reason;
    current?.destroy(reason);
    settle.reject(reason);
  };
  const onAbort = () => abort(abortError(request.signal?.reason));
  if (request.signal?.aborted) onAbort();
  else request.signal?.addEventListener("abort", onAbort, { once: true });

  const response = (async () => {
    try {
      let { url, method, body } = request;
      const headers = { ...request.headers };
      if (headers["accept-encoding"] === undefined) headers["accept-encoding"] = url.startsWith("https:") ? "gzip, deflate, br" : "gzip, deflate";
      for (let hops = 0; ; hops++) {
        if (given) throw given;
        const answer = await send(
          url,
          method,
          headers,
          body,
          (req) => {
            current = req;
            if (given) req.destroy(given);
          },
          (status, location) => {
            if (!REDIRECTS.has(status) || location === undefined || request.redirect === "manual") settle.resolve();
          },
        );
        const location = answer.headers.get("location");
        if (!REDIRECTS.has(answer.status) || location === null || request.redirect === "manual") return answer.response(url, hops > 0);
        if (request.redirect === "error") throw new TypeError("fetch failed", { cause: new Error("unexpected redirect") });
        if (hops >= MAX_REDIRECTS) throw new TypeError("fetch failed", { cause: new Error("redirect count exceeded") });
        const next = new URL(location, url);
        if ((answer.status === 303 && method !== "HEAD") || ((answer.status === 301 || answer.status === 302) && method === "POST")) {
          method = "GET";
          body = undefined;
          for (const name of ["content-type", "content-length", "content-encoding", "content-language", "content-location"]) delete headers[name];
        }
        // Fetch's rule: a token is for the origin it was sent to.
        if (next.origin !== new URL(url).origin) {
          delete headers.authorization;
          delete headers.cookie;
        }
        url = next.href;
      }
    } catch (error) {
      throw given ?? error;
    } finally {
      request.signal?.removeEventListener("abort", onAbort);
    }
  })();
  response.catch((e: Error) => settle.reject(e));
  return { abort, answered, response };
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

interface Answer {
  status: number;
  headers: Headers;
  response(url: string, redirected: boolean): Response;
}

function send(
  url: string,
  method: string,
  headers: Record<string, string>,
  body: string | Uint8Array | undefined,
  started: (req: http.ClientRequest) => void,
  onHeaders: (status: number, location: string | undefined) => void,
): Promise<Answer> {
  return new Promise<Answer>((resolve, reject) => {
    const secure = url.startsWith("https:");
    const outgoing = body === undefined ? headers : { ...headers, "content-length": String(typeof body === "string" ? Buffer.byteLength(body) : body.byteLength) };
    const req = (secure ? https : http).request(url, { method, headers: outgoing, agent: agents[secure ? "https:" : "http:"] }, (res) => {
      onHeaders(res.statusCode ?? 0, res.headers.location);
      const hint = /\btimeout=(\d+)/.exec(String(res.headers["keep-alive"] ?? ""))?.[1];
      if (hint !== undefined) keepAliveHints.set(res.socket, Math.max(Number(hint) * 1000 - KEEP_ALIVE_MARGIN_MS, 0));
      const chunks: Buffer[] = [];
      let failed = false;
      const broke = (error: Error) => {
        if (failed) return;
        failed = true;
        reject(Object.assign(new BodyError(error.message), { cause: error }));
      };
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("error", broke);
      res.on("aborted", () => broke(Object.assign(new Error("the connection closed before the answer was complete"), { code: "ECONNRESET" })));
      res.on("end", () => {
        if (failed) return;
        if (!res.complete) return broke(Object.assign(new Error("the connection closed before the answer was complete"), { code: "ECONNRESET" }));
        const responseHeaders = new Headers();
        const raw = res.rawHeaders;
        for (let i = 0; i < raw.length; i += 2) responseHeaders.append(raw[i], raw[i + 1]);
        let bytes: Buffer;
        try {
          bytes = decode(Buffer.concat(chunks), res.headers["content-encoding"]);
        } catch (error) {
          return broke(error as Error);
        }
        const status = res.statusCode ?? 0;
        resolve({
          status,
          headers: responseHeaders,
          response: (at, redirected) =>
            new BufferedResponse(status, res.statusMessage ?? "", responseHeaders, at, redirected, NULL_BODY.has(status) || method === "HEAD" ? null : bytes) as unknown as Response,
        });
      });
    });
    // Before any answer: fetch's shape, a TypeError whose cause is the network error.
    req.on("error", (error) => reject(new TypeError("fetch failed", { cause: error })));
    started(req);
    req.end(body);
  });
}

/** The answer's body broke after its headers (a reset mid-body, a bad encoding). */
export class BodyError extends Error {
  override name = "BodyError";
}

const NULL_BODY = new Set([101, 204, 205, 304]);

/** Decodes a `content-encoding` the client asked for, as fetch does. */
function decode(bytes: Buffer, encoding: string | undefined): Buffer {
  if (!encoding || bytes.byteLength === 0) return bytes;
  let out = bytes;
  // Codings are listed in the order they were applied: undo them from the last.
  for (const coding of encoding.toLowerCase().split(",").map((c) => c.trim()).reverse()) {
    if (coding === "gzip" || coding === "x-gzip") out = gunzipSync(out);
    else if (coding === "deflate") out = out[0] !== undefined && (out[0] & 0x0f) === 8 ? inflateSync(out) : inflateRawSync(out);
    else if (coding === "br") out = brotliDecompressSync(out);
    else if (coding !== "identity") return out;
  }
  return out;
}

function abortError(reason: unknown): Error {
  if (reason instanceof Error) return reason;
  return Object.assign(new Error("This operation was aborted"), { name: "AbortError" });
}

/**
 * A Response over a body already in memory. Reading it costs a copy at most: a `new Response(bytes)`
 * would wrap the bytes in a web stream and read them back through it.
 */
class BufferedResponse {
  readonly type = "basic";
  #used = false;
  constructor(
    readonly status: number,
    readonly statusText: string,
    readonly headers: Headers,
    readonly url: string,
    readonly redirected: boolean,
    data: Buffer | null,
  ) {
    this.#data = data;
  }
  readonly #data: Buffer | null;
  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }
  get bodyUsed(): boolean {
    return this.#used;
  }
  get body(): ReadableStream<Uint8Array> | null {
    return this.#data === null ? null : new Response(this.#data).body;
  }
  #take(): Buffer {
    if (this.#used) throw new TypeError("Body is unusable: Body has already been read");
    this.#used = true;
    return this.#data ?? Buffer.alloc(0);
  }
  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = this.#take();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }
  async text(): Promise<string> {
    return utf8(this.#take());
  }
  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }
  async blob(): Promise<Blob> {
    return new Blob([this.#take()], { type: this.headers.get("content-type") ?? "" });
  }
  /** The body without reading it (the deadlines look at it before Octokit reads it). */
  static peek(response: Response): Uint8Array | null {
    return response instanceof BufferedResponse ? response.#data : null;
  }
  clone(): BufferedResponse {
    if (this.#used) throw new TypeError("Response.clone: Body has already been consumed.");
    return new BufferedResponse(this.status, this.statusText, this.headers, this.url, this.redirected, this.#data);
  }
}

/** UTF-8 as fetch decodes it: a leading byte-order mark is not part of the text. */
export function utf8(bytes: Uint8Array): string {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const start = buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf ? 3 : 0;
  return buffer.toString("utf8", start);
}

/** The body of an answer this client gave, unread; `null` for none. */
export function peekBody(response: Response): Uint8Array | null {
  return BufferedResponse.peek(response);
}

/** A buffered answer as a `Response`, for the deadlines' copy of an answer another fetch gave. */
export function bufferedResponse(status: number, statusText: string, headers: Headers, url: string, bytes: Uint8Array | null): Response {
  return new BufferedResponse(status, statusText, headers, url, false, bytes === null ? null : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)) as unknown as Response;
}
