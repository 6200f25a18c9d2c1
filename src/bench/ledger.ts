/**
 * The ledger on a long history (`npm run bench -- --ledger`): a synthetic repository made with
 * `git fast-import` — COMMITS commits over thousands of files in the policy's classes, a few per
 * cent of them AI-marked (and touching a minority of the files, as an agent working on some sets
 * does) — and the ledger's wall time and peak memory against the floor measured in the same run:
 * `git log --name-only` over the same history plus `git blame` of the same AI-touched files.
 * Two history lengths show whether memory grows with the history.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { availableParallelism } from "node:os";

export interface LedgerBenchRow {
  commits: number;
  files: number;
  ai_commits: number;
  ai_files: number;
  floor_ms: number;
  ledger_ms: number;
  ratio: number;
  /** Files the ledger found an AI line in (at most `ai_files`: a later human edit may cover every AI line). */
  ledger_ai_files: number;
  renames: number;
  runs: number;
  floor_cpu_ms: number;
  ledger_cpu_ms: number;
  cpu_ratio: number;
  ledger_peak_rss_mb: number;
}

const POLICY = `version: 1
classes:
  eval: ["evals/**"]
  data: ["data/**"]
rules:
  - name: independent-review
    classes: [eval, data]
    require: { approvals: 1 }
`;

/** A deterministic generator (mulberry32), so every run builds the same history. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The history, by construction: which commits are AI-marked and which files at the head hold a
 * path an AI-marked commit touched (following the renames made along the way) — the floor's
 * blame list, known without asking git.
 */
export function fastImport(dir: string, commits: number, files: number, aiShare: number, aiFileShare: number): { aiCommits: number; aiFiles: Set<string>; renames: number } {
  const rnd = random(42);
  const paths = Array.from({ length: files }, (_, i) => (i % 2 ? `evals/set${i % 40}/task${i}.yaml` : `data/shard${i % 40}/rows${i}.csv`));
  const aiPool = Math.max(1, Math.floor(files * aiFileShare));
  const contents = new Map<string, string[]>();
  const chunks: string[] = [];
  const aiFiles = new Set<string>();
  let aiCommits = 0;
  let renames = 0;
  const blob = (s: string) => `data ${Buffer.byteLength(s)}\n${s}\n`;
  chunks.push(`blob\nmark :1\n${blob(POLICY)}`);
  for (let c = 0; c < commits; c++) {
    const ai = rnd() < aiShare;
    const ops: string[] = c === 0 ? ["M 100644 :1 .provenance.yml"] : [];
    // Now and then a person moves a file (one commit in 500): the ledger's log pass follows
    // renames (-M) and blame follows them back; the floor's blame does the latter too.
    const i = Math.floor(rnd() * paths.length);
    if (!ai && c % 500 === 499 && contents.has(paths[i])) {
      const from = paths[i];
      const to = from.replace(/(\.\w+)$/, `-v${c}$1`);
      paths[i] = to;
      contents.set(to, contents.get(from)!);
      contents.delete(from);
      if (aiFiles.delete(from)) aiFiles.add(to);
      ops.push(`R ${from} ${to}`);
      renames++;
      chunks.push(`commit refs/heads/main\ncommitter Dev <dev@acme.example> ${1_700_000_000 + c * 60} +0000\n${blob("Move a file\n")}${ops.join("\n")}\n`);
      continue;
    }
    const changed = new Set<string>();
    const n = 1 + Math.floor(rnd() * 2);
    for (let k = 0; k < n; k++) changed.add(paths[Math.floor(rnd() * (ai ? aiPool : paths.length))]);
    const message = ai ? `Update ${n} files\n\nCo-Authored-By: Claude Opus 4.6 <noreply@anthropic.com>\n` : `Update ${n} files\n`;
    if (ai) aiCommits++;
    for (const p of changed) {
      if (ai) aiFiles.add(p);
      const lines = contents.get(p) ?? [];
      // Append a line, and now and then rewrite one: blame has real work to do.
      lines.push(`line ${c} ${p}`);
      if (lines.length > 4 && rnd() < 0.3) lines[Math.floor(rnd() * lines.length)] = `edit ${c}`;
      if (lines.length > 60) lines.splice(0, 10);
      contents.set(p, lines);
      ops.push(`M 100644 inline ${p}\n${blob(lines.join("\n"))}`.replace(/\n$/, ""));
    }
    const when = 1_700_000_000 + c * 60;
    chunks.push(`commit refs/heads/main\ncommitter Dev <dev@acme.example> ${when} +0000\n${blob(message)}${ops.join("\n")}\n`);
  }
  execFileSync("git", ["init", "-q", "-b", "main", dir]);
  execFileSync("git", ["fast-import", "--quiet"], { cwd: dir, input: chunks.join(""), maxBuffer: 1 << 30 });
  execFileSync("git", ["reset", "-q", "--hard", "main"], { cwd: dir });
  return { aiCommits, aiFiles, renames };
}

/** CPU milliseconds of this process's reaped descendants (git, the ledger's node and its git), from /proc. */
function childCpuMs(): number {
  try {
    const fields = readFileSync("/proc/self/stat", "utf8").replace(/^.*\) /s, "").split(" ");
    // After the command: state is field 3, so cutime (16) and cstime (17) are at 13 and 14.
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / CLOCK_TICKS;
  } catch {
    return Number.NaN;
  }
}
const CLOCK_TICKS = 100;

async function timed(fn: () => Promise<unknown>): Promise<{ wall: number; cpu: number }> {
  const t0 = performance.now();
  const c0 = childCpuMs();
  await fn();
  return { wall: performance.now() - t0, cpu: childCpuMs() - c0 };
}

function run(cmd: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    child.on("close", (code) => (code === 0 ? resolve(err) : reject(new Error(`${cmd} ${args.join(" ")}: exit ${code}: ${err.slice(0, 300)}`))));
  });
}

async function bounded<T>(items: readonly T[], limit: number, fn: (t: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

export async function measureLedger(quick: boolean, cli: string): Promise<LedgerBenchRow[]> {
  // LEDGER_BENCH_COMMITS=2000,8000 (and LEDGER_BENCH_FILES, LEDGER_BENCH_RUNS) for a loaded machine.
  const sizes = process.env.LEDGER_BENCH_COMMITS?.split(",").map(Number) ?? (quick ? [5_000, 20_000] : [40_000, 100_000]);
  // Floor and ledger take turns, and each keeps its fastest run: on a shared machine a neighbour's
  // burst then slows one run of a side, not the whole comparison.
  const runs = Math.max(1, Number(process.env.LEDGER_BENCH_RUNS ?? 2));
  const rows: LedgerBenchRow[] = [];
  for (const commits of sizes) {
    const dir = mkdtempSync(join(tmpdir(), "ledger-bench-"));
    try {
      const files = Number(process.env.LEDGER_BENCH_FILES ?? 3_000);
      const { aiCommits, aiFiles, renames } = fastImport(dir, commits, files, 0.03, 0.05);
      const concurrency = Math.max(2, Math.min(8, availableParallelism()));
      const floor = { wall: Infinity, cpu: Infinity };
      const ledger = { wall: Infinity, cpu: Infinity };
      let rss = 0;
      let blamed = 0;
      const keep = (best: { wall: number; cpu: number }, t: { wall: number; cpu: number }) => {
        best.wall = Math.min(best.wall, t.wall);
        best.cpu = Math.min(best.cpu, t.cpu);
      };
      for (let r = 0; r < runs; r++) {
        keep(floor, await timed(async () => {
          await run("git", ["log", "--name-only", "--format=%H", "HEAD"], dir);
          await bounded([...aiFiles], concurrency, (p) => run("git", ["blame", "--incremental", "-w", "-M", "HEAD", "--", p], dir));
        }));
        // The ledger in a child process of its own, reporting its peak RSS and how many files it blamed.
        keep(ledger, await timed(async () => {
          const script = `import(${JSON.stringify(cli)}).then(async (m) => { let out = ""; const code = await m.run(["ledger", "--format", "json"], { stdout: { write: (s) => { out += s; return true; } }, stderr: process.stderr, cwd: process.cwd(), env: process.env }); const blamed = JSON.parse(out).files.filter((f) => f.commits.length > 0).length; process.stderr.write("RSS " + process.resourceUsage().maxRSS + " AI " + blamed + "\\n"); process.exitCode = code; })`;
          const err = await run(process.execPath, ["--input-type=module", "-e", script], dir);
          rss = Math.max(rss, Number(/RSS (\d+)/.exec(err)?.[1] ?? 0) / 1024);
          blamed = Number(/ AI (\d+)/.exec(err)?.[1] ?? 0);
        }));
      }
      rows.push({
        commits,
        files,
        ai_commits: aiCommits,
        ai_files: aiFiles.size,
        ledger_ai_files: blamed,
        renames,
        runs,
        floor_ms: Math.round(floor.wall),
        ledger_ms: Math.round(ledger.wall),
        ratio: Math.round((ledger.wall / floor.wall) * 100) / 100,
        floor_cpu_ms: Math.round(floor.cpu),
        ledger_cpu_ms: Math.round(ledger.cpu),
        cpu_ratio: Math.round((ledger.cpu / floor.cpu) * 100) / 100,
        ledger_peak_rss_mb: Math.round(rss),
      });
      // Each size as it is done: a full run takes a while on a shared machine.
      process.stderr.write(`bench: ledger ${JSON.stringify(rows[rows.length - 1])}\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return rows;
}

export function renderLedger(rows: readonly LedgerBenchRow[]): string {
  const out = [
    "Ledger on a synthetic history (git fast-import; floor = git log --name-only + git blame of the AI-touched files;",
    "fastest of the runs each side, taken in turns; CPU = user+sys of the processes each side ran)",
    "",
  ];
  out.push("commits   files  renames  AI commits  AI files (ledger)   floor ms  ledger ms  ledger/floor  CPU ledger/floor  ledger peak RSS");
  for (const r of rows) {
    out.push(
      `${String(r.commits).padStart(7)}  ${String(r.files).padStart(6)}  ${String(r.renames).padStart(7)}  ${String(r.ai_commits).padStart(10)}  ${`${r.ai_files} (${r.ledger_ai_files})`.padStart(17)}  ${String(r.floor_ms).padStart(9)}  ${String(r.ledger_ms).padStart(9)}  ${r.ratio.toFixed(2).padStart(12)}  ${r.cpu_ratio.toFixed(2).padStart(16)}  ${String(r.ledger_peak_rss_mb).padStart(12)} MB`,
    );
  }
  return out.join("\n");
}
