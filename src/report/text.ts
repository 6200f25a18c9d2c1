/**
 * A Verdict for a person at a terminal: the title first, then short aligned sections, each only
 * when it has something to say. Colour is opt-in (the CLI turns it on for a TTY only).
 */
import type { Conclusion, RuleStatus, Verdict } from "../model/verdict.js";
import { toolDisplayName } from "../catalogue/ai-tools.js";
import {
  CONCLUSION_LABEL,
  STATUS_LABEL,
  cap,
  contentSentence,
  disqualifiedSentence,
  countedText,
  describePolicy,
  oneLine,
  protectedFiles,
  stillNeeds,
  truncate,
  unblockAdvice,
} from "./format.js";
import { plural, shortSha } from "../shared/format.js";
import { formatConfigError } from "../policy/errors.js";

export interface TextOptions {
  color: boolean;
  /**
   * The pull request's commits, oldest first, when the caller has them (the CLI does): signals
   * are then listed in history order. The verdict itself is in SHA order, whatever the loader did.
   */
  commitOrder?: readonly string[];
}

/** Signals in history order (commit-less ones, e.g. the pull request's, first), stable otherwise. */
function inHistoryOrder<T extends { commit?: string }>(items: readonly T[], order: readonly string[] | undefined): T[] {
  if (!order) return [...items];
  const position = new Map(order.map((sha, i) => [sha, i]));
  const at = (item: T) => (item.commit === undefined ? -1 : (position.get(item.commit) ?? order.length));
  return items.map((item, i) => ({ item, i })).sort((a, b) => at(a.item) - at(b.item) || a.i - b.i).map(({ item }) => item);
}

const MAX_ROWS = 20;
const MAX_EVIDENCE = 90;

type Paint = (code: string, text: string) => string;

const CONCLUSION_STYLE: Record<Conclusion, { mark: string; code: string }> = {
  success: { mark: "✔", code: "32" },
  action_required: { mark: "✖", code: "33" },
  failure: { mark: "✖", code: "31" },
};

const STATUS_CODE: Record<RuleStatus, string> = {
  satisfied: "32",
  pending: "33",
  forbidden: "31",
  not_applicable: "2",
};

export function renderText(verdict: Verdict, opts: TextOptions): string {
  const paint: Paint = opts.color ? (code, text) => `\u001b[${code}m${text}\u001b[0m` : (_code, text) => text;
  const out: string[] = [];
  const style = CONCLUSION_STYLE[verdict.conclusion];
  out.push(paint(`1;${style.code}`, `${style.mark} ${CONCLUSION_LABEL[verdict.conclusion]}: ${oneLine(verdict.title)}`));
  const where = verdict.pull_number > 0 ? `${verdict.repository}#${verdict.pull_number}` : verdict.repository;
  out.push(paint("2", `  ${where} at ${shortSha(verdict.head_sha)} · policy ${oneLine(describePolicy(verdict.policy))}`));

  if (verdict.policy.fallback_reason) {
    out.push("", paint("31", `  Policy is broken (${oneLine(verdict.policy.fallback_reason)}); evaluated with the strict fallback.`));
  }

  if (verdict.errors.length > 0) {
    section(out, paint, "Errors", verdict.errors.map((e) => `  ${e.kind}: ${oneLine(e.message)}`));
  }
  if (verdict.config_errors.length > 0) {
    section(out, paint, "Config errors", verdict.config_errors.map((e) => `  ${oneLine(formatConfigError(e))}`));
  }

  section(
    out,
    paint,
    "Rules",
    table(
      ["RULE", "STATUS", "NEEDS", "COUNTED"],
      verdict.rules.map((r) => [r.name, STATUS_LABEL[r.status], stillNeeds(r), countedText(r)]),
      (row, cells) => {
        // Pad first, colour after: escape codes must not count towards column widths.
        cells[1] = paint(STATUS_CODE[verdict.rules[row].status], cells[1]);
        return cells;
      },
    ),
  );

  const advice = unblockAdvice(verdict);
  if (advice.length > 0) {
    section(out, paint, verdict.rules.some((r) => r.status === "pending") ? "Who can unblock" : "What unblocks it", advice.map((a) => `  ${a.rule}: ${a.advice}`));
  }

  if (verdict.ai.signals.length > 0) {
    const { shown, more } = cap(inHistoryOrder(verdict.ai.signals, opts.commitOrder), MAX_ROWS);
    section(out, paint, "AI signals", [
      ...table(
        ["TOOL", "KIND", "WHERE", "EVIDENCE"],
        shown.map((s) => [toolDisplayName(s.tool), s.kind, oneLine(s.where), truncate(oneLine(s.evidence), MAX_EVIDENCE)]),
      ),
      ...moreLine(more, "signal"),
    ]);
  }
  if (verdict.ai.hints.length > 0) {
    section(
      out,
      paint,
      "Hints (not decisive)",
      verdict.ai.hints.map((h) => {
        const evidence = h.where.includes(h.evidence) ? "" : ` (${truncate(oneLine(h.evidence), MAX_EVIDENCE)})`;
        return `  ${toolDisplayName(h.tool)}: ${oneLine(h.where)}${evidence}`;
      }),
    );
  }

  const authors = [
    ...verdict.session_author_details.map((a) => [`@${a.login}`, oneLine(a.reasons.join("; "))]),
    ...unresolvedPeople(verdict).map((u) => [`${oneLine(u.name)} <${oneLine(u.email)}>`, `not resolved to a login: ${oneLine(u.reasons.join("; "))}`]),
  ];
  if (authors.length > 0) {
    const { shown, more } = cap(authors, MAX_ROWS);
    section(out, paint, "AI-session authors", [...table(null, shown), ...moreLine(more, "author")]);
  }

  if (verdict.disqualified.length > 0) {
    const { shown, more } = cap(verdict.disqualified, MAX_ROWS);
    section(out, paint, "Reviews not counted", [
      ...shown.map((d) => `  ${oneLine(disqualifiedSentence(d.login, d.reason))}`),
      ...moreLine(more, "review"),
    ]);
  }

  const files = protectedFiles(verdict);
  if (files.length > 0) {
    const { shown, more } = cap(files, MAX_ROWS);
    section(out, paint, "Protected files", [
      ...table(
        ["FILE", "CLASSES", "TOOLS", "COMMITS"],
        shown.map((f) => [
          oneLine(`${f.previous_filename ? `${f.previous_filename} → ${f.filename}` : f.filename}${f.link_target !== undefined ? ` (link to ${f.link_target})` : ""}`),
          f.classes.join(", "),
          f.tools.join(", ") || "—",
          f.commits.join(", ") || "—",
        ]),
      ),
      ...moreLine(more, "file"),
      ...shown.flatMap((f) => {
        const copied = contentSentence(f);
        return copied ? [`  ${oneLine(copied)}`] : [];
      }),
    ]);
  }

  return `${out.join("\n")}\n`;
}

function section(out: string[], paint: Paint, heading: string, lines: string[]): void {
  if (lines.length === 0) return;
  out.push("", paint("1", heading), ...lines);
}

function moreLine(more: number, noun: string): string[] {
  return more > 0 ? [`  …and ${plural(more, noun)} more (use --format json)`] : [];
}

/** One row a person, with every commit they took part in: the verdict lists one per reason. */
function unresolvedPeople(verdict: Verdict): { name: string; email: string; reasons: string[] }[] {
  const people = new Map<string, { name: string; email: string; reasons: string[] }>();
  for (const u of verdict.unresolved_authors) {
    const key = u.email.toLowerCase();
    const person = people.get(key) ?? { name: u.name, email: u.email, reasons: [] };
    if (!person.name) person.name = u.name;
    person.reasons.push(u.reason);
    people.set(key, person);
  }
  return [...people.values()];
}

/** Left-aligned columns, two spaces apart, indented by two; the last column is not padded. */
function table(header: string[] | null, rows: string[][], decorate?: (row: number, cells: string[]) => string[]): string[] {
  const all = header ? [header, ...rows] : rows;
  const widths: number[] = [];
  for (const row of all) row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, width(cell));
    });
  const pad = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c + " ".repeat(widths[i] - width(c))));
  const lines: string[] = [];
  if (header) lines.push(`  ${pad(header).join("  ")}`.trimEnd());
  rows.forEach((row, r) => {
    const cells = pad(row);
    lines.push(`  ${(decorate ? decorate(r, cells) : cells).join("  ")}`.trimEnd());
  });
  return lines;
}

/** Display width in code points; good enough for paths, logins and git trailers. */
function width(s: string): number {
  return [...s].length;
}
