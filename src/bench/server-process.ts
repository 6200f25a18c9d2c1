/**
 * The production server as its own OS process: `node lib/server.js` (the container's command)
 * with the environment an operator gives it, against the sandbox. Replicas are several of these
 * sharing a store (`REDIS_URL` or `DATABASE_URL`); nothing in memory is shared between them. The
 * replica, restart and SIGTERM tests and the replica benches start the app this way.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Sandbox } from "../sandbox/sandbox.js";
import { deliverWebhook, type Delivery } from "../sandbox/webhooks.js";
import { freePort } from "../shared/free-port.js";

export interface ServerProcessOptions {
  /** The built entry: `<package>/lib/server.js`. */
  serverJs: string;
  sandbox: Sandbox;
  /** Replicas of one app share its key and webhook secret. */
  privateKey: string;
  secret: string;
  name?: string;
  /** More environment: `REDIS_URL`, `DATABASE_URL`, tuning (`COORDINATION_*`, `RECONCILE_INTERVAL_MS`). */
  env?: Record<string, string>;
  /** How long to wait for `/readyz` to answer 200. */
  readyTimeoutMs?: number;
}

export interface ServerProcess {
  name: string;
  pid: number;
  baseUrl: string;
  webhookUrl: string;
  /** Everything the process wrote to stdout and stderr so far (its JSON log lines). */
  output(): string;
  deliver(event: string, payload: Record<string, unknown>): Promise<Delivery>;
  /** `GET /metrics`, as Prometheus text. */
  metrics(): Promise<string>;
  /** Sends a signal; `exited` settles with the exit code. */
  kill(signal: NodeJS.Signals): void;
  readonly exited: Promise<number | null>;
  /** SIGTERM (SIGKILL after 30 s); the exit code. */
  stop(): Promise<number | null>;
}

export async function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const port = await freePort();
  const name = options.name ?? `replica-${port}`;
  const dir = mkdtempSync(join(tmpdir(), "provenance-gate-replica-"));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    NODE_ENV: "production",
    HOST: "127.0.0.1",
    PORT: String(port),
    APP_ID: String(options.sandbox.appId),
    PRIVATE_KEY: options.privateKey,
    WEBHOOK_SECRET: options.secret,
    GHE_HOST: options.sandbox.host,
    GHE_PROTOCOL: "http",
    LOG_LEVEL: "info",
    // Each replica's own SQLite record, unless DATABASE_URL names a shared one.
    PROVENANCE_DB: join(dir, "provenance.db"),
    RECONCILE_INTERVAL_MS: "0",
    ...options.env,
  };
  const child: ChildProcess = spawn(process.execPath, [options.serverJs], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const keep = (chunk: Buffer) => {
    output += chunk.toString("utf8");
    if (output.length > 2_000_000) output = output.slice(-1_000_000);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const baseUrl = `http://127.0.0.1:${port}`;
  const webhookUrl = `${baseUrl}/api/github/webhooks`;

  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  let gone = false;
  void exited.then(() => (gone = true));
  for (;;) {
    if (gone) throw new Error(`${name} exited before it was ready:\n${output.slice(-4_000)}`);
    const status = await fetch(`${baseUrl}/readyz`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`${name} was not ready after ${options.readyTimeoutMs ?? 60_000} ms (last /readyz: ${status}):\n${output.slice(-4_000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  return {
    name,
    pid: child.pid!,
    baseUrl,
    webhookUrl,
    output: () => output,
    deliver: (event, payload) => deliverWebhook({ url: webhookUrl, secret: options.secret, event, payload }),
    metrics: async () => (await fetch(`${baseUrl}/metrics`)).text(),
    kill: (signal) => void child.kill(signal),
    exited,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 30_000);
      try {
        return await exited;
      } finally {
        clearTimeout(killer);
      }
    },
  };
}

/** The value of one Prometheus sample (`name{labels} value`), summed over matching lines. */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    if (!line.startsWith(name) || (line[name.length] !== "{" && line[name.length] !== " ")) continue;
    if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    sum += Number(line.slice(line.lastIndexOf(" ") + 1)) || 0;
  }
  return sum;
}

