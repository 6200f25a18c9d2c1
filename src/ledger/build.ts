/**
 * Builds the ledger of a local clone at a revision (SPEC §9). The costly steps run only where
 * they can matter: one streamed pass over the log finds the AI-marked commits and the paths they
 * touched; only files at the revision whose history holds such a commit are blamed; every other
 * file in scope is human, its lines counted by one `git diff --numstat` against the empty tree.
 */
import { availableParallelism } from "node:os";
import { compileClassifier } from "../evaluate/classify.js";
import { detectCommit } from "../evaluate/detect.js";
import { mapBounded } from "../load/build-snapshot.js";
import { listNotes, readObjects } from "../load/git/ai-records.js";
import { bothSides, commitPaths, createGit, type Git } from "../load/git/index.js";
import { FLOOR_CLASS_NAME, type Policy } from "../model/policy.js";
import { AGENT_TRACE_FILE, AGENT_TRACE_NOTES_REF, parseAgentTrace, type TraceRecord } from "../provenance-records/agent-trace.js";
import { GIT_AI_NOTES_REF, gitAiRecords, parseGitAiNote } from "../provenance-records/git-ai-note.js";
import { type AiRecord, type RecordWarning, describeRecordWarning } from "../provenance-records/record.js";
import { parseIncrementalBlame } from "./blame.js";
import { gitStream, gitText } from "./git-stream.js";
import { LEDGER_LOG_FORMAT, LogScanner } from "./log-scan.js";
import type { Ledger, LedgerFile } from "./model.js";
import { fileFromBlame, fileJudgedWhole, type JudgedCommit, type ToolFilter } from "./origins.js";
import { ledgerTotals } from "./totals.js";

/** Files larger than this are judged whole: a blame of them costs more than it tells. */
export const MAX_BLAME_BYTES = 16 * 1024 * 1024;

export interface LedgerOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Full SHA of the revision. */
  revision: string;
  repository: string;
  policy: Policy;
  policyRef: { path: string; blob: string | null };
  allFiles: boolean;
  selected: ToolFilter;
  toolsLabel: string;
}

interface TreeEntry {
  mode: string;
  size: number;
  path: string;
}

export async function buildLedger(o: LedgerOptions): Promise<Ledger> {
  const git = createGit({ cwd: o.cwd, env: o.env });
  const warnings: RecordWarning[] = [];

  const classify = compileClassifier(o.policy);
  const scope: { entry: TreeEntry; classes: string[] }[] = [];
  for (const entry of await tree(git, o.revision)) {
    const classes = classify(entry.path).filter((c) => c !== FLOOR_CLASS_NAME);
    if (classes.length > 0 || o.allFiles) scope.push({ entry, classes });
  }

  const records = await readRecords(git, o, warnings);
  const { judged, aiPaths } = await scanHistory(git, o, records);

  const candidates = scope.filter((s) => aiPaths.has(s.entry.path));
  const counts = await lineCounts(git, o, scope.map((s) => s.entry.path));
  const concurrency = Math.max(2, Math.min(8, availableParallelism()));

  const blamed = await mapBounded(candidates, concurrency, async ({ entry, classes }): Promise<LedgerFile> => {
    const count = counts.get(entry.path);
    const whole = entry.mode === "120000" || count === null ? "binary" : entry.size > MAX_BLAME_BYTES ? "too-large" : undefined;
    if (!whole) {
      try {
        const out = await git(["blame", "--incremental", "-w", "-M", o.revision, "--", entry.path]);
        return fileFromBlame(entry.path, classes, parseIncrementalBlame(out), judged, o.policy.ai, o.selected);
      } catch {
        return fileJudgedWhole(entry.path, classes, "unblameable", await lastWriter(git, o.revision, entry.path), judged, o.selected, o.policy.ai);
      }
    }
    return fileJudgedWhole(entry.path, classes, whole, await lastWriter(git, o.revision, entry.path), judged, o.selected, o.policy.ai);
  });
  const byPath = new Map(blamed.map((f) => [f.path, f]));

  const files = scope.map(({ entry, classes }): LedgerFile => {
    const done = byPath.get(entry.path);
    if (done) return done;
    const lines = counts.get(entry.path);
    return lines === null || lines === undefined
      ? { path: entry.path, classes, lines: null, ai_lines: null, status: "human", tools: {}, commits: [], whole: "binary" }
      : { path: entry.path, classes, lines, ai_lines: 0, status: "human", tools: {}, commits: [] };
  });

  return {
    repository: o.repository,
    revision: o.revision,
    policy: o.policyRef,
    tools: o.toolsLabel,
    files,
    totals: ledgerTotals(files),
    warnings: warnings.map(describeRecordWarning),
  };
}

/** Blobs and links at the revision, with sizes (submodules have no lines of ours). */
async function tree(git: Git, revision: string): Promise<TreeEntry[]> {
  const out = await git(["ls-tree", "-r", "-z", "-l", "--full-tree", revision]);
  const entries: TreeEntry[] = [];
  for (const rec of out.split("\0")) {
    const tab = rec.indexOf("\t");
    if (tab < 0) continue;
    const [mode, type, , size] = rec.slice(0, tab).trim().split(/\s+/);
    if (type !== "blob") continue;
    entries.push({ mode, size: Number(size) || 0, path: rec.slice(tab + 1) });
  }
  return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

interface Records {
  /** Notes, by the commit they are attached to. */
  notes: Map<string, AiRecord[]>;
  /** Traces-file records by lower-case `vcs.revision` (full or abbreviated). */
  traces: Map<string, TraceRecord[]>;
  traceLengths: Set<number>;
}

async function readRecords(git: Git, o: LedgerOptions, warnings: RecordWarning[]): Promise<Records> {
  const [ai, trace] = await Promise.all([listNotes(git, GIT_AI_NOTES_REF), listNotes(git, AGENT_TRACE_NOTES_REF)]);
  const blobs = await readObjects(o.cwd, o.env, [...new Set([...ai.values(), ...trace.values()])]);
  const notes = new Map<string, AiRecord[]>();
  const add = (sha: string, list: AiRecord[]) => {
    if (list.length > 0) notes.set(sha, [...(notes.get(sha) ?? []), ...list]);
  };
  for (const [commit, blob] of ai) {
    const parsed = parseGitAiNote(blobs.get(blob) ?? "");
    if (parsed.ok) add(commit, gitAiRecords(parsed.value));
    else warnings.push({ from: GIT_AI_NOTES_REF, commit, message: parsed.error });
  }
  for (const [commit, blob] of trace) {
    const parsed = parseAgentTrace(blobs.get(blob) ?? "", AGENT_TRACE_NOTES_REF, commit);
    warnings.push(...parsed.warnings);
    add(commit, parsed.records.map(({ revision: _r, ...rest }) => rest));
  }

  const traces = new Map<string, TraceRecord[]>();
  const traceLengths = new Set<number>();
  let text: string | undefined;
  try {
    text = await git(["show", `${o.revision}:${AGENT_TRACE_FILE}`]);
  } catch {
    text = undefined;
  }
  if (text !== undefined) {
    const parsed = parseAgentTrace(text, AGENT_TRACE_FILE);
    warnings.push(...parsed.warnings);
    for (const r of parsed.records) {
      const rev = r.revision?.toLowerCase();
      if (!rev || rev.length < 7 || !/^[0-9a-f]+$/.test(rev)) continue;
      traces.set(rev, [...(traces.get(rev) ?? []), r]);
      traceLengths.add(rev.length);
    }
  }
  return { notes, traces, traceLengths };
}

function recordsOf(records: Records, sha: string): AiRecord[] {
  const own = records.notes.get(sha) ?? [];
  if (records.traces.size === 0) return own;
  const traced: AiRecord[] = [];
  for (const n of records.traceLengths) {
    for (const { revision: _r, ...rest } of records.traces.get(sha.slice(0, n)) ?? []) traced.push(rest);
  }
  return traced.length ? [...own, ...traced] : own;
}

/** The one pass over the log: AI-marked commits, and every path that may hold one of their lines. */
async function scanHistory(git: Git, o: LedgerOptions, records: Records): Promise<{ judged: Map<string, JudgedCommit>; aiPaths: Set<string> }> {
  const judged = new Map<string, JudgedCommit>();
  const aiPaths = new Set<string>();
  const renames: [string, string][] = [];
  const merges: string[] = [];
  const scanner = new LogScanner((c) => {
    for (const r of c.renames) renames.push(r);
    const signals = detectCommit(c.commit, o.policy.ai).filter((s) => s.decisive);
    const attested = recordsOf(records, c.commit.sha);
    if (signals.length === 0 && attested.length === 0) return;
    judged.set(c.commit.sha, { sha: c.commit.sha, signals, records: attested });
    for (const p of c.paths) aiPaths.add(p);
    for (const r of attested) for (const f of r.files) aiPaths.add(f.path);
    if (c.merge) merges.push(c.commit.sha);
  });
  await gitStream(["log", "-z", "--name-status", "-M", `--format=${LEDGER_LOG_FORMAT}`, "--end-of-options", o.revision, "--"], {
    cwd: o.cwd,
    env: o.env,
    onData: (chunk) => scanner.push(chunk),
  });
  scanner.end();
  // git log shows merges without a diff; an AI-marked merge may have written lines (a resolution).
  for (const sha of merges) for (const p of bothSides(await commitPaths(git, sha))) aiPaths.add(p);
  // The log is newest first; a path renamed from an AI-touched one may hold its lines.
  for (let i = renames.length - 1; i >= 0; i--) if (aiPaths.has(renames[i][0])) aiPaths.add(renames[i][1]);
  return { judged, aiPaths };
}

/** Line counts of paths at the revision; null for a binary file. One process per 1,000 paths. */
async function lineCounts(git: Git, o: LedgerOptions, paths: readonly string[]): Promise<Map<string, number | null>> {
  const counts = new Map<string, number | null>();
  if (paths.length === 0) return counts;
  const empty = (await gitText(["hash-object", "-t", "tree", "--stdin"], { cwd: o.cwd, env: o.env, input: "" })).trim();
  for (let i = 0; i < paths.length; i += 1000) {
    const chunk = paths.slice(i, i + 1000).map((p) => `:(literal)${p}`);
    const out = await git(["diff", "--numstat", "-z", "--no-renames", "--no-ext-diff", "--no-textconv", empty, o.revision, "--", ...chunk]);
    for (const rec of out.split("\0")) {
      const m = /^(\d+|-)\t(\d+|-)\t([\s\S]*)$/.exec(rec.replace(/^\n/, ""));
      if (m) counts.set(m[3], m[1] === "-" ? null : Number(m[1]));
    }
  }
  // An empty file has no numstat line: zero lines.
  for (const p of paths) if (!counts.has(p)) counts.set(p, 0);
  return counts;
}

/** The commit that last wrote the file's content (a pure rename does not write it). */
async function lastWriter(git: Git, revision: string, path: string): Promise<string | undefined> {
  const out = await git(["log", "-1", "--follow", "-M", "--diff-filter=ACMT", "--format=%H", revision, "--", path]);
  return out.trim() || undefined;
}

