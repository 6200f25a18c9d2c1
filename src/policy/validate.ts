/**
 * Turns a parsed `.provenance.yml` into a Policy (SPEC §2), reporting every problem it finds
 * with the position of the offending node. The whole tree is always walked, so a person sees
 * all of their mistakes at once rather than one per push.
 *
 * Where SPEC §2 is silent, these choices hold (and schema/provenance.schema.json matches them):
 * - An empty file (or comments only) is an error, like any file without `version: 1`: an empty
 *   base-branch policy is more likely a mistake than a wish to enforce nothing, and the strict
 *   fallback is the safe reading. `version: 1` alone is valid: only the floor rule applies.
 * - A rule with neither `require` nor `forbid` requires 1 approval; `when` defaults to
 *   ai-assisted. `forbid: false` beside `require` is an ordinary rule; `require` beside
 *   `forbid: true` is an error.
 * - Empty lists that would silently disable a rule are errors: a class with no patterns (or
 *   only `!` exclusions), a rule's `classes`, `tools` or `from`. `ai.labels: []` is allowed: it
 *   turns label detection off, and says so.
 * - Rules may name the built-in class `provenance-policy` to ask more of `.provenance.yml`;
 *   defining a class or a rule of that name is an error.
 */
import { isMap, isScalar, isSeq, type YAMLMap } from "yaml";
import type { ClassPattern, DeclaredTool, Policy, PolicySource, Rule, Trust, When } from "../model/policy.js";
import { DEFAULT_AI_LABELS, FLOOR_CLASS_NAME, RESERVED_CLASS_NAMES, RESERVED_RULE_NAMES, floorClass, floorRule } from "./floor.js";
import { didYouMean, nearest } from "../shared/did-you-mean.js";
import { BOT, EMAIL, LOGIN, TEAM, TOOL_ID, TRAILER, VISIBLE, normaliseClassPattern, patternAlternatives, slugify } from "./syntax.js";
import { compileLine } from "../evaluate/classify.js";
import { AI_TOOLS } from "../catalogue/ai-tools.js";
import { describe, type Entry, type YNode, type YamlReader } from "./yaml-reader.js";

export const SUPPORTED_VERSION = 1;

const TOP_KEYS = ["version", "classes", "ai", "rules"];
const AI_KEYS = ["labels", "tools"];
const TOOL_KEYS = ["trust", "emails", "bots", "trailers"];
const RULE_KEYS = ["name", "classes", "when", "tools", "require", "forbid"];
const REQUIRE_KEYS = ["approvals", "from"];
export const WHEN_VALUES: readonly When[] = ["ai-assisted", "external-ai", "any-change"];
export const TRUST_VALUES: readonly Trust[] = ["internal", "external"];
const DEFAULT_WHEN: When = "ai-assisted";
const DEFAULT_APPROVALS = 1;

/**
 * Brace alternatives in the whole policy (each plain pattern is one). Above the entry budget, so
 * any policy without braces fits; it bounds what classifying one path can cost.
 */
export const MAX_POLICY_ALTERNATIVES = 4096;

/** Keys people put one level off; the hint says where they belong. */
const MISPLACED: Record<string, Record<string, string>> = {
  top: {
    labels: 'put "labels" under "ai:"',
    tools: 'put "tools" under "ai:" (to declare tools) or in a rule (to narrow it)',
    name: 'rules are a list under "rules:", each with a "name"',
    require: 'put "require" in a rule under "rules:"',
  },
  rule: {
    approvals: 'put "approvals" under "require:", e.g. require: { approvals: 2 }',
    from: 'put "from" under "require:", e.g. require: { from: ["@org/team"] }',
    class: 'the key is "classes", a list: classes: [eval]',
  },
};

type CheckResult = { message: string; hint?: string } | undefined;

export function validatePolicy(root: YNode | undefined, r: YamlReader, source: PolicySource): Policy | undefined {
  const before = r.sink.count;
  if (root === undefined || (isScalar(root) && (root.value === null || root.value === undefined))) {
    r.sink.add({ line: 1, column: 1 }, "the policy file is empty", 'start it with "version: 1"; with no rules, only the built-in rule for .provenance.yml applies');
    return undefined;
  }
  if (!isMap(root)) {
    r.error(root, `the policy must be a mapping with the keys ${TOP_KEYS.join(", ")}, not ${describe(root)}`);
    return undefined;
  }

  const top = keyed(r, root, TOP_KEYS, "at the top level", MISPLACED.top);
  checkVersion(r, root, top.get("version"));
  const classes = top.has("classes") ? readClasses(r, top.get("classes")!) : { classes: {}, names: new Set<string>() };
  const ai = top.has("ai") ? readAi(r, top.get("ai")!) : { labels: [...DEFAULT_AI_LABELS], tools: {} };
  const toolIds = new Set([...AI_TOOLS.map((t) => t.id), ...Object.keys(ai.tools)]);
  const rules = top.has("rules") ? readRules(r, top.get("rules")!, classes.names, toolIds) : [];

  if (r.sink.count > before) return undefined;
  return {
    version: 1,
    classes: { ...classes.classes, [FLOOR_CLASS_NAME]: floorClass() },
    ai,
    rules: [...rules, floorRule()],
    source,
  };
}

/** The entries of a mapping by key (first wins; duplicates are reported elsewhere), unknown keys reported. */
function keyed(r: YamlReader, map: YAMLMap, allowed: readonly string[], where: string, misplaced?: Record<string, string>): Map<string, Entry> {
  const out = new Map<string, Entry>();
  for (const entry of r.entries(map)) {
    if (!allowed.includes(entry.key)) {
      const hint = r.sink.full ? undefined : ((misplaced && Object.hasOwn(misplaced, entry.key) ? misplaced[entry.key] : undefined) ?? didYouMean(entry.key, allowed) ?? `valid keys here: ${allowed.join(", ")}`);
      r.error(entry.keyNode, `unknown key ${JSON.stringify(entry.key)} ${where}`, hint);
      continue;
    }
    if (!out.has(entry.key)) out.set(entry.key, entry);
  }
  return out;
}

function checkVersion(r: YamlReader, root: YAMLMap, entry: Entry | undefined): void {
  if (!entry) {
    r.error(root, 'missing "version"', 'add "version: 1" at the top of the file');
    return;
  }
  const v = entry.value;
  if (v && isScalar(v) && v.value === SUPPORTED_VERSION) return;
  if (v && isScalar(v) && typeof v.value === "number") {
    r.error(r.valueAt(entry), `unsupported version ${v.value}: this Provenance Gate reads version ${SUPPORTED_VERSION}`, `write "version: ${SUPPORTED_VERSION}"`);
  } else if (v && isScalar(v) && typeof v.value === "string" && v.value.trim() === String(SUPPORTED_VERSION)) {
    r.error(r.valueAt(entry), `"version" must be the number ${SUPPORTED_VERSION}, not a string`, `write "version: ${SUPPORTED_VERSION}" without quotes`);
  } else {
    r.error(r.valueAt(entry), `"version" must be the number ${SUPPORTED_VERSION}, not ${describe(v)}`, `write "version: ${SUPPORTED_VERSION}"`);
  }
}

// ---------------------------------------------------------------------------------------------
// classes

function readClasses(r: YamlReader, entry: Entry): { classes: Record<string, ClassPattern[]>; names: Set<string> | undefined } {
  const map = entry.value;
  if (!map || !isMap(map)) {
    r.error(r.valueAt(entry), `"classes" must be a mapping from class names to lists of patterns, not ${describe(map)}`, 'e.g. classes: { eval: ["evals/**"] }');
    // Without a readable class list, "unknown class" errors in rules would only be noise.
    return { classes: {}, names: undefined };
  }
  const classes: Record<string, ClassPattern[]> = {};
  const names = new Set<string>();
  const budget = { alternatives: 0 };
  for (const c of r.entries(map)) {
    // Every name counts as defined, valid or not, so one bad class does not cascade into rules.
    names.add(c.key);
    if (!VISIBLE.test(c.key)) {
      r.error(c.keyNode, "a class name cannot be empty", "name the class, e.g. eval");
    } else if (RESERVED_CLASS_NAMES.includes(c.key)) {
      r.error(c.keyNode, `class name ${JSON.stringify(c.key)} is reserved for the built-in rule that protects .provenance.yml`, 'choose another name; a class of your own may still contain ".provenance.yml"');
    }
    const patterns = readPatterns(r, c, budget);
    if (patterns) setOwn(classes, c.key, patterns);
  }
  return { classes, names };
}

function readPatterns(r: YamlReader, c: Entry, budget: { alternatives: number }): ClassPattern[] | undefined {
  const label = `class ${JSON.stringify(c.key)}`;
  const seq = c.value;
  if (!seq || !isSeq(seq)) {
    const hint = seq && isScalar(seq) && typeof seq.value === "string" ? `write a list: ${c.key}: [${JSON.stringify(seq.value)}]` : `e.g. ${c.key}: ["evals/**"]`;
    r.error(r.valueAt(c), `${label} must be a list of glob patterns, not ${describe(seq)}`, hint);
    return undefined;
  }
  if (seq.items.length === 0) {
    r.error(seq, `${label} is empty, so it matches nothing`, "list at least one pattern, or remove the class");
    return undefined;
  }
  const out: ClassPattern[] = [];
  let ok = true;
  for (const { node, value } of r.items(seq)) {
    if (!value || r.isTagged(value) || !isScalar(value) || typeof value.value !== "string") {
      ok = false;
      if (value && !r.isTagged(value)) r.error(value, `patterns in ${label} must be strings, not ${describe(value)}`, "quote the pattern");
      continue;
    }
    const result = normaliseClassPattern(value.value);
    if (!result.ok) {
      ok = false;
      r.error(node ?? value, `${label}: ${result.message}`, result.hint);
      continue;
    }
    budget.alternatives += patternAlternatives(result.value.pattern);
    if (budget.alternatives > MAX_POLICY_ALTERNATIVES) {
      ok = false;
      r.error(node ?? value, `${label}: the policy's patterns expand to more than ${MAX_POLICY_ALTERNATIVES.toLocaleString("en-US")} alternatives here`, "use wildcards (*, **) instead of long lists and brace groups");
      continue;
    }
    const compiled = compile(result.value);
    if (compiled) {
      ok = false;
      r.error(node ?? value, `${label}: pattern ${JSON.stringify(value.value)} cannot be compiled: ${compiled}`, "simplify the pattern");
      continue;
    }
    out.push(result.value);
  }
  if (!ok) return undefined;
  if (!out.some((p) => !p.negate)) {
    r.error(seq, `${label} has only "!" exclusions, so it matches nothing`, 'add the pattern to exclude from first, e.g. ["data/**", "!data/README.md"]');
    return undefined;
  }
  return out;
}

/**
 * Compiles the pattern the way classification will (cached, so evaluation reuses it): what
 * validates can be evaluated. Returns why it cannot be compiled, or undefined.
 */
function compile(pattern: ClassPattern): string | undefined {
  try {
    compileLine(pattern);
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

// ---------------------------------------------------------------------------------------------
// ai

function readAi(r: YamlReader, entry: Entry): Policy["ai"] {
  const ai: Policy["ai"] = { labels: [...DEFAULT_AI_LABELS], tools: {} };
  const map = entry.value;
  if (!map || !isMap(map)) {
    r.error(r.valueAt(entry), `"ai" must be a mapping with "labels" and/or "tools", not ${describe(map)}`, 'e.g. ai: { labels: ["ai-assisted"] }');
    return ai;
  }
  const keys = keyed(r, map, AI_KEYS, 'in "ai"');
  const labels = keys.get("labels");
  if (labels) {
    ai.labels = readStrings(r, labels, '"ai.labels"', { check: visible("label") }) ?? ai.labels;
  }
  const tools = keys.get("tools");
  if (tools) ai.tools = readTools(r, tools);
  return ai;
}

function readTools(r: YamlReader, entry: Entry): Record<string, DeclaredTool> {
  const out: Record<string, DeclaredTool> = {};
  const map = entry.value;
  if (!map || !isMap(map)) {
    r.error(r.valueAt(entry), `"ai.tools" must be a mapping from tool ids to their identities, not ${describe(map)}`, "e.g. tools: { metacode: { trust: internal } }");
    return out;
  }
  for (const t of r.entries(map)) {
    if (!TOOL_ID.test(t.key)) {
      const slug = slugify(t.key);
      r.error(t.keyNode, `tool id ${JSON.stringify(t.key)} is not a lower-case slug`, slug ? `did you mean "${slug}"?` : "use lower-case letters, digits and single hyphens, e.g. metacode");
    }
    const where = `ai.tools.${t.key}`;
    const tool: DeclaredTool = { id: t.key, emails: [], bots: [], trailers: [] };
    setOwn(out, t.key, tool);
    if (!t.value || !isMap(t.value)) {
      r.error(r.valueAt(t), `"${where}" must be a mapping (trust, emails, bots, trailers), not ${describe(t.value)}`, `e.g. ${t.key}: { trust: internal }`);
      continue;
    }
    const keys = keyed(r, t.value, TOOL_KEYS, `in "${where}"`);
    const trust = keys.get("trust");
    if (trust) {
      const value = readEnum(r, trust, `"${where}.trust"`, TRUST_VALUES);
      if (value) tool.trust = value;
    }
    const emails = keys.get("emails");
    if (emails) tool.emails = readStrings(r, emails, `"${where}.emails"`, { check: matches(EMAIL, "an e-mail address", "e.g. bot@corp.example") }) ?? [];
    const bots = keys.get("bots");
    if (bots) tool.bots = readStrings(r, bots, `"${where}.bots"`, { check: matches(BOT, "an account login without spaces", 'e.g. "metacode[bot]"') }) ?? [];
    const trailers = keys.get("trailers");
    if (trailers) tool.trailers = readStrings(r, trailers, `"${where}.trailers"`, { check: matches(TRAILER, 'a trailer prefix "Key: value"', 'e.g. "Assisted-by: MetaCode"') }) ?? [];
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// rules

function readRules(r: YamlReader, entry: Entry, classNames: Set<string> | undefined, toolIds: ReadonlySet<string>): Rule[] {
  const seq = entry.value;
  if (!seq || !isSeq(seq)) {
    r.error(r.valueAt(entry), `"rules" must be a list of rules, not ${describe(seq)}`, "start each rule with \"- name: ...\"");
    return [];
  }
  const rules: Rule[] = [];
  const firstLine = new Map<string, number>();
  r.items(seq).forEach(({ node, value }, index) => {
    if (!value || !isMap(value)) {
      r.error(value ?? node, `each rule must be a mapping (name, classes, when, require or forbid), not ${describe(value)}`);
      return;
    }
    const { rule, name, nameNode } = readRule(r, value, index, classNames, toolIds);
    if (name !== undefined) {
      const seen = firstLine.get(name);
      if (seen !== undefined) {
        r.error(nameNode, `duplicate rule name ${JSON.stringify(name)} (already used on line ${seen})`, "give each rule its own name; the check run reports rules by name");
      } else {
        firstLine.set(name, r.at(nameNode).line);
      }
    }
    if (rule) rules.push(rule);
  });
  return rules;
}

function readRule(
  r: YamlReader,
  map: YAMLMap,
  index: number,
  classNames: Set<string> | undefined,
  toolIds: ReadonlySet<string>,
): { rule?: Rule; name?: string; nameNode?: unknown } {
  const keys = keyed(r, map, RULE_KEYS, `in ${ruleLabel(map, index)}`, MISPLACED.rule);
  const nameEntry = keys.get("name");
  let name: string | undefined;
  if (!nameEntry) {
    r.error(map, `rule ${index + 1} has no "name"`, "add a name, e.g. name: review-ai-in-evals");
  } else {
    name = readString(r, nameEntry, `the name of rule ${index + 1}`, visible("rule name"));
    if (name !== undefined && RESERVED_RULE_NAMES.includes(name)) {
      r.error(r.valueAt(nameEntry), `rule name ${JSON.stringify(name)} is reserved for the built-in rule that protects .provenance.yml`, "choose another name; the built-in rule always applies");
    }
  }
  const label = name !== undefined ? `rule ${JSON.stringify(name)}` : `rule ${index + 1}`;

  let classes: string[] | undefined;
  const classesEntry = keys.get("classes");
  if (!classesEntry) {
    r.error(map, `${label} has no "classes"`, "add the path classes it protects, e.g. classes: [eval]");
  } else {
    classes = readStrings(r, classesEntry, `"classes" of ${label}`, { nonEmpty: "a rule without classes protects nothing; list at least one class" });
    if (classes && classNames) checkClassRefs(r, classesEntry, classes, classNames, label);
  }

  const whenEntry = keys.get("when");
  const when = whenEntry ? readEnum(r, whenEntry, `"when" of ${label}`, WHEN_VALUES) : DEFAULT_WHEN;

  const toolsEntry = keys.get("tools");
  const tools = toolsEntry
    ? readStrings(r, toolsEntry, `"tools" of ${label}`, {
        nonEmpty: 'an empty list would match no tool; remove "tools" to match every tool',
        check: (s) => checkToolRef(s, toolIds),
      })
    : undefined;

  const forbidEntry = keys.get("forbid");
  let forbid = false;
  if (forbidEntry) {
    const v = forbidEntry.value;
    if (v && isScalar(v) && typeof v.value === "boolean") forbid = v.value;
    else r.error(r.valueAt(forbidEntry), `"forbid" of ${label} must be true or false, not ${describe(v)}`, "write forbid: true, without quotes");
  }

  const requireEntry = keys.get("require");
  const require = requireEntry ? readRequire(r, requireEntry, label) : { approvals: DEFAULT_APPROVALS };
  if (requireEntry && forbid) {
    r.error(forbidEntry!.keyNode, `${label} both requires approvals and forbids the change`, 'keep one: "forbid: true" means no approval can satisfy the rule');
  }

  const nameNode = nameEntry ? r.valueAt(nameEntry) : undefined;
  if (name === undefined || !classes || !when || (toolsEntry && !tools) || !require) return { name, nameNode };
  const rule: Rule = { name, classes, when, forbid };
  if (tools) rule.tools = tools;
  if (!forbid) rule.require = require;
  return { rule, name, nameNode };
}

/** `rule "name"` when the rule has a usable name, else `rule 3`, for messages. */
function ruleLabel(map: YAMLMap, index: number): string {
  const name = map.items.find((p) => isScalar(p.key) && p.key.value === "name")?.value;
  return isScalar(name) && typeof name.value === "string" && VISIBLE.test(name.value) ? `rule ${JSON.stringify(name.value)}` : `rule ${index + 1}`;
}

function checkClassRefs(r: YamlReader, entry: Entry, classes: string[], defined: Set<string>, label: string): void {
  const seq = entry.value;
  if (!seq || !isSeq(seq)) return;
  r.items(seq).forEach(({ value }, i) => {
    const name = classes[i];
    if (name === undefined || defined.has(name) || name === FLOOR_CLASS_NAME) return;
    // Suggestions cost a comparison with every class; skip them once errors are only counted.
    const known = r.sink.full ? [] : [...defined].filter((n) => !RESERVED_CLASS_NAMES.includes(n));
    const hint = didYouMean(name, known) ?? (known.length > 0 ? `defined classes: ${truncateList(known)}` : 'define it under "classes:"');
    r.error(value, `${label} refers to unknown class ${JSON.stringify(name)}`, hint);
  });
}

function truncateList(names: string[], max = 10): string {
  return names.length <= max ? names.join(", ") : `${names.slice(0, max).join(", ")}, … (${names.length - max} more)`;
}

function readRequire(r: YamlReader, entry: Entry, label: string): Rule["require"] | undefined {
  const map = entry.value;
  if (!map || !isMap(map)) {
    r.error(r.valueAt(entry), `"require" of ${label} must be a mapping, not ${describe(map)}`, "e.g. require: { approvals: 1 }");
    return undefined;
  }
  const keys = keyed(r, map, REQUIRE_KEYS, `in "require" of ${label}`);
  const out: NonNullable<Rule["require"]> = { approvals: DEFAULT_APPROVALS };
  let ok = true;
  const approvals = keys.get("approvals");
  if (approvals) {
    const v = approvals.value;
    if (!v || !isScalar(v) || typeof v.value !== "number" || !Number.isInteger(v.value)) {
      ok = false;
      const hint = v && isScalar(v) && typeof v.value === "string" && /^\d+$/.test(v.value.trim()) ? `write approvals: ${v.value.trim()} without quotes` : "e.g. approvals: 1";
      r.error(r.valueAt(approvals), `"approvals" of ${label} must be a whole number, not ${describe(v)}`, hint);
    } else if (v.value < 1) {
      ok = false;
      r.error(v, `"approvals" of ${label} must be at least 1, not ${v.value}`, 'to block changes outright, use "forbid: true" instead of "require"');
    } else {
      out.approvals = v.value;
    }
  }
  const from = keys.get("from");
  if (from) {
    const list = readStrings(r, from, `"from" of ${label}`, {
      nonEmpty: 'nobody could approve; remove "from" to let any independent reviewer with write access count',
      check: checkPrincipal,
    });
    if (list) out.from = list;
    else ok = false;
  }
  return ok ? out : undefined;
}

/**
 * A rule's `tools` entry must be an id some detector emits (SPEC §2): a catalogue id or one
 * declared under `ai.tools`. Otherwise the rule would silently never apply.
 */
function checkToolRef(s: string, known: ReadonlySet<string>): CheckResult {
  if (!TOOL_ID.test(s)) {
    const slug = slugify(s);
    return { message: `tool id ${JSON.stringify(s)} is not a lower-case slug`, hint: slug ? `did you mean "${known.has(slug) ? slug : (suggestTool(slug, known) ?? slug)}"?` : undefined };
  }
  if (known.has(s)) return undefined;
  const near = suggestTool(s, known);
  return {
    message: `tool ${JSON.stringify(s)} is neither a known AI tool nor declared under "ai.tools", so the rule would never apply`,
    hint: near ? `did you mean "${near}"?` : `declare it under "ai.tools", or use a known id: ${[...known].slice(0, 8).join(", ")}, …`,
  };
}

/** `claude` → claude-code (a word naming the tool), `openhand` → openhands (a typo). */
function suggestTool(s: string, known: ReadonlySet<string>): string | undefined {
  const byWord = AI_TOOLS.find((t) => t.words.includes(s) || t.name.toLowerCase() === s);
  if (byWord) return byWord.id;
  return [...known].find((id) => id.startsWith(`${s}-`)) ?? nearest(s, known);
}

function checkPrincipal(s: string): CheckResult {
  if (TEAM.test(s) || LOGIN.test(s)) return undefined;
  if (s.startsWith("@") && LOGIN.test(s.slice(1))) {
    return { message: `${JSON.stringify(s)} is neither a user nor a team`, hint: `write a user as a bare login, ${s.slice(1)}, and a team as "@org/slug"` };
  }
  if (!s.startsWith("@") && TEAM.test(`@${s}`)) {
    return { message: `${JSON.stringify(s)} is neither a user nor a team`, hint: `did you mean "@${s}"?` };
  }
  return { message: `${JSON.stringify(s)} is neither a user login nor a team "@org/slug"`, hint: 'e.g. "carol" or "@acme/eval-owners"' };
}

/**
 * Names come from the file: `__proto__` must become an ordinary key, not the object's prototype.
 * (Spreading and JSON keep such a key as an own property, so the Policy stays a plain object.)
 */
function setOwn<T>(record: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}

// ---------------------------------------------------------------------------------------------
// scalars and lists

function readString(r: YamlReader, entry: Entry, what: string, check?: (s: string) => CheckResult): string | undefined {
  const v = entry.value;
  if (!v || !isScalar(v) || typeof v.value !== "string") {
    r.error(r.valueAt(entry), `${what} must be a string, not ${describe(v)}`);
    return undefined;
  }
  const problem = check?.(v.value);
  if (problem) {
    r.error(v, `${what}: ${problem.message}`, problem.hint);
    return undefined;
  }
  return v.value;
}

function readEnum<T extends string>(r: YamlReader, entry: Entry, what: string, allowed: readonly T[]): T | undefined {
  const v = entry.value;
  if (v && isScalar(v) && typeof v.value === "string" && (allowed as readonly string[]).includes(v.value)) return v.value as T;
  const typed = v && isScalar(v) && typeof v.value === "string" ? v.value : undefined;
  const hint = (typed !== undefined ? didYouMean(typed, allowed) : undefined) ?? `use one of: ${allowed.join(", ")}`;
  r.error(r.valueAt(entry), `${what} must be one of ${allowed.join(", ")}, not ${describe(v)}`, hint);
  return undefined;
}

function readStrings(
  r: YamlReader,
  entry: Entry,
  what: string,
  options: { nonEmpty?: string; check?: (s: string) => CheckResult },
): string[] | undefined {
  const seq = entry.value;
  if (!seq || !isSeq(seq)) {
    const hint = seq && isScalar(seq) && typeof seq.value === "string" ? `write a list: [${JSON.stringify(seq.value)}]` : undefined;
    r.error(r.valueAt(entry), `${what} must be a list of strings, not ${describe(seq)}`, hint);
    return undefined;
  }
  if (seq.items.length === 0 && options.nonEmpty) {
    r.error(seq, `${what} is empty`, options.nonEmpty);
    return undefined;
  }
  const out: string[] = [];
  let ok = true;
  for (const { node, value } of r.items(seq)) {
    if (!value || r.isTagged(value) || !isScalar(value) || typeof value.value !== "string") {
      ok = false;
      if (value && !r.isTagged(value)) r.error(value, `${what} must contain only strings, not ${describe(value)}`, "quote the value");
      continue;
    }
    const problem = options.check?.(value.value);
    if (problem) {
      ok = false;
      r.error(node ?? value, `${what}: ${problem.message}`, problem.hint);
      continue;
    }
    out.push(value.value);
  }
  return ok ? out : undefined;
}

function visible(what: string): (s: string) => CheckResult {
  return (s) => (VISIBLE.test(s) ? undefined : { message: `a ${what} cannot be empty or blank` });
}

function matches(re: RegExp, expected: string, example: string): (s: string) => CheckResult {
  return (s) => (re.test(s) ? undefined : { message: `${JSON.stringify(s)} is not ${expected}`, hint: example });
}
