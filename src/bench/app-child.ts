/**
 * The app under measurement, in its own process so its peak memory is its own: the real Probot
 * server with the real app, configured from the same environment `probot run` reads
 * (APP_ID, PRIVATE_KEY, WEBHOOK_SECRET, GHE_HOST, GHE_PROTOCOL). `BENCH_THROTTLE=0` turns off
 * Probot's client-side throttling; `BENCH_APP=floor` runs the bare floor app instead. Talks to the
 * bench over IPC: `ready`, then `rss` and `cpu` on request.
 */
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
  process.on("message", (msg: { type?: string }) => {
    if (msg?.type === "rss") {
      process.send?.({ type: "rss", max_rss_kb: process.resourceUsage().maxRSS, rss_bytes: process.memoryUsage().rss, errors: server.logs.slice(-3) });
    }
    if (msg?.type === "cpu") {
      const { user, system } = process.cpuUsage();
      process.send?.({ type: "cpu", cpu_us: user + system });
    }
  });
  process.send?.({ type: "ready", port: server.port });
}

main().catch((e) => {
  process.send?.({ type: "error", message: e instanceof Error ? e.message : String(e) });
  process.exit(1);
});
