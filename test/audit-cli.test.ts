/**
 * `provenance-gate audit`: bad input is exit 2 with one readable line; the store is opened
 * read-only (a missing file is not created); the demo's store defaults to a temporary file.
 */
import { afterEach, describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "../src/cli/main.js";
import { openAuditStore } from "../src/audit/store.js";
import { auditTarget, redactUrl } from "../src/audit/store.js";
import { demoAuditStore } from "../src/sandbox/demo-audit.js";
import { sampleDraft } from "../src/bench/audit-sample.js";

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function cli(args: string[], env: Record<string, string> = {}) {
  let stdout = "";
  let stderr = "";
  const code = await run(args, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, cwd: dir, env });
  return { code, stdout, stderr };
}

async function storeWith(count: number): Promise<string> {
  const path = join(dir, "provenance.db");
  const store = await openAuditStore({ kind: "sqlite", path });
  await store.append(Array.from({ length: count }, (_, i) => sampleDraft("cli", i)));
  await store.close();
  return path;
}

describe("provenance-gate audit", () => {
  it("refuses bad flags and subcommands with exit 2 and one line", async () => {
    dir = mkdtempSync(join(tmpdir(), "provenance-audit-cli-"));
    const db = await storeWith(1);
    const cases: [string[], string][] = [
      [["audit"], "audit: name a subcommand: export or verify"],
      [["audit", "show"], 'audit: unknown subcommand "show" (export or verify)'],
      [["audit", "export", "--db", db, "--format", "xml"], 'audit export: --format must be csv or jsonl (got "xml")'],
      [["audit", "export", "--db", db, "--kind", "review"], 'audit export: --kind must be one of evaluation, merge, gap (got "review")'],
      [["audit", "export", "--db", db, "--repo", "models"], 'audit export: --repo must be OWNER/NAME (got "models")'],
      [["audit", "export", "--db", db, "--since", "last week"], 'audit export: --since must be a date (YYYY-MM-DD) or an ISO 8601 time (got "last week")'],
      [["audit", "verify", "--db", db, "--anchor", "12:abc"], 'audit verify: --anchor must be SEQ:HASH as verify printed it (got "12:abc")'],
    ];
    for (const [args, message] of cases) {
      const r = await cli(args);
      expect(r, args.join(" ")).toMatchObject({ code: 2, stdout: "", stderr: `provenance-gate: error: ${message}\n` });
    }
  });

  it("names a missing store without creating it, and refuses a file that is not an audit store", async () => {
    dir = mkdtempSync(join(tmpdir(), "provenance-audit-cli-"));
    const missing = await cli(["audit", "verify"], { PROVENANCE_DB: "nowhere/provenance.db" });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`provenance-gate: error: audit: no audit store at ${join(dir, "nowhere/provenance.db")} (name one with --db FILE|postgres://…, DATABASE_URL or PROVENANCE_DB)\n`);
    expect(existsSync(join(dir, "nowhere"))).toBe(false);
    const other = join(dir, "other.db");
    writeFileSync(other, "");
    const wrong = await cli(["audit", "export", "--db", other]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/is not a Provenance Gate audit store \(no audit_schema table\)/);
  });

  it("verifies an empty store and exports nothing from it; a CSV export has its header", async () => {
    dir = mkdtempSync(join(tmpdir(), "provenance-audit-cli-"));
    const db = await storeWith(0);
    expect(await cli(["audit", "verify", "--db", db])).toMatchObject({ code: 0, stdout: `✔ ${db}: no records yet.\n` });
    expect(await cli(["audit", "export", "--db", db])).toMatchObject({ code: 0, stdout: "" });
    expect((await cli(["audit", "export", "--db", db, "--format", "csv"])).stdout).toMatch(/^seq,at,kind,.*,hash\n$/);
  });

  it("takes an anchor that still holds, and one past the end as records removed from the end", async () => {
    dir = mkdtempSync(join(tmpdir(), "provenance-audit-cli-"));
    const db = await storeWith(3);
    const head = /Head (\d+:[0-9a-f]{64})/.exec((await cli(["audit", "verify", "--db", db])).stdout)![1];
    expect((await cli(["audit", "verify", "--db", db, "--anchor", head])).code).toBe(0);
    const beyond = await cli(["audit", "verify", "--db", db, "--anchor", `9:${"0".repeat(64)}`]);
    expect(beyond.code).toBe(1);
    expect(beyond.stdout).toContain("anchored record 9 is not in the store (it ends at 3): records were removed from the end");
  });

  it("chooses the store: --db, else DATABASE_URL, else PROVENANCE_DB, else data/provenance.db; passwords are never shown", () => {
    expect(auditTarget({}, "postgres://u@h/db")).toEqual({ kind: "postgres", url: "postgres://u@h/db" });
    expect(auditTarget({ DATABASE_URL: "postgresql://u@h/db", PROVENANCE_DB: "x.db" })).toEqual({ kind: "postgres", url: "postgresql://u@h/db" });
    expect(auditTarget({ PROVENANCE_DB: "x.db" })).toEqual({ kind: "sqlite", path: "x.db" });
    expect(auditTarget({ PROVENANCE_DB: " " })).toEqual({ kind: "sqlite", path: "data/provenance.db" });
    expect(auditTarget({ DATABASE_URL: "postgres://u@h/db" }, "local.db")).toEqual({ kind: "sqlite", path: "local.db" });
    expect(redactUrl("postgres://app:s3cret@db:5432/provenance")).toBe("postgres://app:***@db:5432/provenance");
  });

  it("the demo writes to $PROVENANCE_DB when set, a new temporary file otherwise, and puts the environment back", async () => {
    dir = mkdtempSync(join(tmpdir(), "provenance-audit-cli-"));
    const env: NodeJS.ProcessEnv = { DATABASE_URL: "postgres://u@h/db" };
    const temp = demoAuditStore(env);
    expect(temp.db.startsWith(tmpdir())).toBe(true);
    expect(env).toEqual({ PROVENANCE_DB: temp.db });
    await temp.release();
    expect(env).toEqual({ DATABASE_URL: "postgres://u@h/db" });
    const named = { PROVENANCE_DB: join(dir, "mine.db") };
    const chosen = demoAuditStore(named);
    expect(chosen.db).toBe(join(dir, "mine.db"));
    await chosen.release();
    expect(named).toEqual({ PROVENANCE_DB: join(dir, "mine.db") });
  });
});
