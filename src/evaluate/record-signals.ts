/**
 * Commit signals from line-level attestations (SPEC §9): a commit with a git-ai note that gives
 * lines to an AI session, or an Agent Trace record for it, is AI-marked, with evidence naming
 * the source. The records come from the snapshot (`ai_records`, filled by the loaders).
 *
 * These sources are written outside the reviewed history (anyone who can push a notes ref), so
 * they only ever add signals to what the commit's own metadata says; nothing here removes one.
 */
import { AI_TOOLS, UNSPECIFIED_TOOL } from "../catalogue/ai-tools.js";
import type { Policy } from "../model/policy.js";
import type { SnapshotCommit } from "../model/snapshot.js";
import type { Signal } from "../model/verdict.js";
import { shortSha } from "../shared/format.js";
import { type AiRecord, countLines } from "../provenance-records/record.js";
import { detectCommit } from "./detect.js";

type AiConfig = Policy["ai"];

/** Names tools write for themselves that differ from the catalogue id (git-ai's `agent_id.tool`). */
const ALIASES: Record<string, string> = { claude: "claude-code", droid: "factory-droid", "github-copilot": "copilot" };

/** The tool id a record's agent name means: declared tools first, then the catalogue, else its slug. */
export function recordTool(agent: string, ai: AiConfig): string {
  const name = agent.trim().toLowerCase();
  if (!name) return UNSPECIFIED_TOOL;
  const declared = Object.keys(ai.tools).map((id) => id.toLowerCase());
  if (declared.includes(name)) return name;
  const alias = ALIASES[name];
  if (alias) return alias;
  for (const tool of AI_TOOLS) {
    if (tool.id === name || tool.name.toLowerCase() === name || tool.words.includes(name)) return tool.id;
  }
  const slug = name.replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  return slug || UNSPECIFIED_TOOL;
}

export function recordEvidence(record: AiRecord): string {
  const lines = record.files.reduce((n, f) => n + countLines(f.ranges), 0);
  const who = [record.agent || "an unnamed tool", record.model].filter(Boolean).join(", ");
  const key = record.key ? ` ${record.key}` : "";
  const files = record.files.length === 1 ? record.files[0].path : `${record.files.length} files`;
  return `${record.from}: ${record.source === "git-ai" ? "session" : "trace"}${key} (${who}), ${lines} line${lines === 1 ? "" : "s"} in ${files}`;
}

/** Decisive signals of a commit's attestations. */
export function recordSignals(commit: SnapshotCommit, ai: AiConfig): Signal[] {
  const out: Signal[] = [];
  for (const record of commit.ai_records ?? []) {
    if (!record.files.some((f) => f.ranges.length > 0)) continue;
    out.push({
      tool: recordTool(record.agent, ai),
      kind: record.source === "git-ai" ? "git-ai-note" : "agent-trace",
      where: `commit ${shortSha(commit.sha)}`,
      evidence: recordEvidence(record),
      commit: commit.sha,
      decisive: true,
    });
  }
  return out;
}

/** Everything that marks a commit: its own metadata (SPEC §3) plus its attestations. */
export function commitSignals(commit: SnapshotCommit, ai: AiConfig): Signal[] {
  const own = detectCommit(commit, ai);
  return commit.ai_records?.length ? [...own, ...recordSignals(commit, ai)] : own;
}
