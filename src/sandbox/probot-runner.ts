/**
 * Runs the real Probot server with the real app against the sandbox, as `npm start`
 * (`node lib/server.js`: src/server.ts → src/ops/start.ts, Probot's `run()`) would with
 * `GHE_HOST=<sandbox> GHE_PROTOCOL=http`: Probot's `Server` + `Probot.defaults({ appId,
 * privateKey, secret, baseUrl })` with the app's Octokit and its default export (src/index.ts),
 * a throwaway RSA key and a random webhook secret (never Probot's "development" default, which
 * the app refuses). What start.ts adds around the app — the operations endpoints, delivery
 * tracking, the GitHub probe, draining — is not started here; test/ops.test.ts runs that.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import { pino } from "pino";
import { Probot, Server } from "probot";
import type { Sandbox } from "./sandbox.js";
import { GateOctokit } from "../app/octokit.js";
import { stopReconciling } from "../app/reconciler.js";
import { freePort } from "../shared/free-port.js";

export type AppFn = (app: Probot, options: { cwd: string; addHandler: (h: unknown) => void }) => unknown;

export interface RunningApp {
  /** Where the sandbox delivers webhooks. */
  webhookUrl: string;
  secret: string;
  /** Log lines the app wrote at `warn` or above (JSON), for diagnosing a failed scenario. */
  logs: string[];
  stop(): Promise<void>;
}

export interface StartAppOptions {
  /** The app function; default: the package's own entry (`src/index.ts` → `lib/index.js`). */
  app?: AppFn;
  logLevel?: "trace" | "debug" | "info" | "warn" | "error" | "fatal" | "silent";
  /**
   * Keep the client-side throttling (default true, as `npm start` runs). It spaces GraphQL
   * queries and writes at least 1 s apart per installation; the bench turns it off to measure
   * the app's own request pattern.
   */
  throttle?: boolean;
  /** The Octokit class to run with (default: the shipped one); fault tests pass shorter deadlines. */
  Octokit?: typeof GateOctokit;
  /**
   * The reconciler's interval (`RECONCILE_INTERVAL_MS`). Off by default here: scenarios that
   * stage an undelivered event must not be repaired behind their back.
   */
  reconcileIntervalMs?: number;
  /** The app's private key (PEM); default: a throwaway key, one per process. */
  privateKey?: string;
}

/**
 * The app's Octokit with `@octokit/plugin-throttling` disabled. A function default runs after
 * Probot's own defaults, so `enabled: false` survives the merge (an object default would not).
 */
export const UnthrottledOctokit = GateOctokit.defaults((options: Record<string, any> = {}) => ({
  ...options,
  throttle: { ...(options.throttle ?? {}), enabled: false },
}));

/** Loads the app the same way `npm start` (src/server.ts) does: the module's default export. */
export async function loadDefaultApp(): Promise<AppFn> {
  const mod = (await import("../index.js")) as { default?: unknown };
  if (typeof mod.default !== "function") throw new Error("The app entry (src/index.ts) has no default export");
  return mod.default as AppFn;
}

export interface ProbotServerOptions extends StartAppOptions {
  appId: number;
  privateKey: string;
  secret: string;
  /** The GitHub API base, e.g. `http://127.0.0.1:PORT/api/v3` (what `GHE_HOST` + `GHE_PROTOCOL=http` give). */
  baseUrl: string;
}

export interface RunningServer {
  port: number;
  webhookUrl: string;
  logs: string[];
  stop(): Promise<void>;
}

let throwawayKey: string | undefined;

/**
 * A throwaway app key: the sandbox never verifies the JWT signature, but Probot must sign one.
 * One per process: generating a 2048-bit key costs a few hundred milliseconds of CPU, and every
 * app start would pay it again for a key nobody checks.
 */
export function throwawayPrivateKey(): string {
  throwawayKey ??= generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  }).privateKey;
  return throwawayKey;
}

/** Probot's `Server` with the app loaded, listening on a free local port. */
export async function startProbotServer(opts: ProbotServerOptions): Promise<RunningServer> {
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString("utf8").split("\n")) if (line.trim()) logs.push(line);
      if (logs.length > 500) logs.splice(0, logs.length - 500);
      done();
    },
  });
  const log = pino({ level: opts.logLevel ?? "warn", name: "probot" }, sink);
  const port = await freePort();
  const server = new Server({
    host: "127.0.0.1",
    port,
    log,
    Probot: Probot.defaults({
      appId: opts.appId,
      privateKey: opts.privateKey,
      secret: opts.secret,
      baseUrl: opts.baseUrl,
      log,
      // What `npm start` runs with (src/server.ts), or the same without throttling for the bench.
      Octokit: opts.Octokit ?? (opts.throttle === false ? UnthrottledOctokit : GateOctokit),
    }),
  });
  let probot: Probot | undefined;
  // Stopping the server leaves the app's timers running: its reconciler is stopped with it.
  const stop = async () => {
    if (probot) stopReconciling(probot);
    await server.stop();
  };
  try {
    const app = opts.app ?? (await loadDefaultApp());
    await server.load(((instance: Probot, options: Parameters<AppFn>[1]) => {
      probot = instance;
      return app(instance, options);
    }) as Parameters<Server["load"]>[0]);
    await server.start();
  } catch (e) {
    await stop().catch(() => undefined);
    throw e;
  }
  return { port, webhookUrl: `http://127.0.0.1:${port}/api/github/webhooks`, logs, stop };
}

export async function startAppAgainstSandbox(sandbox: Sandbox, opts: StartAppOptions = {}): Promise<RunningApp> {
  const privateKey = opts.privateKey ?? throwawayPrivateKey();
  const secret = randomBytes(24).toString("hex");
  // The app's own start-up checks read the environment, as under `npm start`.
  const env = {
    APP_ID: String(sandbox.appId),
    WEBHOOK_SECRET: secret,
    PRIVATE_KEY: privateKey,
    GHE_HOST: sandbox.host,
    GHE_PROTOCOL: "http",
    RECONCILE_INTERVAL_MS: String(opts.reconcileIntervalMs ?? 0),
  };
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  let server: RunningServer;
  try {
    server = await startProbotServer({ ...opts, appId: sandbox.appId, privateKey, secret, baseUrl: `${sandbox.url}/api/v3` });
  } catch (e) {
    restore(saved);
    throw e;
  }
  sandbox.setWebhook(server.webhookUrl, secret);
  return {
    webhookUrl: server.webhookUrl,
    secret,
    logs: server.logs,
    stop: async () => {
      await server.stop();
      restore(saved);
    },
  };
}

function restore(saved: Record<string, string | undefined>) {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
}

