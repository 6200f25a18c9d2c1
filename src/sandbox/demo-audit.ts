/**
 * The demo's record of decisions: the app writes to `$PROVENANCE_DB` when set, else to a new
 * temporary file, and the demo reads the merge back (as an auditor would) to show where it is.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { AuditRecord } from "../audit/record.js";
import { auditRecords, openAuditStore } from "../audit/store.js";
import { closeAuditWriters, flushAuditWriters } from "../audit/writer.js";

export interface DemoAuditStore {
  db: string;
  since: string;
  /** Puts the environment back as it was. */
  release(): Promise<void>;
}

export interface DemoRecord {
  db: string;
  evaluations: number;
  merge?: Pick<AuditRecord, "seq" | "merge_commit_sha" | "merged_by" | "approved_head_matches" | "head_sha" | "hash">;
}

export function demoAuditStore(env: NodeJS.ProcessEnv = process.env): DemoAuditStore {
  const db = resolve(env.PROVENANCE_DB?.trim() || join(mkdtempSync(join(tmpdir(), "provenance-demo-")), "provenance.db"));
  const saved = { PROVENANCE_DB: env.PROVENANCE_DB, DATABASE_URL: env.DATABASE_URL };
  // The demo's store is the SQLite file it names, even where the shell points at a PostgreSQL one.
  env.PROVENANCE_DB = db;
  delete env.DATABASE_URL;
  return {
    db,
    since: new Date().toISOString(),
    release: async () => {
      await closeAuditWriters();
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete env[key];
        else env[key] = value;
      }
    },
  };
}

/** What the story left in the store (written after each posted check, so flushed first). */
export async function readDemoRecord(store: DemoAuditStore, repository: string): Promise<DemoRecord> {
  await flushAuditWriters(10_000);
  const reader = await openAuditStore({ kind: "sqlite", path: store.db }, { readonly: true });
  try {
    let evaluations = 0;
    let merge: AuditRecord | undefined;
    for await (const record of auditRecords(reader, { since: store.since, repository })) {
      if (record.kind === "evaluation") evaluations += 1;
      if (record.kind === "merge") merge = record;
    }
    const picked = merge && {
      seq: merge.seq,
      merge_commit_sha: merge.merge_commit_sha,
      merged_by: merge.merged_by,
      approved_head_matches: merge.approved_head_matches,
      head_sha: merge.head_sha,
      hash: merge.hash,
    };
    return { db: store.db, evaluations, ...(picked ? { merge: picked } : {}) };
  } finally {
    await reader.close();
  }
}
