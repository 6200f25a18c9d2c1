/**
 * Decision → check-run output (SPEC §6): a one-line title, a Markdown summary that fits GitHub's
 * 65,535-character limit, and annotations on the files that need attention. Every output carries
 * a content hash, hidden in the summary, so the publisher can leave an unchanged run alone.
 * Pure: no I/O (hashing is a computation).
 */
import { createHash } from "node:crypto";
import type { ConfigError } from "../model/policy.js";
import { POLICY_PATH } from "../model/policy.js";
import type { Conclusion, Verdict } from "../model/verdict.js";
import type { Decision } from "../evaluate/decide.js";
import { toolDisplayName } from "../catalogue/ai-tools.js";
import { renderMarkdown } from "./markdown.js";
import { contentSentence } from "./format.js";
import { PUSHED_REASON } from "../evaluate/session-authors.js";

export const SUMMARY_LIMIT = 65_535;
export const TITLE_LIMIT = 200;
export const HASH_MARKER_PREFIX = "<!-- provenance-gate:sha256=";
// Anchored at the end: the marker this module appends is always last, so text quoted from a commit cannot forge it.
const HASH_MARKER = /<!-- provenance-gate:sha256=([0-9a-f]{64}) annotations=([0-9a-f]{64})(?: own=(success|action_required|failure))?(?: pushers=([A-Za-z0-9\-[\],]{0,4000}))?(?: pushes=(all))?(?: counted=([A-Za-z0-9\-[\],]{0,4000}))? -->$/;
/** A GitHub login as the marker may carry it (letters, digits, hyphens, an app's `[bot]`). */
const MARKER_LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\[bot\])?$/;
/** The pusher list is state, not a report: it is capped so it cannot crowd out the summary. */
const MAX_MARKER_PUSHERS = 100;

export type AnnotationLevel = "notice" | "warning" | "failure";

export interface CheckAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: AnnotationLevel;
  title?: string;
  message: string;
}

export interface CheckRunOutput {
  conclusion: Conclusion;
  /**
   * The pull request's own conclusion, before other pull requests on the same commit are taken
   * into account (see `decide`); recorded in the summary's hidden marker.
   */
  own: Conclusion;
  title: string;
  /** The summary's Markdown before truncation and the marker, for re-rendering around it. */
  body: string;
  /** Markdown, at most `SUMMARY_LIMIT` characters, ending with the hash marker. */
  summary: string;
  annotations: CheckAnnotation[];
  /** SHA-256 over conclusion, title, the full summary and the annotations. */
  hash: string;
  /**
   * SHA-256 over the annotations alone. GitHub appends annotations on every update and never
   * removes them, so the publisher re-sends them only when they changed.
   */
  annotationsHash: string;
  /**
   * Everyone known to have pushed to the head branch, carried from run to run in the hidden
   * marker: the app's state of who pushed survives restarts and is shared by replicas.
   */
  pushers: string[];
  /**
   * Whether `pushers` names the sender of every push to the head branch since the pull request
   * was opened (`pushes=all` in the marker): then the next run need not ask GitHub's activity.
   */
  allPushes: boolean;
  /**
   * Whose approvals this pull request's own result counted, in the marker too: when one of them
   * loses access, the app finds the pull requests to re-evaluate from its runs alone.
   */
  counted: string[];
}

/**
 * The check run that shows a decision; `pushers` are recorded in the marker when no verdict names
 * them, and `allPushes` says whether they are the senders of every push since the pull request was opened.
 */
export function renderDecision(decision: Decision, pushers: readonly string[] = [], allPushes = false): CheckRunOutput {
  const shown = renderInput(decision, pushers);
  const banner = decision.blockedBy.length > 0 ? siblingsBanner(decision) : "";
  return finishOutput(decision.conclusion, decision.title, banner + shown.body, shown.annotations, banner + shown.hashed, decision.own, shown.pushers, shown.counted, allPushes);
}

interface Shown {
  body: string;
  /** The body as hashed: without what does not count as a change. */
  hashed: string;
  annotations: CheckAnnotation[];
  pushers: readonly string[];
  counted?: readonly string[];
}

function renderInput(decision: Decision, pushers: readonly string[]): Shown {
  const { input } = decision;
  switch (input.kind) {
    case "verdict": {
      const { verdict } = input;
      const { annotations, unannotated } = cappedAnnotations(fileAnnotations(verdict), configErrorAnnotations(verdict.config_errors));
      const notes = warningsSection(input.warnings ?? []) + unannotatedNote(unannotated) + unreadNote(input.unreadStretches ?? 0);
      return {
        body: renderMarkdown(verdict) + notes,
        // The summary names the evaluation time; a re-evaluation that only moves the clock is "unchanged".
        hashed: renderMarkdown({ ...verdict, evaluated_at: "" }) + notes,
        annotations,
        pushers: verdict.session_author_details.filter((a) => a.reasons.includes(PUSHED_REASON)).map((a) => a.login),
        counted: verdict.rules.flatMap((rule) => rule.counted),
      };
    }
    case "no-policy":
      return plain(
        [
          `## ${decision.ownTitle}`,
          "",
          `No \`${POLICY_PATH}\` was found, so Provenance Gate enforces nothing on this pull request. It looked for:`,
          "",
          ...input.searched.map((place) => `- ${place}`),
          "",
          `To protect evaluation and training-data paths, add a \`${POLICY_PATH}\` to the base branch ` +
            "(or to the owner's `.github` repository for every repository at once).",
        ],
        pushers,
      );
    case "error":
      return plain(
        [
          `## ${decision.ownTitle}`,
          "",
          `**Error (${input.problem.kind}):** ${escapeInline(input.problem.message)}`,
          "",
          `**What to do:** ${input.problem.remedy}`,
          "",
          "To retry, click **Re-evaluate** on this check run, or push a new commit. " +
            "Until the pull request can be evaluated completely, this check fails rather than pass on partial information.",
        ],
        pushers,
      );
    case "merge-group":
      return plain(
        [`## ${decision.ownTitle}`, "", escapeInline(decision.reason ?? ""), "", "A merge group passes only when the queued pull request passes Provenance Gate at exactly the queued commit."],
        pushers,
      );
  }
}

const MAX_WARNINGS_SHOWN = 20;

function warningsSection(warnings: readonly string[]): string {
  if (warnings.length === 0) return "";
  const shown = warnings.slice(0, MAX_WARNINGS_SHOWN).map((w) => `- ${escapeInline(w)}`);
  const more = warnings.length > shown.length ? [`- … and ${warnings.length - shown.length} more`] : [];
  return ["", "", "### Warnings", "", "Ignored while judging (they can only add AI marks, never remove them):", "", ...shown, ...more].join("\n");
}

function plain(lines: string[], pushers: readonly string[]): Shown {
  const body = lines.join("\n");
  return { body, hashed: body, annotations: [], pushers };
}

/** Which pull requests on the same head commit block this one, and what this one says on its own. */
function siblingsBanner(decision: Decision): string {
  const worse = decision.blockedBy;
  const one = worse.length === 1;
  return [
    `## Blocked by ${one ? "another pull request" : "other pull requests"} on this commit`,
    "",
    "GitHub decides a required check per commit, not per pull request, and this pull request's head commit is also the head of:",
    "",
    "| Pull request | Its own result |",
    "|:--|:--|",
    ...worse.map((s) => `| #${s.number} | ${s.own}: ${escapeInline(s.title)} |`),
    "",
    `This check passes once ${one ? "that pull request passes" : "those pull requests pass"} or ${one ? "is" : "are"} closed. This pull request on its own: **${decision.own}**, ${escapeInline(decision.ownTitle)}.`,
    "",
    "---",
    "",
  ].join("\n");
}

/** The other pull requests on a commit, as a run holding it names them. */
export interface HeldFor {
  number: number;
  /** Their newest run's status or conclusion. */
  shown: string;
}

/**
 * The in-progress run that holds a commit while a pull request that just came onto it is
 * evaluated (app/shared-head.ts). No marker: it records no result, and is read as the worst one.
 */
export function renderHold(number: number, baseRef: string | undefined, others: readonly HeldFor[]): { title: string; summary: string } {
  const base = baseRef ? ` into \`${escapeInline(baseRef)}\`` : "";
  const summary = [
    `## Evaluating pull request #${number}${base}`,
    "",
    "GitHub decides a required check per commit, from its newest run, and this commit is also the head of:",
    "",
    "| Pull request | Its run |",
    "|:--|:--|",
    ...others.map((o) => `| #${o.number} | ${escapeInline(o.shown)} |`),
    "",
    `Their result does not speak for #${number}, so this run holds the merge until #${number} has its own, which replaces it within seconds. If it stays in progress, click **Re-evaluate**.`,
  ].join("\n");
  return { title: singleLine(`Evaluating #${number}: this commit is also the head of ${others.map((o) => `#${o.number}`).join(", ")}`), summary };
}

/** The hashes (and the pull request's own conclusion) hidden in a summary this module wrote, if any. */
export function summaryHashes(
  summary: string | null | undefined,
): { hash: string; annotationsHash: string; own?: Conclusion; pushers: string[]; allPushes: boolean; counted: string[] } | undefined {
  const match = summary ? HASH_MARKER.exec(summary) : null;
  if (!match) return undefined;
  const logins = (list: string | undefined) => (list ?? "").split(",").filter((l) => MARKER_LOGIN.test(l));
  return {
    hash: match[1],
    annotationsHash: match[2],
    ...(match[3] ? { own: match[3] as Conclusion } : {}),
    pushers: logins(match[4]),
    allPushes: match[5] === "all",
    counted: logins(match[6]),
  };
}

// ---------- building blocks ----------

export function finishOutput(
  conclusion: Conclusion,
  title: string,
  body: string,
  annotations: CheckAnnotation[],
  /** The body as hashed, when it differs from `body` only in ways that do not count as a change. */
  hashedBody: string = body,
  /** The pull request's own conclusion, when `conclusion` also counts other pull requests. */
  own: Conclusion = conclusion,
  /** Who pushed to the head branch, recorded in the marker for the next run. */
  pushers: readonly string[] = [],
  /** Whose approvals counted (already part of the body, so not hashed again). */
  counted: readonly string[] = [],
  /** `pushers` are the senders of every push since the pull request was opened. */
  allPushes = false,
): CheckRunOutput {
  const oneLine = singleLine(title);
  const unique = (logins: readonly string[]) => [...new Set(logins.map((l) => l.toLowerCase()))];
  const markerLogins = (logins: readonly string[]) => unique(logins).filter((l) => MARKER_LOGIN.test(l)).sort().slice(0, MAX_MARKER_PUSHERS);
  const kept = markerLogins(pushers);
  const countedKept = markerLogins(counted);
  // A list the marker could not hold whole is no longer every pusher.
  const complete = allPushes && kept.length === unique(pushers).length;
  const hash = createHash("sha256")
    .update(JSON.stringify({ conclusion, own, title: oneLine, body: hashedBody, annotations, ...(kept.length > 0 ? { pushers: kept } : {}), ...(complete ? { allPushes: true } : {}) }))
    .digest("hex");
  const annotationsHash = createHash("sha256").update(JSON.stringify(annotations)).digest("hex");
  const state = `${kept.length > 0 ? ` pushers=${kept.join(",")}` : ""}${complete ? " pushes=all" : ""}${countedKept.length > 0 ? ` counted=${countedKept.join(",")}` : ""}`;
  const marker = `\n\n${HASH_MARKER_PREFIX}${hash} annotations=${annotationsHash} own=${own}${state} -->`;
  const summary = truncateSummary(body, SUMMARY_LIMIT - marker.length) + marker;
  return { conclusion, own, title: oneLine, body, summary, annotations, hash, annotationsHash, pushers: kept, allPushes: complete, counted: countedKept };
}

const TRUNCATION_NOTE =
  "\n\n---\n**This summary was truncated** to fit GitHub's limit of 65,535 characters. " +
  "Run `provenance-gate check --format markdown` on the branch for the full report.";

/**
 * The body cut to `limit` UTF-8 bytes with a note. GitHub limits the summary to 65,535 characters
 * and, separately, to as many bytes; a byte is never more than a character, so bytes are counted.
 */
export function truncateSummary(body: string, limit: number): string {
  if (Buffer.byteLength(body) <= limit) return body;
  let cut = body.slice(0, Math.max(0, limit - TRUNCATION_NOTE.length));
  // Each character dropped frees at least one byte (the note is ASCII).
  for (let over = Buffer.byteLength(cut) + TRUNCATION_NOTE.length - limit; over > 0; over = Buffer.byteLength(cut) + TRUNCATION_NOTE.length - limit) {
    cut = cut.slice(0, cut.length - over);
  }
  // End on a whole line so a table row or link is not left half-written.
  const lastBreak = cut.lastIndexOf("\n");
  if (lastBreak > cut.length / 2) cut = cut.slice(0, lastBreak);
  // Never split a surrogate pair.
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return cut + TRUNCATION_NOTE;
}

function singleLine(title: string): string {
  const line = title.replace(/\s+/g, " ").trim() || "Provenance Gate";
  return line.length <= TITLE_LIMIT ? line : `${line.slice(0, TITLE_LIMIT - 1)}…`;
}

/**
 * The annotations a run carries: what one request holds (GitHub takes 50 a request), as many as a
 * reader works through beside the summary's table; each further batch would cost a request of its
 * own on every evaluation. `.provenance.yml`'s errors come first, then the files that block the
 * merge (forbidden, then waiting), then satisfied ones, each in the pull request's order.
 */
export const MAX_ANNOTATIONS = 50;

const LEVEL_ORDER: Record<AnnotationLevel, number> = { failure: 0, warning: 1, notice: 2 };

function cappedAnnotations(files: CheckAnnotation[], configErrors: CheckAnnotation[]): { annotations: CheckAnnotation[]; unannotated: { shown: number; total: number } } {
  const kept = configErrors.slice(0, MAX_ANNOTATIONS);
  const ranked = files.map((a, i) => ({ a, i })).sort((x, y) => LEVEL_ORDER[x.a.annotation_level] - LEVEL_ORDER[y.a.annotation_level] || x.i - y.i);
  const shown = new Set(ranked.slice(0, MAX_ANNOTATIONS - kept.length).map((r) => r.i));
  return { annotations: [...files.filter((_, i) => shown.has(i)), ...kept], unannotated: { shown: shown.size, total: files.length } };
}

/** The summary says what the annotations leave out, so a reader knows the marked files are not all of them. */
function unannotatedNote({ shown, total }: { shown: number; total: number }): string {
  if (shown === total) return "";
  return `\n\n<sub>Annotations mark ${shown} of the ${total} AI-touched protected files (those that block first); the other ${total - shown} are not annotated.</sub>`;
}

function unreadNote(stretches: number): string {
  if (stretches === 0) return "";
  const them = stretches === 1 ? "1 stretch of plain commits after AI-marked ones was" : `${stretches} stretches of plain commits after AI-marked ones were`;
  return `\n\n<sub>${them} not read: nothing they could carry changes this result. Files they renamed or copied AI output into are not listed as AI-touched; the approval asked for covers the whole pull request.</sub>`;
}

function fileAnnotations(verdict: Verdict): CheckAnnotation[] {
  const statusOf = new Map(verdict.rules.map((rule) => [rule.name, rule]));
  const annotations: CheckAnnotation[] = [];
  for (const file of verdict.files) {
    if (!file.ai_touched || file.rules.length === 0) continue;
    const rules = file.rules.map((name) => statusOf.get(name)).filter((r) => r !== undefined);
    const forbidden = rules.some((rule) => rule.status === "forbidden");
    const tools = file.tools.length > 0 ? file.tools.map(toolDisplayName).join(", ") : "an AI tool";
    const how = file.commits.length > 0 ? `in commit${file.commits.length > 1 ? "s" : ""} ${file.commits.join(", ")}` : "per the pull request's own AI marks";
    const ruleText = rules
      .map((rule) => {
        if (rule.status === "forbidden") return `rule "${rule.name}" forbids this change`;
        if (rule.status === "satisfied") return `rule "${rule.name}" is satisfied`;
        return `rule "${rule.name}" needs ${rule.required} independent approval${rule.required === 1 ? "" : "s"} (${rule.counted.length} counted)`;
      })
      .join("; ");
    annotations.push({
      path: file.filename,
      start_line: 1,
      end_line: 1,
      // Nothing left to do on a file whose rules are all satisfied: a notice, not a warning.
      annotation_level: forbidden ? "failure" : rules.every((rule) => rule.status === "satisfied") ? "notice" : "warning",
      title: forbidden ? "AI-generated change forbidden here" : "AI-assisted change in a protected path",
      message: `${contentSentence(file) ?? `Changed with ${tools} ${how}`}: ${ruleText}.`,
    });
  }
  return annotations;
}

function configErrorAnnotations(errors: readonly ConfigError[]): CheckAnnotation[] {
  return errors.map((error) => ({
    path: POLICY_PATH,
    start_line: Math.max(1, error.line),
    end_line: Math.max(1, error.line),
    annotation_level: "failure",
    title: "Invalid .provenance.yml",
    message: `${error.line}:${error.column}: ${error.message}${error.hint ? ` (${error.hint})` : ""}`,
  }));
}

/** Keep error text from opening Markdown/HTML constructs in the summary. */
function escapeInline(text: string): string {
  return text.replace(/[<>]/g, (c) => (c === "<" ? "&lt;" : "&gt;"));
}
