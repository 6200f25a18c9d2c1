/**
 * Line origins (SPEC §9), pure: blame groups plus what is known of their commits → one file's
 * ledger entry. A line is AI when its commit is AI-marked by its own metadata (every line of it,
 * the safe direction), or when a git-ai note or Agent Trace record of that commit covers the
 * line where it stood in that commit. Records only ever add.
 */
import type { Signal } from "../model/verdict.js";
import { type AiRecord, type LineRange, normaliseRanges, rangesContain } from "../provenance-records/record.js";
import { normalisePath } from "../evaluate/classify.js";
import { uniqueSorted } from "../evaluate/order.js";
import { recordEvidence, recordTool } from "../evaluate/record-signals.js";
import type { Policy } from "../model/policy.js";
import type { BlameGroup } from "./blame.js";
import type { LedgerCommit, LedgerFile, LedgerSource } from "./model.js";

/** What the log pass learnt about one AI-marked commit. */
export interface JudgedCommit {
  sha: string;
  /** Decisive signals of its own metadata (trailers, identities, declared tools). */
  signals: Signal[];
  records: AiRecord[];
}

export type ToolFilter = (tool: string) => boolean;

export function sourceOf(kind: Signal["kind"]): LedgerSource {
  if (kind === "author" || kind === "committer" || kind === "declared-identity") return "identity";
  if (kind === "git-ai-note") return "git-ai";
  if (kind === "agent-trace") return "agent-trace";
  return "trailer";
}

interface Attribution {
  tools: string[];
  sources: LedgerSource[];
  evidence: string[];
}

/** What one AI commit means for one path: its own marks for every line, records for their ranges. */
class CommitView {
  readonly own: Attribution;
  readonly records: { ranges: LineRange[]; tool: string; evidence: string; source: LedgerSource }[];

  constructor(commit: JudgedCommit, path: string, ai: Policy["ai"], selected: ToolFilter) {
    const own = commit.signals.filter((s) => selected(s.tool));
    this.own = {
      tools: uniqueSorted(own.map((s) => s.tool)),
      sources: uniqueSorted(own.map((s) => sourceOf(s.kind))) as LedgerSource[],
      evidence: uniqueSorted(own.map((s) => s.evidence)),
    };
    const wanted = normalisePath(path);
    this.records = [];
    for (const record of commit.records) {
      const tool = recordTool(record.agent, ai);
      if (!selected(tool)) continue;
      const ranges = normaliseRanges(record.files.filter((f) => normalisePath(f.path) === wanted).flatMap((f) => f.ranges));
      if (ranges.length > 0) this.records.push({ ranges, tool, evidence: recordEvidence(record), source: record.source });
    }
  }

  /** The attribution of the line that stood at `orig` in this commit, or null when it is human. */
  line(orig: number): Attribution | null {
    const hits = this.records.filter((r) => rangesContain(r.ranges, orig));
    if (hits.length === 0) return this.own.tools.length > 0 ? this.own : null;
    return {
      tools: uniqueSorted([...this.own.tools, ...hits.map((h) => h.tool)]),
      sources: uniqueSorted([...this.own.sources, ...hits.map((h) => h.source)]) as LedgerSource[],
      evidence: uniqueSorted([...this.own.evidence, ...hits.map((h) => h.evidence)]),
    };
  }
}

interface Accumulator {
  commit: LedgerCommit;
  tools: Set<string>;
  sources: Set<LedgerSource>;
  evidence: Set<string>;
  ranges: LineRange[];
}

export function fileFromBlame(
  path: string,
  classes: string[],
  groups: readonly BlameGroup[],
  commits: ReadonlyMap<string, JudgedCommit>,
  ai: Policy["ai"],
  selected: ToolFilter,
): LedgerFile {
  const views = new Map<string, CommitView>();
  const acc = new Map<string, Accumulator>();
  const toolLines = new Map<string, number>();
  let lines = 0;
  let aiLines = 0;
  for (const g of groups) {
    lines += g.count;
    const judged = commits.get(g.sha);
    if (!judged) continue;
    const key = `${g.sha}\0${g.filename}`;
    let view = views.get(key);
    if (!view) views.set(key, (view = new CommitView(judged, g.filename, ai, selected)));
    for (let k = 0; k < g.count; k++) {
      const who = view.line(g.orig + k);
      if (!who) continue;
      aiLines++;
      for (const t of who.tools) toolLines.set(t, (toolLines.get(t) ?? 0) + 1);
      let a = acc.get(g.sha);
      if (!a) {
        a = { commit: { sha: g.sha, tools: [], lines: 0, sources: [], evidence: [], ranges: [] }, tools: new Set(), sources: new Set(), evidence: new Set(), ranges: [] };
        acc.set(g.sha, a);
      }
      a.commit.lines = (a.commit.lines ?? 0) + 1;
      for (const t of who.tools) a.tools.add(t);
      for (const s of who.sources) a.sources.add(s);
      for (const e of who.evidence) a.evidence.add(e);
      const last = a.ranges[a.ranges.length - 1];
      const final = g.final + k;
      if (last && last[1] === final - 1) last[1] = final;
      else a.ranges.push([final, final]);
    }
  }
  return {
    path,
    classes,
    lines,
    ai_lines: aiLines,
    status: aiLines === 0 ? "human" : aiLines === lines ? "ai" : "mixed",
    tools: Object.fromEntries(uniqueSorted(toolLines.keys()).map((t) => [t, toolLines.get(t)!])),
    commits: finish(acc),
  };
}

/** A file judged whole: AI when the commit that last wrote its content is AI-marked. */
export function fileJudgedWhole(
  path: string,
  classes: string[],
  why: NonNullable<LedgerFile["whole"]>,
  lastWriter: string | undefined,
  commits: ReadonlyMap<string, JudgedCommit>,
  selected: ToolFilter,
  ai: Policy["ai"],
): LedgerFile {
  const judged = lastWriter ? commits.get(lastWriter) : undefined;
  const file: LedgerFile = { path, classes, lines: null, ai_lines: null, status: "human", tools: {}, commits: [], whole: why };
  if (!judged) return file;
  const own = judged.signals.filter((s) => selected(s.tool));
  const records = judged.records
    .map((r) => ({ r, tool: recordTool(r.agent, ai) }))
    .filter(({ r, tool }) => selected(tool) && r.files.some((f) => normalisePath(f.path) === normalisePath(path)));
  const tools = uniqueSorted([...own.map((s) => s.tool), ...records.map((x) => x.tool)]);
  if (tools.length === 0) return file;
  file.status = "ai";
  file.tools = Object.fromEntries(tools.map((t) => [t, null]));
  file.commits = [
    {
      sha: judged.sha,
      tools,
      lines: null,
      sources: uniqueSorted([...own.map((s) => sourceOf(s.kind)), ...records.map((x) => x.r.source)]) as LedgerSource[],
      evidence: uniqueSorted([...own.map((s) => s.evidence), ...records.map((x) => recordEvidence(x.r))]),
      ranges: [],
    },
  ];
  return file;
}

function finish(acc: Map<string, Accumulator>): LedgerCommit[] {
  return [...acc.values()]
    .map((a) => ({
      ...a.commit,
      tools: uniqueSorted(a.tools),
      sources: uniqueSorted(a.sources) as LedgerSource[],
      evidence: uniqueSorted(a.evidence),
      ranges: normaliseRanges(a.ranges),
    }))
    .sort((x, y) => (y.lines ?? 0) - (x.lines ?? 0) || (x.sha < y.sha ? -1 : 1));
}
