/**
 * Which changes an AI tool made, and who made each change (SPEC §4): per-commit detection,
 * PR-level marks, and for every changed-file entry the commits whose content reached it —
 * following renames and copies in later commits, so moving AI output into a protected path
 * does not wash it.
 */
import type { Policy } from "../model/policy.js";
import { EMPTY_BLOB, type CommitFile, type Snapshot, type SnapshotCommit, type SnapshotFile } from "../model/snapshot.js";
import type { Signal } from "../model/verdict.js";
import { pathKey } from "./classify.js";
import { detectPullRequest } from "./detect.js";
import { commitSignals } from "./record-signals.js";
import { byString, sortedBy, uniqueSorted } from "./order.js";

export interface MarkedCommit {
  commit: SnapshotCommit;
  signals: Signal[];
  tools: string[];
}

export interface FileAttribution {
  file: SnapshotFile;
  /** Tools that touched the entry: through its commits or a PR-level mark. */
  tools: string[];
  /** Full SHAs of the AI-marked commits whose content reached it. */
  commits: string[];
  /**
   * Every commit whose change reached the entry, AI-marked or not, in the pull request's order:
   * their authors are the contributors to the file.
   */
  origins: SnapshotCommit[];
  /** When AI content reached the entry by its blob rather than by its name: where it was written. */
  contentFrom?: ContentSource;
}

export interface ContentSource {
  /** The path the AI-marked commit wrote the blob to. */
  path: string;
  /** That commit's full SHA. */
  commit: string;
  tools: string[];
  /** Whether the entry's blob at the head is that blob (else an earlier commit copied it, and it changed since). */
  atHead: boolean;
}

export interface Attribution {
  marked: MarkedCommit[];
  /** Decisive signals, commit- and PR-level. */
  signals: Signal[];
  hints: Signal[];
  /** Tools of PR-level signals: they mark every changed file. */
  prTools: string[];
  /** The PR-level signal that the author is an agent account, if any. */
  agentAuthor?: Signal;
  files: FileAttribution[];
}

/** A commit's file entries as (path, source of a rename or copy, blob left at the path). */
function entriesOf(files: CommitFile[]): { path: string; from?: string; renamed?: boolean; blob?: string }[] {
  return files.map((f) => {
    if (typeof f === "string") return { path: f };
    const blob = contentBlob(f.status, f.sha);
    const moved = (f.status === "renamed" || f.status === "copied") && f.previous_filename !== undefined;
    return { path: f.filename, ...(moved ? { from: f.previous_filename, renamed: f.status === "renamed" } : {}), ...(blob ? { blob } : {}) };
  });
}

/**
 * A blob that says where content came from: not a removal's, and not the empty blob, which every
 * empty file has (`__init__.py`, `.gitkeep`) — an AI commit's empty file and a person's are the
 * same object without either having copied the other, and there is no content to carry.
 */
function contentBlob(status: string, sha: string | undefined): string | undefined {
  return status === "removed" || sha === undefined || sha === EMPTY_BLOB ? undefined : sha;
}

/** Where a file's content came from: a blob an AI-marked commit wrote, at `path` in commit `commit` (an index). */
interface ContentOrigin {
  path: string;
  commit: number;
}

interface Lineage {
  /** For each path key, the indexes of the commits whose content reached it. */
  origins: Map<string, Set<number>>;
  /** For each path key, the AI-written blobs that reached it by content (not by its own name). */
  copies: Map<string, ContentOrigin[]>;
  /** Each blob an AI-marked commit wrote: where, first, and the commits whose content it holds. */
  written: Map<string, { from: ContentOrigin; origins: Set<number> }>;
  /** Commits without a file list: they touch every path. */
  everywhere: number[];
}

/**
 * Walks the commits oldest first; a rename or copy carries the source's history to its new name,
 * however often it moves, and an entry that leaves a blob an earlier AI-marked commit wrote
 * carries that blob's history: a plain copy (git lists it as added) or a move that a run's net
 * change cannot name is still the AI's content. Sources are read as they were before the commit,
 * so swaps within one commit are exact. Commits without a file list touch every path.
 */
function lineage(commits: SnapshotCommit[], marked: ReadonlyMap<number, MarkedCommit>): Lineage {
  const origins = new Map<string, Set<number>>();
  const copies = new Map<string, ContentOrigin[]>();
  const written = new Map<string, { from: ContentOrigin; origins: Set<number> }>();
  const everywhere: number[] = [];
  commits.forEach((commit, i) => {
    if (!commit.files) {
      everywhere.push(i);
      return;
    }
    const entries = entriesOf(commit.files).map((e) => ({ ...e, key: pathKey(e.path), from: e.from === undefined ? undefined : pathKey(e.from) }));
    const carried = entries.map((e) => {
      const byName = e.from === undefined ? [] : [...(origins.get(e.from) ?? [])];
      const byContent = e.blob === undefined ? undefined : written.get(e.blob);
      return {
        commits: [...byName, ...(byContent?.origins ?? [])],
        copies: [...(e.from === undefined ? [] : (copies.get(e.from) ?? [])), ...(byContent ? [byContent.from] : [])],
      };
    });
    const touch = (key: string, also: { commits: number[]; copies: ContentOrigin[] }) => {
      const set = origins.get(key) ?? new Set<number>();
      set.add(i);
      for (const c of also.commits) set.add(c);
      origins.set(key, set);
      if (also.copies.length > 0) copies.set(key, [...(copies.get(key) ?? []), ...also.copies]);
    };
    entries.forEach((e, j) => {
      touch(e.key, carried[j]);
      // A rename changes its source too (it removes it); a copy leaves the source as it was.
      if (e.renamed) touch(e.from!, { commits: [], copies: [] });
    });
    if (!marked.has(i)) return;
    // By path, so which of one commit's paths names a blob it wrote twice does not depend on the loader's order.
    for (const e of sortedBy(entries, (x) => x.path)) {
      if (e.blob !== undefined && !written.has(e.blob)) written.set(e.blob, { from: { path: e.path, commit: i }, origins: new Set(origins.get(e.key)) });
    }
  });
  return { origins, copies, written, everywhere };
}

export function attribute(policy: Policy, snapshot: Snapshot): Attribution {
  const marked = new Map<number, MarkedCommit>();
  snapshot.commits.forEach((commit, i) => {
    const signals = commitSignals(commit, policy.ai).filter((s) => s.decisive);
    if (signals.length > 0) marked.set(i, { commit, signals, tools: uniqueSorted(signals.map((s) => s.tool)) });
  });

  const prSignals = detectPullRequest(snapshot.pull_request, policy.ai);
  const prDecisive = prSignals.filter((s) => s.decisive);
  const prTools = uniqueSorted(prDecisive.map((s) => s.tool));
  const { origins, copies, written, everywhere } = lineage(snapshot.commits, marked);

  const files = snapshot.files.map((file): FileAttribution => {
    const keys = [file.filename, file.previous_filename].filter((n): n is string => !!n).map(pathKey);
    // A commit whose file list is missing is taken to touch everything: the loader could not
    // say, and guessing "nothing" would be the unsafe direction.
    const reached = new Set(everywhere);
    for (const key of keys) for (const i of origins.get(key) ?? []) reached.add(i);
    // The head's blob of the file, when the loader read it: exactly what an AI-marked commit wrote
    // is AI content, whatever the commit lists say about how it got there.
    const blob = contentBlob(file.status, file.sha);
    const atHead = blob === undefined ? undefined : written.get(blob);
    for (const i of atHead?.origins ?? []) reached.add(i);
    const order = [...reached].sort((a, b) => a - b);
    const touching = order.flatMap((i) => marked.get(i) ?? []);
    // Content the AI wrote under this very name reached it by its name: no copy to speak of.
    const taken = [...(atHead ? [atHead.from] : []), ...keys.flatMap((key) => copies.get(key) ?? [])].filter((o) => !keys.includes(pathKey(o.path)));
    return {
      file,
      tools: uniqueSorted([...touching.flatMap((m) => m.tools), ...prTools]),
      commits: uniqueSorted(touching.map((m) => m.commit.sha)),
      origins: order.map((i) => snapshot.commits[i]),
      ...contentFrom(taken, atHead !== undefined && taken.includes(atHead.from), snapshot.commits, marked),
    };
  });

  return {
    marked: [...marked.values()],
    signals: sortSignals([...[...marked.values()].flatMap((m) => m.signals), ...prDecisive]),
    hints: sortSignals(prSignals.filter((s) => !s.decisive)),
    prTools,
    ...agentAuthorOf(prDecisive),
    files,
  };
}

/** The first AI write whose content reached the file by content, for the message that says so. */
function contentFrom(taken: ContentOrigin[], atHead: boolean, commits: SnapshotCommit[], marked: ReadonlyMap<number, MarkedCommit>): { contentFrom?: ContentSource } {
  const first = [...taken].sort((a, b) => a.commit - b.commit || byString(a.path, b.path))[0];
  if (!first) return {};
  return { contentFrom: { path: first.path, commit: commits[first.commit].sha, tools: marked.get(first.commit)!.tools, atHead } };
}

function agentAuthorOf(signals: Signal[]): { agentAuthor?: Signal } {
  const s = signals.find((x) => x.kind === "pr-author");
  return s ? { agentAuthor: s } : {};
}

/** A stable order, so the verdict does not depend on the order a loader listed commits in. */
function sortSignals(signals: Signal[]): Signal[] {
  const key = (s: Signal) => [s.commit ?? "", s.where, s.tool, s.kind, s.evidence].join("\u0000");
  const seen = new Map<string, Signal>();
  for (const s of signals) seen.set(key(s), s);
  return sortedBy(seen.entries(), ([k]) => k).map(([, s]) => s);
}
