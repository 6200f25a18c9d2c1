/**
 * git-ai authorship notes (`refs/notes/ai`, schema `authorship/3.x`): an attestation section —
 * file lines, then `  KEY RANGES` lines — a `---` divider, then a JSON metadata object.
 *
 * Keys: `s_<hex>::t_<hex>` (an AI session; `metadata.sessions`), `h_<hex>` (a known human;
 * `metadata.humans`), a bare 16-hex (or pre-1.0 7-hex) legacy prompt key (`metadata.prompts`).
 * Lenient where git-ai itself is: unknown top-level keys, legacy `messages` arrays, missing
 * `sessions`/`humans`, an empty attestation section. A note that cannot be read is a warning for
 * the caller, never an exception. When several keys cover a line the later one wins, as in
 * git-ai's own blame.
 *
 * A note is written by whoever can push the notes ref, so it may only ever add AI lines: human
 * keys are read (to decide which key wins a line) but never produce a record.
 */
import { type AiRecord, type LineRange, normaliseRanges } from "./record.js";

export const GIT_AI_NOTES_REF = "refs/notes/ai";

export type GitAiKeyKind = "session" | "human" | "legacy";

export interface GitAiEntry {
  key: string;
  kind: GitAiKeyKind;
  ranges: LineRange[];
}

export interface GitAiNote {
  schemaVersion: string;
  files: { path: string; entries: GitAiEntry[] }[];
  /** Session id (`s_…`) or legacy prompt key → the agent that produced its lines. */
  agents: Map<string, { tool: string; model?: string }>;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

const SESSION_KEY = /^s_[0-9a-f]+(?:::t_[0-9a-f]+)?$/i;
const HUMAN_KEY = /^h_[0-9a-f]+$/i;
const LEGACY_KEY = /^(?:[0-9a-f]{16}|[0-9a-f]{7})$/i;
const RANGE_PART = /^(\d+)(?:-(\d+))?$/;

export function keyKind(key: string): GitAiKeyKind | undefined {
  if (SESSION_KEY.test(key)) return "session";
  if (HUMAN_KEY.test(key)) return "human";
  if (LEGACY_KEY.test(key)) return "legacy";
  return undefined;
}

/** `1-4,9,12-14` → ranges; undefined when any part is not a number or a range. */
export function parseRangeList(text: string): LineRange[] | undefined {
  const out: LineRange[] = [];
  for (const part of text.split(",")) {
    if (part === "") continue;
    const m = RANGE_PART.exec(part);
    if (!m) return undefined;
    const start = Number(m[1]);
    const end = m[2] === undefined ? start : Number(m[2]);
    if (start < 1 || end < start) return undefined;
    out.push([start, end]);
  }
  return out;
}

export function parseGitAiNote(text: string): ParseResult<GitAiNote> {
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  const divider = lines.indexOf("---");
  if (divider < 0) return { ok: false, error: "no '---' divider between attestations and metadata" };

  let meta: unknown;
  try {
    meta = JSON.parse(lines.slice(divider + 1).join("\n"));
  } catch (e) {
    return { ok: false, error: `metadata is not JSON (${(e as Error).message})` };
  }
  if (!isObject(meta)) return { ok: false, error: "metadata is not a JSON object" };
  const schemaVersion = typeof meta.schema_version === "string" ? meta.schema_version : "";
  if (!/^authorship\/3\./.test(schemaVersion)) {
    return { ok: false, error: `unsupported schema_version ${JSON.stringify(meta.schema_version ?? null)} (expected authorship/3.x)` };
  }

  const files: GitAiNote["files"] = [];
  let current: { path: string; entries: GitAiEntry[] } | undefined;
  for (let i = 0; i < divider; i++) {
    const line = lines[i].trimEnd();
    if (line === "") continue;
    if (line.startsWith("  ")) {
      const entry = line.slice(2);
      const space = entry.indexOf(" ");
      if (!current) return { ok: false, error: `line ${i + 1}: an attestation before any file path` };
      if (space < 0) return { ok: false, error: `line ${i + 1}: an attestation without line ranges` };
      const key = entry.slice(0, space);
      const kind = keyKind(key);
      const ranges = parseRangeList(entry.slice(space + 1).trim());
      if (!ranges) return { ok: false, error: `line ${i + 1}: unreadable line ranges "${entry.slice(space + 1)}"` };
      // A key of no known form names neither an AI session nor a person: skip it, keep the rest.
      if (kind) current.entries.push({ key, kind, ranges });
      continue;
    }
    const path = line.length >= 2 && line.startsWith('"') && line.endsWith('"') ? line.slice(1, -1) : line;
    current = { path, entries: [] };
    files.push(current);
  }

  const agents = new Map<string, { tool: string; model?: string }>();
  for (const table of [meta.prompts, meta.sessions]) {
    if (!isObject(table)) continue;
    for (const [key, record] of Object.entries(table)) {
      const agentId = isObject(record) && isObject(record.agent_id) ? record.agent_id : {};
      const tool = typeof agentId.tool === "string" ? agentId.tool : "";
      const model = typeof agentId.model === "string" && agentId.model ? agentId.model : undefined;
      agents.set(key.toLowerCase(), model ? { tool, model } : { tool });
    }
  }
  return { ok: true, value: { schemaVersion, files: files.filter((f) => f.entries.length > 0), agents } };
}

/** The session id a key resolves through: `s_abc::t_def` → `s_abc`. */
function agentKey(key: string): string {
  return key.split("::")[0].toLowerCase();
}

/**
 * One record per AI key: the lines it holds after later keys took theirs ("latest wins").
 * A session or prompt key missing from the metadata is still AI (the key's form says so), by an
 * unnamed tool.
 */
export function gitAiRecords(note: GitAiNote, from = GIT_AI_NOTES_REF): AiRecord[] {
  const byKey = new Map<string, AiRecord>();
  for (const file of note.files) {
    const kept = winningRanges(file.entries);
    for (const [i, entry] of file.entries.entries()) {
      if (entry.kind === "human" || kept[i].length === 0) continue;
      const id = agentKey(entry.key);
      let record = byKey.get(id);
      if (!record) {
        const agent = note.agents.get(id);
        record = { source: "git-ai", agent: agent?.tool ?? "", from, key: id, files: [] };
        if (agent?.model) record.model = agent.model;
        byKey.set(id, record);
      }
      const existing = record.files.find((f) => f.path === file.path);
      if (existing) existing.ranges = normaliseRanges([...existing.ranges, ...kept[i]]);
      else record.files.push({ path: file.path, ranges: kept[i] });
    }
  }
  return [...byKey.values()];
}

/** Each entry's ranges minus what any later entry of the same file covers. */
function winningRanges(entries: readonly GitAiEntry[]): LineRange[][] {
  const result: LineRange[][] = new Array(entries.length);
  let later: LineRange[] = [];
  for (let i = entries.length - 1; i >= 0; i--) {
    const own = normaliseRanges(entries[i].ranges);
    result[i] = subtract(own, later);
    later = normaliseRanges([...later, ...own]);
  }
  return result;
}

/** `a` minus `b`, both sorted and merged. */
export function subtract(a: readonly LineRange[], b: readonly LineRange[]): LineRange[] {
  const out: LineRange[] = [];
  let j = 0;
  for (const [start, end] of a) {
    let s = start;
    while (j < b.length && b[j][1] < s) j++;
    let k = j;
    while (s <= end && k < b.length && b[k][0] <= end) {
      if (b[k][0] > s) out.push([s, b[k][0] - 1]);
      s = Math.max(s, b[k][1] + 1);
      k++;
    }
    if (s <= end) out.push([s, end]);
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
