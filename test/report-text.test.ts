import { describe, expect, it } from "vitest";
import type { FileResult, RuleResult, Signal, Verdict } from "../src/model/verdict.js";
import { renderText } from "../src/report/text.js";
import { code, renderMarkdown, text } from "../src/report/markdown.js";

const SHA = "3f2a1bc9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3";

function rule(r: Partial<RuleResult> & { name: string }): RuleResult {
  return { status: "not_applicable", when: "ai-assisted", classes: ["eval"], required: 1, counted: [], files: [], tools: [], forbid: false, ...r };
}

function signal(s: Partial<Signal> = {}): Signal {
  return { tool: "claude-code", kind: "co-author-trailer", where: "commit 3f2a1bc", evidence: "Co-Authored-By: Claude <noreply@anthropic.com>", commit: SHA, decisive: true, ...s };
}

function file(f: Partial<FileResult> & { filename: string }): FileResult {
  return { status: "modified", classes: ["eval"], ai_touched: true, tools: ["claude-code"], commits: ["3f2a1bc"], rules: ["review"], ...f };
}

/** A blocked pull request: one pending rule, Alice drove Claude Code, Bob's approval is stale. */
function verdict(v: Partial<Verdict> = {}): Verdict {
  return {
    conclusion: "action_required",
    title: "Needs 1 independent approval for AI-assisted changes in eval",
    repository: "acme/models",
    pull_number: 42,
    head_sha: SHA,
    rules: [
      rule({ name: "review", status: "pending", files: ["evals/t1.yaml"], tools: ["claude-code"] }),
      rule({ name: "provenance-policy", when: "any-change", classes: ["provenance-policy"], builtin: true }),
    ],
    files: [file({ filename: "evals/t1.yaml" }), file({ filename: "README.md", classes: [], ai_touched: false, tools: [], commits: [], rules: [] })],
    ai: { assisted: true, tools: ["claude-code"], signals: [signal()], hints: [] },
    session_authors: ["alice"],
    session_author_details: [{ login: "alice", reasons: ["authored 3f2a1bc with Claude Code"] }],
    unresolved_authors: [],
    counted: [],
    disqualified: [{ login: "bob", reason: "@bob approved at 2026-11-20T09:00:00Z, before the latest push at 2026-11-20T10:00:00Z; a new approval is needed" }],
    errors: [],
    config_errors: [],
    policy: { path: ".provenance.yml", ref: "main", blob_sha: "75dab45e0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f" },
    evaluated_at: "2026-11-20T12:00:00.000Z",
    ...v,
  };
}

const stripAnsi = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, "");

describe("renderText", () => {
  it.each([
    ["success", "✔ passed: "],
    ["action_required", "✖ action required: "],
    ["failure", "✖ failed: "],
  ] as const)("starts a %s verdict with its mark and the title", (conclusion, prefix) => {
    const out = renderText(verdict({ conclusion }), { color: false });
    expect(out.split("\n")[0]).toBe(`${prefix}Needs 1 independent approval for AI-assisted changes in eval`);
    expect(out.split("\n")[1]).toBe("  acme/models#42 at 3f2a1bc · policy .provenance.yml at main (blob 75dab45)");
  });

  it("aligns the rules table", () => {
    const lines = renderText(verdict(), { color: false }).split("\n");
    const header = lines.findIndex((l) => l.startsWith("  RULE"));
    const rows = lines.slice(header, header + 3);
    expect(rows).toEqual([
      "  RULE               STATUS          NEEDS       COUNTED",
      "  review             pending         1 approval  —",
      "  provenance-policy  not applicable  —           —",
    ]);
  });

  it("colours only when asked, without moving a column", () => {
    const plain = renderText(verdict(), { color: false });
    const coloured = renderText(verdict(), { color: true });
    expect(plain).not.toContain("\u001b[");
    expect(coloured).toContain("\u001b[33mpending");
    expect(stripAnsi(coloured)).toBe(plain);
  });

  it("names who can unblock, excluding the AI-session authors", () => {
    const out = renderText(verdict({ session_authors: ["alice", "dave"] }), { color: false });
    expect(out).toContain("Who can unblock\n  review: 1 approval from anyone with write access other than @alice or @dave (AI-session authors). Only approvals submitted after the latest push count.");
  });

  it("names the allowed users and teams of a `from` rule", () => {
    const v = verdict({ rules: [rule({ name: "owners", status: "pending", required: 2, counted: ["erin"], from: ["@acme/eval-owners", "carol"], files: ["evals/t1.yaml"] })] });
    const out = renderText(v, { color: false });
    expect(out).toMatch(/owners\s+pending\s+1 more approval from @carol or a member of @acme\/eval-owners\s+@erin/);
    expect(out).toContain("owners: 1 more approval from @carol or a member of @acme/eval-owners (with write access) other than @alice");
  });

  it("says what unblocks a forbidden change", () => {
    const v = verdict({
      conclusion: "failure",
      rules: [rule({ name: "no-codex", status: "forbidden", forbid: true, required: 0, tools: ["codex"], files: ["evals/a", "evals/b", "evals/c", "evals/d"] })],
    });
    const out = renderText(v, { color: false });
    // No commit marked the files: the pull request itself carries the mark.
    expect(out).toContain("What unblocks it\n  no-codex: No approval can satisfy this rule: the pull request itself is marked as made with Codex, and it changes 4 files (evals/a, evals/b, evals/c …and 1 more). Remove those changes, or the mark if it is wrong.");
    expect(out).not.toContain("Who can unblock");
  });

  it("names the commits to drop when AI-marked commits made a forbidden change", () => {
    const file = (filename: string, commits: string[]) => ({ filename, status: "modified", classes: ["eval"], ai_touched: true, tools: ["codex"], commits, rules: ["no-codex"] });
    const v = verdict({
      conclusion: "failure",
      rules: [rule({ name: "no-codex", status: "forbidden", forbid: true, required: 0, tools: ["codex"], files: ["evals/a", "evals/b"] })],
      files: [file("evals/a", ["0d8c22c"]), file("evals/b", ["0d8c22c", "1e9d33d"])],
    });
    expect(renderText(v, { color: false })).toContain(
      "no-codex: No approval can satisfy this rule: drop the commits made with Codex (0d8c22c, 1e9d33d) from the branch (an interactive rebase does it), or rewrite them so they no longer touch 2 files (evals/a, evals/b).",
    );
  });

  it("lists signals, session authors, uncounted reviews and protected files", () => {
    const out = renderText(
      verdict({ unresolved_authors: [{ name: "Eve", email: "eve@example.com", reason: "co-author of 3f2a1bc with no GitHub account" }] }),
      { color: false },
    );
    expect(out).toMatch(/AI signals\n  TOOL         KIND\s+WHERE           EVIDENCE\n  Claude Code  \S+\s+commit 3f2a1bc  Co-Authored-By: Claude <noreply@anthropic.com>/);
    expect(out).toContain("AI-session authors\n  @alice                 authored 3f2a1bc with Claude Code\n  Eve <eve@example.com>  not resolved to a login: co-author of 3f2a1bc with no GitHub account");
    expect(out).toContain("Reviews not counted\n  @bob approved at 2026-11-20T09:00:00Z, before the latest push");
    expect(out).toContain("Protected files\n  FILE           CLASSES  TOOLS        COMMITS\n  evals/t1.yaml  eval     claude-code  3f2a1bc");
    expect(out).not.toContain("README.md");
  });

  it("leaves out empty sections", () => {
    const out = renderText(
      verdict({
        conclusion: "success",
        rules: [rule({ name: "review" })],
        files: [],
        ai: { assisted: false, tools: [], signals: [], hints: [] },
        session_authors: [],
        session_author_details: [],
        disqualified: [],
      }),
      { color: false },
    );
    for (const heading of ["Who can unblock", "AI signals", "AI-session authors", "Reviews not counted", "Protected files", "Errors"]) {
      expect(out).not.toContain(heading);
    }
  });

  it("keeps hostile text on one line and caps long lists", () => {
    const signals = Array.from({ length: 25 }, (_, i) => signal({ evidence: `Assisted-by: x\nInjected line ${i}` }));
    const out = renderText(verdict({ ai: { assisted: true, tools: ["claude-code"], signals, hints: [] } }), { color: false });
    expect(out).not.toMatch(/^Injected/m);
    expect(out).toContain("Assisted-by: x Injected line 0");
    expect(out).toContain("…and 5 signals more (use --format json)");
  });

  it("lists signals in history order when it is known, with their kind, and one row per unresolved person", () => {
    const [older, newer] = ["b".repeat(40), "a".repeat(40)];
    const signals = [signal({ commit: newer, where: "commit aaaaaaa", evidence: "newer" }), signal({ commit: older, where: "commit bbbbbbb", evidence: "older" })];
    const unresolved_authors = Array.from({ length: 3 }, (_, i) => ({ name: "Eve", email: "eve@example.com", reason: `authored c${i} with Claude Code` }));
    const out = renderText(verdict({ ai: { assisted: true, tools: ["claude-code"], signals, hints: [] }, unresolved_authors }), { color: false, commitOrder: [older, newer] });
    expect(out.indexOf("older")).toBeLessThan(out.indexOf("newer"));
    expect(out).toMatch(/Claude Code  co-author-trailer  commit bbbbbbb/);
    expect(out).toContain("Eve <eve@example.com>  not resolved to a login: authored c0 with Claude Code; authored c1 with Claude Code; authored c2 with Claude Code");
    // Without the order, the verdict's own (SHA) order.
    const plain = renderText(verdict({ ai: { assisted: true, tools: ["claude-code"], signals, hints: [] } }), { color: false });
    expect(plain.indexOf("newer")).toBeLessThan(plain.indexOf("older"));
  });

  it("shows errors, config errors and a strict-fallback policy", () => {
    const out = renderText(
      verdict({
        conclusion: "failure",
        errors: [{ kind: "pr-config", message: "This pull request's .provenance.yml has 1 error; fix it to pass." }],
        config_errors: [{ file: ".provenance.yml", line: 3, column: 5, message: 'unknown key "clases"', hint: 'did you mean "classes"?' }],
        policy: { path: "(built-in strict fallback)", fallback_reason: ".provenance.yml:2:1: bad" },
      }),
      { color: false },
    );
    expect(out).toContain("Errors\n  pr-config: This pull request's .provenance.yml has 1 error; fix it to pass.");
    expect(out).toContain('Config errors\n  .provenance.yml:3:5: unknown key "clases" (did you mean "classes"?)');
    expect(out).toContain("Policy is broken (.provenance.yml:2:1: bad); evaluated with the strict fallback.");
  });
});

describe("renderMarkdown", () => {
  /** Cells of a table row, splitting on pipes that are not backslash-escaped. */
  const cells = (row: string) => row.split(/(?<!\\)\|/).slice(1, -1).map((c) => c.trim());

  it("leads with the title and a rules table", () => {
    const md = renderMarkdown(verdict());
    const lines = md.split("\n");
    expect(lines[0]).toBe("**⏳ Needs 1 independent approval for AI-assisted changes in eval**");
    expect(md).toContain(
      ["| Rule | Status | Needs | Counted |", "|:--|:--|:--|:--|", "| `review` | ⏳ pending | 1 approval | — |", "| `provenance-policy` | ➖ not applicable | — | — |"].join("\n"),
    );
  });

  it("says exactly who can unblock", () => {
    const v = verdict({ rules: [rule({ name: "owners", status: "pending", from: ["@acme/eval-owners", "carol"], files: ["evals/t1.yaml"] })] });
    expect(renderMarkdown(v)).toContain(
      "### Who can unblock\n- `owners`: 1 approval from @carol or a member of @acme/eval-owners (with write access) other than @alice (AI-session author). Only approvals submitted after the latest push count.",
    );
  });

  it("escapes hostile evidence inside the signals table", () => {
    const evidence = "Assisted-by: a|b `tick` ``two``\n<script>alert(1)</script>";
    const md = renderMarkdown(verdict({ ai: { assisted: true, tools: ["x"], signals: [signal({ tool: "x", evidence })], hints: [] } }));
    const row = md.split("\n").find((l) => l.includes("alert"))!;
    expect(cells(row)).toHaveLength(3);
    expect(cells(row)[2]).toBe("```Assisted-by: a\\|b `tick` ``two`` <script>alert(1)</script>```");
  });

  it("escapes Markdown and HTML in names, reasons and filenames", () => {
    const md = renderMarkdown(
      verdict({
        session_author_details: [{ login: "alice", reasons: ["authored *x* with [Claude](http://evil) <img src=x>"] }],
        unresolved_authors: [{ name: "Eve_|_", email: "eve@example.com", reason: "co-author" }],
        files: [file({ filename: "evals/a|b`c.yaml" })],
      }),
    );
    expect(md).toContain("- @alice — authored \\*x\\* with \\[Claude\\](http://evil) &lt;img src=x&gt;");
    expect(md).toContain("- Eve\\_\\|\\_ `eve@example.com` — not resolved to a GitHub account: co-author");
    const row = md.split("\n").find((l) => l.includes("a\\|b"))!;
    expect(cells(row)).toHaveLength(4);
    expect(cells(row)[0]).toBe("``evals/a\\|b`c.yaml``");
  });

  it("caps long file lists", () => {
    const files = Array.from({ length: 60 }, (_, i) => file({ filename: `evals/f${String(i).padStart(2, "0")}.yaml` }));
    const md = renderMarkdown(verdict({ files }));
    expect(md).toContain("`evals/f49.yaml`");
    expect(md).not.toContain("`evals/f50.yaml`");
    expect(md).toContain("_…and 10 files more._");
  });

  it("ends with the policy used, and flags the strict fallback", () => {
    expect(renderMarkdown(verdict())).toContain("<sub>Policy: `.provenance.yml` · ref `main` · blob `75dab45` · head `3f2a1bc` · evaluated 2026-11-20T12:00:00.000Z</sub>");
    const md = renderMarkdown(verdict({ policy: { path: "(built-in strict fallback)", fallback_reason: "unknown key \"rulez\" at 4:1" } }));
    expect(md).toContain("> **⚠️ The repository's provenance policy is broken** (unknown key \"rulez\" at 4:1).");
    expect(md).toContain("strict fallback");
  });

  it("lists errors and the pull request's config errors", () => {
    const md = renderMarkdown(
      verdict({
        conclusion: "failure",
        errors: [{ kind: "too-large", message: "This pull request changes 3,001 files" }],
        config_errors: [{ file: ".provenance.yml", line: 3, column: 5, message: "bad `value`" }],
      }),
    );
    expect(md).toContain("### Errors\n- **too-large**: This pull request changes 3,001 files");
    expect(md).toContain("- `` .provenance.yml:3:5: bad `value` ``");
  });
});

describe("Markdown escaping helpers", () => {
  it.each([
    ["plain", "`plain`"],
    ["a`b", "``a`b``"],
    ["`x`", "`` `x` ``"],
    ["", "` `"],
    ["line\nbreak", "`line break`"],
  ])("code(%j) = %s", (input, expected) => {
    expect(code(input)).toBe(expected);
  });

  it("escapes pipes in a code span only inside a table", () => {
    expect(code("a|b")).toBe("`a|b`");
    expect(code("a|b", true)).toBe("`a\\|b`");
  });

  it("escapes text", () => {
    expect(text("a <b> & *c* | d\ne")).toBe("a &lt;b&gt; &amp; \\*c\\* \\| d e");
  });
});
