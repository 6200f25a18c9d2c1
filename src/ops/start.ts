/**
 * What `node lib/server.js` runs: check the configuration (fail fast), start Probot's server with
 * the app, the operations endpoints and delivery tracking, probe GitHub, and drain on shutdown.
 * Without any credentials outside production it opens Probot's setup wizard instead.
 */
import { run, type Logger, type Probot, type Server } from "probot";
import provenanceGateApp from "../index.js";
import { StartupError } from "../app/env.js";
import { stopReconciling } from "../app/reconciler.js";
import { closeAuditWriters } from "../audit/writer.js";
import { GateOctokit } from "../app/octokit.js";
import { applyDotEnv, checkConfiguration } from "./config.js";
import { drain, trackDeliveries, DRAIN_TIMEOUT_MS } from "./drain.js";
import { GitHubCheck } from "./github-check.js";
import { webhookDeliveriesTotal } from "./metrics.js";
import { addReadinessCheck } from "./readiness.js";
import { redisCheck } from "./redis-check.js";
import { opsHandler } from "./routes.js";

export interface StartOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  drainTimeoutMs?: number;
  /** How often GitHub is asked `GET /app` for readiness. */
  probeIntervalMs?: number;
  /** The logger (default: Probot's, from LOG_LEVEL and LOG_FORMAT). */
  log?: Logger;
  /**
   * Called with `shutdown` as soon as the server listens, before the first `GET /app`: from then
   * on deliveries may be in flight, so a SIGTERM must already drain (`node lib/server.js`
   * installs its signal handlers here).
   */
  onListening?: (shutdown: (signal: string) => Promise<number>) => void;
}

export interface Running {
  server: Server;
  /** Absent in setup mode (no credentials yet: Probot's registration wizard). */
  github?: GitHubCheck;
  /** Stops taking deliveries, finishes the work in flight, closes; the exit code to use. */
  shutdown(signal: string): Promise<number>;
}

export async function startServer(options: StartOptions = {}): Promise<Running> {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  applyDotEnv(env, cwd);
  const mode = checkConfiguration(env, cwd);
  if (mode.kind === "setup") {
    const server = await run(provenanceGateApp, { Octokit: GateOctokit, env });
    const shutdown = async () => (await server.stop(), 0);
    options.onListening?.(shutdown);
    return { server, shutdown };
  }

  let probot: Probot | undefined;
  let github: GitHubCheck | undefined;
  const sigintBefore = process.listeners("SIGINT");
  const server = await run(
    async (app: Probot, { addHandler }: { addHandler: (handler: typeof opsHandler) => void }) => {
      probot = app;
      trackDeliveries(app.webhooks);
      app.onAny(async (context) => {
        webhookDeliveriesTotal.inc({ event: context.name });
      });
      addHandler(opsHandler);
      github = new GitHubCheck({
        intervalMs: options.probeIntervalMs,
        // No retries: the next probe is the retry, and readiness must not wait on backoff.
        probe: async (signal) => (await app.auth()).request("GET /app", { request: { signal, retries: 0 } }),
      });
      addReadinessCheck("credentials", github.credentials);
      addReadinessCheck("github", github.reachable);
      addReadinessCheck("shutdown", drain.readiness);
      // The audit record is written behind the evaluations: flush it before the process ends.
      drain.onShutdown("audit record", async () => {
        if (!(await closeAuditWriters(5_000))) throw new Error("audit records were still unwritten after 5 s");
      });
      if (env.REDIS_URL?.trim()) {
        const redis = redisCheck(env.REDIS_URL.trim());
        addReadinessCheck("redis", redis.check);
        drain.onShutdown("redis readiness client", redis.close);
      }
      await provenanceGateApp(app);
    },
    { Octokit: GateOctokit, env, log: options.log },
  );
  // Probot's own SIGINT handler exits at once; ours drains first.
  for (const listener of process.listeners("SIGINT")) if (!sigintBefore.includes(listener)) process.off("SIGINT", listener);
  const log = probot!.log;

  let stopping: Promise<number> | undefined;
  const shutdown = (signal: string): Promise<number> =>
    (stopping ??= (async () => {
      log.info({ signal, in_flight: drain.size }, "provenance-gate: shutting down; finishing the work in flight");
      github!.stop();
      // Taking no new work includes the reconciler's passes; an evaluation one is running is work in flight.
      const evaluating = stopReconciling(probot!);
      if (evaluating) drain.track(evaluating);
      const drained = drain.drain(options.drainTimeoutMs ?? DRAIN_TIMEOUT_MS);
      const closed = server.stop().catch(() => undefined);
      const { abandoned, hookErrors } = await drained;
      // A keep-alive connection can hold the listener open; exiting closes it anyway.
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 1_000).unref())]);
      for (const error of hookErrors) log.error(`provenance-gate: shutdown: ${error}`);
      if (abandoned > 0) {
        log.error({ abandoned }, "provenance-gate: stopped with work in flight; the reconciler repairs what it left");
        return 1;
      }
      log.info("provenance-gate: stopped cleanly");
      return hookErrors.length > 0 ? 1 : 0;
    })());
  options.onListening?.(shutdown);

  const first = await github!.start();
  // A signal while GitHub was first asked: the shutdown under way decides the exit, not this answer.
  if (stopping) return { server, github, shutdown };
  if (!first.ok && first.rejected) {
    github!.stop();
    await server.stop();
    throw new StartupError(`cannot start: ${first.reason} (APP_ID=${mode.appId}).`);
  }
  if (!first.ok) log.warn(`provenance-gate: not ready yet: ${first.reason}`);
  else log.info("provenance-gate: GitHub accepted the app's credentials; ready");
  return { server, github, shutdown };
}
