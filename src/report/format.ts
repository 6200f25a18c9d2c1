/**
 * What the text and Markdown reports say, decided once: both render the same facts, only the
 * syntax differs. Pure functions over a Verdict.
 */
import type { PolicySource } from "../model/policy.js";
import type { Conclusion, FileResult, RuleResult, RuleStatus, Verdict } from "../model/verdict.js";
import { toolDisplayName } from "../catalogue/ai-tools.js";
import { plural, shortSha } from "../shared/format.js";

export const CONCLUSION_LABEL: Record<Conclusion, string> = {
  success: "passed",
  action_required: "action required",
  failure: "failed",
};

export const STATUS_LABEL: Record<RuleStatus, string> = {
  satisfied: "satisfied",
  pending: "pending",
  forbidden: "forbidden",
  not_applicable: "not applicable",
};

/** `@org/slug` teams and bare-login users of a `from` list, as a person reads it. */
export function describeFrom(from: readonly string[]): string {
  const users = from.filter((f) => !f.startsWith("@")).map((u) => `@${u}`);
  const teams = from.filter((f) => f.startsWith("@")).map((t) => `a member of ${t}`);
  return joinOr([...users, ...teams]);
}

export function joinOr(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`;
}

/** What a rule still needs before it is satisfied. */
export function stillNeeds(rule: RuleResult): string {
  switch (rule.status) {
    case "pending": {
      const missing = Math.max(1, rule.required - rule.counted.length);
      const from = rule.from?.length ? ` from ${describeFrom(rule.from)}` : "";
      return `${plural(missing, rule.counted.length > 0 ? "more approval" : "approval", rule.counted.length > 0 ? "more approvals" : "approvals")}${from}`;
    }
    case "forbidden":
      return "the change must go";
    default:
      return "—";
  }
}

export function countedText(rule: RuleResult): string {
  return rule.counted.length > 0 ? rule.counted.map((l) => `@${l}`).join(", ") : "—";
}

/**
 * Exactly who can unblock each pending rule, and what unblocks a forbidden one. The people
 * excluded are named, so nobody asks an AI-session author to approve their own AI's work.
 */
export function unblockAdvice(verdict: Verdict): { rule: string; advice: string }[] {
  const excluded = verdict.session_authors.map((l) => `@${l}`);
  const otherThan = excluded.length > 0 ? ` other than ${joinOr(excluded)} (AI-session ${excluded.length === 1 ? "author" : "authors"})` : "";
  const advice: { rule: string; advice: string }[] = [];
  for (const rule of verdict.rules) {
    if (rule.status === "pending") {
      const missing = Math.max(1, rule.required - rule.counted.length);
      const approvals = plural(missing, rule.counted.length > 0 ? "more approval" : "approval", rule.counted.length > 0 ? "more approvals" : "approvals");
      const who = rule.from?.length ? `${describeFrom(rule.from)} (with write access)` : "anyone with write access";
      // Contributors to an any-change or built-in rule's files cannot approve it either.
      const authors = new Set(verdict.session_authors);
      const made = (rule.contributors ?? []).filter((l) => !authors.has(l)).map((l) => `@${l}`);
      const norMade = made.length > 0 ? `${otherThan ? " nor" : " other than"} ${joinOr(made)} (who made these changes)` : "";
      advice.push({
        rule: rule.name,
        advice: `${approvals} from ${who}${otherThan}${norMade}. Only approvals submitted after the latest push count.`,
      });
    } else if (rule.status === "forbidden") {
      advice.push({ rule: rule.name, advice: forbiddenAdvice(verdict, rule) });
    }
  }
  return advice;
}

/**
 * What unblocks a forbidden change. Editing the file is not enough while the AI-marked commit is
 * still in the branch (it still lists the file), so the advice names the commits to drop.
 */
function forbiddenAdvice(verdict: Verdict, rule: RuleResult): string {
  const files = new Set(rule.files);
  const commits = [...new Set(verdict.files.filter((f) => files.has(f.filename)).flatMap((f) => f.commits))].sort();
  const tools = rule.tools.length > 0 ? ` made with ${rule.tools.map(toolDisplayName).join(", ")}` : "";
  const where = `${plural(rule.files.length, "file")} (${listWithMore(rule.files, 3)})`;
  if (commits.length === 0) {
    // Only pull-request-level marks (a label, an agent as author, a footer in the description).
    return `No approval can satisfy this rule: the pull request itself is marked as made with ${rule.tools.map(toolDisplayName).join(", ") || "an AI tool"}, and it changes ${where}. Remove those changes, or the mark if it is wrong.`;
  }
  const one = commits.length === 1;
  return `No approval can satisfy this rule: drop the commit${one ? "" : "s"}${tools} (${listWithMore(commits, 5)}) from the branch (an interactive rebase does it), or rewrite ${one ? "it so it no longer touches" : "them so they no longer touch"} ${where}.`;
}

/** A disqualification reason as one sentence about the reviewer (evaluate usually starts it with `@login`). */
export function disqualifiedSentence(login: string, reason: string): string {
  return reason.toLowerCase().startsWith(`@${login.toLowerCase()}`) ? reason : `@${login}: ${reason}`;
}

/** Changed files at least one rule applies to: the ones a reviewer has to look at. */
export function protectedFiles(verdict: Verdict): FileResult[] {
  return verdict.files.filter((f) => f.rules.length > 0);
}

/** "evals/t1.yaml has the content Claude Code wrote to scratch/t1.yaml in 1a2b3c4", for a file AI content reached by its blob. */
export function contentSentence(file: FileResult): string | undefined {
  const from = file.content_from;
  if (!from) return undefined;
  const tools = from.tools.map(toolDisplayName).join(", ");
  return `${file.filename} ${from.at_head ? "has" : "took"} the content ${tools} wrote to ${from.filename} in ${from.commit}${from.at_head ? "" : ", changed since"}`;
}

export function listWithMore(items: readonly string[], max: number): string {
  const { shown, more } = cap(items, max);
  return more > 0 ? `${shown.join(", ")} …and ${more} more` : shown.join(", ");
}

export function cap<T>(items: readonly T[], max: number): { shown: T[]; more: number } {
  return items.length > max ? { shown: items.slice(0, max), more: items.length - max } : { shown: [...items], more: 0 };
}

/** The policy the verdict was judged by: path, ref, blob. */
export function describePolicy(source: PolicySource): string {
  const parts = [source.path];
  if (source.ref) parts.push(`at ${source.ref}`);
  if (source.blob_sha) parts.push(`(blob ${shortSha(source.blob_sha)})`);
  return parts.join(" ");
}

/** One line of user-controlled text: no line breaks or control characters to break a layout. */
export function oneLine(text: string): string {
  return text.replace(/\r\n|[\r\n\u2028\u2029]/g, " ").replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, "");
}

export function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length > max ? `${chars.slice(0, max - 1).join("")}…` : text;
}
