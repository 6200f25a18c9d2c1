/**
 * The audit store's figures: records per second appended one per transaction (how the app
 * writes when results come one at a time) and in batches of 500 (how it catches up after an
 * outage), and the time `audit verify` takes over 100,000 records. SQLite always; PostgreSQL
 * when `DATABASE_URL` (or `PROVENANCE_TEST_DATABASE_URL`) names a server: the bench creates and
 * drops its own database there.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { auditRecords, openAuditStore, type AuditTarget } from "../audit/store.js";
import { verifyChain } from "../audit/verify.js";
import { sampleDraft } from "./audit-sample.js";

export interface AuditStoreFigures {
  store: "sqlite" | "postgres";
  single_per_sec: number;
  batched_per_sec: number;
  verify_records: number;
  verify_seconds: number;
}

export async function measureAudit(quick: boolean, env: NodeJS.ProcessEnv = process.env): Promise<AuditStoreFigures[]> {
  const total = quick ? 20_000 : 100_000;
  const dir = mkdtempSync(join(tmpdir(), "provenance-bench-audit-"));
  const out: AuditStoreFigures[] = [];
  try {
    out.push(await measureStore("sqlite", { kind: "sqlite", path: join(dir, "provenance.db") }, total, quick ? 500 : 3000));
    const server = env.DATABASE_URL ?? env.PROVENANCE_TEST_DATABASE_URL;
    if (server) {
      const name = `bench_audit_${randomBytes(4).toString("hex")}`;
      await admin(server, `CREATE DATABASE ${name}`);
      const url = new URL(server);
      url.pathname = `/${name}`;
      try {
        out.push(await measureStore("postgres", { kind: "postgres", url: url.toString() }, total, quick ? 300 : 2000));
      } finally {
        await admin(server, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

async function measureStore(name: AuditStoreFigures["store"], target: AuditTarget, total: number, singles: number): Promise<AuditStoreFigures> {
  const store = await openAuditStore(target);
  try {
    let t0 = performance.now();
    for (let i = 0; i < singles; i++) await store.append([sampleDraft("single", i)]);
    const single = singles / ((performance.now() - t0) / 1000);

    const rest = total - singles;
    t0 = performance.now();
    for (let i = 0; i < rest; i += 500) await store.append(Array.from({ length: Math.min(500, rest - i) }, (_, k) => sampleDraft("batch", i + k)));
    const batched = rest / ((performance.now() - t0) / 1000);

    t0 = performance.now();
    const result = await verifyChain(auditRecords(store));
    const seconds = (performance.now() - t0) / 1000;
    if (result.problem || result.records !== total) throw new Error(`bench: the ${name} chain did not verify: ${result.problem?.message ?? `${result.records} records`}`);
    return { store: name, single_per_sec: Math.round(single), batched_per_sec: Math.round(batched), verify_records: result.records, verify_seconds: Math.round(seconds * 100) / 100 };
  } finally {
    await store.close();
  }
}

async function admin(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export function renderAudit(rows: readonly AuditStoreFigures[]): string {
  return [
    "Audit store (records per second: one per transaction / batches of 500; verify: the whole chain):",
    ...rows.map((r) => `  ${r.store.padEnd(8)}  ${r.single_per_sec}/s single, ${r.batched_per_sec}/s batched; verify ${r.verify_records} records in ${r.verify_seconds} s`),
  ].join("\n");
}
