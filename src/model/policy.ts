/**
 * A validated `.provenance.yml` (SPEC §2), as the evaluator consumes it. Only `src/policy/`
 * builds these; everything else treats them as read-only values.
 */

export type When = "ai-assisted" | "external-ai" | "any-change";
export type Trust = "internal" | "external";

/** One line of a class: a normalised minimatch pattern, `negate` for a leading `!`. */
export interface ClassPattern {
  pattern: string;
  negate: boolean;
}

/** A tool the repository declares under `ai.tools`, or a re-classification of a catalogue tool. */
export interface DeclaredTool {
  id: string;
  trust?: Trust;
  emails: string[];
  bots: string[];
  trailers: string[];
}

export interface Requirement {
  approvals: number;
  /** Users (bare login) and teams (`@org/slug`), as written; compared case-insensitively. */
  from?: string[];
}

export interface Rule {
  name: string;
  classes: string[];
  when: When;
  tools?: string[];
  require?: Requirement;
  forbid: boolean;
  /** True for the built-in floor rule, which no config can remove. */
  builtin?: boolean;
}

/** Where a policy came from; reported on the check run so a reader can find and fix it. */
export interface PolicySource {
  /** e.g. `.provenance.yml`, `acme/.github:.provenance.yml`, `(built-in strict fallback)`. */
  path: string;
  ref?: string;
  blob_sha?: string;
  /** Set when the strict fallback replaced a broken policy: why, for the check run. */
  fallback_reason?: string;
}

export interface Policy {
  version: 1;
  classes: Record<string, ClassPattern[]>;
  ai: {
    labels: string[];
    tools: Record<string, DeclaredTool>;
  };
  /** Always includes the floor rule (`FLOOR_RULE_NAME`). */
  rules: Rule[];
  source: PolicySource;
}

/** A problem found in a `.provenance.yml`, with a position a person can jump to. */
export interface ConfigError {
  file: string;
  line: number;
  column: number;
  message: string;
  /** A fix hint, e.g. `did you mean "classes"?` */
  hint?: string;
}

export const POLICY_PATH = ".provenance.yml";
export const FLOOR_RULE_NAME = "provenance-policy";
/** The built-in rule for symbolic links and submodules at protected paths (SPEC §2). */
export const LINKS_RULE_NAME = "provenance-links";
/** The class the floor rule uses; reserved so a config cannot redefine it. */
export const FLOOR_CLASS_NAME = "provenance-policy";
