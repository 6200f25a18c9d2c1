/**
 * Path classification (SPEC §2): which classes a changed path belongs to.
 *
 * Matching errs towards over-matching, because a missed protected file is a bypass while an extra
 * one only asks for a review: case-insensitive (`Evals/x` is `evals/x` on macOS and Windows
 * checkouts), dotfiles included, Unicode NFC, and zero-width characters ignored.
 */
import { Minimatch } from "minimatch";
import type { ClassPattern, Policy } from "../model/policy.js";
import { sortedBy, uniqueSorted } from "./order.js";

// Zero-width and BOM characters render as nothing, so `evals\u200b/x` looks like `evals/x` in a
// diff. Treating them as absent when matching closes that spelling trick.
const INVISIBLE = /[\u200b-\u200d\u2060\ufeff]/g;

/** The canonical spelling of a repository path: NFC, no leading `./` or `/`. */
export function normalisePath(path: string): string {
  let p = path.normalize("NFC");
  for (;;) {
    if (p.startsWith("./")) p = p.slice(2);
    else if (p.startsWith("/")) p = p.slice(1);
    else return p;
  }
}

/** The spelling used for glob matching only: canonical, and without invisible characters. */
function matchingForm(path: string): string {
  return normalisePath(path).replace(INVISIBLE, "");
}

export type Classifier = (path: string) => string[];

interface CompiledClass {
  name: string;
  /** In file order; the last matching line decides, as in `.gitignore`. */
  lines: { negate: boolean; matcher: Minimatch }[];
}

function compileClass(name: string, patterns: ClassPattern[]): CompiledClass {
  return {
    name,
    lines: patterns.map((p) => ({
      negate: p.negate,
      matcher: new Minimatch(matchingForm(p.pattern), { dot: true, nocase: true, nonegate: true, nocomment: true }),
    })),
  };
}

function inClass(c: CompiledClass, path: string): boolean {
  // Scanning from the end lets the first hit decide, which is the same as "the last matching
  // line wins" and skips the rest of the lines for most protected paths.
  for (let i = c.lines.length - 1; i >= 0; i--) {
    const line = c.lines[i];
    if (line.matcher.match(path)) return !line.negate;
  }
  return false;
}

const cache = new WeakMap<Policy, Classifier>();

/**
 * Compiles a policy's classes once; the returned function gives the sorted class names of a path.
 * Cached per policy object, so every evaluation of the same policy reuses the compiled globs.
 */
export function compileClassifier(policy: Policy): Classifier {
  const cached = cache.get(policy);
  if (cached) return cached;
  const classes = sortedBy(
    Object.entries(policy.classes).map(([name, patterns]) => compileClass(name, patterns)),
    (c) => c.name,
  );
  const classify: Classifier = (path) => {
    const p = matchingForm(path);
    return classes.filter((c) => inClass(c, p)).map((c) => c.name);
  };
  cache.set(policy, classify);
  return classify;
}

/** The classes of a changed-file entry: a rename belongs to the classes of both its paths. */
export function classifyEntry(classify: Classifier, filename: string, previous?: string): string[] {
  const classes = new Set(classify(filename));
  if (previous !== undefined) for (const c of classify(previous)) classes.add(c);
  return uniqueSorted(classes);
}
