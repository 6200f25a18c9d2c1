/**
 * The shapes of names and values in `.provenance.yml`. `schema/provenance.schema.json` repeats
 * these as `pattern`s; test/policy-schema.test.ts keeps the two in agreement.
 */
import type { ClassPattern } from "../model/policy.js";

/** Tool ids are lower-case slugs (SPEC §3): `claude-code`, `metacode`. */
export const TOOL_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** A team in `from`: `@org/slug`. */
export const TEAM = /^@[A-Za-z0-9][A-Za-z0-9-]*\/[A-Za-z0-9][A-Za-z0-9_.-]*$/;
/** A user in `from`: a bare GitHub login. */
export const LOGIN = /^[A-Za-z0-9][A-Za-z0-9-]*$/;
/** An address for `ai.tools.<id>.emails`. */
export const EMAIL = /^[^@\s]+@[^@\s]+$/;
/** A bot account for `ai.tools.<id>.bots`: one word, e.g. `metacode[bot]`. */
export const BOT = /^\S+$/;
/** A trailer prefix for `ai.tools.<id>.trailers`: `Key:` and optionally the start of a value. */
export const TRAILER = /^[A-Za-z0-9][A-Za-z0-9-]*:/;
/** Names and labels need at least one visible character. */
export const VISIBLE = /\S/;

/** A slug a person probably meant: `Claude_Code` → `claude-code`. */
export function slugify(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

export type PatternResult = { ok: true; value: ClassPattern } | { ok: false; message: string; hint?: string };

/** Brace alternatives one pattern may expand to (SPEC §2): `{a,b}` twelve times is 4,096. */
export const MAX_PATTERN_ALTERNATIVES = 256;

/** As long as a path may be on most systems (PATH_MAX); longer patterns match nothing real. */
export const MAX_PATTERN_LENGTH = 4096;

/**
 * Normalises one class line the way src/evaluate/classify.ts normalises paths (NFC, leading
 * `./` and `/` stripped, after the `!`), so that a pattern and a path written differently
 * still meet, and refuses what cannot mean what its author meant (SPEC §2):
 * - `..` segments: a repository-relative path never has them, so such a pattern could only
 *   ever be a mistake or an attempt to look outside the repository;
 * - leading or trailing whitespace (`" evals/**"` matches no path git writes), a backslash
 *   (paths use `/`; minimatch would read it as an escape), an unbalanced `{…}` or `[…]` (the
 *   text would match literally: `*.{jsonl` only matches a file named `x.{jsonl`), a brace group
 *   with one alternative (also literal), more than 256 brace alternatives.
 * A pattern ending in `/` names a folder and covers its subtree: `evals/` is `evals/**`.
 */
export function normaliseClassPattern(raw: string): PatternResult {
  if (raw.length > MAX_PATTERN_LENGTH) {
    return { ok: false, message: `pattern of ${raw.length.toLocaleString("en-US")} characters is longer than any path (${MAX_PATTERN_LENGTH.toLocaleString("en-US")})`, hint: "match the files with a shorter glob" };
  }
  const negate = raw.startsWith("!");
  const body = negate ? raw.slice(1) : raw;
  if (body !== "" && body.trim() !== body) {
    const side = body.trimStart() !== body ? "leading" : "trailing";
    return { ok: false, message: `pattern ${JSON.stringify(raw)} has ${side} whitespace, so it matches no path`, hint: `write ${JSON.stringify((negate ? "!" : "") + body.trim())}` };
  }
  if (body.includes("\\")) {
    return { ok: false, message: `pattern ${JSON.stringify(raw)} contains a backslash`, hint: `paths use "/": write ${JSON.stringify(raw.split("\\").join("/"))}` };
  }
  let pattern = body.normalize("NFC");
  for (;;) {
    if (pattern.startsWith("./")) pattern = pattern.slice(2);
    else if (pattern.startsWith("/")) pattern = pattern.slice(1);
    else break;
  }
  if (pattern === "") {
    return raw === "" || raw === "!"
      ? { ok: false, message: `empty pattern ${JSON.stringify(raw)}`, hint: 'write a glob such as "evals/**"' }
      : { ok: false, message: `pattern ${JSON.stringify(raw)} names no path once the leading "./" and "/" are removed`, hint: 'patterns are relative to the repository root, e.g. "evals/**"' };
  }
  if (pattern.startsWith("!")) {
    return { ok: false, message: `pattern ${JSON.stringify(raw)} has more than one leading "!"`, hint: 'a single leading "!" excludes; there is no double negation' };
  }
  if (pattern.split("/").includes("..")) {
    return { ok: false, message: `pattern ${JSON.stringify(raw)} contains a ".." segment`, hint: "patterns are relative to the repository root and cannot leave it" };
  }
  const problem = bracketProblem(pattern) ?? braceProblem(pattern);
  if (problem) return { ok: false, message: `pattern ${JSON.stringify(raw)} ${problem.message}`, hint: problem.hint };
  const alternatives = patternAlternatives(pattern);
  if (alternatives > MAX_PATTERN_ALTERNATIVES) {
    return {
      ok: false,
      message: `pattern ${JSON.stringify(raw)} expands to more than ${MAX_PATTERN_ALTERNATIVES} alternatives`,
      hint: "split it into several patterns, or use wildcards (*) instead of long brace lists",
    };
  }
  return { ok: true, value: { pattern: subtree(pattern), negate } };
}

/** A trailing `/` names the folder, so the pattern covers its whole subtree: `evals/` is `evals/**`. */
function subtree(pattern: string): string {
  if (!pattern.endsWith("/")) return pattern;
  let end = pattern.length;
  while (end > 0 && pattern[end - 1] === "/") end--;
  const folder = pattern.slice(0, end);
  return folder === "**" || folder.endsWith("/**") ? folder : `${folder}/**`;
}

type Problem = { message: string; hint: string };

/**
 * `[…]` classes must close. Inside one, a `]` right after the `[` (or `[!`, `[^`) is a literal,
 * and `[:alpha:]` is a POSIX class; outside, a `]` has nothing to close.
 */
function bracketProblem(pattern: string): Problem | undefined {
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === "]") return { message: `has a "]" with no "[" before it (character ${i + 1})`, hint: 'remove it, or open the class: "[abc]"' };
    if (c !== "[") {
      i++;
      continue;
    }
    const open = i;
    i++;
    if (pattern[i] === "!" || pattern[i] === "^") i++;
    if (pattern[i] === "]") i++;
    while (i < pattern.length && pattern[i] !== "]") {
      if (pattern.startsWith("[:", i)) {
        const close = pattern.indexOf(":]", i + 2);
        i = close < 0 ? pattern.length : close + 2;
      } else {
        i++;
      }
    }
    if (i >= pattern.length) return { message: `has an unclosed "[" (character ${open + 1}), so it would match the text literally`, hint: 'close the class, e.g. "data/[abc]*"' };
    i++;
  }
  return undefined;
}

/** Far beyond any real pattern; keeps the counting below from recursing without end. */
const MAX_BRACE_DEPTH = 8;

const RANGE = /^(?:(-?\d+)\.\.(-?\d+)|([A-Za-z])\.\.([A-Za-z]))(?:\.\.(-?\d+))?$/;

/** `{…}` groups must close, and each must offer a choice: `{jsonl}` would match the braces. */
function braceProblem(pattern: string): Problem | undefined {
  const opens: number[] = [];
  const commas: boolean[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "{") {
      if (opens.length === MAX_BRACE_DEPTH) return { message: `nests braces more than ${MAX_BRACE_DEPTH} deep`, hint: "write the alternatives out flat: {a,b,c}" };
      opens.push(i);
      commas.push(false);
    } else if (c === "," && commas.length > 0) {
      commas[commas.length - 1] = true;
    } else if (c === "}") {
      const open = opens.pop();
      if (open === undefined) return { message: `has a "}" with no "{" before it (character ${i + 1})`, hint: 'remove it, or open the group: "{a,b}"' };
      const hadComma = commas.pop();
      const inner = pattern.slice(open + 1, i);
      if (!hadComma && !RANGE.test(inner)) {
        return { message: `has a brace group "{${inner}}" with one alternative, so it would match the braces literally`, hint: `write "{${inner},…}" with at least two alternatives, or drop the braces` };
      }
    }
  }
  if (opens.length > 0) {
    return { message: `has an unclosed "{" (character ${opens[opens.length - 1] + 1}), so it would match the text literally`, hint: 'close the group, e.g. "**/*.{json,jsonl}"' };
  }
  return undefined;
}

/**
 * How many patterns brace expansion makes of this one, without expanding it (13 groups of two
 * would be 8,192 strings), saturating just above the limit. Assumes balanced braces.
 */
export function patternAlternatives(pattern: string, cap = MAX_PATTERN_ALTERNATIVES + 1): number {
  return sequence(pattern, 0, pattern.length, cap);
}

/** Alternatives of pattern[from, to): the product of its top-level groups. */
function sequence(p: string, from: number, to: number, cap: number): number {
  let total = 1;
  for (let i = from; i < to; i++) {
    if (p[i] !== "{") continue;
    const close = matchingBrace(p, i, to);
    total = Math.min(cap, total * group(p, i + 1, close, cap));
    i = close;
  }
  return total;
}

function matchingBrace(p: string, open: number, to: number): number {
  let depth = 0;
  for (let i = open; i < to; i++) {
    if (p[i] === "{") depth++;
    else if (p[i] === "}" && --depth === 0) return i;
  }
  return to;
}

/** Alternatives of one group's inside: the sum over its comma-separated parts, or a range's size. */
function group(p: string, from: number, to: number, cap: number): number {
  const range = RANGE.exec(p.slice(from, to));
  if (range) {
    const [a, b] = range[1] !== undefined ? [Number(range[1]), Number(range[2])] : [range[3].charCodeAt(0), range[4].charCodeAt(0)];
    const step = Math.max(1, Math.abs(Number(range[5] ?? 1)) || 1);
    return Math.min(cap, Math.floor(Math.abs(b - a) / step) + 1);
  }
  let sum = 0;
  let depth = 0;
  let start = from;
  for (let i = from; i <= to; i++) {
    const c = i === to ? "," : p[i];
    if (c === "{") depth++;
    else if (c === "}") depth--;
    else if (c === "," && depth === 0) {
      sum = Math.min(cap, sum + sequence(p, start, i, cap));
      start = i + 1;
    }
  }
  return sum;
}
