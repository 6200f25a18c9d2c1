/**
 * `npm run demo` is the first thing a newcomer runs: it must play the whole story through the real
 * app, over real HTTP, and say so in a form a script can check.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { formatRecord, formatStep, runDemo } from "../src/sandbox/demo.js";
import { run } from "../src/cli/main.js";
import { testAppOptions } from "./helpers/sandbox-app.js";

function captureStdout(): { text: () => string } {
  const chunks: string[] = [];
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  });
  return { text: () => chunks.join("") };
}

afterEach(() => vi.restoreAllMocks());

// The story plays once; every test below reads its report.
let code: number;
let report: any;
beforeAll(async () => {
  const stdout = captureStdout();
  try {
    code = await runDemo(["--json"], testAppOptions());
  } finally {
    vi.restoreAllMocks();
  }
  report = JSON.parse(stdout.text());
}, 60_000);

describe("the demo", () => {
  it("plays the story from blocked to approved, and back after a push", () => {
    expect(code).toBe(0);
    expect(report.ok).toBe(true);
    expect(report.timeline.map((s: { actor: string; event: string; conclusion: string }) => `${s.actor} ${s.event}: ${s.conclusion}`)).toEqual([
      "carol pull_request.opened: action_required",
      "carol refused: action_required",
      "alice pull_request_review.submitted: action_required",
      "bob pull_request_review.submitted: success",
      "carol pull_request.synchronize: action_required",
      "bob pull_request_review.submitted: success",
      "bob pull_request.closed: success",
    ]);
    expect(report.timeline[2].detail).toMatch(/^@alice is an AI-session author: authored and committed [0-9a-f]{7} with Claude Code/);
    expect(report.timeline[1].detail).toBe("GitHub answered 422: Can not approve your own pull request");
    expect(report.timeline[4].detail).toMatch(/^@bob approved at .*, before the latest push at /);
    // Deliveries were all accepted and processed before Probot answered.
    for (const step of report.timeline.filter((s: { event: string }) => s.event !== "refused")) expect(step.delivery_status).toBe(200);
  });

  it("leaves the record of the merge where it says, and the CLI reads it back", async () => {
    expect(report.audit).toMatchObject({ evaluations: 5, merge: { merged_by: "bob", approved_head_matches: true } });
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
  });

  it("prints each step, where the record is, and the export command to run next", () => {
    const alice = report.timeline[2];
    expect(formatStep(alice).split("\n")).toEqual([
      ` 3  ${alice.at.slice(11, 19)}  alice approves`,
      `${" ".repeat(20)}action_required  ${alice.title}`,
      `${" ".repeat(20)}↳ ${alice.detail}`,
    ]);
    const text = formatRecord(report.audit).join("\n");
    expect(text).toMatch(/Recorded in (\S+): 5 results and the merge \([0-9a-f]{7} by bob; merged head is the approved head: yes\)\./);
    expect(text).toMatch(/See it: {3}provenance-gate audit export --db \S+ --kind merge --format csv/);
  });

  it("rejects an unknown flag with exit 2 and the usage", async () => {
    const stderr: string[] = [];
    vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => (stderr.push(String(chunk)), true));
    expect(await runDemo(["--fast"])).toBe(2);
    expect(stderr.join("")).toBe("provenance-gate demo: unknown option --fast\nusage: provenance-gate demo [--json] [--no-color]\n");
  });
});
