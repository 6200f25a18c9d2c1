/**
 * `provenance-gate demo` / `npm run demo`: the whole app on the embedded sandbox — a local GitHub
 * stand-in, real signed webhooks over HTTP, the real Probot server — playing the story of one pull
 * request from "blocked" to "approved by an independent reviewer". Exit 0 when every step ends in
 * the expected conclusion, 1 otherwise (CI relies on it), 2 for a bad flag.
 */
import { startAppAgainstSandbox, type RunningApp, type StartAppOptions } from "./probot-runner.js";
import { Sandbox } from "./sandbox.js";
import { DEMO_REPO, runDemoStory, setUpDemoRepo, type StepResult } from "./story.js";
import { isoSeconds, virtualClock } from "./clock.js";
import { demoAuditStore, readDemoRecord, type DemoRecord } from "./demo-audit.js";

const USAGE = "usage: provenance-gate demo [--json] [--no-color]";

/** `app`: how the app runs (default: as `npm start` runs it; tests drop the write spacing). */
export async function runDemo(argv: string[], app: StartAppOptions = {}): Promise<number> {
  const unknown = argv.filter((a) => !["--json", "--no-color", "--color"].includes(a));
  if (unknown.length) {
    process.stderr.write(`provenance-gate demo: unknown option ${unknown[0]}\n${USAGE}\n`);
    return 2;
  }
  const json = argv.includes("--json");
  const color = !json && !argv.includes("--no-color") && (argv.includes("--color") || (process.stdout.isTTY === true && !process.env.NO_COLOR));
  const paint = painter(color);
  const out = (s = "") => process.stdout.write(s + "\n");
  const started = performance.now();

  let sandbox: Sandbox | undefined;
  let running: RunningApp | undefined;
  // The app records the story's results and its merge: to $PROVENANCE_DB, else a temporary file.
  const audit = demoAuditStore();
  try {
    // The story takes a dozen one-second ticks: starting two minutes back keeps its timestamps
    // close to the reader's clock and still never ahead of the app's "now".
    sandbox = await Sandbox.start({ clock: virtualClock(isoSeconds(new Date(Date.now() - 120_000))) });
    setUpDemoRepo(sandbox);
    running = await startAppAgainstSandbox(sandbox, app);
    if (!json) {
      out(paint.bold("Provenance Gate demo"));
      out(paint.dim(`GitHub stand-in ${sandbox.url} · real Probot app on ${new URL(running.webhookUrl).host} · webhooks signed with X-Hub-Signature-256`));
      out(paint.dim(`${DEMO_REPO}: AI-assisted changes to evals/ or data/ need 1 approval from someone who did not drive the AI session`));
      out(paint.dim("alice, bob and carol all have write access."));
      out();
    }
    const steps = await runDemoStory(sandbox, DEMO_REPO, json ? undefined : (s) => out(formatStep(s, paint)));
    const record = await readDemoRecord(audit, DEMO_REPO);
    const ok = steps.every((s) => s.ok) && record.merge?.approved_head_matches === true;
    const ms = Math.round(performance.now() - started);
    if (json) {
      out(JSON.stringify({ ok, repository: DEMO_REPO, sandbox: sandbox.url, total_ms: ms, timeline: steps, audit: record }, null, 2));
    } else {
      out();
      for (const line of formatRecord(record)) out(paint.dim(line));
      out();
      const failed = steps.filter((s) => !s.ok);
      if (ok) out(paint.green(`✔ The story played out as expected in ${(ms / 1000).toFixed(1)} s.`));
      else {
        out(paint.red(`✘ ${failed.length} step(s) ended differently than expected: ${failed.map((s) => `#${s.step} expected ${s.expected}, got ${s.conclusion ?? "no check"}`).join("; ")}.`));
        for (const line of running.logs.slice(-5)) out(paint.dim(`  app log: ${line.slice(0, 300)}`));
      }
    }
    return ok ? 0 : 1;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (json) out(JSON.stringify({ ok: false, error: message }));
    else process.stderr.write(`provenance-gate demo: ${message}\n`);
    return 1;
  } finally {
    await running?.stop().catch(() => undefined);
    await sandbox?.close().catch(() => undefined);
    await audit.release();
  }
}

/** The lines that say where the record is and how to read it. */
export function formatRecord(record: DemoRecord): string[] {
  const merge = record.merge;
  const lines = [
    merge
      ? `Recorded in ${record.db}: ${record.evaluations} results and the merge (${merge.merge_commit_sha?.slice(0, 7)} by ${merge.merged_by}; ` +
        `merged head is the approved head: ${merge.approved_head_matches ? "yes" : "NO"}).`
      : `No merge record reached ${record.db}.`,
    `See it:   provenance-gate audit export --db ${record.db} --kind merge --format csv`,
    `Check it: provenance-gate audit verify --db ${record.db}`,
  ];
  return lines;
}

type Paint = ReturnType<typeof painter>;

function painter(on: boolean) {
  const wrap = (code: string) => (s: string) => (on ? `\u001b[${code}m${s}\u001b[0m` : s);
  return { bold: wrap("1"), dim: wrap("2"), red: wrap("31"), green: wrap("32"), yellow: wrap("33"), cyan: wrap("36") };
}

/** One step of the story as the demo prints it (two or three lines). */
export function formatStep(s: StepResult, paint: Paint = painter(false)): string {
  const time = s.at.slice(11, 19);
  const conclusion = s.conclusion ?? "no check";
  const colour = s.conclusion === "success" ? paint.green : s.conclusion === "failure" ? paint.red : paint.yellow;
  const mark = s.ok ? "" : paint.red(`  ✘ expected ${s.expected}`);
  const lines = [
    `${String(s.step).padStart(2)}  ${paint.dim(time)}  ${paint.cyan(s.actor.padEnd(6))}${s.action}`,
    `    ${" ".repeat(8)}  ${"".padEnd(6)}${colour(conclusion.padEnd(16))} ${s.title ?? ""}${mark}`,
  ];
  if (s.detail) lines.push(`    ${" ".repeat(8)}  ${"".padEnd(6)}${paint.dim("↳ " + s.detail)}`);
  return lines.join("\n");
}
