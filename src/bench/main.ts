/**
 * `npm run bench`: the real app (in a child process, Probot's server and client) evaluating pull
 * requests of several sizes against the sandbox. For each: GitHub requests per evaluation by
 * operation, wall time per evaluation at 0 ms and 50 ms sandbox latency, the app's peak memory;
 * then evaluations per second and classification throughput. `--json` for machines.
 *
 * An evaluation is timed from sending the signed `pull_request.opened` webhook to Probot's answer,
 * which comes after the handler has posted the check run.
 */
import { cpus, totalmem } from "node:os";
import { Sandbox } from "../sandbox/sandbox.js";
import { DEMO_POLICY } from "../sandbox/story.js";
import { startAppProcess } from "./app-process.js";
import { measureClassification, type ClassificationResult } from "./classification.js";
import { measureDetection, renderDetection } from "./detection.js";
import { SCENARIOS, scenarioCommits, type Scenario } from "./scenarios.js";
import { measureAudit, renderAudit } from "./audit.js";
import { measureLedger, renderLedger } from "./ledger.js";
import { measureReliability, renderReliability } from "./reliability.js";

interface ScenarioResult {
  name: string;
  files: number;
  commits: number;
  ai: boolean;
  requests: number;
  requests_by_operation: Record<string, number>;
  wall_ms_latency0: number;
  wall_ms_latency50: number;
  rss_mb: number;
  conclusion: string | null;
}

interface ThrottledResult {
  scenario: string;
  wall_ms_latency50: number;
  evals_per_sec: number;
}

const USAGE = "usage: node lib/bench/main.js [--json] [--quick] [--audit] [--ledger] [--detection] [--reliability]";

export async function main(argv: string[]): Promise<number> {
  const bad = argv.find((a) => !["--json", "--quick", "--audit", "--ledger", "--detection", "--reliability"].includes(a));
  if (bad) {
    process.stderr.write(`bench: unknown option ${bad}\n${USAGE}\n`);
    return 2;
  }
  const json = argv.includes("--json");
  const quick = argv.includes("--quick");
  const progress = (s: string) => {
    if (!json) process.stderr.write(s + "\n");
  };
  if (argv.includes("--detection")) {
    // Detection alone needs no sandbox or app process: the pure detectors, timed by input size.
    const detection = measureDetection(quick ? 2 : 5);
    process.stdout.write((json ? JSON.stringify({ detection }, null, 2) : renderDetection(detection)) + "\n");
    return 0;
  }
  // The provenance ledger over a long history (SPEC §9); `--ledger` runs only this part.
  if (argv.includes("--ledger")) {
    progress("bench: ledger on a synthetic history…");
    const ledger = await measureLedger(quick, new URL("../cli/main.js", import.meta.url).href);
    process.stdout.write((json ? JSON.stringify({ ledger }, null, 2) : renderLedger(ledger)) + "\n");
    return 0;
  }
  // Faults, replicas, restarts (SPEC 7.1): latency under a backlog, replicas' throughput; `--reliability` runs only this part.
  if (argv.includes("--reliability")) {
    const reliability = await measureReliability(quick, progress);
    process.stdout.write((json ? JSON.stringify({ reliability }, null, 2) : renderReliability(reliability)) + "\n");
    return 0;
  }
  // The record of decisions' store (SPEC §10); `--audit` runs only this part.
  progress("bench: audit store…");
  const audit = await measureAudit(quick);
  if (argv.includes("--audit")) {
    process.stdout.write((json ? JSON.stringify({ audit }, null, 2) : renderAudit(audit)) + "\n");
    return 0;
  }

  const sandbox = await Sandbox.start();
  sandbox.addUser("alice", { name: "Alice", email: "alice@acme.example" });
  sandbox.addUser("carol", { name: "Carol", email: "carol@acme.example" });
  let seq = 0;
  const openPr = (repo: string, s: Scenario) =>
    sandbox.openPullRequest(repo, { author: "carol", head: `bench-${++seq}`, deliver: false, commits: scenarioCommits(s, `p${seq}`) });

  /** Delivers `pull_request.opened` for a fresh PR and returns the wall time until the app answered. */
  const evaluateOnce = async (repo: string, s: Scenario) => {
    const { number, head_sha } = await openPr(repo, s);
    const payload = sandbox.pullRequestEvent(repo, number, "opened");
    sandbox.resetCounters();
    const t0 = performance.now();
    const d = await sandbox.deliver("pull_request", payload);
    if (d.status === 202) await waitQuiet(sandbox);
    const ms = performance.now() - t0;
    if (d.status >= 300) throw new Error(`the app answered ${d.status} to a delivery: ${d.response.slice(0, 200)}`);
    const run = sandbox.latestCheckRun(repo, head_sha);
    if (!run) throw new Error(`no check run posted for ${repo}#${number}`);
    return { ms, counters: sandbox.requestCounters(), conclusion: run.conclusion };
  };

  const results: ScenarioResult[] = [];
  try {
    for (const s of SCENARIOS) {
      const reps = quick ? 1 : s.reps;
      progress(`bench: ${s.name} (${reps} evaluation(s) per latency)…`);
      const repo = `bench/${s.name}`;
      sandbox.createRepo({ repo, files: { ".provenance.yml": DEMO_POLICY }, collaborators: { alice: "write", carol: "write" } });
      const app = await startAppProcess(sandbox, { throttle: false });
      try {
        sandbox.latencyMs = 0;
        // Warm-up: the installation token, the app's identity and the JIT, which a running app already has.
        await evaluateOnce(repo, { ...s, files: Math.min(s.files, 10), commits: Math.min(s.commits, 5) });
        const first = await evaluateOnce(repo, s);
        const at0 = [first.ms];
        for (let r = 1; r < reps; r++) at0.push((await evaluateOnce(repo, s)).ms);
        sandbox.latencyMs = 50;
        const at50: number[] = [];
        for (let r = 0; r < reps; r++) at50.push((await evaluateOnce(repo, s)).ms);
        sandbox.latencyMs = 0;
        results.push({
          name: s.name,
          files: s.files,
          commits: s.commits,
          ai: s.ai,
          requests: first.counters.total,
          requests_by_operation: first.counters.byOperation,
          wall_ms_latency0: Math.round(median(at0)),
          wall_ms_latency50: Math.round(median(at50)),
          rss_mb: await app.peakRssMb(),
          conclusion: first.conclusion,
        });
      } finally {
        await app.stop();
      }
    }

    const typical = SCENARIOS.find((s) => s.name === "10f-5c-ai")!;
    progress("bench: evaluations per second…");
    const evalsPerSec = await throughput(sandbox, "bench/10f-5c-ai", typical, quick ? 8 : 40, false, openPr);
    progress("bench: as shipped (Probot's throttling on)…");
    const throttled = await asShipped(sandbox, typical, quick, openPr, evaluateOnce);
    progress("bench: classification…");
    const classification = measureClassification(quick ? 3 : 7);
    progress("bench: detection by input size…");
    const detection = measureDetection(quick ? 2 : 5);
    const report = { date: new Date().toISOString().slice(0, 10), machine: machine(), scenarios: results, evals_per_sec: evalsPerSec, classification, throttled, audit, detection };
    if (json) process.stdout.write(JSON.stringify(report, null, 2) + "\n");
    else process.stdout.write(renderTable(results, evalsPerSec, classification, throttled) + "\n" + renderAudit(audit) + "\n\n" + renderDetection(detection) + "\n");
    const unknown = sandbox.unknownRoutes();
    if (unknown.length) process.stderr.write(`bench: the app called routes the sandbox does not model: ${unknown.join(", ")}\n`);
    return 0;
  } finally {
    await sandbox.close();
  }
}

/** Evaluations per second with `concurrency` deliveries in flight, at 0 ms latency. */
async function throughput(
  sandbox: Sandbox,
  repo: string,
  s: Scenario,
  count: number,
  throttle: boolean,
  openPr: (repo: string, s: Scenario) => Promise<{ number: number }>,
  concurrency = 4,
): Promise<number> {
  const app = await startAppProcess(sandbox, { throttle });
  try {
    sandbox.latencyMs = 0;
    const prs: number[] = [];
    for (let i = 0; i < count + 1; i++) prs.push((await openPr(repo, s)).number);
    await sandbox.deliver("pull_request", sandbox.pullRequestEvent(repo, prs.shift()!, "opened"));
    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < prs.length) {
          const n = prs[next++];
          const d = await sandbox.deliver("pull_request", sandbox.pullRequestEvent(repo, n, "opened"));
          if (d.status >= 300) throw new Error(`delivery answered ${d.status}`);
        }
      }),
    );
    await waitQuiet(sandbox);
    return Math.round((prs.length / ((performance.now() - t0) / 1000)) * 10) / 10;
  } finally {
    await app.stop();
  }
}

/** The typical AI-assisted PR with Probot's default client, throttling included, as `npm start` runs it. */
async function asShipped(
  sandbox: Sandbox,
  s: Scenario,
  quick: boolean,
  openPr: (repo: string, s: Scenario) => Promise<{ number: number }>,
  evaluateOnce: (repo: string, s: Scenario) => Promise<{ ms: number }>,
): Promise<ThrottledResult> {
  const repo = "bench/as-shipped";
  sandbox.createRepo({ repo, files: { ".provenance.yml": DEMO_POLICY }, collaborators: { alice: "write", carol: "write" } });
  const app = await startAppProcess(sandbox, { throttle: true });
  const times: number[] = [];
  try {
    await evaluateOnce(repo, s);
    sandbox.latencyMs = 50;
    for (let r = 0; r < (quick ? 1 : 3); r++) times.push((await evaluateOnce(repo, s)).ms);
  } finally {
    sandbox.latencyMs = 0;
    await app.stop();
  }
  const evalsPerSec = await throughput(sandbox, repo, s, quick ? 4 : 8, true, openPr);
  return { scenario: s.name, wall_ms_latency50: Math.round(median(times)), evals_per_sec: evalsPerSec };
}

/** Waits until the sandbox has served nothing for a while (after a 202 "still processing"). */
async function waitQuiet(sandbox: Sandbox, quietMs = 300, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = -1;
  let since = Date.now();
  while (Date.now() < deadline) {
    const total = sandbox.requestCounters().total;
    if (total !== last || sandbox.http.busy > 0) {
      last = total;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) return;
    await new Promise((r) => setTimeout(r, 25));
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function machine() {
  return { cpus: cpus().length, cpu_model: cpus()[0]?.model ?? "unknown", memory_gb: Math.round((totalmem() / 1024 ** 3) * 10) / 10, node: process.version, platform: `${process.platform}-${process.arch}` };
}

function renderTable(rows: ScenarioResult[], evalsPerSec: number, c: ClassificationResult, t: ThrottledResult): string {
  const head = ["scenario", "files", "commits", "requests", "ms @0ms", "ms @50ms", "peak RSS MB", "conclusion"];
  const body = rows.map((r) => [r.name, String(r.files), String(r.commits), String(r.requests), String(r.wall_ms_latency0), String(r.wall_ms_latency50), r.rss_mb.toFixed(1), r.conclusion ?? "-"]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  const out = [line(head), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(line), "", "Requests per evaluation, by operation:"];
  for (const r of rows) {
    out.push(`  ${r.name.padEnd(widths[0])}  ${Object.entries(r.requests_by_operation).sort((a, b) => b[1] - a[1]).map(([op, n]) => `${op} ${n}`).join(", ")}`);
  }
  out.push(
    "",
    `Evaluations per second (10 files / 5 commits, AI, 0 ms latency, 4 in flight): ${evalsPerSec}`,
    `Classification: ${c.paths} paths × ${c.patterns} patterns: compile ${c.compile_ms} ms, classify ${c.classify_ms} ms (best of ${c.runs}) = ${c.paths_per_sec.toLocaleString("en")} paths/s`,
    `As shipped (Probot's client throttling on), ${t.scenario}: ${t.wall_ms_latency50} ms per evaluation at 50 ms latency; ${t.evals_per_sec} evaluations/s`,
  );
  return out.join("\n");
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
