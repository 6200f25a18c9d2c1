/**
 * Detection time against input size (SPEC §3: linear in what it reads). Each input shape is
 * measured at 1 KB, 4 KB, … 1 MB, as one commit message and as one PR body; a linear detector
 * takes ~4× as long for each 4× step, a quadratic one ~16×. The shapes are the ones that made
 * backtracking regexes blow up (a trailer key followed by a long run of one character), plus an
 * ordinary long message of many short lines. Best of N runs, so the figure is the code's cost.
 */
import { detectCommit, detectPullRequest } from "../evaluate/detect.js";
import type { Policy } from "../model/policy.js";

export const DETECTION_SIZES = [1024, 4096, 16_384, 65_536, 262_144, 1_048_576];

const SHAPES: Record<string, (n: number) => string> = {
  "co-author + spaces": (n) => `Co-authored-by: a${" ".repeat(Math.max(0, n - 18))}b`,
  "no-assistance + bangs": (n) => `AI-assisted: ${"!".repeat(Math.max(0, n - 14))}x`,
  "prose, 64-char lines": (n) => Array.from({ length: Math.ceil(n / 64) }, (_, i) => `line ${i}: prose mentioning Claude, Cursor and <angle> brackets`.padEnd(63, ".")).join("\n").slice(0, n),
};

export interface DetectionRow {
  shape: string;
  bytes: number;
  commit_ms: number;
  pr_body_ms: number;
  /** This size's commit time over the previous size's (4× the input): ~4 when linear. */
  ratio: number | null;
}

export interface DetectionResult {
  runs: number;
  rows: DetectionRow[];
}

const AI: Policy["ai"] = { labels: ["ai-assisted"], tools: {} };
const PERSON = { login: null, name: "Alice", email: "alice@acme.example" };

function best(runs: number, f: () => void): number {
  let min = Infinity;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    f();
    min = Math.min(min, performance.now() - t0);
  }
  return Math.round(min * 1000) / 1000;
}

export function measureDetection(runs = 5, sizes: readonly number[] = DETECTION_SIZES): DetectionResult {
  const rows: DetectionRow[] = [];
  for (const [shape, make] of Object.entries(SHAPES)) {
    let previous: number | undefined;
    for (const bytes of sizes) {
      const text = make(bytes);
      const commit = { sha: "0".repeat(40), message: `subject\n\n${text}`, author: PERSON, committer: PERSON };
      const pr = { number: 1, author: "alice", author_type: "User" as const, base_ref: "main", head_ref: "x", head_sha: "0".repeat(40), labels: [], body: text, last_push_at: "2026-01-01T00:00:00Z" };
      const commitMs = best(runs, () => detectCommit(commit, AI));
      const prMs = best(runs, () => detectPullRequest(pr, AI));
      rows.push({ shape, bytes, commit_ms: commitMs, pr_body_ms: prMs, ratio: previous ? Math.round((commitMs / previous) * 10) / 10 : null });
      // Tiny inputs measure the timer, not the code: a ratio needs a base of some substance.
      previous = Math.max(commitMs, 0.001);
    }
  }
  return { runs, rows };
}

export function renderDetection(d: DetectionResult): string {
  const head = ["shape", "input", "commit ms", "PR body ms", "×prev (4× input)"];
  const body = d.rows.map((r) => [r.shape, kb(r.bytes), r.commit_ms.toFixed(3), r.pr_body_ms.toFixed(3), r.ratio === null ? "-" : r.ratio.toFixed(1)]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  return [`Detection time by input size (best of ${d.runs}; linear is ~4× per row):`, line(head), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(line)].join("\n");
}

function kb(bytes: number): string {
  return bytes >= 1_048_576 ? `${bytes / 1_048_576} MB` : `${bytes / 1024} KB`;
}
