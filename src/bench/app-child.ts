/**
 * The app under measurement, in its own process so its peak memory is its own: the real Probot
 * server with the real app, configured from the same environment `probot run` reads
 * (APP_ID, PRIVATE_KEY, WEBHOOK_SECRET, GHE_HOST, GHE_PROTOCOL). `BENCH_THROTTLE=0` turns off
 * Probot's client-side throttling; `BENCH_APP=floor` runs the bare floor app instead. Talks to the
 * bench over IPC: `ready`, then `rss` and `cpu` on request, and `profile` to start or stop V8's
 * CPU profiler (so a profile holds the warm evaluations alone, not start-up and warm-up).
 */
import { writeFile } from "node:fs/promises";
import { Session } from "node:inspector/promises";
import { startProbotServer } from "../sandbox/probot-runner.js";
import { floorApp, FloorOctokit } from "./floor-app.js";

async function main(): Promise<void> {
  const env = process.env;
  const server = await startProbotServer({
    appId: Number(env.APP_ID),
    privateKey: env.PRIVATE_KEY ?? "",
    secret: env.WEBHOOK_SECRET ?? "",
    baseUrl: `${env.GHE_PROTOCOL ?? "https"}://${env.GHE_HOST}/api/v3`,
    throttle: env.BENCH_THROTTLE !== "0",
    logLevel: "error",
    ...(env.BENCH_APP === "floor" ? { app: floorApp, Octokit: FloorOctokit } : {}),
  });
  const profiler = new Session();
  process.on("message", async (msg: { type?: string; path?: string }) => {
    if (msg?.type === "rss") {
      process.send?.({ type: "rss", max_rss_kb: process.resourceUsage().maxRSS, rss_bytes: process.memoryUsage().rss, errors: server.logs.slice(-3) });
    }
    if (msg?.type === "cpu") {
      const { user, system } = process.cpuUsage();
      process.send?.({ type: "cpu", cpu_us: user + system });
    }
    if (msg?.type === "profile" && !msg.path) {
      profiler.connect();
      await profiler.post("Profiler.enable");
      // 0.1 ms between samples: an evaluation is a few milliseconds of CPU.
      await profiler.post("Profiler.setSamplingInterval", { interval: 100 });
      await profiler.post("Profiler.start");
      process.send?.({ type: "profile" });
    }
    if (msg?.type === "profile" && msg.path) {
      const { profile } = await profiler.post("Profiler.stop");
      await writeFile(msg.path, JSON.stringify(profile));
      profiler.disconnect();
      process.send?.({ type: "profile" });
    }
  });
  process.send?.({ type: "ready", port: server.port });
}

main().catch((e) => {
  process.send?.({ type: "error", message: e instanceof Error ? e.message : String(e) });
  process.exit(1);
});
