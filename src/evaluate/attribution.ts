/**
 * Which changes an AI tool made (SPEC §4): per-commit detection, PR-level marks, and the tools
 * that touched each changed-file entry.
 */
import type { Policy } from "../model/policy.js";
import type { Snapshot, SnapshotCommit, SnapshotFile } from "../model/snapshot.js";
import type { Signal } from "../model/verdict.js";
import { normalisePath } from "./classify.js";
import { detectPullRequest } from "./detect.js";
import { commitSignals } from "./record-signals.js";
import { sortedBy, uniqueSorted } from "./order.js";

export interface MarkedCommit {
  commit: SnapshotCommit;
  signals: Signal[];
  tools: string[];
  /** Normalised paths the commit changed, or null when the loader did not list them. */
  paths: Set<string> | null;
}

export interface FileAttribution {
  file: SnapshotFile;
  /** Tools that touched the entry: through its commits or a PR-level mark. */
  tools: string[];
  /** Full SHAs of the AI-marked commits that changed it. */
  commits: string[];
}

export interface Attribution {
  marked: MarkedCommit[];
  /** Decisive signals, commit- and PR-level. */
  signals: Signal[];
  hints: Signal[];
  /** Tools of PR-level signals: they mark every changed file. */
  prTools: string[];
  files: FileAttribution[];
}


export function attribute(policy: Policy, snapshot: Snapshot): Attribution {
  const marked: MarkedCommit[] = [];
  for (const commit of snapshot.commits) {
    const signals = commitSignals(commit, policy.ai).filter((s) => s.decisive);
    if (signals.length === 0) continue;
    marked.push({
      commit,
      signals,
      tools: uniqueSorted(signals.map((s) => s.tool)),
      paths: commit.files ? new Set(commit.files.map(normalisePath)) : null,
    });
  }

  const prSignals = detectPullRequest(snapshot.pull_request, policy.ai);
  const prDecisive = prSignals.filter((s) => s.decisive);
  const prTools = uniqueSorted(prDecisive.map((s) => s.tool));

  const files = snapshot.files.map((file): FileAttribution => {
    const names = [file.filename, file.previous_filename].filter((n): n is string => !!n).map(normalisePath);
    // A marked commit whose file list is missing is taken to touch everything: the loader could
    // not say, and guessing "nothing" would be the unsafe direction.
    const touching = marked.filter((m) => m.paths === null || names.some((n) => m.paths!.has(n)));
    return {
      file,
      tools: uniqueSorted([...touching.flatMap((m) => m.tools), ...prTools]),
      commits: uniqueSorted(touching.map((m) => m.commit.sha)),
    };
  });

  return {
    marked,
    signals: sortSignals([...marked.flatMap((m) => m.signals), ...prDecisive]),
    hints: sortSignals(prSignals.filter((s) => !s.decisive)),
    prTools,
    files,
  };
}

/** A stable order, so the verdict does not depend on the order a loader listed commits in. */
function sortSignals(signals: Signal[]): Signal[] {
  const key = (s: Signal) => [s.commit ?? "", s.where, s.tool, s.kind, s.evidence].join("\u0000");
  const seen = new Map<string, Signal>();
  for (const s of signals) seen.set(key(s), s);
  return sortedBy(seen.entries(), ([k]) => k).map(([, s]) => s);
}

export function shortSha(sha: string): string {
  return sha.slice(0, 7);
}
