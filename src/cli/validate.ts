/** `provenance-gate validate [FILE]`: exit 0 when the policy is valid, 2 with `file:line:col` errors when not. */
import { FLOOR_CLASS_NAME, type Policy } from "../model/policy.js";
import { compileClassifier } from "../evaluate/classify.js";
import { createGit } from "../load/git/index.js";
import { parseFlags } from "./args.js";
import { UsageError } from "./errors.js";
import { EXIT_PASS, type CliIO } from "./io.js";
import { locateConfig, parseConfig, readConfigText } from "./policy-file.js";

export async function validateCommand(args: string[], io: CliIO): Promise<number> {
  const flags = parseFlags("validate", args, {}, true);
  if (flags.positionals.length > 1) throw new UsageError("validate: takes at most one FILE");
  const loc = await locateConfig(io, flags.positionals[0]);
  const text = await readConfigText({ ...loc, explicit: true });
  if (text === null) throw new UsageError(`cannot read ${loc.display}: no such file`);
  const policy = parseConfig(text, loc);
  io.stdout.write(`${loc.display}: valid (${summary(policy)})\n`);
  if (loc.root) {
    const tracked = (await createGit({ cwd: loc.root, env: io.env as NodeJS.ProcessEnv })(["ls-files", "-z"])).split("\0").filter(Boolean);
    for (const w of unmatchedPatterns(policy, tracked)) {
      io.stderr.write(`provenance-gate: warning: ${loc.display}${positionOf(text, w.pattern)}: pattern "${w.pattern}" of class ${w.className} matches no tracked file (a typo, or a path still to come?)\n`);
    }
  }
  return EXIT_PASS;
}

/**
 * Inside a checkout, a class pattern that matches none of its tracked files is most often a typo
 * that protects nothing. Matched exactly as the evaluator classifies (one-pattern classifiers).
 */
export function unmatchedPatterns(policy: Policy, tracked: readonly string[]): { className: string; pattern: string }[] {
  const unmatched: { className: string; pattern: string }[] = [];
  for (const [className, patterns] of Object.entries(policy.classes)) {
    if (className === FLOOR_CLASS_NAME) continue;
    for (const p of patterns) {
      if (p.negate) continue;
      const classify = compileClassifier({ ...policy, classes: { [className]: [p] } });
      if (!tracked.some((file) => classify(file).length > 0)) unmatched.push({ className, pattern: p.pattern });
    }
  }
  return unmatched;
}

/** `:line:col` of the pattern's first occurrence in the file, or nothing when it is not there verbatim. */
function positionOf(text: string, pattern: string): string {
  const at = text.indexOf(pattern);
  if (at < 0) return "";
  const before = text.slice(0, at);
  const line = before.split("\n").length;
  return `:${line}:${at - before.lastIndexOf("\n")}`;
}

function summary(policy: Policy): string {
  const classes = Object.keys(policy.classes).filter((c) => c !== FLOOR_CLASS_NAME).length;
  const own = policy.rules.filter((r) => !r.builtin).length;
  const tools = Object.keys(policy.ai.tools).length;
  const parts = [`${classes} ${classes === 1 ? "class" : "classes"}`, `${own} ${own === 1 ? "rule" : "rules"} + the built-in provenance-policy rule`];
  if (tools > 0) parts.push(`${tools} declared ${tools === 1 ? "tool" : "tools"}`);
  return parts.join(", ");
}
