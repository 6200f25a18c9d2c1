/** `provenance-gate explain PATH…`: which classes and rules each path falls under, and why it matters. */
import type { Policy, Rule } from "../model/policy.js";
import { compileClassifier, normalisePath } from "../evaluate/classify.js";
import { describeFrom } from "../report/format.js";
import { plural } from "../shared/format.js";
import { CONFIG_OPTION, FORMAT_OPTION, formatFlag, parseFlags, stringFlag } from "./args.js";
import { UsageError } from "./errors.js";
import { EXIT_PASS, type CliIO } from "./io.js";
import { loadPolicy } from "./policy-file.js";
import { toolDisplayName } from "../catalogue/ai-tools.js";

export interface Explanation {
  path: string;
  normalised: string;
  classes: string[];
  rules: { name: string; when: Rule["when"]; tools?: string[]; forbid: boolean; approvals?: number; from?: string[]; builtin?: boolean; effect: string }[];
}

export async function explainCommand(args: string[], io: CliIO): Promise<number> {
  const flags = parseFlags("explain", args, { ...CONFIG_OPTION, ...FORMAT_OPTION }, true);
  const format = formatFlag(flags, "explain", ["text", "json"]);
  if (flags.positionals.length === 0) throw new UsageError("explain: name at least one PATH (see 'provenance-gate help explain')");
  const { policy, loc } = await loadPolicy(io, stringFlag(flags, "config"));
  if (!policy) throw new UsageError(`no provenance policy (looked in ${loc.display}); pass --config FILE`);

  const explanations = explainPaths(policy, flags.positionals);
  if (format === "json") {
    io.stdout.write(`${JSON.stringify(explanations, null, 2)}\n`);
    return EXIT_PASS;
  }
  const lines: string[] = [];
  for (const e of explanations) {
    lines.push(e.normalised === e.path ? e.path : `${e.path}  (matched as ${e.normalised})`);
    lines.push(`  classes  ${e.classes.length > 0 ? e.classes.join(", ") : "(none: no rule applies)"}`);
    e.rules.forEach((r, i) => {
      lines.push(`  ${i === 0 ? "rules  " : "       "}  ${r.name}: ${r.effect}`);
    });
  }
  io.stdout.write(`${lines.join("\n")}\n`);
  return EXIT_PASS;
}

export function explainPaths(policy: Policy, paths: string[]): Explanation[] {
  const classify = compileClassifier(policy);
  return paths.map((path) => {
    const classes = classify(path);
    const rules = policy.rules
      .filter((r) => r.classes.some((c) => classes.includes(c)))
      .map((r) => ({
        name: r.name,
        when: r.when,
        ...(r.tools ? { tools: [...r.tools] } : {}),
        forbid: r.forbid,
        ...(r.forbid ? {} : { approvals: r.require?.approvals ?? 1 }),
        ...(r.require?.from ? { from: [...r.require.from] } : {}),
        ...(r.builtin ? { builtin: true } : {}),
        effect: describeRule(r),
      }));
    return { path, normalised: normalisePath(path), classes, rules };
  });
}

/** A rule in one sentence: which changes it covers and what they need. */
export function describeRule(rule: Rule): string {
  const tools = rule.tools?.length ? ` made with ${rule.tools.map(toolDisplayName).join(", ")}` : "";
  const changes =
    rule.when === "any-change"
      ? `any change${tools}`
      : rule.when === "external-ai"
        ? `changes${tools || " made with an external AI tool"}`
        : `AI-assisted changes${tools}`;
  const singular = rule.when === "any-change";
  if (rule.forbid) return `${changes} ${singular ? "is" : "are"} forbidden`;
  const approvals = rule.require?.approvals ?? 1;
  const from = rule.require?.from?.length ? ` from ${describeFrom(rule.require.from)}` : "";
  return `${changes} ${singular ? "needs" : "need"} ${plural(approvals, "independent approval")}${from}`;
}
