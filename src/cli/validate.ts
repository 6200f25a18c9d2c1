/** `provenance-gate validate [FILE]`: exit 0 when the policy is valid, 2 with `file:line:col` errors when not. */
import { FLOOR_CLASS_NAME, type Policy } from "../model/policy.js";
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
  return EXIT_PASS;
}

function summary(policy: Policy): string {
  const classes = Object.keys(policy.classes).filter((c) => c !== FLOOR_CLASS_NAME).length;
  const own = policy.rules.filter((r) => !r.builtin).length;
  const tools = Object.keys(policy.ai.tools).length;
  const parts = [`${classes} ${classes === 1 ? "class" : "classes"}`, `${own} ${own === 1 ? "rule" : "rules"} + the built-in provenance-policy rule`];
  if (tools > 0) parts.push(`${tools} declared ${tools === 1 ? "tool" : "tools"}`);
  return parts.join(", ");
}
