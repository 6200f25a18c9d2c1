/**
 * `audit export`: the evidence, as JSON Lines (every field, exactly as hashed) or CSV (one row
 * a record, lists joined, plus `approved_by`: everyone whose approval counted for any rule).
 */
import { stringify } from "csv-stringify/sync";
import { RECORD_FIELDS, type AuditRecord } from "./record.js";

/** The record's fields, plus `approved_by` before `session_authors`, and `rules` moved after `tools`. */
export const CSV_COLUMNS: readonly string[] = RECORD_FIELDS.flatMap((field): string[] =>
  field === "rules" ? [] : field === "session_authors" ? ["approved_by", field] : field === "tools" ? [field, "rules"] : [field],
);

export function jsonLine(record: AuditRecord): string {
  const ordered: Record<string, unknown> = {};
  for (const field of RECORD_FIELDS) ordered[field] = record[field];
  return JSON.stringify(ordered) + "\n";
}

export function csvHeader(): string {
  return stringify([[...CSV_COLUMNS]]);
}

export function csvLine(record: AuditRecord): string {
  const approvedBy = [...new Set(record.rules.flatMap((rule) => rule.counted))];
  const cells: Record<string, unknown> = {
    ...record,
    approved_by: approvedBy.join(" "),
    session_authors: record.session_authors.join(" "),
    tools: record.tools.join(" "),
    // e.g. "eval-review=satisfied(bob); data-review=not_applicable"
    rules: record.rules.map((rule) => `${rule.name}=${rule.status}${rule.counted.length ? `(${rule.counted.join(" ")})` : ""}`).join("; "),
  };
  return stringify([CSV_COLUMNS.map((column) => cells[column] ?? "")], { cast: { boolean: (v) => String(v) } });
}
