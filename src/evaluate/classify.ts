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

/**
 * One key per path as classification sees it (NFC, no invisible characters, case folded), so
 * attribution calls two paths the same exactly when a glob could not tell them apart: a
 * case-only rename (`EVALS/t.yaml` → `evals/t.yaml`) keeps its history. Folding through upper
 * case also joins `ſ`/`s` and `K`/`k`, as minimatch's case-insensitive matching does.
 */
export function pathKey(path: string): string {
  return matchingForm(path).toUpperCase().toLowerCase();
}

export type Classifier = (path: string) => string[];

/**
 * A path split once for all lines: its first and last segments, lower-cased for the literal
 * prefilter, or null when not plain ASCII (minimatch folds Unicode case: `ſ` matches `s`).
 */
interface PathParts {
  path: string;
  first: string | null;
  last: string | null;
}

interface CompiledLine {
  negate: boolean;
  matcher: Minimatch;
  /**
   * A necessary condition, cheap to test: for each brace alternative, the literal first and last
   * segments the path must have (null where that segment is a wildcard). Null when some
   * alternative has neither, so the prefilter cannot rule anything out.
   */
  literals: { first: string | null; last: string | null }[] | null;
}

interface CompiledClass {
  name: string;
  /** In file order; the last matching line decides, as in `.gitignore`. */
  lines: CompiledLine[];
}

function compileLine(pattern: ClassPattern): CompiledLine {
  const matcher = new Minimatch(matchingForm(pattern.pattern), { dot: true, nocase: true, nonegate: true, nocomment: true });
  // `globParts` are the brace-expanded segments as text. (The compiled `set` is no help: with
  // `nocase`, minimatch turns even literal segments into matcher objects.)
  const literals = matcher.globParts.map((parts) => ({ first: literal(parts[0]), last: literal(parts[parts.length - 1]) }));
  const useful = literals.length > 0 && literals.every((l) => l.first !== null || l.last !== null);
  return { negate: pattern.negate, matcher, literals: useful ? literals : null };
}

const GLOB_SYNTAX = /[*?[\]{}()!+@\\]/;
const ASCII = /^[\x00-\x7f]*$/;

/**
 * A plain-ASCII segment without glob syntax matches only itself, case-insensitively; null
 * otherwise (then only minimatch can tell).
 */
function literal(segment: string | undefined): string | null {
  return segment && ASCII.test(segment) && !GLOB_SYNTAX.test(segment) ? segment.toLowerCase() : null;
}

function mayMatch(line: CompiledLine, p: PathParts): boolean {
  return (
    line.literals === null ||
    line.literals.some((l) => (l.first === null || p.first === null || l.first === p.first) && (l.last === null || p.last === null || l.last === p.last))
  );
}

function inClass(c: CompiledClass, p: PathParts): boolean {
  // Scanning from the end lets the first hit decide, which is the same as "the last matching
  // line wins" and skips the rest of the lines for most protected paths.
  for (let i = c.lines.length - 1; i >= 0; i--) {
    const line = c.lines[i];
    if (mayMatch(line, p) && line.matcher.match(p.path)) return !line.negate;
  }
  return false;
}

function partsOf(path: string): PathParts {
  const lower = path.toLowerCase();
  const slash = lower.indexOf("/");
  const ascii = (segment: string) => (ASCII.test(segment) ? segment : null);
  return { path, first: ascii(slash < 0 ? lower : lower.slice(0, slash)), last: ascii(lower.slice(lower.lastIndexOf("/") + 1)) };
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
    Object.entries(policy.classes).map(([name, patterns]): CompiledClass => ({ name, lines: patterns.map(compileLine) })),
    (c) => c.name,
  );
  const classify: Classifier = (path) => {
    const p = partsOf(matchingForm(path));
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
