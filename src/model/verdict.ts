/**
 * What `evaluate` returns (SPEC §6). `--format json` prints it as is, so field names are a
 * public, stable interface: add fields, never rename them.
 */
import type { ConfigError, PolicySource, When } from "./policy.js";

export type SignalKind =
  | "co-author-trailer"
  | "assist-trailer"
  | "footer"
  | "session-link"
  | "session-trailer"
  | "author"
  | "committer"
  | "subject-prefix"
  | "declared-identity"
  | "label"
  | "pr-author"
  | "pr-body"
  | "branch-hint"
  /** A git-ai note (`refs/notes/ai`) gives lines of the commit to an AI session (SPEC §9). */
  | "git-ai-note"
  /** An Agent Trace record gives lines of the commit to an AI contributor (SPEC §9). */
  | "agent-trace";

export interface Signal {
  /** Canonical lower-case tool id (catalogue or config), e.g. `claude-code`. */
  tool: string;
  kind: SignalKind;
  /** Human-readable location: `commit 1a2b3c4`, `pull request body`, `label ai-assisted`. */
  where: string;
  /** The exact text that matched, e.g. the trailer line. */
  evidence: string;
  /** Commit-level signals carry the full SHA of their commit. */
  commit?: string;
  /** False for hints (branch prefixes): reported, never decisive on their own. */
  decisive: boolean;
}

export type Conclusion = "success" | "action_required" | "failure";
export type RuleStatus = "satisfied" | "pending" | "forbidden" | "not_applicable";

export interface RuleResult {
  name: string;
  status: RuleStatus;
  when: When;
  classes: string[];
  /** Approvals required (0 for forbid rules). */
  required: number;
  /** Logins whose approval counted for this rule (lower-case). */
  counted: string[];
  /** Changed files the rule applies to. */
  files: string[];
  /** Tools whose changes made the rule apply (empty for `any-change` without AI). */
  tools: string[];
  forbid: boolean;
  /** The `from` restriction as written, when present. */
  from?: string[];
  builtin?: boolean;
  /**
   * For `any-change` and built-in rules that apply: the contributors to the rule's files (the
   * author, pushers, and the people behind the commits that changed them), who cannot approve.
   */
  contributors?: string[];
  /** For `provenance-links`: each changed link or submodule at a protected path, and where it points. */
  links?: LinkChange[];
}

export interface LinkChange {
  path: string;
  /** `symlink` (mode 120000) or `submodule` (mode 160000). */
  kind: "symlink" | "submodule";
  /** The link's target path or the submodule's commit, when the loader read it. */
  target?: string;
}

export interface FileResult {
  filename: string;
  previous_filename?: string;
  status: string;
  classes: string[];
  ai_touched: boolean;
  /** Tools that touched the file (commit-level or PR-level). */
  tools: string[];
  /** Short SHAs of the AI-marked commits that changed this file. */
  commits: string[];
  /** Names of the rules that apply to this file. */
  rules: string[];
  /** The git mode at the head, when the loader knows it. */
  mode?: string;
  link_target?: string;
  /**
   * When AI content reached the file by its exact blob rather than by its name (a plain copy, a
   * move a net change cannot name): where an AI-marked commit wrote that blob.
   */
  content_from?: ContentFrom;
}

export interface ContentFrom {
  /** The path the AI-marked commit wrote the blob to. */
  filename: string;
  /** Its short SHA. */
  commit: string;
  tools: string[];
  /** True when the file's blob at the head is that blob; false when a commit copied it and it changed since. */
  at_head: boolean;
}

export interface SessionAuthor {
  login: string;
  /** Why this person is an AI-session author, e.g. `authored 3f2a1bc with Claude Code`. */
  reasons: string[];
}

export interface UnresolvedAuthor {
  name: string;
  email: string;
  reason: string;
}

export interface Disqualified {
  login: string;
  reason: string;
}

export interface VerdictError {
  /** `too-large`: over GitHub's listing limits; `incomplete`: lists that do not add up; `pr-config`: the PR's own policy file is broken. */
  kind: "too-large" | "incomplete" | "pr-config";
  message: string;
}

export interface Verdict {
  conclusion: Conclusion;
  /** One line a developer understands at a glance. */
  title: string;
  repository: string;
  pull_number: number;
  head_sha: string;
  rules: RuleResult[];
  files: FileResult[];
  ai: {
    assisted: boolean;
    tools: string[];
    /** Decisive signals only. */
    signals: Signal[];
    /** Hints: reported, never decisive. */
    hints: Signal[];
  };
  /** Lower-case logins of the people who drove the AI tools. */
  session_authors: string[];
  session_author_details: SessionAuthor[];
  unresolved_authors: UnresolvedAuthor[];
  /** Logins whose approval counted for at least one applicable rule. */
  counted: string[];
  disqualified: Disqualified[];
  errors: VerdictError[];
  /** Errors in the pull request's own edited `.provenance.yml`, if it has one. */
  config_errors: ConfigError[];
  policy: PolicySource;
  /** When the verdict was made; null when the caller passed no clock. */
  evaluated_at: string | null;
}
