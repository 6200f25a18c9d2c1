/**
 * The ledger on a long history (`npm run bench -- --ledger`): a synthetic repository made with
 * `git fast-import` — COMMITS commits over thousands of files in the policy's classes, a few per
 * cent of them AI-marked (and touching a minority of the files, as an agent working on some sets
 * does) — and the ledger's wall time and peak memory against the floor measured in the same run:
 * `git log --name-only` over the same history plus `git blame` of the same AI-touched files.
 * Two history lengths show whether memory grows with the history.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
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

function fastImport(dir: string, commits: number, files: number, aiShare: number, aiFileShare: number): { aiCommits: number; aiFiles: Set<string> } {
  const rnd = random(42);
  const paths = Array.from({ length: files }, (_, i) => (i % 2 ? `evals/set${i % 40}/task${i}.yaml` : `data/shard${i % 40}/rows${i}.csv`));
  const aiPool = paths.slice(0, Math.max(1, Math.floor(files * aiFileShare)));
  const contents = new Map<string, string[]>();
  const chunks: string[] = [];
  const aiFiles = new Set<string>();
  let aiCommits = 0;
  const blob = (s: string) => `data ${Buffer.byteLength(s)}\n${s}\n`;
  chunks.push(`blob\nmark :1\n${blob(POLICY)}`);
  for (let c = 0; c < commits; c++) {
    const ai = rnd() < aiShare;
    const pool = ai ? aiPool : paths;
    const changed = new Set<string>();
    const n = 1 + Math.floor(rnd() * 2);
    for (let k = 0; k < n; k++) changed.add(pool[Math.floor(rnd() * pool.length)]);
    const message = ai ? `Update ${n} files\n\nCo-Authored-By: Claude Opus 4.6 <noreply@anthropic.com>\n` : `Update ${n} files\n`;
    if (ai) aiCommits++;
    const ops: string[] = c === 0 ? ["M 100644 :1 .provenance.yml"] : [];
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
    chunks.push(
      `commit refs/heads/main\ncommitter Dev <dev@acme.example> ${when} +0000\n${blob(message)}${c === 0 ? "" : ""}${ops.join("\n")}\n`,
    );
  }
  execFileSync("git", ["init", "-q", "-b", "main", dir]);
  execFileSync("git", ["fast-import", "--quiet"], { cwd: dir, input: chunks.join(""), maxBuffer: 1 << 30 });
  execFileSync("git", ["reset", "-q", "--hard", "main"], { cwd: dir });
  return { aiCommits, aiFiles };
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
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
  // LEDGER_BENCH_COMMITS=2000,8000 (and LEDGER_BENCH_FILES) for a loaded machine.
  const sizes = process.env.LEDGER_BENCH_COMMITS?.split(",").map(Number) ?? (quick ? [5_000, 20_000] : [25_000, 100_000]);
  const rows: LedgerBenchRow[] = [];
  for (const commits of sizes) {
    const dir = mkdtempSync(join(tmpdir(), "ledger-bench-"));
    try {
      const files = Number(process.env.LEDGER_BENCH_FILES ?? 3_000);
      const { aiCommits, aiFiles } = fastImport(dir, commits, files, 0.03, 0.05);
      const concurrency = Math.max(2, Math.min(8, availableParallelism()));
      const floor = await timed(async () => {
        await run("git", ["log", "--name-only", "--format=%H", "HEAD"], dir);
        await bounded([...aiFiles], concurrency, (p) => run("git", ["blame", "--incremental", "-w", "-M", "HEAD", "--", p], dir));
      });
      // The ledger in a child process of its own, reporting its peak RSS.
      let rss = 0;
      const ledger = await timed(async () => {
        const script = `import(${JSON.stringify(cli)}).then(async (m) => { const code = await m.run(["ledger", "--format", "json"], { stdout: { write: () => true }, stderr: process.stderr, cwd: process.cwd(), env: process.env }); process.stderr.write("RSS " + process.resourceUsage().maxRSS + "\\n"); process.exitCode = code; })`;
        const err = await run(process.execPath, ["--input-type=module", "-e", script], dir);
        rss = Number(/RSS (\d+)/.exec(err)?.[1] ?? 0) / 1024;
      });
      rows.push({
        commits,
        files,
        ai_commits: aiCommits,
        ai_files: aiFiles.size,
        floor_ms: Math.round(floor),
        ledger_ms: Math.round(ledger),
        ratio: Math.round((ledger / floor) * 100) / 100,
        ledger_peak_rss_mb: Math.round(rss),
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return rows;
}

export function renderLedger(rows: readonly LedgerBenchRow[]): string {
  const out = ["Ledger on a synthetic history (git fast-import; floor = git log --name-only + git blame of the AI-touched files)", ""];
  out.push("commits   files  AI commits  AI files   floor ms  ledger ms  ledger/floor  ledger peak RSS");
  for (const r of rows) {
    out.push(
      `${String(r.commits).padStart(7)}  ${String(r.files).padStart(6)}  ${String(r.ai_commits).padStart(10)}  ${String(r.ai_files).padStart(8)}  ${String(r.floor_ms).padStart(9)}  ${String(r.ledger_ms).padStart(9)}  ${r.ratio.toFixed(2).padStart(12)}  ${String(r.ledger_peak_rss_mb).padStart(12)} MB`,
    );
  }
  return out.join("\n");
}
