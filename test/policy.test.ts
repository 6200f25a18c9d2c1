import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ConfigError, Policy } from "../src/model/policy.js";
import {
  DEFAULT_AI_LABELS,
  FLOOR_CLASS_NAME,
  FLOOR_RULE_NAME,
  MAX_POLICY_BYTES,
  MAX_REPORTED_ERRORS,
  didYouMean,
  editDistance,
  floorRule,
  formatConfigError,
  normaliseClassPattern,
  parsePolicy,
  strictFallbackPolicy,
} from "../src/policy/index.js";

const fixture = (kind: string, name: string) => readFileSync(join(import.meta.dirname, "fixtures", "policies", kind, name), "utf8");

function accept(text: string, options?: Parameters<typeof parsePolicy>[1]): Policy {
  const result = parsePolicy(text, options);
  if (!result.ok) throw new Error(`expected a valid policy, got:\n${result.errors.map(formatConfigError).join("\n")}`);
  return result.policy;
}

function reject(text: string, options?: Parameters<typeof parsePolicy>[1]): ConfigError[] {
  const result = parsePolicy(text, options);
  if (result.ok) throw new Error("expected config errors, got a valid policy");
  return result.errors;
}

const FLOOR = {
  name: "provenance-policy",
  classes: ["provenance-policy"],
  when: "any-change",
  require: { approvals: 1 },
  forbid: false,
  builtin: true,
};

describe("parsePolicy: the SPEC §2 example", () => {
  it("parses into the exact Policy the evaluator consumes", () => {
    expect(accept(fixture("valid", "spec-example.yml"))).toEqual({
      version: 1,
      classes: {
        eval: [
          { pattern: "evals/**", negate: false },
          { pattern: "benchmarks/**/tasks/**", negate: false },
        ],
        data: [
          { pattern: "data/**", negate: false },
          { pattern: "datasets/**", negate: false },
          { pattern: "**/*.parquet", negate: false },
          { pattern: "data/README.md", negate: true },
        ],
        "provenance-policy": [{ pattern: ".provenance.yml", negate: false }],
      },
      ai: {
        labels: ["ai-assisted"],
        tools: {
          metacode: {
            id: "metacode",
            trust: "internal",
            emails: ["metacode@corp.example"],
            bots: ["metacode[bot]"],
            trailers: ["Assisted-by: MetaCode"],
          },
        },
      },
      rules: [
        {
          name: "independent-review-for-ai-in-eval-and-data",
          classes: ["eval", "data"],
          when: "ai-assisted",
          require: { approvals: 1, from: ["@acme/eval-owners", "carol"] },
          forbid: false,
        },
        {
          name: "no-external-ai-in-eval-tasks",
          classes: ["eval"],
          when: "external-ai",
          tools: ["claude-code", "codex"],
          forbid: true,
        },
        FLOOR,
      ],
      source: { path: ".provenance.yml" },
    });
  });

  it("a forbid rule carries no requirement", () => {
    const rule = accept(fixture("valid", "spec-example.yml")).rules[1];
    expect(rule.forbid).toBe(true);
    expect(rule).not.toHaveProperty("require");
  });
});

describe("parsePolicy: defaults", () => {
  it("`version: 1` alone is valid: only the floor rule applies", () => {
    expect(accept("version: 1\n")).toEqual({
      version: 1,
      classes: { "provenance-policy": [{ pattern: ".provenance.yml", negate: false }] },
      ai: { labels: ["ai-assisted"], tools: {} },
      rules: [FLOOR],
      source: { path: ".provenance.yml" },
    });
  });

  it("a rule with neither require nor forbid requires 1 approval, when ai-assisted", () => {
    const [rule] = accept(fixture("valid", "rule-defaults.yml")).rules;
    expect(rule).toEqual({ name: "review-evals", classes: ["eval"], when: "ai-assisted", require: { approvals: 1 }, forbid: false });
    expect(rule).not.toHaveProperty("tools");
    expect(rule).not.toHaveProperty("builtin");
  });

  it("`require: {}` means 1 approval from anyone", () => {
    const [rule] = accept("version: 1\nclasses: {e: [x]}\nrules: [{name: r, classes: [e], require: {}}]\n").rules;
    expect(rule.require).toEqual({ approvals: 1 });
  });

  it("`forbid: false` with require is an ordinary rule", () => {
    const [rule] = accept(fixture("valid", "forbid-false-with-require.yml")).rules;
    expect(rule).toMatchObject({ forbid: false, require: { approvals: 1 } });
  });

  it.each([
    ["ai absent", "version: 1\n", ["ai-assisted"]],
    ["ai without labels", "version: 1\nai: {tools: {}}\n", ["ai-assisted"]],
    ["labels: []", "version: 1\nai: {labels: []}\n", []],
    ["custom labels", "version: 1\nai: {labels: [ai, copilot-made]}\n", ["ai", "copilot-made"]],
  ])("ai.labels — %s", (_name, text, labels) => {
    expect(accept(text).ai.labels).toEqual(labels);
  });

  it("DEFAULT_AI_LABELS is [\"ai-assisted\"] and cannot be mutated through a policy", () => {
    expect(DEFAULT_AI_LABELS).toEqual(["ai-assisted"]);
    const policy = accept("version: 1\n");
    policy.ai.labels.push("x");
    expect(DEFAULT_AI_LABELS).toEqual(["ai-assisted"]);
    expect(accept("version: 1\n").ai.labels).toEqual(["ai-assisted"]);
  });

  it("ai.tools.<id> fields default to empty lists and trust stays unset", () => {
    expect(accept("version: 1\nai:\n  tools:\n    metacode: {}\n    other: {trust: external}\n").ai.tools).toEqual({
      metacode: { id: "metacode", emails: [], bots: [], trailers: [] },
      other: { id: "other", trust: "external", emails: [], bots: [], trailers: [] },
    });
  });

  it("a missing `rules` or `rules: []` leaves only the floor rule", () => {
    expect(accept("version: 1\nclasses: {eval: [x]}\n").rules).toEqual([FLOOR]);
    expect(accept(fixture("valid", "rules-empty-list.yml")).rules).toEqual([FLOOR]);
  });

  it("rules may name the built-in class to be stricter about .provenance.yml", () => {
    const policy = accept(fixture("valid", "floor-class-reference.yml"));
    expect(policy.rules.map((r) => r.name)).toEqual(["policy-changes-need-two", FLOOR_RULE_NAME]);
    expect(policy.rules[0]).toMatchObject({ classes: [FLOOR_CLASS_NAME], require: { approvals: 2, from: ["@acme/admins"] } });
  });

  it("aliases expand to their anchored values", () => {
    const policy = accept(fixture("valid", "anchors.yml"));
    expect(policy.classes["eval-copy"]).toEqual(policy.classes.eval);
    expect(policy.rules[1]).toMatchObject({ name: "b", classes: ["eval", "eval-copy"], forbid: true });
  });

  it("numeric keys are class names, as JavaScript would read them", () => {
    expect(accept(fixture("valid", "numbers-as-names.yml")).rules[0].classes).toEqual(["2024"]);
  });
});

describe("parsePolicy: source", () => {
  it.each([
    ["no options", undefined, { path: ".provenance.yml" }],
    ["a file name", { file: "conf/p.yml" }, { path: "conf/p.yml" }],
    ["ref and blob", { source: { ref: "main", blob_sha: "abc" } }, { path: ".provenance.yml", ref: "main", blob_sha: "abc" }],
    ["an explicit path", { file: ".provenance.yml", source: { path: "acme/.github:.provenance.yml", ref: "main" } }, { path: "acme/.github:.provenance.yml", ref: "main" }],
  ])("%s", (_name, options, source) => {
    expect(accept("version: 1\n", options).source).toEqual(source);
  });

  it("errors name the file passed in", () => {
    expect(reject("version: 2\n", { file: "configs/p.yml" })[0].file).toBe("configs/p.yml");
  });
});

describe("parsePolicy: patterns are normalised like paths", () => {
  it.each([
    ["evals/**", { pattern: "evals/**", negate: false }],
    ["./evals/**", { pattern: "evals/**", negate: false }],
    ["/evals/**", { pattern: "evals/**", negate: false }],
    [".//./evals", { pattern: "evals", negate: false }],
    ["!./data/README.md", { pattern: "data/README.md", negate: true }],
    ["!/data/README.md", { pattern: "data/README.md", negate: true }],
    ["e\u0301vals/**", { pattern: "\u00e9vals/**", negate: false }],
    [".github/**", { pattern: ".github/**", negate: false }],
    ["evals/..x/**", { pattern: "evals/..x/**", negate: false }],
  ])("%j", (raw, expected) => {
    expect(normaliseClassPattern(raw)).toEqual({ ok: true, value: expected });
    expect(accept(`version: 1\nclasses:\n  c: [${JSON.stringify(raw)}, "z"]\n`).classes.c[0]).toEqual(expected);
  });
});

describe("floor rule and strict fallback", () => {
  it("floorRule() is the built-in rule and a fresh object each time", () => {
    expect(floorRule()).toEqual(FLOOR);
    const a = floorRule();
    a.require!.approvals = 5;
    expect(floorRule().require).toEqual({ approvals: 1 });
  });

  it("strictFallbackPolicy: every path is one class, AI-assisted changes need 1 approval, plus the floor", () => {
    expect(strictFallbackPolicy("line 3: unknown key", { path: ".provenance.yml", ref: "main", blob_sha: "b1" })).toEqual({
      version: 1,
      classes: {
        all: [{ pattern: "**", negate: false }],
        "provenance-policy": [{ pattern: ".provenance.yml", negate: false }],
      },
      ai: { labels: ["ai-assisted"], tools: {} },
      rules: [
        { name: "strict-fallback", classes: ["all"], when: "ai-assisted", require: { approvals: 1 }, forbid: false },
        FLOOR,
      ],
      source: { path: ".provenance.yml", ref: "main", blob_sha: "b1", fallback_reason: "line 3: unknown key" },
    });
  });

  it("strictFallbackPolicy: the reason wins over a caller's fallback_reason; path has a default", () => {
    expect(strictFallbackPolicy("broken", { fallback_reason: "other" }).source).toEqual({ path: "(built-in strict fallback)", fallback_reason: "broken" });
    expect(strictFallbackPolicy("broken").source).toEqual({ path: "(built-in strict fallback)", fallback_reason: "broken" });
  });
});

describe("formatConfigError", () => {
  it.each([
    [{ file: ".provenance.yml", line: 3, column: 5, message: "unknown key \"clases\" at the top level", hint: "did you mean \"classes\"?" }, '.provenance.yml:3:5: unknown key "clases" at the top level (did you mean "classes"?)'],
    [{ file: "p.yml", line: 1, column: 1, message: "the policy file is empty" }, "p.yml:1:1: the policy file is empty"],
  ])("%#", (error, text) => {
    expect(formatConfigError(error)).toBe(text);
  });
});

interface ErrorCase {
  name: string;
  text: string;
  line: number;
  column: number;
  message: RegExp;
  hint?: RegExp;
}

/** One row per config error class of SPEC §2 (and the ones this parser adds). */
const ERROR_CASES: ErrorCase[] = [
  // YAML level
  { name: "YAML syntax error", text: "version: 1\nclasses:\n  eval: [\"evals/**\"\nrules: []\n", line: 4, column: 1, message: /^YAML syntax error: /, hint: /indentation/ },
  { name: "unclosed quote", text: "version: 1\nclasses:\n  eval: ['evals/**]\n", line: 4, column: 1, message: /^YAML syntax error: .*quote/i },
  { name: "tab indentation", text: "version: 1\nclasses:\n\teval: [x]\n", line: 3, column: 1, message: /tabs/, hint: /spaces/ },
  { name: "several documents", text: "version: 1\n---\nversion: 1\n", line: 2, column: 1, message: /more than one YAML document/ },
  { name: "duplicate top-level key", text: "version: 1\nclasses: {}\nversion: 1\n", line: 3, column: 1, message: /^duplicate key "version" \(already defined on line 1\)$/, hint: /appear once/ },
  { name: "duplicate class", text: "version: 1\nclasses:\n  eval: [a]\n  eval: [b]\n", line: 4, column: 3, message: /^duplicate key "eval" \(already defined on line 3\)$/ },
  { name: "duplicate key inside a rule", text: "version: 1\nclasses: {e: [x]}\nrules:\n  - name: r\n    classes: [e]\n    name: s\n", line: 6, column: 5, message: /^duplicate key "name"/ },
  { name: "keys that collide once stringified", text: "version: 1\nclasses:\n  1: [a]\n  \"1\": [b]\n", line: 4, column: 3, message: /^duplicate key "1"/ },
  {
    name: "alias bomb",
    text: fixture("invalid", "alias-bomb.yml"),
    line: 6,
    column: 8,
    message: /alias bomb/,
    hint: /write the values out/,
  },
  { name: "alias to a missing anchor", text: "version: 1\nclasses:\n  e: *nope\n", line: 3, column: 6, message: /alias \*nope refers to no anchor/ },
  { name: "self-referencing anchor", text: "version: 1\nclasses: &a\n  e: [*a]\n", line: 3, column: 7, message: /alias bomb/ },
  { name: "unquoted ! exclusion read as a tag", text: fixture("invalid", "unquoted-exclusion-tag.yml"), line: 5, column: 7, message: /^!data\/README\.md was read as a YAML tag/, hint: /needs quotes: "!data\/README\.md"/ },
  { name: "other YAML tag", text: "version: !!str 1\nclasses:\n  e: [!foo x]\n", line: 3, column: 7, message: /unknown YAML tag !foo/ },

  // document shape and version
  { name: "empty file", text: "", line: 1, column: 1, message: /the policy file is empty/, hint: /version: 1/ },
  { name: "comments only", text: "# policy to come\n", line: 1, column: 1, message: /the policy file is empty/ },
  { name: "not a mapping (list)", text: "- version: 1\n", line: 1, column: 1, message: /must be a mapping .*not a list/ },
  { name: "not a mapping (string)", text: "version 1\n", line: 1, column: 1, message: /must be a mapping .*not the string "version 1"/ },
  { name: "missing version", text: "\nclasses:\n  eval: [x]\n", line: 2, column: 1, message: /^missing "version"$/, hint: /add "version: 1"/ },
  { name: "unsupported version", text: "version: 2\n", line: 1, column: 10, message: /^unsupported version 2: this Provenance Gate reads version 1$/ },
  { name: "version as a string", text: 'version: "1"\n', line: 1, column: 10, message: /must be the number 1, not a string/, hint: /without quotes/ },
  { name: "version empty", text: "version:\n", line: 1, column: 1, message: /must be the number 1, not nothing/ },

  // unknown keys, with suggestions, at every level
  { name: "unknown top-level key (typo)", text: "version: 1\nclasess: {}\n", line: 2, column: 1, message: /^unknown key "clasess" at the top level$/, hint: /^did you mean "classes"\?$/ },
  { name: "unknown top-level key (case)", text: "Version: 1\n", line: 1, column: 1, message: /unknown key "Version"/, hint: /did you mean "version"/ },
  { name: "unknown top-level key (far)", text: "version: 1\nowners: []\n", line: 2, column: 1, message: /unknown key "owners"/, hint: /valid keys here: version, classes, ai, rules/ },
  { name: "labels at the top level", text: "version: 1\nlabels: [x]\n", line: 2, column: 1, message: /unknown key "labels"/, hint: /under "ai:"/ },
  { name: "unknown key in ai", text: "version: 1\nai:\n  label: [x]\n", line: 3, column: 3, message: /^unknown key "label" in "ai"$/, hint: /did you mean "labels"/ },
  { name: "unknown key in a tool", text: "version: 1\nai:\n  tools:\n    metacode:\n      email: [a@b.c]\n", line: 5, column: 7, message: /unknown key "email" in "ai.tools.metacode"/, hint: /did you mean "emails"/ },
  { name: "unknown key in a rule", text: "version: 1\nclasses: {e: [x]}\nrules:\n  - name: r\n    classes: [e]\n    wehn: any-change\n", line: 6, column: 5, message: /^unknown key "wehn" in rule "r"$/, hint: /did you mean "when"/ },
  { name: "approvals directly in a rule", text: fixture("invalid", "unknown-rule-key.yml"), line: 7, column: 5, message: /unknown key "approvals" in rule "r"/, hint: /under "require:"/ },
  { name: "unknown key in require", text: fixture("invalid", "unknown-require-key.yml"), line: 8, column: 7, message: /unknown key "aprovals" in "require" of rule "r"/, hint: /did you mean "approvals"/ },

  // wrong types
  { name: "classes not a mapping", text: fixture("invalid", "classes-not-map.yml"), line: 3, column: 3, message: /"classes" must be a mapping .*not a list/ },
  { name: "patterns not a list", text: fixture("invalid", "patterns-not-list.yml"), line: 3, column: 9, message: /class "eval" must be a list of glob patterns, not the string "evals\/\*\*"/, hint: /eval: \["evals\/\*\*"\]/ },
  { name: "pattern not a string", text: fixture("invalid", "pattern-not-string.yml"), line: 3, column: 22, message: /patterns in class "eval" must be strings, not the number 42/, hint: /quote/ },
  { name: "ai not a mapping", text: "version: 1\nai: [x]\n", line: 2, column: 5, message: /"ai" must be a mapping/ },
  { name: "labels not a list", text: "version: 1\nai:\n  labels: ai-assisted\n", line: 3, column: 11, message: /"ai.labels" must be a list of strings, not the string "ai-assisted"/, hint: /\["ai-assisted"\]/ },
  { name: "label not a string", text: fixture("invalid", "labels-not-strings.yml"), line: 3, column: 12, message: /"ai.labels" must contain only strings, not the boolean true/ },
  { name: "blank label", text: "version: 1\nai:\n  labels: [\" \"]\n", line: 3, column: 12, message: /label cannot be empty or blank/ },
  { name: "tools not a mapping", text: "version: 1\nai:\n  tools: [metacode]\n", line: 3, column: 10, message: /"ai.tools" must be a mapping/ },
  { name: "tool not a mapping", text: "version: 1\nai:\n  tools:\n    metacode:\n", line: 4, column: 5, message: /"ai.tools.metacode" must be a mapping .*not nothing/ },
  { name: "trust not internal|external", text: fixture("invalid", "trust-invalid.yml"), line: 5, column: 14, message: /"ai.tools.metacode.trust" must be one of internal, external, not the string "internl"/, hint: /did you mean "internal"/ },
  { name: "trust in capitals", text: "version: 1\nai: {tools: {x: {trust: External}}}\n", line: 2, column: 25, message: /must be one of internal, external/, hint: /did you mean "external"/ },
  { name: "email without @", text: fixture("invalid", "email-invalid.yml"), line: 5, column: 16, message: /"metacode at corp.example" is not an e-mail address/ },
  { name: "bot with a space", text: "version: 1\nai: {tools: {x: {bots: [\"meta code\"]}}}\n", line: 2, column: 25, message: /"meta code" is not an account login/ },
  { name: "trailer without a key", text: fixture("invalid", "trailer-invalid.yml"), line: 5, column: 18, message: /"MetaCode" is not a trailer prefix/, hint: /Assisted-by: MetaCode/ },
  { name: "rules not a list", text: fixture("invalid", "rules-not-list.yml"), line: 3, column: 3, message: /"rules" must be a list of rules, not a mapping/ },
  { name: "rule not a mapping", text: "version: 1\nrules:\n  - review-evals\n", line: 3, column: 5, message: /each rule must be a mapping/ },
  { name: "rule name not a string", text: "version: 1\nclasses: {e: [x]}\nrules:\n  - name: [a]\n    classes: [e]\n", line: 4, column: 11, message: /name of rule 1 must be a string, not a list/ },
  { name: "rule classes not a list", text: "version: 1\nclasses: {eval: [x]}\nrules:\n  - name: r\n    classes: eval\n", line: 5, column: 14, message: /"classes" of rule "r" must be a list of strings/, hint: /\["eval"\]/ },
  { name: "approvals not an integer", text: fixture("invalid", "approvals-fraction.yml"), line: 7, column: 27, message: /"approvals" of rule "r" must be a whole number, not the number 1.5/ },
  { name: "approvals quoted", text: fixture("invalid", "approvals-string.yml"), line: 7, column: 27, message: /must be a whole number, not the string "2"/, hint: /approvals: 2 without quotes/ },
  { name: "forbid not a boolean", text: fixture("invalid", "forbid-string.yml"), line: 7, column: 13, message: /"forbid" of rule "r" must be true or false, not the string "true"/, hint: /without quotes/ },
  { name: "require empty", text: fixture("invalid", "require-empty-value.yml"), line: 7, column: 5, message: /"require" of rule "r" must be a mapping, not nothing/ },
  { name: "require a number", text: "version: 1\nclasses: {e: [x]}\nrules:\n  - name: r\n    classes: [e]\n    require: 2\n", line: 6, column: 14, message: /must be a mapping, not the number 2/, hint: /approvals: 1/ },

  // classes
  { name: "empty class", text: fixture("invalid", "empty-class.yml"), line: 3, column: 9, message: /^class "eval" is empty, so it matches nothing$/ },
  { name: "class of exclusions only", text: fixture("invalid", "only-exclusions.yml"), line: 3, column: 9, message: /only "!" exclusions/ },
  { name: "empty class name", text: 'version: 1\nclasses:\n  "": [x]\n', line: 3, column: 3, message: /class name cannot be empty/ },
  { name: "pattern with ..", text: fixture("invalid", "pattern-dotdot.yml"), line: 3, column: 10, message: /pattern "evals\/..\/secrets\/\*\*" contains a ".." segment/ },
  { name: "pattern that is ..", text: 'version: 1\nclasses:\n  e: ["!.."]\n', line: 3, column: 7, message: /contains a ".." segment/ },
  { name: "empty pattern", text: fixture("invalid", "pattern-empty.yml"), line: 3, column: 22, message: /^class "eval": empty pattern ""$/ },
  { name: "pattern only !", text: fixture("invalid", "pattern-bang-only.yml"), line: 3, column: 22, message: /empty pattern "!"/ },
  { name: "pattern only ./", text: fixture("invalid", "pattern-slash-only.yml"), line: 3, column: 10, message: /names no path once the leading/ },
  { name: "double negation", text: fixture("invalid", "pattern-double-bang.yml"), line: 3, column: 22, message: /more than one leading "!"/ },
  { name: "negation after a slash", text: 'version: 1\nclasses:\n  e: [x, "/!y"]\n', line: 3, column: 10, message: /more than one leading "!"/ },

  // rules
  { name: "unknown class in a rule (typo)", text: "version: 1\nclasses: {eval: [x], data: [y]}\nrules:\n  - name: r\n    classes: [eval, dta]\n", line: 5, column: 21, message: /^rule "r" refers to unknown class "dta"$/, hint: /^did you mean "data"\?$/ },
  { name: "unknown class in a rule (far)", text: fixture("invalid", "unknown-class-ref.yml").replace("[evl]", "[secrets]"), line: 6, column: 15, message: /unknown class "secrets"/, hint: /defined classes: eval/ },
  { name: "unknown class with no classes", text: "version: 1\nrules:\n  - name: r\n    classes: [eval]\n", line: 4, column: 15, message: /unknown class "eval"/, hint: /define it under "classes:"/ },
  { name: "rule without classes", text: fixture("invalid", "rule-without-classes.yml"), line: 5, column: 5, message: /^rule "r" has no "classes"$/ },
  { name: "rule with empty classes", text: fixture("invalid", "rule-empty-classes.yml"), line: 4, column: 14, message: /"classes" of rule "r" is empty/, hint: /protects nothing/ },
  { name: "rule without a name", text: fixture("invalid", "rule-without-name.yml"), line: 5, column: 5, message: /^rule 1 has no "name"$/ },
  { name: "approvals < 1", text: fixture("invalid", "approvals-zero.yml"), line: 8, column: 18, message: /"approvals" of rule "r" must be at least 1, not 0/, hint: /forbid: true/ },
  { name: "negative approvals", text: "version: 1\nclasses: {e: [x]}\nrules: [{name: r, classes: [e], require: {approvals: -2}}]\n", line: 3, column: 54, message: /at least 1, not -2/ },
  { name: "require with forbid", text: fixture("invalid", "require-and-forbid.yml"), line: 8, column: 5, message: /^rule "r" both requires approvals and forbids the change$/ },
  { name: "when not a mode", text: fixture("invalid", "when-invalid.yml"), line: 7, column: 11, message: /"when" of rule "r" must be one of ai-assisted, external-ai, any-change, not the string "ai_assisted"/, hint: /did you mean "ai-assisted"/ },
  { name: "when external", text: "version: 1\nclasses: {e: [x]}\nrules: [{name: r, classes: [e], when: external}]\n", line: 3, column: 39, message: /must be one of/, hint: /did you mean "external-ai"/ },
  { name: "duplicate rule names", text: fixture("invalid", "duplicate-rule-names.yml"), line: 7, column: 11, message: /^duplicate rule name "r" \(already used on line 5\)$/ },
  { name: "from user written @user", text: fixture("invalid", "from-at-user.yml"), line: 8, column: 14, message: /"@carol" is neither a user nor a team/, hint: /bare login, carol/ },
  { name: "from team without @", text: fixture("invalid", "from-team-without-at.yml"), line: 8, column: 14, message: /"acme\/eval-owners" is neither a user nor a team/, hint: /did you mean "@acme\/eval-owners"/ },
  { name: "from nonsense", text: "version: 1\nclasses: {e: [x]}\nrules: [{name: r, classes: [e], require: {from: [\"a b\"]}}]\n", line: 3, column: 50, message: /neither a user login nor a team/ },
  { name: "from empty", text: fixture("invalid", "from-empty.yml"), line: 8, column: 13, message: /"from" of rule "r" is empty/, hint: /nobody could approve/ },
  { name: "rule tools empty", text: fixture("invalid", "tools-empty.yml"), line: 7, column: 12, message: /"tools" of rule "r" is empty/ },
  { name: "rule tool id not a slug", text: fixture("invalid", "rule-tool-id-invalid.yml"), line: 7, column: 13, message: /tool id "claude_code" is not a lower-case slug/, hint: /did you mean "claude-code"/ },
  { name: "declared tool id not a slug", text: fixture("invalid", "tool-id-uppercase.yml"), line: 4, column: 5, message: /tool id "MetaCode" is not a lower-case slug/, hint: /did you mean "metacode"/ },

  // reserved names
  { name: "reserved class name", text: fixture("invalid", "reserved-class.yml"), line: 3, column: 3, message: /class name "provenance-policy" is reserved/ },
  { name: "reserved rule name", text: fixture("invalid", "reserved-rule.yml"), line: 5, column: 11, message: /rule name "provenance-policy" is reserved/ },
];

describe("parsePolicy: config errors", () => {
  it.each(ERROR_CASES)("$name", ({ text, line, column, message, hint }) => {
    const errors = reject(text);
    const match = errors.find((e) => message.test(e.message));
    expect(match, `no error matching ${message} in:\n${errors.map(formatConfigError).join("\n")}`).toBeDefined();
    expect({ line: match!.line, column: match!.column }).toEqual({ line, column });
    expect(match!.file).toBe(".provenance.yml");
    if (hint) expect(match!.hint).toMatch(hint);
    for (const e of errors) {
      expect(e.line).toBeGreaterThanOrEqual(1);
      expect(e.column).toBeGreaterThanOrEqual(1);
    }
  });

  it("collects every error in one pass, in file order", () => {
    const text = [
      "version: 2", //                                    1: unsupported version
      "clases: {}", //                                    2: unknown key
      "classes:",
      "  eval: []", //                                    4: empty class
      "  data: [\"../x\"]", //                            5: ..
      "ai:",
      "  labels: [1]", //                                 7: not a string
      "rules:",
      "  - name: r",
      "    classes: [evl]", //                            10: unknown class (eval is defined, though broken)
      "    when: sometimes", //                           11: when
      "    require: {approvals: 0}", //                   12: approvals < 1
      "  - name: r", //                                   13: duplicate name
      "    classes: [data]",
      "    require: {}",
      "    forbid: true", //                              16: require + forbid
      "",
    ].join("\n");
    const errors = reject(text);
    expect(errors.map((e) => e.line)).toEqual([1, 2, 4, 5, 7, 10, 11, 12, 13, 16]);
    expect(errors.find((e) => e.line === 10)!.hint).toBe('did you mean "eval"?');
  });

  it("a broken class still counts as defined, so rules naming it do not pile on errors", () => {
    const errors = reject("version: 1\nclasses:\n  eval: []\nrules:\n  - name: r\n    classes: [eval]\n");
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toMatch(/class "eval" is empty/);
  });

  it("an unreadable classes section does not cascade into unknown-class errors", () => {
    const errors = reject("version: 1\nclasses: [x]\nrules:\n  - name: r\n    classes: [eval]\n");
    expect(errors).toHaveLength(1);
  });

  it("a YAML syntax error stops there: the rest of a broken tree would only be noise", () => {
    const errors = reject("version: 3\nclasses: [\n");
    expect(errors.every((e) => e.message.startsWith("YAML syntax error"))).toBe(true);
  });

  it("refuses files over the size limit, before parsing", () => {
    const text = `version: 1\n# ${"x".repeat(MAX_POLICY_BYTES)}\n`;
    const errors = reject(text);
    expect(errors).toEqual([expect.objectContaining({ line: 1, column: 1, message: expect.stringMatching(/too large .* limit is 262144/) })]);
  });

  it("counts the size limit in UTF-8 bytes", () => {
    const comment = "é".repeat(MAX_POLICY_BYTES / 2); // 2 bytes each
    expect(parsePolicy(`version: 1\n#${comment}\n`).ok).toBe(false);
    expect(parsePolicy(`version: 1\n#${"é".repeat(MAX_POLICY_BYTES / 2 - 64)}\n`).ok).toBe(true);
  });

  it("caps the number of errors reported, with a note", () => {
    const lines = ["version: 1", "classes:"];
    for (let i = 0; i < MAX_REPORTED_ERRORS + 20; i++) lines.push(`  c${i}: []`);
    const errors = reject(lines.join("\n"));
    expect(errors).toHaveLength(MAX_REPORTED_ERRORS + 1);
    expect(errors.at(-1)!.message).toBe("20 more error(s) not shown; fix the ones above first");
  });

  it("returns an error, never throws, for input that is not text", () => {
    const errors = reject(undefined as unknown as string);
    expect(errors[0]).toMatchObject({ line: 1, column: 1, message: "expected the policy as text, got undefined" });
  });

  // The YAML library composes recursively; deep input overflowed the stack and, on a later
  // parse, could abort the whole process. Nesting is measured before composing.
  it.each([
    ["flow", "[".repeat(20_000) + "]".repeat(20_000), 1, 65],
    ["flow mappings", "{a: ".repeat(10_000) + "}".repeat(10_000), 1, 257],
    ["compact block sequences", "- ".repeat(20_000) + "x", 1, 129],
    ["indentation", Array.from({ length: 200 }, (_, i) => `${" ".repeat(i)}k${i}:`).join("\n"), 65, 65],
    ["brackets hidden behind quoted closers", `["${"]".repeat(100)}", ${"[".repeat(5000)}${"]".repeat(5000)}]`, 1, 169],
  ])("refuses deep nesting (%s) with a position, never a crash", (_name, text, line, column) => {
    for (let i = 0; i < 3; i++) {
      const errors = reject(text);
      expect(errors).toEqual([expect.objectContaining({ line, column, message: "the YAML nests more than 64 levels deep" })]);
    }
  });

  it("allows 64 levels, and brackets or dashes that are only text", () => {
    expect(reject("[".repeat(64) + "]".repeat(64))[0].message).toMatch(/must be a mapping/);
    expect(reject("[".repeat(65) + "]".repeat(65))[0].message).toMatch(/nests more than 64/);
    const quoted = `version: 1\nclasses:\n  e: ["${"[".repeat(100)}", "${"{".repeat(100)}"]\nrules:\n  - name: "${"- ".repeat(100)}"\n    classes: [e]\n`;
    // Only text to YAML; as patterns they are unbalanced, which SPEC §2 makes config errors.
    expect(reject(quoted).map((e) => e.message)).toEqual([expect.stringMatching(/has an unclosed "\["/), expect.stringMatching(/nests braces more than 8 deep/)]);
  });

  it("names from the file never reach Object.prototype", () => {
    const errors = reject("version: 1\ntoString: 1\nconstructor: 2\n");
    expect(errors.map((e) => [e.message, e.hint])).toEqual([
      ['unknown key "toString" at the top level', "valid keys here: version, classes, ai, rules"],
      ['unknown key "constructor" at the top level', "valid keys here: version, classes, ai, rules"],
    ]);
    const policy = accept('version: 1\nclasses:\n  __proto__: ["a/**"]\n  constructor: ["b/**"]\nrules:\n  - {name: r, classes: [__proto__, constructor]}\n');
    expect(Object.getPrototypeOf(policy.classes)).toBe(Object.prototype);
    expect(Object.keys(policy.classes)).toEqual(["__proto__", "constructor", "provenance-policy"]);
    expect(Object.hasOwn(policy.classes, "__proto__")).toBe(true);
    // biome-ignore lint/suspicious/noProto: the test proves a class named __proto__ stays plain data
    expect(JSON.parse(JSON.stringify(policy)).classes.__proto__).toEqual([{ pattern: "a/**", negate: false }]);
    expect(reject("version: 1\nrules:\n  - {name: r, classes: [constructor]}\n")[0].message).toMatch(/unknown class "constructor"/);
  });

  it("a document starting with a BOM and using CRLF line ends parses", () => {
    expect(parsePolicy("\uFEFFversion: 1\r\nclasses:\r\n  e: [x]\r\n").ok).toBe(true);
    const errors = reject("version: 1\r\nclases: {}\r\n");
    expect(errors[0]).toMatchObject({ line: 2, column: 1 });
  });
});

describe("suggestions", () => {
  it.each([
    ["classes", "classes", 0],
    ["clases", "classes", 1],
    ["calsses", "classes", 1],
    ["rule", "rules", 1],
    ["", "abc", 3],
    ["kitten", "sitting", 3],
  ])("editDistance(%j, %j) = %d", (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });

  it.each([
    ["clases", ["version", "classes", "ai", "rules"], 'did you mean "classes"?'],
    ["RULES", ["version", "classes", "ai", "rules"], 'did you mean "rules"?'],
    ["owners", ["version", "classes", "ai", "rules"], undefined],
    ["x".repeat(100), ["x".repeat(99)], undefined],
  ])("didYouMean(%j)", (input, candidates, hint) => {
    expect(didYouMean(input, candidates)).toBe(hint);
  });
});
