/**
 * `npm run demo` is the first thing a newcomer runs: it must play the whole story through the real
 * app, over real HTTP, and say so in a form a script can check.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { runDemo } from "../src/sandbox/demo.js";

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
  }, 60_000);

  it("rejects an unknown flag with exit 2 and the usage", async () => {
    const stderr: string[] = [];
    vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => (stderr.push(String(chunk)), true));
    expect(await runDemo(["--fast"])).toBe(2);
    expect(stderr.join("")).toBe("provenance-gate demo: unknown option --fast\nusage: provenance-gate demo [--json] [--no-color]\n");
  });
});
