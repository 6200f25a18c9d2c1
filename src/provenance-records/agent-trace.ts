/**
 * Agent Trace records (cursor/agent-trace, RFC 0.1.0): JSON objects with `files[].conversations[]
 * .ranges`, a `contributor.type` per conversation (a range may override it), and the commit the
 * line numbers refer to at `vcs.revision`. They live in `.agent-trace/traces.jsonl` (one record a
 * line) or as notes under `refs/notes/agent-trace` (one record, or JSON Lines).
 *
 * Lenient about what varies in the wild — `version` is any string ("1.0", "0.1.0"), `id` and
 * `timestamp` may be missing, unknown keys are ignored — and strict about what the ranges need.
 * Only `ai` and `mixed` ranges are kept: `mixed` is human-edited AI output, still AI (the safe
 * direction); `human` and `unknown` never mark anything.
 */
import { type AiRecord, type LineRange, type RecordWarning, normaliseRanges } from "./record.js";

export const AGENT_TRACE_NOTES_REF = "refs/notes/agent-trace";
export const AGENT_TRACE_FILE = ".agent-trace/traces.jsonl";

const AI_CONTRIBUTORS = new Set(["ai", "mixed"]);

export interface TraceRecord extends AiRecord {
  /** `vcs.revision`: the commit the ranges are positions in; undefined when the record has none. */
  revision?: string;
}

export interface TraceParse {
  records: TraceRecord[];
  warnings: RecordWarning[];
}

/** Reads a record from parsed JSON; a string is the reason it is unusable. */
export function traceRecord(value: unknown, from: string): TraceRecord | string {
  if (!isObject(value)) return "not a JSON object";
  if (typeof value.version !== "string") return "no version string";
  if (!Array.isArray(value.files)) return "no files array";
  const vcs = isObject(value.vcs) ? value.vcs : undefined;
  if (vcs && vcs.type !== undefined && vcs.type !== "git") return `vcs.type ${JSON.stringify(vcs.type)} is not git`;
  const tool = isObject(value.tool) && typeof value.tool.name === "string" ? value.tool.name : "";

  const models = new Set<string>();
  const keys = new Set<string>();
  const files: AiRecord["files"] = [];
  for (const file of value.files) {
    if (!isObject(file) || typeof file.path !== "string" || !Array.isArray(file.conversations)) continue;
    const ranges: LineRange[] = [];
    for (const conversation of file.conversations) {
      if (!isObject(conversation) || !Array.isArray(conversation.ranges)) continue;
      const outer = contributor(conversation.contributor);
      for (const range of conversation.ranges) {
        if (!isObject(range) || !Number.isSafeInteger(range.start_line) || !Number.isSafeInteger(range.end_line)) continue;
        const who = contributor(range.contributor) ?? outer;
        if (!who || !AI_CONTRIBUTORS.has(who.type)) continue;
        ranges.push([range.start_line as number, range.end_line as number]);
        if (who.model) models.add(who.model);
        if (typeof conversation.url === "string") keys.add(conversation.url);
      }
    }
    const kept = normaliseRanges(ranges);
    if (kept.length > 0) files.push({ path: file.path.replace(/^\.?\//, ""), ranges: kept });
  }

  const record: TraceRecord = { source: "agent-trace", agent: tool, from, files };
  if (models.size > 0) record.model = [...models].sort().join(", ");
  if (typeof value.id === "string" && value.id) record.key = value.id;
  else if (keys.size > 0) record.key = [...keys].sort()[0];
  if (vcs && typeof vcs.revision === "string" && vcs.revision.trim()) record.revision = vcs.revision.trim();
  return record;
}

/**
 * A traces file or a note: one JSON document, or JSON Lines. A bad line is a warning and the
 * others are still read.
 */
export function parseAgentTrace(text: string, from: string, commit?: string): TraceParse {
  const out: TraceParse = { records: [], warnings: [] };
  const warn = (message: string) => out.warnings.push(commit ? { from, commit, message } : { from, message });
  const whole = tryJson(text.trim());
  const documents: { value: unknown; where: string }[] = [];
  if (whole.ok && !Array.isArray(whole.value)) documents.push({ value: whole.value, where: "" });
  else if (whole.ok) (whole.value as unknown[]).forEach((value, i) => {
    documents.push({ value, where: `record ${i + 1}: ` });
  });
  else {
    text.split("\n").forEach((line, i) => {
      if (line.trim() === "") return;
      const parsed = tryJson(line);
      if (parsed.ok) documents.push({ value: parsed.value, where: `line ${i + 1}: ` });
      else warn(`line ${i + 1}: not JSON`);
    });
  }
  for (const { value, where } of documents) {
    const record = traceRecord(value, from);
    if (typeof record === "string") warn(`${where}${record}`);
    else if (record.files.length > 0) out.records.push(record);
  }
  return out;
}

function contributor(v: unknown): { type: string; model?: string } | undefined {
  if (!isObject(v) || typeof v.type !== "string") return undefined;
  const model = typeof v.model_id === "string" && v.model_id ? v.model_id : undefined;
  return model ? { type: v.type.toLowerCase(), model } : { type: v.type.toLowerCase() };
}

function tryJson(text: string): { ok: true; value: unknown } | { ok: false } {
  if (text === "") return { ok: false };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
