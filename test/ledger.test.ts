/**
 * The ledger over a repository whose line origins are known by construction
 * (scripts/ledger-example-repo.sh): AI lines from a trailer, from a git-ai note on a commit
 * without trailers, from an Agent Trace record; a human edit over an AI line; a rename; binary
 * files. Every number below is counted from the script, not from the program.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run, type CliIO } from "../src/cli/main.js";
import type { Ledger } from "../src/ledger/model.js";
import { GIT_ENV } from "./helpers/git-repo.js";

let root: string;
let dir: string;
const sha: Record<string, string> = {};

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "ledger-"));
  dir = join(root, "repo");
  execFileSync("bash", [new URL("../scripts/ledger-example-repo.sh", import.meta.url).pathname, dir], { env: GIT_ENV });
  const log = execFileSync("git", ["log", "--format=%H %s"], { cwd: dir, env: GIT_ENV, encoding: "utf8" });
  for (const line of log.trim().split("\n")) sha[line.slice(41)] = line.slice(0, 40);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function ledger(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const io: CliIO = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, cwd: dir, env: { ...GIT_ENV } };
  const code = await run(["ledger", ...argv], io);
  return { code, stdout, stderr };
}

describe("ledger: exact line origins", () => {
  it("counts every line as constructed", async () => {
    const r = await ledger("--format", "json");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const l = JSON.parse(r.stdout) as Ledger;
    const claude = sha["Add hard questions"];
    const bob = sha["Add training rows"];
    const generated = sha["Add generated cases"];
    expect(l.repository).toBe("acme/models");
    expect(l.revision).toBe(sha["Move the hard questions"]);
    expect(l.policy.path).toBe(".provenance.yml");
    expect(l.policy.blob).toMatch(/^[0-9a-f]{40}$/);
    const files = Object.fromEntries(l.files.map((f) => [f.path, f]));
    expect(Object.keys(files)).toEqual([
      "data/images.bin", "data/logo.bin", "data/train.csv", "evals/hard/hard.yaml", "evals/tasks/ai-only.yaml", "evals/tasks/easy.yaml", "evals/tasks/gen.yaml",
    ]);
    // A trailer marks every line of its commit; later human lines stay human.
    expect(files["evals/tasks/easy.yaml"]).toMatchObject({ classes: ["eval"], lines: 15, ai_lines: 5, status: "mixed", tools: { "claude-code": 5 } });
    expect(files["evals/tasks/easy.yaml"].commits).toEqual([
      { sha: claude, tools: ["claude-code"], lines: 5, sources: ["trailer"], evidence: ["Co-Authored-By: Claude Opus 4.6 <noreply@anthropic.com>"], ranges: [[11, 15]] },
    ]);
    // Renamed after the AI commit, and line 5 reworded by a person.
    expect(files["evals/hard/hard.yaml"]).toMatchObject({ lines: 20, ai_lines: 19, status: "mixed", tools: { "claude-code": 19 } });
    expect(files["evals/hard/hard.yaml"].commits.map((c) => [c.sha, c.ranges])).toEqual([[claude, [[1, 4], [6, 20]]]]);
    expect(files["evals/tasks/ai-only.yaml"]).toMatchObject({ lines: 4, ai_lines: 4, status: "ai" });
    // A git-ai note on a commit without trailers: its session's lines only (1-2 are a known human's).
    expect(files["data/train.csv"]).toMatchObject({ classes: ["data"], lines: 12, ai_lines: 6, status: "mixed", tools: { cursor: 6 } });
    expect(files["data/train.csv"].commits).toEqual([
      {
        sha: bob,
        tools: ["cursor"],
        lines: 6,
        sources: ["git-ai"],
        evidence: ["refs/notes/ai: session s_c9883b05a2487d (cursor, claude-sonnet-4-5), 6 lines in data/train.csv"],
        ranges: [[3, 8]],
      },
    ]);
    // An Agent Trace record: ai and mixed ranges.
    expect(files["evals/tasks/gen.yaml"]).toMatchObject({ lines: 8, ai_lines: 6, status: "mixed", tools: { codex: 6 } });
    expect(files["evals/tasks/gen.yaml"].commits.map((c) => [c.sha, c.sources, c.ranges])).toEqual([[generated, ["agent-trace"], [[1, 6]]]]);
    // Binary files are judged whole.
    expect(files["data/images.bin"]).toMatchObject({ lines: null, ai_lines: null, status: "ai", tools: { "claude-code": null }, whole: "binary" });
    expect(files["data/logo.bin"]).toMatchObject({ lines: null, ai_lines: null, status: "human", tools: {}, commits: [] });
    expect(l.totals).toEqual({
      files: 7,
      ai_files: 2,
      mixed_files: 4,
      lines: 59,
      ai_lines: 40,
      by_tool: { "claude-code": 28, codex: 6, cursor: 6 },
      by_class: {
        data: { files: 3, ai_files: 1, mixed_files: 1, lines: 12, ai_lines: 6 },
        eval: { files: 4, ai_files: 1, mixed_files: 3, lines: 47, ai_lines: 34 },
      },
    });
  });

  it("prints the exclude list of external tools, or of the tools named", async () => {
    expect((await ledger("--exclude-list")).stdout).toBe(
      "data/images.bin\ndata/train.csv\nevals/hard/hard.yaml\nevals/tasks/ai-only.yaml\nevals/tasks/easy.yaml\nevals/tasks/gen.yaml\n",
    );
    expect((await ledger("--exclude-list", "--tools", "cursor,codex")).stdout).toBe("data/train.csv\nevals/tasks/gen.yaml\n");
  });

  it("counts only the selected tools' lines", async () => {
    const l = JSON.parse((await ledger("--format", "json", "--tools", "codex")).stdout) as Ledger;
    expect(l.tools).toBe("codex");
    expect(l.totals.ai_lines).toBe(6);
    expect(l.files.filter((f) => f.status !== "human").map((f) => f.path)).toEqual(["evals/tasks/gen.yaml"]);
  });

  it("an internal tool is not external", async () => {
    const config = join(root, "internal.yml");
    execFileSync("bash", ["-c", `cat > ${config} <<'Y'\nversion: 1\nclasses:\n  eval: ["evals/**"]\n  data: ["data/**"]\nai:\n  tools:\n    claude-code:\n      trust: internal\nY`]);
    const r = await ledger("--exclude-list", "--config", config);
    expect(r.stdout).toBe("data/train.csv\nevals/tasks/gen.yaml\n");
  });

  it("writes JSON Lines and CSV with the same numbers", async () => {
    const json = JSON.parse((await ledger("--format", "json")).stdout) as Ledger;
    const jsonl = (await ledger("--format", "jsonl")).stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(jsonl).toEqual(json.files);
    const csv = (await ledger("--format", "csv")).stdout.split("\r\n");
    expect(csv[0]).toBe("path,classes,lines,ai_lines,status,tools,commits");
    expect(csv).toContain(`data/train.csv,data,12,6,mixed,cursor:6,${sha["Add training rows"]}`);
    expect(csv).toContain(`data/images.bin,data,,,ai,claude-code,${sha["Add hard questions"]}`);
    expect(csv).toContain("data/logo.bin,data,,,human,,");
  });

  it("judges an earlier revision by the files and policy there", async () => {
    const l = JSON.parse((await ledger(sha["Add hard questions"], "--format", "json")).stdout) as Ledger;
    expect(l.files.map((f) => `${f.path} ${f.ai_lines}/${f.lines}`)).toEqual([
      "data/images.bin null/null", "data/logo.bin null/null", "evals/tasks/ai-only.yaml 4/4", "evals/tasks/easy.yaml 5/15", "evals/tasks/hard.yaml 20/20",
    ]);
  });

  it("with --all-files, files outside the classes too", async () => {
    const l = JSON.parse((await ledger("--all-files", "--format", "json")).stdout) as Ledger;
    expect(l.files.map((f) => f.path)).toEqual(expect.arrayContaining([".provenance.yml", ".agent-trace/traces.jsonl", "scripts/run.py"]));
    expect(l.files.find((f) => f.path === "scripts/run.py")).toMatchObject({ classes: [], lines: 1, ai_lines: 0, status: "human" });
  });

  it("prints a text summary for people", async () => {
    const r = await ledger();
    expect(r.stdout).toContain("7 files in scope: 2 all AI, 4 mixed, 1 human; 40 of 59 lines AI (68%)");
    expect(r.stdout).toContain("by tool: claude-code 28, codex 6, cursor 6");
    expect(r.stdout).toMatch(/data\/train\.csv +6\/12 +50% +mixed +cursor 6/);
  });

  it("refuses bad flags in one line", async () => {
    for (const [argv, message] of [
      [["--format", "xml"], /--format must be one of text, json, jsonl, csv, html/],
      [["a", "b"], /one revision at most/],
      [["nope"], /unknown revision "nope"/],
      [["--exclude-list", "--format", "json"], /--exclude-list prints paths/],
      [["--tools", ","], /--tools needs/],
    ] as const) {
      const r = await ledger(...argv);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }
  });

  it("warns about an unknown tool id with the nearest one", async () => {
    const r = await ledger("--exclude-list", "--tools", "claude");
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('provenance-gate: warning: --tools: "claude" is not a known tool id (did you mean "claude-code"?)\n');
    expect(r.stdout).toBe("");
  });
});
