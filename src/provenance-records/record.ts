/**
 * Line-level AI attestations read from outside the commit message: git-ai notes
 * (`refs/notes/ai`) and Agent Trace records. Both parsers reduce their format to this one
 * shape, which the snapshot carries on a commit (`ai_records`) and the ledger reads per line.
 */

import { shortSha } from "../shared/format.js";

/** An inclusive, 1-based line range at the attested commit: `[start, end]`. */
export type LineRange = [number, number];

export type RecordSource = "git-ai" | "agent-trace";

export interface AiRecordFile {
  path: string;
  ranges: LineRange[];
}

export interface AiRecord {
  source: RecordSource;
  /** The tool as the record names it (git-ai `agent_id.tool`, Agent Trace `tool.name`), or "" when it names none. */
  agent: string;
  /** The model, when the record names one. */
  model?: string;
  /** Where it was read: `refs/notes/ai`, `refs/notes/agent-trace` or `.agent-trace/traces.jsonl`. */
  from: string;
  /** The session or conversation key, for evidence (`s_c9883b05a2487d`, a conversation URL). */
  key?: string;
  /** Files and the AI line ranges in them; only AI ranges are kept (human ones never mark anything). */
  files: AiRecordFile[];
}

/** A source that could not be read; never fatal — the rest of the history is still judged. */
export interface RecordWarning {
  from: string;
  /** The commit the note is attached to, when the source is a note. */
  commit?: string;
  message: string;
}

/** One line for a person: where the unreadable source is, and what is wrong with it. */
export function describeRecordWarning(w: RecordWarning): string {
  return `${w.from}${w.commit ? ` on ${shortSha(w.commit)}` : ""}: ${w.message}`;
}

/** Sorted, merged, positive ranges; anything else in the input is dropped. */
export function normaliseRanges(ranges: readonly LineRange[]): LineRange[] {
  const valid = ranges
    .filter(([a, b]) => Number.isSafeInteger(a) && Number.isSafeInteger(b) && a >= 1 && b >= a)
    .map(([a, b]) => [a, b] as LineRange)
    .sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const out: LineRange[] = [];
  for (const r of valid) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else out.push(r);
  }
  return out;
}

export function rangesContain(ranges: readonly LineRange[], line: number): boolean {
  // Ranges are few per file; a linear scan is cheaper than a search for the usual handful.
  for (const [a, b] of ranges) if (line >= a && line <= b) return true;
  return false;
}

export function countLines(ranges: readonly LineRange[]): number {
  return ranges.reduce((n, [a, b]) => n + b - a + 1, 0);
}

/** Does a record's revision (full or abbreviated SHA) name this commit? */
export function revisionMatches(revision: string, sha: string): boolean {
  const r = revision.trim().toLowerCase();
  return r.length >= 7 && /^[0-9a-f]+$/.test(r) && sha.toLowerCase().startsWith(r);
}
