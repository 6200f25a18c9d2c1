/**
 * The ledger's output (SPEC §9). `--format json` prints a `Ledger` as is, so field names are a
 * public interface: add fields, never rename them.
 */
import type { LineRange } from "../provenance-records/record.js";

/** Kinds of evidence a line's origin rests on. */
export type LedgerSource = "trailer" | "identity" | "git-ai" | "agent-trace";

export interface LedgerCommit {
  sha: string;
  tools: string[];
  /** Lines of the file at the revision that came from this commit as AI; null for a binary file. */
  lines: number | null;
  sources: LedgerSource[];
  evidence: string[];
  /** Those lines, in the file at the revision. */
  ranges: LineRange[];
}

export type LedgerStatus = "ai" | "mixed" | "human";

export interface LedgerFile {
  path: string;
  classes: string[];
  /** null for a binary file (or one too large to blame), which is judged whole. */
  lines: number | null;
  ai_lines: number | null;
  status: LedgerStatus;
  /** Lines per tool (a line of two tools counts for both); null counts for a file judged whole. */
  tools: Record<string, number | null>;
  commits: LedgerCommit[];
  /** Set when the file was judged whole, and why. */
  whole?: "binary" | "too-large" | "unblameable";
}

export interface LedgerTotals {
  files: number;
  ai_files: number;
  mixed_files: number;
  lines: number;
  ai_lines: number;
  by_tool: Record<string, number>;
  by_class: Record<string, { files: number; ai_files: number; mixed_files: number; lines: number; ai_lines: number }>;
}

export interface Ledger {
  repository: string;
  revision: string;
  policy: { path: string; blob: string | null };
  /** Which tools' lines count: `all`, `external`, or the listed ids. */
  tools: string;
  files: LedgerFile[];
  totals: LedgerTotals;
  /** Notes and trace lines that could not be read (never fatal). */
  warnings: string[];
}
