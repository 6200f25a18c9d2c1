/**
 * The check run's title: one line a developer understands at a glance, naming what is needed
 * and for which classes of files.
 */
import { FLOOR_RULE_NAME, LINKS_RULE_NAME } from "../model/policy.js";
import type { RuleResult, Verdict, VerdictError } from "../model/verdict.js";
import { toolDisplayName } from "../catalogue/ai-tools.js";
import { plural } from "../shared/format.js";


/** The classes, among the rule's own, that the rule's files actually fall in. */
function touchedClasses(verdict: Verdict, rule: RuleResult): string[] {
  const files = new Set(rule.files);
  const classes = new Set<string>();
  for (const f of verdict.files) {
    if (files.has(f.filename)) for (const c of f.classes) if (rule.classes.includes(c)) classes.add(c);
  }
  return [...classes].sort();
}

function subject(verdict: Verdict, rule: RuleResult): string {
  if (rule.name === FLOOR_RULE_NAME) return "the change to .provenance.yml";
  const where = `in ${touchedClasses(verdict, rule).join(", ")}`;
  if (rule.name === LINKS_RULE_NAME && rule.builtin) return linksSubject(rule, where);
  switch (rule.when) {
    case "ai-assisted":
      return `AI-assisted changes ${where}`;
    case "external-ai":
      return `external-AI changes ${where}`;
    case "any-change":
      return `changes ${where}`;
  }
}

/** `the link evals/t1.yaml → ../scratch/t1.yaml`, or `2 links in eval` when there are several. */
function linksSubject(rule: RuleResult, where: string): string {
  const links = rule.links!;
  if (links.length !== 1) return `${plural(links.length, "link")} ${where}`;
  const [link] = links;
  const noun = link.kind === "submodule" ? "submodule" : "link";
  return `the ${noun} ${link.path}${link.target !== undefined ? ` → ${link.target}` : ""}`;
}

const ERROR_TITLES: Record<VerdictError["kind"], (v: Verdict) => string> = {
  "too-large": () => "Too large to check completely: split this pull request",
  incomplete: () => "Could not read the whole pull request: re-run the check",
  "pr-config": (v) => `.provenance.yml in this pull request has ${plural(v.config_errors.length, "error")}`,
};

/** `from` entries as people read them: `@carol`, `@acme/eval-owners` (users are written bare in the policy). */
export function reviewerList(from: readonly string[], separator: string): string {
  return from.map((entry) => (entry.startsWith("@") ? entry : `@${entry}`)).join(separator);
}

const joinUnique = (parts: string[]) => [...new Set(parts)].join("; ");

export function verdictTitle(verdict: Verdict): string {
  const error = verdict.errors[0];
  if (error) return ERROR_TITLES[error.kind](verdict);

  const forbidden = verdict.rules.filter((r) => r.status === "forbidden");
  if (forbidden.length > 0) {
    const tools = [...new Set(forbidden.flatMap((r) => r.tools))].map(toolDisplayName).join(", ");
    return `Forbidden: ${tools ? `${tools} ` : ""}changes ${joinUnique(forbidden.map((r) => `in ${touchedClasses(verdict, r).join(", ")}`))}`;
  }

  const pending = verdict.rules.filter((r) => r.status === "pending");
  if (pending.length > 0) {
    const missing = Math.max(...pending.map((r) => r.required - r.counted.length));
    const from = [...new Set(pending.flatMap((r) => r.from ?? []))];
    const who = from.length > 0 ? `approval${missing === 1 ? "" : "s"} from ${reviewerList(from, " or ")}` : `independent approval${missing === 1 ? "" : "s"}`;
    return `Needs ${missing} ${who} for ${joinUnique(pending.map((r) => subject(verdict, r)))}`;
  }

  const satisfied = verdict.rules.filter((r) => r.status === "satisfied");
  if (satisfied.length > 0) {
    return `Approved by ${verdict.counted.map((l) => `@${l}`).join(", ")} for ${joinUnique(satisfied.map((r) => subject(verdict, r)))}`;
  }
  return verdict.ai.assisted ? "AI-assisted changes, none in protected paths" : "No AI-assisted changes found";
}
