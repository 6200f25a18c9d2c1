/**
 * The record of decisions in both real stores (SPEC §10): numbered and chained appends, the merge
 * record's finding, append-only tables, `verify` naming an edited, a deleted and an inserted
 * record, and two OS processes appending at once keeping one valid chain.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { join, resolve } from "node:path";
import { draft, GENESIS_HASH, recordHash, type AuditDraft } from "../src/audit/record.js";
import { auditRecords, openAuditStore, type AuditStore } from "../src/audit/store.js";
import { verifyChain } from "../src/audit/verify.js";
import { run } from "../src/cli/main.js";
import { sampleDraft } from "../src/bench/audit-sample.js";
import { builtLib } from "./helpers/built-lib.js";
import { STORE_KINDS, withoutTriggers, type TestStore } from "./helpers/audit-stores.js";

const ROOT = resolve(import.meta.dirname, "..");

function evaluation(pr: number, head: string, conclusion: string, counted: string[] = []): AuditDraft {
  return draft({
    at: "2026-03-01T10:00:00.000Z",
    kind: "evaluation",
    repository: "acme/models",
    pull_request: pr,
    head_sha: head,
    base_ref: "main",
    policy_path: ".provenance.yml",
    policy_blob: "b10b",
    conclusion,
    title: conclusion === "success" ? "Approved by @bob" : "Needs 1 independent approval",
    rules: [{ name: "eval-review", status: conclusion === "success" ? "satisfied" : "pending", counted }],
    session_authors: ["alice"],
    tools: ["claude-code"],
    delivery_id: `d-${pr}-${head}`,
  });
}

function merge(pr: number, head: string): AuditDraft {
  return draft({
    at: "2026-03-01T11:00:00.000Z",
    kind: "merge",
    repository: "acme/models",
    pull_request: pr,
    head_sha: head,
    base_ref: "main",
    merge_commit_sha: "m".repeat(40),
    merged_by: "bob",
    merged_at: "2026-03-01T11:00:00Z",
  });
}

async function all(store: AuditStore) {
  const out = [];
  for await (const r of auditRecords(store, {}, 3)) out.push(r);
  return out;
}

async function cli(args: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await run(args, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, cwd: ROOT, env: {} });
  return { code, stdout, stderr };
}

for (const kind of STORE_KINDS) {
  describe.skipIf(!kind.available)(`the ${kind.name} audit store`, () => {
    let t: TestStore;
    let store: AuditStore;

    beforeAll(async () => {
      t = await kind.make();
      store = await openAuditStore(t.target);
      await store.append([evaluation(1, "a".repeat(40), "action_required"), evaluation(1, "a".repeat(40), "success", ["bob"])]);
      await store.append([merge(1, "a".repeat(40))]);
      await store.append([evaluation(2, "b".repeat(40), "success", ["bob"]), evaluation(2, "c".repeat(40), "action_required"), merge(2, "c".repeat(40))]);
      await store.append([evaluation(3, "d".repeat(40), "success", ["bob"]), merge(3, "e".repeat(40)), merge(4, "f".repeat(40))]);
      await store.append([{ ...evaluation(9, "9".repeat(40), "failure"), repository: "acme/other", at: "2026-04-02T00:00:00.000Z" }]);
    });

    afterAll(async () => {
      await store?.close();
      await t?.remove();
    });

    it("numbers and chains every record, in order, across appends and pages", async () => {
      const records = await all(store);
      expect(records.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(records[0].prev_hash).toBe(GENESIS_HASH);
      for (let i = 1; i < records.length; i++) expect(records[i].prev_hash).toBe(records[i - 1].hash);
      for (const r of records) expect(r.hash).toBe(recordHash(r));
      expect(await verifyChain(records)).toEqual({ records: 10, head: { seq: 10, hash: records[9].hash } });
      // Read back exactly as written: lists, numbers and booleans survive the columns.
      expect(records[1]).toMatchObject({ kind: "evaluation", pull_request: 1, rules: [{ name: "eval-review", status: "satisfied", counted: ["bob"] }], session_authors: ["alice"], tools: ["claude-code"] });
    });

    it("records whether what was merged is the head of the latest success, with the gate's state at the merge", async () => {
      const merges = (await all(store)).filter((r) => r.kind === "merge");
      expect(merges.map((m) => [m.pull_request, m.approved_head_matches])).toEqual([
        [1, true],
        [2, false],
        [3, false],
        [4, false],
      ]);
      expect(merges[0]).toMatchObject({ conclusion: "success", policy_blob: "b10b", rules: [{ counted: ["bob"] }], session_authors: ["alice"], tools: ["claude-code"], merged_by: "bob", note: null });
      expect(merges[1].note).toBe("the latest result on the merged head is action_required (record 5)");
      expect(merges[2].note).toBe("merged head eeeeeee is not the head of the latest result (ddddddd, record 7)");
      expect(merges[3]).toMatchObject({ conclusion: null, note: "no result of the gate is recorded for this pull request" });
    });

    it("filters by time, repository and kind", async () => {
      const seqs = async (filter: Parameters<typeof auditRecords>[1]) => {
        const out: number[] = [];
        for await (const r of auditRecords(store, filter)) out.push(r.seq);
        return out;
      };
      expect(await seqs({ kind: "merge" })).toEqual([3, 6, 8, 9]);
      expect(await seqs({ repository: "ACME/other" })).toEqual([10]);
      expect(await seqs({ since: "2026-04-01T00:00:00.000Z" })).toEqual([10]);
      expect(await seqs({ until: "2026-03-01T10:30:00.000Z", kind: "evaluation" })).toEqual([1, 2, 4, 5, 7]);
    });

    it("refuses UPDATE and DELETE: records are only appended", async () => {
      await expect(t.sql("UPDATE audit_records SET conclusion = 'success' WHERE seq = 1")).rejects.toThrow(/append-only/);
      await expect(t.sql("DELETE FROM audit_records WHERE seq = 1")).rejects.toThrow(/append-only/);
    });

    it("exports JSON Lines and CSV, and verify accepts the intact chain", async () => {
      const jsonl = await cli(["audit", "export", "--db", t.db, "--kind", "merge"]);
      expect(jsonl.code).toBe(0);
      const lines = jsonl.stdout.trim().split("\n").map((l) => JSON.parse(l));
      expect(lines.map((l) => l.seq)).toEqual([3, 6, 8, 9]);
      expect(Object.keys(lines[0])[0]).toBe("seq");
      const csv = await cli(["audit", "export", "--db", t.db, "--kind", "merge", "--format", "csv", "--until", "2026-03-01"]);
      const rows = csv.stdout.trim().split("\n");
      expect(rows[0]).toMatch(/^seq,at,kind,repository,pull_request,head_sha,base_ref,policy_path,policy_blob,conclusion,title,approved_by,session_authors,tools,rules,/);
      expect(rows[1]).toMatch(/^3,2026-03-01T11:00:00.000Z,merge,acme\/models,1,a{40},main,.provenance.yml,b10b,success,Approved by @bob,bob,alice,claude-code,eval-review=satisfied\(bob\),/);
      expect(rows).toHaveLength(5);
      const verify = await cli(["audit", "verify", "--db", t.db]);
      expect(verify.code).toBe(0);
      expect(verify.stdout).toMatch(/10 records, chain intact \(seq 1 to 10\)/);
    });

    it("verify names an edited record, a deleted one and an inserted one, and a rewritten chain against an anchor", async () => {
      // Each tamper on its own copy of the chain: a fresh store with the same records.
      const fresh = async () => {
        const copy = await kind.make();
        const s = await openAuditStore(copy.target);
        await s.append([0, 1, 2, 3, 4].map((i) => sampleDraft("t", i)));
        await s.close();
        return copy;
      };
      const verifyOf = async (copy: TestStore, extra: string[] = []) => {
        const r = await cli(["audit", "verify", "--db", copy.db, ...extra]);
        await copy.remove();
        return r;
      };

      const edited = await fresh();
      await edited.sql(withoutTriggers(kind.name, "UPDATE audit_records SET conclusion = 'success' WHERE seq = 3"));
      expect(await verifyOf(edited)).toMatchObject({ code: 1, stdout: expect.stringContaining("record 3 does not match its hash: its content was changed after it was written") });

      const deleted = await fresh();
      await deleted.sql(withoutTriggers(kind.name, "DELETE FROM audit_records WHERE seq = 2"));
      expect(await verifyOf(deleted)).toMatchObject({ code: 1, stdout: expect.stringContaining("seq gap before record 3: record 2 is missing (deleted?)") });

      // An insertion a careful tamperer makes: later records renumbered, the new one hashed
      // correctly onto record 2. The record after it no longer follows.
      const inserted = await fresh();
      const s = await openAuditStore(inserted.target);
      const [two] = (await all(s)).filter((r) => r.seq === 2);
      await s.close();
      const forged = { ...two, seq: 3, prev_hash: two.hash, conclusion: "success", delivery_id: "forged" };
      const forgedHash = recordHash(forged);
      await inserted.sql(
        withoutTriggers(
          kind.name,
          `UPDATE audit_records SET seq = seq + 100 WHERE seq >= 3; UPDATE audit_records SET seq = seq - 99 WHERE seq >= 100;
           INSERT INTO audit_records SELECT 3, at, kind, repository, pull_request, head_sha, base_ref, policy_path, policy_blob, 'success', title, rules, session_authors, tools,
             'forged', check_run_id, merge_commit_sha, merged_by, merged_at, approved_head_matches, dropped, note, '${two.hash}', '${forgedHash}' FROM audit_records WHERE seq = 2;`,
        ),
      );
      const insertedResult = await verifyOf(inserted);
      expect(insertedResult.code).toBe(1);
      expect(insertedResult.stdout).toContain("record 4 does not follow record 3 (prev_hash is not its hash): a record was inserted, replaced or reordered before it");

      // A chain rewritten from record 2 on, every hash recomputed, still fails against an anchor
      // kept from an earlier verify.
      const rewritten = await fresh();
      const before = await cli(["audit", "verify", "--db", rewritten.db]);
      const anchor = /Head (\d+:[0-9a-f]{64})/.exec(before.stdout)![1];
      const r = await openAuditStore(rewritten.target);
      const records = await all(r);
      await r.close();
      let prev = records[0].hash;
      const updates = records.slice(1).map((rec) => {
        const changed = { ...rec, prev_hash: prev, delivery_id: `${rec.delivery_id}-rewritten` };
        changed.hash = recordHash(changed);
        prev = changed.hash;
        return `UPDATE audit_records SET delivery_id = '${changed.delivery_id}', prev_hash = '${changed.prev_hash}', hash = '${changed.hash}' WHERE seq = ${rec.seq};`;
      });
      await rewritten.sql(withoutTriggers(kind.name, updates.join("\n")));
      const plain = await cli(["audit", "verify", "--db", rewritten.db]);
      expect(plain.code).toBe(0);
      const anchored = await verifyOf(rewritten, ["--anchor", anchor]);
      expect(anchored.code).toBe(1);
      expect(anchored.stdout).toContain("record 5 is not the one anchored");
    });

    it("keeps one valid chain when two OS processes append at once", async () => {
      const copy = await kind.make();
      try {
        // Creates the schema first, as the app does at start-up, so both children only append.
        await (await openAuditStore(copy.target)).close();
        const per = 150;
        const startAt = Date.now() + 2_000;
        const results = await Promise.all(["one", "two"].map((tag) => runChild(copy.db, per, tag, startAt)));
        for (const r of results) expect(r).toMatchObject({ flushed: true, count: per });
        const s = await openAuditStore(copy.target, { readonly: true });
        const records = await all(s);
        await s.close();
        expect(records).toHaveLength(2 * per);
        expect((await verifyChain(records)).problem).toBeUndefined();
        // They really interleaved: neither process wrote all of its records in one run.
        const tags = records.map((r) => r.repository);
        const switches = tags.filter((tag, i) => i > 0 && tag !== tags[i - 1]).length;
        expect(switches).toBeGreaterThan(1);
        // Each process's own records stay in its order.
        for (const tag of ["bench/one", "bench/two"]) {
          const mine = records.filter((r) => r.repository === tag).map((r) => r.delivery_id);
          expect(mine).toEqual(Array.from({ length: per }, (_, i) => `${tag.slice(6)}-${i}`));
        }
      } finally {
        await copy.remove();
      }
    }, 120_000);
  });
}

// ── the child processes: the run's build of lib/ (test/helpers/built-lib.ts), run with plain node ──

function childScript(): string {
  return join(builtLib().root, "lib/bench/audit-child.js");
}

function runChild(db: string, count: number, tag: string, startAt: number): Promise<Record<string, unknown>> {
  const script = childScript();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [script, db, String(count), tag, String(startAt), "2"], { cwd: ROOT, env: { ...process.env }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (c) => (out += c));
    child.stderr.on("data", (c) => (err += c));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) reject(new Error(`audit child ${tag} exited ${code}: ${err}${out}`));
      else resolvePromise(JSON.parse(out.trim()) as Record<string, unknown>);
    });
  });
}
