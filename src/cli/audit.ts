/**
 * `provenance-gate audit export|verify`: read the record of decisions (SPEC §10). Both open the
 * store read-only: they never create a file, run a migration or write a row.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { AUDIT_KINDS, type AuditKind } from "../audit/record.js";
import { auditRecords, auditTarget, openAuditStore, type AuditFilter, type AuditStore } from "../audit/store.js";
import { AuditStoreError } from "../audit/errors.js";
import { csvHeader, csvLine, jsonLine } from "../audit/export.js";
import { verifyChain, type Anchor } from "../audit/verify.js";
import { listFlag, parseFlags, stringFlag } from "./args.js";
import { UsageError } from "./errors.js";
import { EXIT_BLOCKED, EXIT_PASS, type CliIO } from "./io.js";

export async function auditCommand(args: string[], io: CliIO): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === "export") return exportCommand(rest, io);
  if (sub === "verify") return verifyCommand(rest, io);
  throw new UsageError(sub === undefined ? "audit: name a subcommand: export or verify" : `audit: unknown subcommand "${sub}" (export or verify)`);
}

async function exportCommand(args: string[], io: CliIO): Promise<number> {
  const flags = parseFlags(
    "audit",
    args,
    { db: { type: "string" }, since: { type: "string" }, until: { type: "string" }, repo: { type: "string" }, kind: { type: "string" }, format: { type: "string" } },
    false,
  );
  const format = stringFlag(flags, "format") ?? "jsonl";
  if (format !== "jsonl" && format !== "csv") throw new UsageError(`audit export: --format must be csv or jsonl (got "${format}")`);
  const kind = stringFlag(flags, "kind");
  if (kind !== undefined && !(AUDIT_KINDS as readonly string[]).includes(kind)) {
    throw new UsageError(`audit export: --kind must be one of ${AUDIT_KINDS.join(", ")} (got "${kind}")`);
  }
  const repo = stringFlag(flags, "repo");
  if (repo !== undefined && !/^[\w.-]+\/[\w.-]+$/.test(repo)) throw new UsageError(`audit export: --repo must be OWNER/NAME (got "${repo}")`);
  const filter: AuditFilter = {
    since: dateFlag(stringFlag(flags, "since"), "since"),
    until: dateFlag(stringFlag(flags, "until"), "until"),
    repository: repo,
    kind: kind as AuditKind | undefined,
  };
  const store = await openForReading(io, stringFlag(flags, "db"));
  try {
    if (format === "csv") await write(io, csvHeader());
    for await (const record of auditRecords(store, filter)) await write(io, format === "csv" ? csvLine(record) : jsonLine(record));
  } finally {
    await store.close();
  }
  return EXIT_PASS;
}

async function verifyCommand(args: string[], io: CliIO): Promise<number> {
  const flags = parseFlags("audit", args, { db: { type: "string" }, anchor: { type: "string", multiple: true } }, false);
  const anchors = listFlag(flags, "anchor").map(parseAnchor);
  const store = await openForReading(io, stringFlag(flags, "db"));
  const started = performance.now();
  try {
    const result = await verifyChain(auditRecords(store), anchors);
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    if (result.problem) {
      io.stdout.write(`✘ ${store.location}: ${result.problem.message}.\n`);
      io.stdout.write(`  ${result.records} record${result.records === 1 ? "" : "s"} before it hold${result.records === 1 ? "s" : ""}${result.head ? ` (up to seq ${result.head.seq})` : ""}.\n`);
      return EXIT_BLOCKED;
    }
    if (!result.head) {
      io.stdout.write(`✔ ${store.location}: no records yet.\n`);
      return EXIT_PASS;
    }
    io.stdout.write(`✔ ${store.location}: ${result.records} records, chain intact (seq 1 to ${result.head.seq}), verified in ${seconds} s.\n`);
    io.stdout.write(`  Head ${result.head.seq}:${result.head.hash}\n`);
    io.stdout.write(`  Keep it outside the store: 'audit verify --anchor ${result.head.seq}:<hash>' later proves these records unchanged.\n`);
    return EXIT_PASS;
  } finally {
    await store.close();
  }
}

async function openForReading(io: CliIO, db: string | undefined): Promise<AuditStore> {
  const target = auditTarget(io.env as NodeJS.ProcessEnv, db);
  if (target.kind === "sqlite") {
    target.path = resolve(io.cwd, target.path);
    if (!existsSync(target.path)) throw new UsageError(`audit: no audit store at ${target.path} (name one with --db FILE|postgres://…, DATABASE_URL or PROVENANCE_DB)`);
  }
  try {
    return await openAuditStore(target, { readonly: true });
  } catch (error) {
    if (error instanceof AuditStoreError) throw new UsageError(`audit: ${error.message}`);
    throw error;
  }
}

/** `YYYY-MM-DD` or an ISO 8601 instant; a bare `--until` date includes that whole day (UTC). */
function dateFlag(value: string | undefined, name: "since" | "until"): string | undefined {
  if (value === undefined) return undefined;
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const ms = Date.parse(dateOnly ? `${value}T00:00:00Z` : value);
  if (!Number.isFinite(ms) || !/^\d{4}-\d{2}-\d{2}/.test(value)) {
    throw new UsageError(`audit export: --${name} must be a date (YYYY-MM-DD) or an ISO 8601 time (got "${value}")`);
  }
  return new Date(dateOnly && name === "until" ? ms + 86_400_000 : ms).toISOString();
}

function parseAnchor(value: string): Anchor {
  const match = /^(\d+):([0-9a-f]{64})$/i.exec(value);
  if (!match) throw new UsageError(`audit verify: --anchor must be SEQ:HASH as verify printed it (got "${value}")`);
  return { seq: Number(match[1]), hash: match[2].toLowerCase() };
}

/** Honours back-pressure, so a large export piped into a slow reader does not pile up in memory. */
async function write(io: CliIO, chunk: string): Promise<void> {
  const stream = io.stdout as { write(chunk: string): unknown; once?: (event: "drain", listener: () => void) => unknown };
  if (stream.write(chunk) === false && typeof stream.once === "function") await new Promise<void>((r) => stream.once!("drain", r));
}
