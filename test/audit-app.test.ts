/**
 * The record through the real app path (`probot.receive` + nock): a posted result and a merge
 * are recorded after the check is posted; with the store down the check is still posted at once,
 * every failed write is counted, and the outage is written into the chain when the store returns.
 */
import { afterEach, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { register } from "prom-client";
import { HEAD, runApp, example, mockCheckRuns, mockCreate, mockEvaluationReads, pullRequestPayload, typicalPr, guardGitHubMocks } from "./fixtures/github/harness.js";
import { AuditWriter } from "../src/audit/writer.js";
import { auditRecords, openAuditStore, type AuditStore } from "../src/audit/store.js";
import { verifyChain } from "../src/audit/verify.js";
import type { AuditRecord } from "../src/audit/record.js";

guardGitHubMocks();

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

function sqliteFile(): string {
  const dir = mkdtempSync(join(tmpdir(), "provenance-audit-app-"));
  dirs.push(dir);
  return join(dir, "provenance.db");
}

async function counter(name: string): Promise<number> {
  const metric = register.getSingleMetric(name);
  if (!metric) return 0;
  return (await metric.get()).values.reduce((n, v) => n + v.value, 0);
}

async function records(path: string): Promise<AuditRecord[]> {
  const store = await openAuditStore({ kind: "sqlite", path }, { readonly: true });
  const out: AuditRecord[] = [];
  for await (const r of auditRecords(store)) out.push(r);
  await store.close();
  return out;
}

describe("the record of decisions, through the app", () => {
  it("posts the check run at once while the store is down, counts each failed write, and records the outage when it returns", async () => {
    const path = sqliteFile();
    let storeUp = false;
    let opens = 0;
    const writer = new AuditWriter(
      async (): Promise<AuditStore> => {
        opens += 1;
        if (!storeUp) throw new Error("connect ECONNREFUSED 127.0.0.1:5439");
        return openAuditStore({ kind: "sqlite", path });
      },
      { retryDelayMs: () => 20 },
    );
    const { api, receive } = runApp({ app: { audit: writer } });
    const spec = typicalPr();
    mockEvaluationReads(api, spec);
    const posted: Record<string, any>[] = [];
    mockCreate(api, posted, 901);
    const failuresBefore = await counter("provenance_gate_audit_write_failures_total");

    await receive("pull_request", pullRequestPayload("synchronize", spec), "delivery-down");

    // The check is posted, unchanged, while the store is still down.
    expect(posted).toHaveLength(1);
    expect(posted[0]).toMatchObject({ name: "Provenance Gate", head_sha: HEAD, conclusion: "success" });
    expect(storeUp).toBe(false);
    expect(writer.pending).toBe(1);
    // Failed writes are counted while the record waits.
    await expect.poll(() => counter("provenance_gate_audit_write_failures_total"), { timeout: 5_000 }).toBeGreaterThanOrEqual(failuresBefore + 2);
    expect(await writer.flush(50)).toBe(false);

    storeUp = true;
    expect(await writer.close(5_000)).toBe(true);
    expect(opens).toBeGreaterThanOrEqual(3);
    const [gap, evaluation, ...rest] = await records(path);
    expect(rest).toEqual([]);
    expect(gap).toMatchObject({ seq: 1, kind: "gap", dropped: 0 });
    expect(gap.note).toMatch(/^The audit store could not be written from .* to .* \(\d+ failed attempts; last error: connect ECONNREFUSED 127\.0\.0\.1:5439\)\. No record was lost/);
    expect(evaluation).toMatchObject({
      seq: 2,
      kind: "evaluation",
      repository: "acme/models",
      pull_request: 42,
      head_sha: HEAD,
      base_ref: "main",
      conclusion: "success",
      title: posted[0].output.title,
      check_run_id: 901,
      delivery_id: "delivery-down",
      approved_head_matches: null,
    });
    expect(evaluation.rules.some((r) => r.counted.length > 0)).toBe(true);
    expect(evaluation.at).toBe("2026-11-20T12:00:00.000Z");
    expect((await verifyChain([gap, evaluation])).problem).toBeUndefined();
  });

  it("records a merge, and whether its head is the head of the latest success", async () => {
    const path = sqliteFile();
    const writer = new AuditWriter(() => openAuditStore({ kind: "sqlite", path }));
    const { api, receive } = runApp({ app: { audit: writer } });
    const spec = typicalPr();
    mockEvaluationReads(api, spec);
    mockCreate(api, [], 902);
    await receive("pull_request", pullRequestPayload("synchronize", spec), "d-sync");

    // The merge: GitHub's own example of pull_request.closed, merged, on the same head.
    const closed = pullRequestPayload("closed", spec);
    closed.pull_request = { ...closed.pull_request, state: "closed", merged: true, merge_commit_sha: "c".repeat(40), merged_at: "2026-11-20T12:05:00Z", merged_by: { ...example("pull_request", "closed").sender, login: "Bob" } };
    mockCheckRuns(api, HEAD, [{ id: 902, external_id: "42", conclusion: "success" }]);
    await receive("pull_request", closed, "d-merge");

    // Closed without merging: no record.
    const unmerged = pullRequestPayload("closed", { ...spec, number: 43 });
    unmerged.pull_request = { ...unmerged.pull_request, state: "closed", merged: false };
    mockCheckRuns(api, HEAD, [{ id: 903, external_id: "43", conclusion: "success" }]);
    await receive("pull_request", unmerged, "d-close");

    expect(await writer.close()).toBe(true);
    const all = await records(path);
    expect(all.map((r) => r.kind)).toEqual(["evaluation", "merge"]);
    expect(all[1]).toMatchObject({
      kind: "merge",
      pull_request: 42,
      head_sha: HEAD,
      merge_commit_sha: "c".repeat(40),
      merged_by: "bob",
      merged_at: "2026-11-20T12:05:00Z",
      approved_head_matches: true,
      conclusion: "success",
      delivery_id: "d-merge",
      rules: all[0].rules,
    });
  });
});

describe("the audit writer", () => {
  it("returns at once, keeps order, and past its capacity drops records and says which in a gap record", async () => {
    const path = sqliteFile();
    let up = false;
    const writer = new AuditWriter(async () => {
      if (!up) throw new Error("disk I/O error");
      return openAuditStore({ kind: "sqlite", path });
    }, { capacity: 3, retryDelayMs: () => 10 });
    const droppedBefore = await counter("provenance_gate_audit_records_dropped_total");
    const base = { kind: "evaluation" as const, conclusion: "success" };
    const { draft } = await import("../src/audit/record.js");
    for (let i = 1; i <= 5; i++) writer.record(draft({ ...base, at: `2026-01-01T00:00:0${i}.000Z`, repository: "acme/models", pull_request: i }));
    writer.record(undefined);
    expect(writer.pending).toBe(3);
    expect(await counter("provenance_gate_audit_records_dropped_total")).toBe(droppedBefore + 2);
    await new Promise((r) => setTimeout(r, 50));
    up = true;
    expect(await writer.close(5_000)).toBe(true);
    const all = await records(path);
    expect(all.map((r) => [r.kind, r.pull_request])).toEqual([
      ["gap", null],
      ["evaluation", 1],
      ["evaluation", 2],
      ["evaluation", 3],
    ]);
    expect(all[0].dropped).toBe(2);
    expect(all[0].note).toContain("2 records were dropped (queue full), made between 2026-01-01T00:00:04.000Z and 2026-01-01T00:00:05.000Z, for acme/models#4, acme/models#5");
    // Records after close are ignored, not queued.
    writer.record(draft({ ...base, at: "2026-01-02T00:00:00.000Z" }));
    expect(writer.pending).toBe(0);
  });
});
