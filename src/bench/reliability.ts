/**
 * `npm run bench -- --reliability`: the production server (`node lib/server.js`, throttling as
 * shipped) against the sandbox at 50 ms latency, under the two loads of SPEC 7.1's bench:
 * - backlog: one busy installation, one event a second, each a new pull request, on one replica
 *   and on three: event-to-check latency (median, worst) and the deepest queue `/metrics`
 *   showed, against the floor of one event on the idle app, measured first in the same run;
 * - replicas: a burst of 12 events of one installation on 1 replica, then on 3 sharing Redis
 *   (`REDIS_URL`, else `TEST_REDIS_URL`, else a `redis-server` of the bench's own): time until
 *   all 12 checks are posted, the single replica being the floor.
 */
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { Sandbox } from "../sandbox/sandbox.js";
import { DEMO_POLICY, CLAUDE_TRAILER } from "../sandbox/story.js";
import { throwawayPrivateKey } from "../sandbox/probot-runner.js";
import { metricValue, startServerProcess, type ServerProcess } from "./server-process.js";
import { freePort } from "../shared/free-port.js";

export interface BacklogResult {
  replicas: number;
  events: number;
  rate_per_sec: number;
  floor_ms: number;
  median_ms: number;
  worst_ms: number;
  median_vs_floor: number;
  worst_vs_floor: number;
  max_queue_depth: number;
}

export interface ReplicasResult {
  burst: number;
  one_replica_ms: number;
  three_replicas_ms: number;
  /** Three replicas' time over one's: below 1 is more throughput. */
  ratio: number;
  store: string;
}

export interface ReliabilityResult {
  backlog: BacklogResult[];
  replicas: ReplicasResult | { skipped: string };
}

const SERVER_JS = new URL("../server.js", import.meta.url).pathname;
const LATENCY_MS = 50;

export async function measureReliability(quick: boolean, progress: (s: string) => void): Promise<ReliabilityResult> {
  const sandbox = await Sandbox.start({ latencyMs: LATENCY_MS });
  const app = { privateKey: throwawayPrivateKey(), secret: randomBytes(24).toString("hex") };
  for (const login of ["alice", "bob", "carol"]) sandbox.addUser(login);
  const start = (name: string, env: Record<string, string> = {}) => startServerProcess({ serverJs: SERVER_JS, sandbox, ...app, name, env });
  let seq = 0;
  const repoOf = (owner: string) => {
    const repo = `${owner}/models`;
    if (!sandbox.state.repos.has(repo.toLowerCase())) sandbox.createRepo({ repo, files: { ".provenance.yml": DEMO_POLICY }, collaborators: { bob: "write", carol: "write" } });
    return repo;
  };
  /** A new AI-assisted pull request, not yet delivered: its `opened` event and its head. */
  const newPr = async (repo: string) => {
    const pr = await sandbox.openPullRequest(repo, { author: "carol", head: `b${++seq}`, deliver: false, commits: [{ message: `Change\n\n${CLAUDE_TRAILER}`, author: "carol", files: [`evals/${seq}.yaml`] }] });
    return { repo, sha: pr.head_sha, event: sandbox.pullRequestEvent(repo, pr.number, "opened") };
  };
  const posted = (repo: string, sha: string) => sandbox.latestCheckRun(repo, sha)?.status === "completed";
  /** Delivers to `replica` and resolves with the milliseconds until the check is posted. */
  const eventToCheck = async (replica: ServerProcess, pr: Awaited<ReturnType<typeof newPr>>) => {
    const t0 = performance.now();
    void replica.deliver("pull_request", pr.event).catch(() => undefined);
    while (!posted(pr.repo, pr.sha)) {
      if (performance.now() - t0 > 300_000) throw new Error(`no check for ${pr.repo}@${pr.sha} after 300 s`);
      await sleep(10);
    }
    return performance.now() - t0;
  };

  try {
    /** Events of one installation at 1/s, round-robin over `replicas`, after a floor on the idle first one. */
    const backlogOn = async (replicas: ServerProcess[], owner: string): Promise<BacklogResult> => {
      const repo = repoOf(owner);
      for (const r of replicas) await eventToCheck(r, await newPr(repo)); // warm-up: token, identity, JIT
      const floor: number[] = [];
      for (let i = 0; i < 3; i++) floor.push(await eventToCheck(replicas[0], await newPr(repo)));
      const events = quick ? 10 : 30;
      const prs = [];
      for (let i = 0; i < events; i++) prs.push(await newPr(repo));
      let maxDepth = 0;
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          const depths = await Promise.all(replicas.map(async (r) => metricValue(await r.metrics(), "provenance_gate_queue_depth")));
          maxDepth = Math.max(maxDepth, ...depths);
          await sleep(250);
        }
      })();
      const latencies: Array<Promise<number>> = [];
      for (const [i, pr] of prs.entries()) {
        latencies.push(eventToCheck(replicas[i % replicas.length], pr));
        await sleep(1_000);
      }
      const ms = await Promise.all(latencies);
      sampling = false;
      await sampler;
      const f = median(floor);
      return {
        replicas: replicas.length,
        events,
        rate_per_sec: 1,
        floor_ms: Math.round(f),
        median_ms: Math.round(median(ms)),
        worst_ms: Math.round(Math.max(...ms)),
        median_vs_floor: round(median(ms) / f),
        worst_vs_floor: round(Math.max(...ms) / f),
        max_queue_depth: maxDepth,
      };
    };

    progress("bench: backlog — one installation at 1 event/s on one replica…");
    const replica = await start("backlog");
    const backlog: BacklogResult[] = [];
    try {
      backlog.push(await backlogOn([replica], "busy1"));
    } finally {
      await replica.stop();
    }

    progress("bench: replicas — a burst of 12 on 1, then 3 replicas…");
    const redis = await redisForBench();
    if (!redis) return { backlog, replicas: { skipped: "no Redis: set REDIS_URL or TEST_REDIS_URL, or install redis-server" } };
    try {
      progress("bench: backlog — the same on three replicas sharing Redis…");
      const trio = await Promise.all([0, 1, 2].map((i) => start(`backlog3-${i}`, { REDIS_URL: redis.url })));
      try {
        backlog.push(await backlogOn(trio, "busy3"));
      } finally {
        await Promise.all(trio.map((r) => r.stop()));
      }
      const burst = async (count: number) => {
        const replicas = await Promise.all(Array.from({ length: count }, (_, i) => start(`r${count}-${i}`, { REDIS_URL: redis.url })));
        try {
          const repo = repoOf(`burst${count}`);
          for (const r of replicas) await eventToCheck(r, await newPr(repo)); // warm-up, each replica
          const prs = [];
          for (let i = 0; i < 12; i++) prs.push(await newPr(repo));
          const t0 = performance.now();
          await Promise.all(prs.map((pr, i) => eventToCheck(replicas[i % count], pr)));
          return performance.now() - t0;
        } finally {
          await Promise.all(replicas.map((r) => r.stop()));
        }
      };
      const one = await burst(1);
      const three = await burst(3);
      return { backlog, replicas: { burst: 12, one_replica_ms: Math.round(one), three_replicas_ms: Math.round(three), ratio: round(three / one), store: "redis" } };
    } finally {
      await redis.stop();
    }
  } finally {
    await sandbox.close();
  }
}

export function renderReliability(r: ReliabilityResult): string {
  const lines = r.backlog.flatMap((b) => [
    `Backlog: one installation, ${b.events} events at ${b.rate_per_sec}/s, ${LATENCY_MS} ms latency, ${b.replicas} replica(s) as shipped:`,
    `  event → check: median ${b.median_ms} ms (${b.median_vs_floor}× the idle floor of ${b.floor_ms} ms), worst ${b.worst_ms} ms (${b.worst_vs_floor}×); deepest queue in /metrics: ${b.max_queue_depth}`,
  ]);
  if ("skipped" in r.replicas) lines.push(`Replicas: skipped (${r.replicas.skipped})`);
  else {
    const p = r.replicas;
    lines.push(
      `Replicas: a burst of ${p.burst} events of one installation, until every check is posted:`,
      `  1 replica ${p.one_replica_ms} ms (the floor), 3 replicas sharing ${p.store} ${p.three_replicas_ms} ms: ${p.ratio}× the floor`,
    );
  }
  return lines.join("\n");
}

/** The Redis the operator names, the test one, or a `redis-server` of the bench's own. */
async function redisForBench(): Promise<{ url: string; stop(): Promise<void> } | undefined> {
  const named = process.env.REDIS_URL?.trim() || process.env.TEST_REDIS_URL?.trim();
  if (named) return { url: named, stop: async () => undefined };
  if (spawnSync("redis-server", ["--version"]).status !== 0) return undefined;
  const port = await freePort();
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  await sleep(500);
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}


function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const round = (x: number) => Math.round(x * 100) / 100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
