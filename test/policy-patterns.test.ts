/**
 * SPEC §2, version 1.1: patterns and tool ids are checked when the policy is validated, so a
 * policy that validates protects what it names and can always be evaluated, in bounded time.
 * Each case here validated before and then protected nothing, crashed `explain`, or took
 * seconds per evaluation.
 */
import { describe, expect, it } from "vitest";
import { resolvePolicy } from "../src/app/policy.js";
import { compileClassifier, compileLine } from "../src/evaluate/classify.js";
import { MAX_PATTERN_ALTERNATIVES, patternAlternatives } from "../src/policy/syntax.js";
import { MAX_POLICY_ALTERNATIVES } from "../src/policy/validate.js";
import { parsePolicy, type ConfigError } from "../src/policy/index.js";
import type { Policy } from "../src/model/policy.js";

function policyWith(patterns: string[], extra = ""): string {
  return `version: 1\nclasses:\n  eval:\n${patterns.map((p) => `    - ${JSON.stringify(p)}`).join("\n")}\nrules:\n  - name: r\n    classes: [eval]\n${extra}`;
}

function errors(text: string): ConfigError[] {
  const parsed = parsePolicy(text);
  if (parsed.ok) throw new Error(`expected config errors, the policy validated:\n${text}`);
  return parsed.errors;
}

function valid(text: string): Policy {
  const parsed = parsePolicy(text);
  if (!parsed.ok) throw new Error(parsed.errors.map((e) => `${e.line}:${e.column}: ${e.message}`).join("\n"));
  return parsed.policy;
}

describe("patterns that cannot mean what their author meant are config errors, at their position, with a hint", () => {
  it.each([
    [" evals/**", /leading whitespace/, 'write "evals/**"'],
    ["evals/** ", /trailing whitespace/, 'write "evals/**"'],
    ["! data/README.md", /leading whitespace/, 'write "!data/README.md"'],
    ["evals\\tasks\\**", /contains a backslash/, 'paths use "/": write "evals/tasks/**"'],
    ["", /empty pattern/, 'write a glob such as "evals/**"'],
    ["**/*.{jsonl", /unclosed "\{" \(character 6\)/, /close the group/],
    ["**/*.jsonl}", /"}" with no "{" before it/, /open the group/],
    ["data/[abc", /unclosed "\[" \(character 6\)/, /close the class/],
    ["data/abc]", /"]" with no "\[" before it/, /open the class/],
    ["**/*.{jsonl}", /brace group "\{jsonl\}" with one alternative/, /at least two alternatives/],
    ["{a,b}".repeat(13), /expands to more than 256 alternatives/, /split it/],
    ["x{1..300}", /expands to more than 256 alternatives/, /split it/],
    ["a/../b", /contains a ".." segment/, /cannot leave it/],
    ["{".repeat(9) + "a,b" + "}".repeat(9), /nests braces more than 8 deep/, /flat/],
    ["x".repeat(4097), /longer than any path/, /shorter glob/],
  ])("%s", (pattern, message, hint) => {
    const [e] = errors(policyWith(["data/**", pattern]));
    expect(e.message).toMatch(message);
    expect(e.hint).toEqual(typeof hint === "string" ? hint : expect.stringMatching(hint));
    // The second pattern's line, at its column.
    expect([e.line, e.column]).toEqual([5, 7]);
  });

  it("accepts the glob syntax that does balance: classes, POSIX classes, ranges, nested groups, empty alternatives", () => {
    const p = valid(policyWith(["data/[abc]*", "data/[!x]/**", "data/[]a]", "data/[[:digit:]]*.csv", "shard{1..9}.parquet", "**/*.{json,{yaml,yml}}", "**/*.csv{,.bak}", "x{a..c}{1..3..2}"]));
    const classify = compileClassifier(p);
    for (const path of ["data/a1", "data/y/z", "data/]", "data/7.csv", "shard3.parquet", "x/y.yml", "a.csv.bak", "xc3"]) expect(classify(path), path).toContain("eval");
    expect(classify("xd3")).toEqual([]);
  });

  it("counts brace alternatives without expanding them", () => {
    expect(patternAlternatives("evals/**")).toBe(1);
    expect(patternAlternatives("{a,b}{c,d,e}")).toBe(6);
    expect(patternAlternatives("{a,{b,c}}x{1..10}")).toBe(30);
    expect(patternAlternatives("{a..e}{0..10..5}")).toBe(15);
    expect(patternAlternatives("{1..5..0}")).toBe(5);
    // Saturates just above the limit, however large the product (2^40 here).
    expect(patternAlternatives("{a,b}".repeat(40))).toBe(MAX_PATTERN_ALTERNATIVES + 1);
    expect(patternAlternatives("{1..99999999}")).toBe(MAX_PATTERN_ALTERNATIVES + 1);
    // Validation refuses unbalanced braces first; counted anyway, an unclosed group runs to the end.
    expect(patternAlternatives("x{a,b")).toBe(2);
  });

  it("a folder pattern ending in / covers its whole subtree", () => {
    for (const pattern of ["evals/", "/evals/", "./evals/", "evals/**/", "evals//"]) {
      const p = valid(policyWith([pattern]));
      expect(p.classes.eval[0].pattern, pattern).toBe("evals/**");
      const classify = compileClassifier(p);
      expect(classify("evals/tasks/t1.jsonl"), pattern).toEqual(["eval"]);
      expect(classify("Evals/x"), pattern).toEqual(["eval"]);
      expect(classify("evalsx/y"), pattern).toEqual([]);
    }
    expect(valid(policyWith(["**/"])).classes.eval[0].pattern).toBe("**");
    expect(valid(policyWith(["!evals/private/", "evals/"])).classes.eval[0]).toEqual({ pattern: "evals/private/**", negate: true });
  });
});

describe("a policy that validates is compiled, and evaluates in bounded time", () => {
  it("compiles each pattern once per process, in a bounded cache", () => {
    const line = { pattern: "cache/test/**", negate: false };
    const first = compileLine(line);
    expect(compileLine({ ...line })).toBe(first);
    // More distinct patterns than the cache holds: it starts over, and compiling still works.
    for (let i = 0; i < 4100; i++) compileLine({ pattern: `cache/${i}/**`, negate: false });
    const again = compileLine(line);
    expect(again).not.toBe(first);
    expect(again.matcher.match("cache/test/x")).toBe(true);
  });

  it("13 brace groups no longer validate and then crash explain: they are a config error", () => {
    const [e] = errors(policyWith(["evals/" + "{a,b}".repeat(13)]));
    expect(e.message).toMatch(/expands to more than 256/);
  });

  it("200 patterns of twelve groups each are 200 config errors, not 12 s per evaluation", () => {
    const list = errors(policyWith(Array.from({ length: 200 }, (_, i) => `d${i}/${"{a,b}".repeat(12)}`)));
    expect(list.filter((e) => /expands to more than 256/.test(e.message))).toHaveLength(100);
    expect(list[list.length - 1].message).toMatch(/more error\(s\) not shown/);
  });

  it(`the whole policy may expand to ${MAX_POLICY_ALTERNATIVES.toLocaleString("en-US")} alternatives; the pattern past that is the error`, () => {
    const groups = (i: number) => `x${i}/{1..256}`;
    const fits = Array.from({ length: MAX_POLICY_ALTERNATIVES / 256 }, (_, i) => groups(i));
    valid(policyWith(fits));
    const [e] = errors(policyWith([...fits, "one-more"]));
    expect(e.message).toMatch(/the policy's patterns expand to more than 4,096 alternatives here/);
    expect(e.line).toBe(4 + fits.length);
  });

  it("the costliest policy that validates classifies a pull request's 3,000 paths in bounded time", () => {
    // 16 patterns of 256 wildcard alternatives each: no literal segment lets the prefilter skip them.
    const patterns = Array.from({ length: MAX_POLICY_ALTERNATIVES / 256 }, (_, i) => `**/*${i}x{1..256}*/**`);
    const classify = compileClassifier(valid(policyWith(patterns)));
    const paths = Array.from({ length: 3000 }, (_, i) => `src/deep/dir${i % 50}/more/levels/file${i}.ts`);
    const t0 = performance.now();
    for (const p of paths) classify(p);
    // ~1 s on an idle machine; the 200 twelve-group patterns this replaces took 12.8 s (31 s here).
    expect(performance.now() - t0).toBeLessThan(15_000);
  }, 60_000);

  it("a base policy that fails these checks gets the app's strict fallback, with the reason", () => {
    const resolution = resolvePolicy({
      base: { path: ".provenance.yml", ref: "main", blob_sha: "b".repeat(40), text: policyWith(["evals/" + "{a,b}".repeat(13)]), truncated: false },
      fallback: null,
      searched: [],
    });
    expect(resolution.kind).toBe("policy");
    if (resolution.kind !== "policy") return;
    expect(resolution.policy.rules.map((r) => r.name)).toContain("strict-fallback");
    expect(resolution.policy.source.fallback_reason).toMatch(/^\.provenance\.yml:4:7: class "eval": pattern .* expands to more than 256 alternatives/);
  });
});

describe("tool ids in rules are catalogue ids or declared tools", () => {
  const rule = (tools: string, declared = "") =>
    `version: 1\nclasses:\n  eval: ["evals/**"]\n${declared}rules:\n  - name: no-external\n    classes: [eval]\n    when: external-ai\n    tools: [${tools}]\n    forbid: true\n`;

  it.each([
    ["claude", 'did you mean "claude-code"?'],
    ["openhand", 'did you mean "openhands"?'],
    ["gpt", 'did you mean "codex"?'],
    ["anthropic", 'did you mean "claude-code"?'],
    ["qwen", 'did you mean "qwen-code"?'],
    ["metacode", /declare it under "ai.tools", or use a known id: claude-code, codex/],
  ])("tools: [%s] is a config error: %s", (id, hint) => {
    const [e] = errors(rule(id));
    expect(e.message).toBe(`"tools" of rule "no-external": tool "${id}" is neither a known AI tool nor declared under "ai.tools", so the rule would never apply`);
    expect(e.hint).toEqual(typeof hint === "string" ? hint : expect.stringMatching(hint));
    expect([e.line, e.column]).toEqual([8, 13]);
  });

  it("accepts catalogue ids and declared tools; a slug typo still suggests the known id", () => {
    expect(valid(rule("claude-code, codex, openhands")).rules[0].tools).toEqual(["claude-code", "codex", "openhands"]);
    expect(valid(rule("metacode", "ai:\n  tools:\n    metacode: { trust: internal }\n")).rules[0].tools).toEqual(["metacode"]);
    expect(errors(rule("Claude_Code"))[0].hint).toBe('did you mean "claude-code"?');
    expect(errors(rule("Claude"))[0].hint).toBe('did you mean "claude-code"?');
    expect(errors(rule("Zzz"))[0].hint).toBe('did you mean "zzz"?');
  });
});
