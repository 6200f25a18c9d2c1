/** Starts and stops the app-under-measurement child process (see `app-child.ts`). */
import { fork, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { throwawayPrivateKey } from "../sandbox/probot-runner.js";
import type { Sandbox } from "../sandbox/sandbox.js";

export interface AppProcess {
  pid: number;
  /** Peak resident memory of the app process so far, in MB. */
  peakRssMb(): Promise<number>;
  /** CPU time (user + system) the app process has used so far, in ms. */
  cpuMs(): Promise<number>;
  /** Starts V8's CPU profiler in the app process; with a path, stops it and writes the `.cpuprofile` there. */
  profile(path?: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startAppProcess(sandbox: Sandbox, opts: { throttle: boolean; floor?: boolean }): Promise<AppProcess> {
  const secret = randomBytes(24).toString("hex");
  const child: ChildProcess = fork(new URL("./app-child.js", import.meta.url), [], {
    env: {
      ...process.env,
      APP_ID: String(sandbox.appId),
      PRIVATE_KEY: throwawayPrivateKey(),
      WEBHOOK_SECRET: secret,
      GHE_HOST: sandbox.host,
      GHE_PROTOCOL: "http",
      BENCH_THROTTLE: opts.throttle ? "1" : "0",
      BENCH_APP: opts.floor ? "floor" : "gate",
      NODE_ENV: "production",
      // The reconciler's start-up pass over every open bench PR would land in the figures of the evaluations it overlaps.
      RECONCILE_INTERVAL_MS: "0",
    },
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once("message", (m: { type: string; port?: number; message?: string }) =>
      m.type === "ready" ? resolve(m.port!) : reject(new Error(`app process: ${m.message ?? "failed to start"}`)),
    );
    child.once("exit", (code) => reject(new Error(`app process exited with ${code} before it was ready`)));
  });
  sandbox.setWebhook(`http://127.0.0.1:${port}/api/github/webhooks`, secret);
  return {
    pid: child.pid!,
    // `maxRSS` is in kilobytes (KiB) on Linux.
    peakRssMb: async () => Math.round((((await ask(child, "rss")).max_rss_kb ?? 0) / 1024) * 10) / 10,
    cpuMs: async () => ((await ask(child, "cpu")).cpu_us ?? 0) / 1000,
    profile: async (path) => {
      await ask(child, "profile", path);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** One request–answer exchange with the app process over IPC. */
function ask(child: ChildProcess, type: "rss" | "cpu" | "profile", path?: string): Promise<{ max_rss_kb?: number; cpu_us?: number }> {
  return new Promise((resolve) => {
    const onMessage = (m: { type: string; max_rss_kb?: number; cpu_us?: number }) => {
      if (m.type !== type) return;
      child.off("message", onMessage);
      resolve(m);
    };
    child.on("message", onMessage);
    child.send({ type, path });
  });
}
