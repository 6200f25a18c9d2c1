/** A Verdict out to the user in the chosen format, and the exit code it means. */
import type { Verdict } from "../model/verdict.js";
import { renderMarkdown } from "../report/markdown.js";
import { renderText } from "../report/text.js";
import type { Format } from "./args.js";
import { EXIT_BLOCKED, EXIT_PASS, useColor, type CliIO } from "./io.js";

export function printVerdict(io: CliIO, verdict: Verdict, format: Format): number {
  if (format === "json") io.stdout.write(`${JSON.stringify(verdict, null, 2)}\n`);
  else if (format === "markdown") io.stdout.write(renderMarkdown(verdict));
  else io.stdout.write(renderText(verdict, { color: useColor(io) }));
  return exitCode(verdict);
}

/** 0 only for `success`: `action_required` and `failure` both block the merge. */
export function exitCode(verdict: Verdict): number {
  return verdict.conclusion === "success" ? EXIT_PASS : EXIT_BLOCKED;
}

/**
 * With no `.provenance.yml` nothing is enforced (SPEC §2): a passing verdict that says where it
 * looked, so JSON consumers get the same shape as always.
 */
export function noPolicyVerdict(at: { repository: string; pull_number: number; head_sha: string }, lookedIn: string, now: Date): Verdict {
  return {
    conclusion: "success",
    title: "No provenance policy",
    repository: at.repository,
    pull_number: at.pull_number,
    head_sha: at.head_sha,
    rules: [],
    files: [],
    ai: { assisted: false, tools: [], signals: [], hints: [] },
    session_authors: [],
    session_author_details: [],
    unresolved_authors: [],
    counted: [],
    disqualified: [],
    errors: [],
    config_errors: [],
    policy: { path: `(none: looked in ${lookedIn})` },
    evaluated_at: now.toISOString(),
  };
}
