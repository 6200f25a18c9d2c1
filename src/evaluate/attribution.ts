/**
 * Which changes an AI tool made, and who made each change (SPEC §4): per-commit detection,
 * PR-level marks, and for every changed-file entry the commits whose content reached it —
 * following renames and copies in later commits, so moving AI output into a protected path
 * does not wash it.
 */
import type { Policy } from "../model/policy.js";
import type { CommitFile, Snapshot, SnapshotCommit, SnapshotFile } from "../model/snapshot.js";
import type { Signal } from "../model/verdict.js";
import { pathKey } from "./classify.js";
import { detectPullRequest } from "./detect.js";
import { commitSignals } from "./record-signals.js";
import { sortedBy, uniqueSorted } from "./order.js";

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

/** A commit's file entries as (path, source of a rename or copy). */
function entriesOf(files: CommitFile[]): { path: string; from?: string; renamed?: boolean }[] {
  return files.map((f) => {
    if (typeof f === "string") return { path: f };
    const moved = (f.status === "renamed" || f.status === "copied") && f.previous_filename !== undefined;
    return moved ? { path: f.filename, from: f.previous_filename, renamed: f.status === "renamed" } : { path: f.filename };
  });
}

/**
 * For each path key, the indexes of the commits whose content reached it. Walks the commits
 * oldest first; a rename or copy carries the source's history to its new name, however often it
 * moves. Sources are read as they were before the commit, so swaps within one commit are exact.
 * Commits without a file list touch every path (`everywhere`).
 */
function lineage(commits: SnapshotCommit[]): { origins: Map<string, Set<number>>; everywhere: number[] } {
  const origins = new Map<string, Set<number>>();
  const everywhere: number[] = [];
  commits.forEach((commit, i) => {
    if (!commit.files) {
      everywhere.push(i);
      return;
    }
    const entries = entriesOf(commit.files).map((e) => ({ ...e, key: pathKey(e.path), from: e.from === undefined ? undefined : pathKey(e.from) }));
    const carried = entries.map((e) => (e.from === undefined ? [] : [...(origins.get(e.from) ?? [])]));
    const touch = (key: string, also: number[]) => {
      const set = origins.get(key) ?? new Set<number>();
      set.add(i);
      for (const c of also) set.add(c);
      origins.set(key, set);
    };
    entries.forEach((e, j) => {
      touch(e.key, carried[j]);
      // A rename changes its source too (it removes it); a copy leaves the source as it was.
      if (e.renamed) touch(e.from!, []);
    });
  });
  return { origins, everywhere };
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
  const { origins, everywhere } = lineage(snapshot.commits);

  const files = snapshot.files.map((file): FileAttribution => {
    const keys = [file.filename, file.previous_filename].filter((n): n is string => !!n).map(pathKey);
    // A commit whose file list is missing is taken to touch everything: the loader could not
    // say, and guessing "nothing" would be the unsafe direction.
    const reached = new Set(everywhere);
    for (const key of keys) for (const i of origins.get(key) ?? []) reached.add(i);
    const order = [...reached].sort((a, b) => a - b);
    const touching = order.flatMap((i) => marked.get(i) ?? []);
    return {
      file,
      tools: uniqueSorted([...touching.flatMap((m) => m.tools), ...prTools]),
      commits: uniqueSorted(touching.map((m) => m.commit.sha)),
      origins: order.map((i) => snapshot.commits[i]),
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
