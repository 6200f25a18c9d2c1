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

/**
 * Normalises one class line the way src/evaluate/classify.ts normalises paths (NFC, leading
 * `./` and `/` stripped, after the `!`), so that a pattern and a path written differently
 * still meet. `..` segments are refused: a repository-relative path never has them, so such
 * a pattern could only ever be a mistake or an attempt to look outside the repository.
 */
export function normaliseClassPattern(raw: string): PatternResult {
  const negate = raw.startsWith("!");
  let pattern = (negate ? raw.slice(1) : raw).normalize("NFC");
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
  return { ok: true, value: { pattern, negate } };
}
