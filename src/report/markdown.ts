/**
 * A Verdict as GitHub-flavoured Markdown. This is also the check run's summary, so it leads with
 * what blocks and who can unblock it, and keeps the detail below. Everything that comes from a
 * commit, a pull request or a config is escaped: it is written by whoever pushed.
 */
import type { Conclusion, RuleStatus, Verdict } from "../model/verdict.js";
import { toolDisplayName } from "../catalogue/ai-tools.js";
import {
  STATUS_LABEL,
  cap,
  contentSentence,
  disqualifiedSentence,
  protectedFiles,
  stillNeeds,
  unblockAdvice,
} from "./format.js";
import { plural, shortSha } from "../shared/format.js";
import { formatConfigError } from "../policy/errors.js";

const MAX_SIGNALS = 30;
const MAX_FILES = 50;
const MAX_PEOPLE = 30;
const MAX_CELL = 200;

const CONCLUSION_ICON: Record<Conclusion, string> = { success: "✅", action_required: "⏳", failure: "⛔" };
const STATUS_ICON: Record<RuleStatus, string> = { satisfied: "✅", pending: "⏳", forbidden: "⛔", not_applicable: "➖" };

export function renderMarkdown(verdict: Verdict): string {
  const out: string[] = [];
  out.push(`**${CONCLUSION_ICON[verdict.conclusion]} ${text(verdict.title)}**`);

  if (verdict.policy.fallback_reason) {
    out.push(
      "",
      `> **⚠️ The repository's provenance policy is broken** (${text(verdict.policy.fallback_reason)}). ` +
        "This pull request was checked with the strict fallback: AI-assisted changes anywhere, and any change to `.provenance.yml`, need one independent approval.",
    );
  }

  if (verdict.errors.length > 0) {
    out.push("", "### Errors", ...verdict.errors.map((e) => `- **${text(e.kind)}**: ${text(e.message)}`));
  }
  if (verdict.config_errors.length > 0) {
    const { shown, more } = cap(verdict.config_errors, MAX_PEOPLE);
    out.push("", "### Errors in this pull request's `.provenance.yml`", ...shown.map((e) => `- ${code(formatConfigError(e))}`), ...more_(more, "error"));
  }

  out.push(
    "",
    "| Rule | Status | Needs | Counted |",
    "|:--|:--|:--|:--|",
    ...verdict.rules.map(
      (r) =>
        `| ${code(r.name, true)} | ${STATUS_ICON[r.status]} ${STATUS_LABEL[r.status]} | ${cell(stillNeeds(r))} | ${
          r.counted.length > 0 ? cell(r.counted.map((l) => `@${l}`).join(", ")) : "—"
        } |`,
    ),
  );

  const advice = unblockAdvice(verdict);
  if (advice.length > 0) {
    const heading = verdict.rules.some((r) => r.status === "pending") ? "Who can unblock" : "What unblocks it";
    out.push("", `### ${heading}`, ...advice.map((a) => `- ${code(a.rule)}: ${text(a.advice)}`));
  }

  if (verdict.ai.signals.length > 0) {
    const { shown, more } = cap(verdict.ai.signals, MAX_SIGNALS);
    out.push(
      "",
      "### AI signals",
      "| Tool | Where | Evidence |",
      "|:--|:--|:--|",
      ...shown.map((s) => `| ${toolCell(s.tool)} | ${cell(s.where)} | ${code(clip(s.evidence), true)} |`),
      ...more_(more, "signal"),
    );
  }
  if (verdict.ai.hints.length > 0) {
    const hints = verdict.ai.hints.map(
      (h) => `${text(toolDisplayName(h.tool))}: ${text(h.where)}${h.where.includes(h.evidence) ? "" : ` ${code(clip(h.evidence))}`}`,
    );
    out.push("", `<sub>Hints, not decisive on their own: ${hints.join("; ")}</sub>`);
  }

  const people = [
    ...verdict.session_author_details.map((a) => `- @${text(a.login)} — ${text(a.reasons.join("; "))}`),
    ...verdict.unresolved_authors.map(
      (u) => `- ${text(u.name)} ${code(u.email)} — not resolved to a GitHub account: ${text(u.reason)}`,
    ),
  ];
  if (people.length > 0) {
    const { shown, more } = cap(people, MAX_PEOPLE);
    out.push("", "### AI-session authors", "_They drove the AI tools, so their approval does not count._", "", ...shown, ...more_(more, "author"));
  }

  if (verdict.disqualified.length > 0) {
    const { shown, more } = cap(verdict.disqualified, MAX_PEOPLE);
    out.push("", "### Reviews not counted", ...shown.map((d) => `- ${text(disqualifiedSentence(d.login, d.reason))}`), ...more_(more, "review"));
  }

  const files = protectedFiles(verdict);
  if (files.length > 0) {
    const { shown, more } = cap(files, MAX_FILES);
    out.push(
      "",
      "### Protected files",
      "| File | Classes | AI tools | Commits |",
      "|:--|:--|:--|:--|",
      ...shown.map(
        (f) =>
          `| ${code(f.filename, true)}${f.previous_filename ? ` (from ${code(f.previous_filename, true)})` : ""}${
            f.link_target !== undefined ? ` → ${code(f.link_target, true)}` : ""
          } | ${cell(f.classes.join(", "))} | ${
            f.tools.length > 0 ? f.tools.map((t) => toolCell(t)).join(", ") : "—"
          } | ${f.commits.length > 0 ? f.commits.map((c) => code(c, true)).join(" ") : "—"} |`,
      ),
      ...more_(more, "file"),
    );
    const copied = shown.flatMap((f) => contentSentence(f) ?? []);
    if (copied.length > 0) out.push("", "_AI content under another name:_", ...copied.map((c) => `- ${text(c)}`));
  }

  out.push("", `<sub>${policyLine(verdict)}</sub>`);
  return `${out.join("\n")}\n`;
}

function policyLine(verdict: Verdict): string {
  const p = verdict.policy;
  const parts = [`Policy: ${code(p.path)}`];
  if (p.ref) parts.push(`ref ${code(p.ref)}`);
  if (p.blob_sha) parts.push(`blob ${code(shortSha(p.blob_sha))}`);
  if (p.fallback_reason) parts.push("strict fallback");
  parts.push(`head ${code(shortSha(verdict.head_sha))}`);
  if (verdict.evaluated_at) parts.push(`evaluated ${text(verdict.evaluated_at)}`);
  return parts.join(" · ");
}

function toolCell(tool: string): string {
  const name = toolDisplayName(tool);
  return name.toLowerCase() === tool.toLowerCase() ? code(tool, true) : `${text(name)} (${code(tool, true)})`;
}

function more_(more: number, noun: string): string[] {
  return more > 0 ? ["", `_…and ${plural(more, noun)} more._`] : [];
}

function clip(s: string): string {
  const chars = [...s];
  return chars.length > MAX_CELL ? `${chars.slice(0, MAX_CELL - 1).join("")}…` : s;
}

/** Plain text in a table cell. */
function cell(s: string): string {
  return text(s);
}

/**
 * Plain text, escaped: Markdown punctuation is backslash-escaped, HTML is turned into entities
 * (check-run summaries render a subset of HTML), and line breaks become spaces so a value cannot
 * end a table row or start a new block. Pipes are escaped everywhere: this text may sit in a table.
 */
export function text(s: string): string {
  return flatten(s)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/[\\`*_[\]#+|~]/g, (c) => `\\${c}`);
}

/**
 * A code span that holds any text: its fence is longer than any run of backticks inside it. In a
 * table, pipes must still be escaped (GFM splits cells before it parses code spans).
 */
export function code(s: string, inTable = false): string {
  let body = flatten(s);
  if (inTable) body = body.replace(/\|/g, "\\|");
  const longest = Math.max(0, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  if (body === "") return "` `";
  const pad = body.startsWith("`") || body.endsWith("`") ? " " : "";
  return `${fence}${pad}${body}${pad}${fence}`;
}

function flatten(s: string): string {
  return s.replace(/\r\n|[\r\n\u2028\u2029]/g, " ").replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, "");
}
