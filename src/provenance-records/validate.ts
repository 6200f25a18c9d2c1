/** Strict reading of a snapshot commit's `ai_records` (SPEC §5/§9), in the snapshot file's style. */
import type { AiRecord, LineRange } from "./record.js";

type Fail = (path: string, problem: string) => never;

const RECORD_KEYS = ["source", "agent", "from", "files", "model", "key"];

export function validateAiRecords(v: unknown, path: string, fail: Fail): AiRecord[] {
  if (!Array.isArray(v)) fail(path, "must be an array");
  return (v as unknown[]).map((r, i) => validateRecord(r, `${path}[${i}]`, fail));
}

function validateRecord(v: unknown, path: string, fail: Fail): AiRecord {
  const o = plainObject(v, path, fail);
  for (const k of Object.keys(o)) if (!RECORD_KEYS.includes(k)) fail(`${path}.${k}`, "unknown field");
  if (o.source !== "git-ai" && o.source !== "agent-trace") fail(`${path}.source`, 'must be "git-ai" or "agent-trace"');
  const str = (k: string, optional: boolean): string | undefined => {
    if (o[k] === undefined && optional) return undefined;
    if (typeof o[k] !== "string") fail(`${path}.${k}`, "must be a string");
    return o[k] as string;
  };
  const record: AiRecord = { source: o.source as AiRecord["source"], agent: str("agent", false)!, from: str("from", false)!, files: [] };
  const model = str("model", true);
  const key = str("key", true);
  if (model !== undefined) record.model = model;
  if (key !== undefined) record.key = key;
  if (!Array.isArray(o.files)) fail(`${path}.files`, "must be an array");
  record.files = (o.files as unknown[]).map((f, i) => {
    const fp = `${path}.files[${i}]`;
    const file = plainObject(f, fp, fail);
    for (const k of Object.keys(file)) if (k !== "path" && k !== "ranges") fail(`${fp}.${k}`, "unknown field");
    if (typeof file.path !== "string" || file.path === "") fail(`${fp}.path`, "must be a non-empty string");
    if (!Array.isArray(file.ranges)) fail(`${fp}.ranges`, "must be an array of [start, end] pairs");
    const ranges = (file.ranges as unknown[]).map((r, j): LineRange => {
      const ok = Array.isArray(r) && r.length === 2 && r.every((n) => Number.isSafeInteger(n) && (n as number) >= 1) && (r[0] as number) <= (r[1] as number);
      if (!ok) fail(`${fp}.ranges[${j}]`, "must be [start, end] with 1 <= start <= end");
      return [r[0] as number, r[1] as number];
    });
    return { path: file.path as string, ranges };
  });
  return record;
}

function plainObject(v: unknown, path: string, fail: Fail): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) fail(path, "must be an object");
  return v as Record<string, unknown>;
}
