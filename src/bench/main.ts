/**
 * `npm run bench`: the real app (in a child process, Probot's server and client) evaluating pull
 * requests of several sizes against the sandbox. For each: GitHub requests per evaluation by
 * operation, wall time per evaluation at 0 ms and 50 ms sandbox latency, the app's peak memory;
 * then evaluations per second and classification throughput. `--json` for machines.
 *
 * An evaluation is timed from sending the signed `pull_request.opened` webhook until the completed
 * check run is on the head and the sandbox has answered its write. Probot answers 200 once the
 * handler finished, or 202 after ~9 s while it keeps working, so its answer alone is not the end.
 * The floor: a bare Probot app posting one completed run per webhook, measured the same way, so
 * the app's CPU per evaluation reads as a ratio on this machine in this run.
 */
import { mkdirSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { Sandbox } from "../sandbox/sandbox.js";
import { DEMO_POLICY } from "../sandbox/story.js";
import { startAppProcess } from "./app-process.js";
import { measureClassification, type ClassificationResult } from "./classification.js";
import { measureDetection, renderDetection } from "./detection.js";
import { SCENARIOS, scenarioCommits, type Scenario } from "./scenarios.js";
import { measureAudit, renderAudit } from "./audit.js";
import { measureLedger, renderLedger } from "./ledger.js";
import { measureReliability, renderReliability } from "./reliability.js";
import { measureWindow, renderWindow } from "./window.js";

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
  /** The app process's CPU (user + system) per evaluation, at 0 ms latency. */
  cpu_ms_per_eval: number;
  conclusion: string | null;
}

/** How long one evaluation may take before the bench gives up on it (a 3,000-file PR on a loaded machine). */
const EVALUATION_BOUND_MS = 300_000;

interface ThrottledResult {
  scenario: string;
  wall_ms_latency50: number;
  evals_per_sec: number;
}

const USAGE = `usage: node lib/bench/main.js [--json] [--quick] [--audit] [--ledger] [--detection] [--reliability] [--window] [--scenario <${SCENARIOS.map((s) => s.name).join("|")}>] [--cpu] [--cpu-prof=DIR]`;

const FLAGS = ["--json", "--quick", "--audit", "--ledger", "--detection", "--reliability", "--window", "--cpu"];

/**
 * The options, or what is wrong with them: flags, `--scenario NAME` for one scenario alone, and
 * `--cpu-prof=DIR` for a CPU profile of the app process over each measured batch.
 */
function parseArgs(argv: string[]): { scenario?: Scenario; profileDir?: string } | string {
  let scenario: Scenario | undefined;
  let profileDir: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i].startsWith("--cpu-prof=")) profileDir = argv[i].slice("--cpu-prof=".length);
    else if (argv[i] === "--scenario") {
      const name = argv[++i];
      scenario = SCENARIOS.find((s) => s.name === name);
      if (!scenario) return `bench: no scenario ${name ?? "named after --scenario"}`;
    } else if (!FLAGS.includes(argv[i])) return `bench: unknown option ${argv[i]}`;
  }
  return { scenario, profileDir };
}

export async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if (typeof args === "string") {
    process.stderr.write(`${args}\n${USAGE}\n`);
    return 2;
  }
  const only = args.scenario;
  const json = argv.includes("--json");
  const quick = argv.includes("--quick");
  const cpuOnly = argv.includes("--cpu");
  const { profileDir } = args;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
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
  // The second pull request on a shared head (docs/security.md); `--window` runs only this part.
  if (argv.includes("--window")) {
    const window = await measureWindow(quick, progress);
    process.stdout.write((json ? JSON.stringify({ window }, null, 2) : renderWindow(window)) + "\n");
    return 0;
  }
  // The record of decisions' store (SPEC §10); `--audit` runs only this part.
  if (argv.includes("--audit")) {
    progress("bench: audit store…");
    const audit = await measureAudit(quick);
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
    if (d.status >= 300) throw new Error(`the app answered ${d.status} to a delivery: ${d.response.slice(0, 200)}`);
    const run = await waitEvaluated(sandbox, repo, head_sha);
    return { ms: performance.now() - t0, counters: sandbox.requestCounters(), conclusion: run.conclusion };
  };

  /** The scenario's figures for the app (or the floor app): requests, wall time at 0 and 50 ms, memory, CPU. */
  const measureScenario = async (s: Scenario, repo: string, floor: boolean): Promise<ScenarioResult> => {
    const reps = quick ? 1 : s.reps;
    sandbox.createRepo({ repo, files: { ".provenance.yml": DEMO_POLICY }, collaborators: { alice: "write", carol: "write" } });
    const app = await startAppProcess(sandbox, { throttle: false, floor });
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
      // CPU over a batch of its own, with the JIT warm from the timed evaluations: one or two
      // evaluations would mostly measure compilation and a garbage collection that happened to fall in.
      const cpuEvaluations = cpuOnly ? (quick ? 20 : 50) : quick ? 5 : 10;
      if (profileDir) await app.profile();
      const cpuBefore = await app.cpuMs();
      for (let r = 0; r < cpuEvaluations; r++) await evaluateOnce(repo, s);
      const cpuMs = (await app.cpuMs()) - cpuBefore;
      if (profileDir) await app.profile(join(profileDir, `${floor ? "floor" : s.name}.cpuprofile`));
      return {
        name: s.name,
        files: s.files,
        commits: s.commits,
        ai: s.ai,
        requests: first.counters.total,
        requests_by_operation: first.counters.byOperation,
        wall_ms_latency0: Math.round(median(at0)),
        wall_ms_latency50: Math.round(median(at50)),
        rss_mb: await app.peakRssMb(),
        cpu_ms_per_eval: Math.round((cpuMs / cpuEvaluations) * 10) / 10,
        conclusion: first.conclusion,
      };
    } finally {
      await app.stop();
    }
  };

  const plain = SCENARIOS.find((s) => s.name === "10f-5c")!;
  const results: ScenarioResult[] = [];
  try {
    // The CPU goal alone: one scenario (the typical PR unless named) and the floor, over longer batches.
    if (cpuOnly) {
      progress(`bench: CPU and memory of ${(only ?? plain).name}, then of the floor…`);
      const app = await measureScenario(only ?? plain, `bench/${(only ?? plain).name}`, false);
      const floor = await measureScenario(plain, "bench/floor", true);
      const cpu = { scenario: app.name, cpu_ms_per_eval: app.cpu_ms_per_eval, rss_mb: app.rss_mb, floor: { cpu_ms_per_eval: floor.cpu_ms_per_eval, rss_mb: floor.rss_mb }, cpu_ratio: ratio(app.cpu_ms_per_eval, floor.cpu_ms_per_eval) };
      process.stdout.write((json ? JSON.stringify(cpu, null, 2) : `${cpu.scenario}: ${cpu.cpu_ms_per_eval} CPU ms per evaluation, peak RSS ${cpu.rss_mb} MB; the floor: ${floor.cpu_ms_per_eval} ms, ${floor.rss_mb} MB; ${cpu.cpu_ratio}× the floor`) + "\n");
      return 0;
    }
    for (const s of only ? [only] : SCENARIOS) {
      progress(`bench: ${s.name} (${quick ? 1 : s.reps} evaluation(s) per latency)…`);
      results.push(await measureScenario(s, `bench/${s.name}`, false));
    }
    // One scenario: its row and its requests by operation, none of the comparisons.
    if (only) {
      process.stdout.write((json ? JSON.stringify({ scenarios: results }, null, 2) : renderScenarios(results)) + "\n");
      return 0;
    }
    progress("bench: audit store…");
    const audit = await measureAudit(quick);
    // The floor on the typical PR without AI (≤ 100 files), the figure its CPU goal is set against.
    progress("bench: floor (a bare Probot app posting one completed check run)…");
    const floor = await measureScenario(plain, "bench/floor", true);
    const cpuMsPerEval = results.find((r) => r.name === plain.name)!.cpu_ms_per_eval;
    const cpuRatio = ratio(cpuMsPerEval, floor.cpu_ms_per_eval);

    const typical = SCENARIOS.find((s) => s.name === "10f-5c-ai")!;
    progress("bench: evaluations per second…");
    const evalsPerSec = await throughput(sandbox, "bench/10f-5c-ai", typical, quick ? 8 : 40, false, openPr);
    progress("bench: as shipped (Probot's throttling on)…");
    const throttled = await asShipped(sandbox, typical, quick, openPr, evaluateOnce);
    progress("bench: classification…");
    const classification = measureClassification(quick ? 3 : 7);
    progress("bench: detection by input size…");
    const detection = measureDetection(quick ? 2 : 5);
    const report = {
      date: new Date().toISOString().slice(0, 10),
      machine: machine(),
      scenarios: results,
      cpu_ms_per_eval: cpuMsPerEval,
      floor,
      cpu_ratio: cpuRatio,
      evals_per_sec: evalsPerSec, classification, throttled, audit, detection };
    if (json) process.stdout.write(JSON.stringify(report, null, 2) + "\n");
    else process.stdout.write(renderTable(results, floor, cpuRatio, evalsPerSec, classification, throttled) + "\n" + renderAudit(audit) + "\n\n" + renderDetection(detection) + "\n");
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
  openPr: (repo: string, s: Scenario) => Promise<{ number: number; head_sha: string }>,
  concurrency = 4,
): Promise<number> {
  const app = await startAppProcess(sandbox, { throttle });
  try {
    sandbox.latencyMs = 0;
    const prs: { number: number; head_sha: string }[] = [];
    for (let i = 0; i < count + 1; i++) prs.push(await openPr(repo, s));
    const warmUp = prs.shift()!;
    await sandbox.deliver("pull_request", sandbox.pullRequestEvent(repo, warmUp.number, "opened"));
    await waitEvaluated(sandbox, repo, warmUp.head_sha);
    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < prs.length) {
          const pr = prs[next++];
          const d = await sandbox.deliver("pull_request", sandbox.pullRequestEvent(repo, pr.number, "opened"));
          if (d.status >= 300) throw new Error(`delivery answered ${d.status}`);
        }
      }),
    );
    for (const pr of prs) await waitEvaluated(sandbox, repo, pr.head_sha);
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
  openPr: (repo: string, s: Scenario) => Promise<{ number: number; head_sha: string }>,
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

/**
 * Waits for the evaluation of `head_sha` to end: its completed check run, and the sandbox's answer
 * to that write (so the write is counted). Whatever Probot answered the delivery, 200 or 202.
 */
async function waitEvaluated(sandbox: Sandbox, repo: string, head_sha: string) {
  const run = await sandbox.waitForCheckRun(repo, head_sha, (r) => r.status === "completed", EVALUATION_BOUND_MS);
  await sandbox.waitForIdle(EVALUATION_BOUND_MS);
  return run;
}

function ratio(a: number, b: number): number {
  return Math.round((a / b) * 10) / 10;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function machine() {
  return { cpus: cpus().length, cpu_model: cpus()[0]?.model ?? "unknown", memory_gb: Math.round((totalmem() / 1024 ** 3) * 10) / 10, node: process.version, platform: `${process.platform}-${process.arch}` };
}

function renderTable(rows: ScenarioResult[], floor: ScenarioResult, cpuRatio: number, evalsPerSec: number, c: ClassificationResult, t: ThrottledResult): string {
  return [
    renderScenarios([...rows, { ...floor, name: "floor" }]),
    "",
    `CPU per evaluation, ${floor.files} files / ${floor.commits} commits: the app ${rows.find((r) => r.name === floor.name)?.cpu_ms_per_eval} ms, the floor (a bare Probot app posting one completed check run) ${floor.cpu_ms_per_eval} ms: ${cpuRatio}× the floor`,
    `Evaluations per second (10 files / 5 commits, AI, 0 ms latency, 4 in flight): ${evalsPerSec}`,
    `Classification: ${c.paths} paths × ${c.patterns} patterns: compile ${c.compile_ms} ms, classify ${c.classify_ms} ms (best of ${c.runs}) = ${c.paths_per_sec.toLocaleString("en")} paths/s`,
    `As shipped (Probot's client throttling on), ${t.scenario}: ${t.wall_ms_latency50} ms per evaluation at 50 ms latency; ${t.evals_per_sec} evaluations/s`,
  ].join("\n");
}

/** The scenarios' table, then each one's requests by operation. */
function renderScenarios(rows: ScenarioResult[]): string {
  const head = ["scenario", "files", "commits", "requests", "ms @0ms", "ms @50ms", "CPU ms", "peak RSS MB", "conclusion"];
  const body = rows.map((r) => [
    r.name,
    String(r.files),
    String(r.commits),
    String(r.requests),
    String(r.wall_ms_latency0),
    String(r.wall_ms_latency50),
    String(r.cpu_ms_per_eval),
    r.rss_mb.toFixed(1),
    r.conclusion ?? "-",
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  const out = [line(head), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(line), "", "Requests per evaluation, by operation:"];
  for (const r of rows) {
    out.push(`  ${r.name.padEnd(widths[0])}  ${Object.entries(r.requests_by_operation).sort((a, b) => b[1] - a[1]).map(([op, n]) => `${op} ${n}`).join(", ")}`);
  }
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
