/** A Verdict out to the user in the chosen format, and the exit code it means. */
import type { Verdict } from "../model/verdict.js";
import { renderMarkdown } from "../report/markdown.js";
import { renderText } from "../report/text.js";
import type { Format } from "./args.js";
import { EXIT_BLOCKED, EXIT_PASS, useColor, type CliIO } from "./io.js";

export function printVerdict(io: CliIO, verdict: Verdict, format: Format, text: { commitOrder?: readonly string[] } = {}): number {
  if (format === "json") io.stdout.write(`${JSON.stringify(verdict, null, 2)}\n`);
  else if (format === "markdown") io.stdout.write(renderMarkdown(verdict));
  else io.stdout.write(renderText(verdict, { color: useColor(io), ...text }));
  return exitCode(verdict);
}

/** 0 only for `success`: `action_required` and `failure` both block the merge. */
export function exitCode(verdict: Verdict): number {
  return verdict.conclusion === "success" ? EXIT_PASS : EXIT_BLOCKED;
}
