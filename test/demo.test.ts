/**
 * `npm run demo` is the first thing a newcomer runs: it must play the whole story through the real
 * app, over real HTTP, and say so in a form a script can check.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { runDemo } from "../src/sandbox/demo.js";
import { run } from "../src/cli/main.js";

function captureStdout(): { text: () => string } {
  const chunks: string[] = [];
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  });
  return { text: () => chunks.join("") };
}

afterEach(() => vi.restoreAllMocks());

describe("the demo", () => {
  it("plays the story from blocked to approved, and back after a push", async () => {
    const stdout = captureStdout();
    const code = await runDemo(["--json"]);
    const report = JSON.parse(stdout.text());
    expect(code).toBe(0);
    expect(report.ok).toBe(true);
    expect(report.timeline.map((s: { actor: string; conclusion: string }) => `${s.actor}: ${s.conclusion}`)).toEqual([
      "carol: action_required",
      "carol: action_required",
      "alice: action_required",
      "bob: success",
      "carol: action_required",
      "bob: success",
      "bob: success",
    ]);
    expect(report.timeline[2].detail).toMatch(/^@alice is an AI-session author: authored and committed [0-9a-f]{7} with Claude Code/);
    expect(report.timeline[1].detail).toBe("GitHub answered 422: Can not approve your own pull request");
    expect(report.timeline[4].detail).toMatch(/^@bob approved at .*, before the latest push at /);

    // It leaves the record of the merge where it says, and the CLI reads it back.
    expect(report.audit).toMatchObject({ evaluations: 5, merge: { merged_by: "bob", approved_head_matches: true } });
    vi.restoreAllMocks();
    const cli = async (args: string[]) => {
      let out = "";
      const code = await run(args, { stdout: { write: (c: string) => (out += c) }, stderr: { write: () => true }, cwd: process.cwd(), env: {} });
      return { code, out };
    };
    const exported = await cli(["audit", "export", "--db", report.audit.db, "--kind", "merge", "--repo", "acme/models"]);
    expect(exported.code).toBe(0);
    const merges = exported.out.trim().split("\n").map((l) => JSON.parse(l));
    expect(merges.at(-1)).toMatchObject({ seq: report.audit.merge.seq, kind: "merge", pull_request: 1, merged_by: "bob", approved_head_matches: true, conclusion: "success" });
    const verified = await cli(["audit", "verify", "--db", report.audit.db]);
    expect(verified.code).toBe(0);
    expect(verified.out).toMatch(/chain intact/);
  }, 60_000);

  it("prints where the record is and the export command to run next", async () => {
    const stdout = captureStdout();
    expect(await runDemo(["--no-color"])).toBe(0);
    const text = stdout.text();
    expect(text).toMatch(/Recorded in (\S+): 5 results and the merge \([0-9a-f]{7} by bob; merged head is the approved head: yes\)\./);
    expect(text).toMatch(/See it: {3}provenance-gate audit export --db \S+ --kind merge --format csv/);
  }, 60_000);

  it("rejects an unknown flag with exit 2 and the usage", async () => {
    const stderr: string[] = [];
    vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => (stderr.push(String(chunk)), true));
    expect(await runDemo(["--fast"])).toBe(2);
    expect(stderr.join("")).toBe("provenance-gate demo: unknown option --fast\nusage: provenance-gate demo [--json] [--no-color]\n");
  });
});
