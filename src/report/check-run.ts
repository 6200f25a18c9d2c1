/**
 * Verdict → check-run output (SPEC §6): a one-line title, a Markdown summary that fits GitHub's
 * 65,535-character limit, and annotations on the files that need attention. Every output carries
 * a content hash, hidden in the summary, so the publisher can leave an unchanged run alone.
 * Pure: no I/O (hashing is a computation).
 */
import { createHash } from "node:crypto";
import type { ConfigError } from "../model/policy.js";
import { POLICY_PATH } from "../model/policy.js";
import type { Conclusion, Verdict } from "../model/verdict.js";
import { toolDisplayName } from "../evaluate/detect.js";
import { renderMarkdown } from "./markdown.js";
import { PUSHED_REASON } from "../evaluate/session-authors.js";

export const SUMMARY_LIMIT = 65_535;
export const TITLE_LIMIT = 200;
export const HASH_MARKER_PREFIX = "<!-- provenance-gate:sha256=";
// Anchored at the end: the marker this module appends is always last, so text quoted from a commit cannot forge it.
const HASH_MARKER = /<!-- provenance-gate:sha256=([0-9a-f]{64}) annotations=([0-9a-f]{64})(?: own=(success|action_required|failure))?(?: pushers=([A-Za-z0-9\-\[\],]{0,4000}))?(?: counted=([A-Za-z0-9\-\[\],]{0,4000}))? -->$/;
/** A GitHub login as the marker may carry it (letters, digits, hyphens, an app's `[bot]`). */
const MARKER_LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\[bot\])?$/;
/** The pusher list is state, not a report: it is capped so it cannot crowd out the summary. */
const MAX_MARKER_PUSHERS = 100;
const SEVERITY: Record<Conclusion, number> = { success: 0, action_required: 1, failure: 2 };

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
   * into account (see `withSiblings`); recorded in the summary's hidden marker.
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
   * Whose approvals this result counted, in the marker too: when one of them loses access, the
   * app finds the pull requests to re-evaluate from its runs alone.
   */
  counted: string[];
}

export function renderCheckRun(
  verdict: Verdict,
  /** Sources that could not be read while loading (a malformed git-ai note, a bad trace line): said, never decisive. */
  warnings: readonly string[] = [],
): CheckRunOutput {
  const notes = warningsSection(warnings);
  const body = renderMarkdown(verdict) + notes;
  const annotations = [...fileAnnotations(verdict), ...configErrorAnnotations(verdict.config_errors)];
  // The summary names the evaluation time; a re-evaluation that only moves the clock is "unchanged".
  const timeless = renderMarkdown({ ...verdict, evaluated_at: "" }) + notes;
  const pushers = verdict.session_author_details.filter((a) => a.reasons.includes(PUSHED_REASON)).map((a) => a.login);
  const counted = verdict.rules.flatMap((rule) => rule.counted);
  return finishOutput(verdict.conclusion, verdict.title, body, annotations, timeless, verdict.conclusion, pushers, counted);
}

const MAX_WARNINGS_SHOWN = 20;

function warningsSection(warnings: readonly string[]): string {
  if (warnings.length === 0) return "";
  const shown = warnings.slice(0, MAX_WARNINGS_SHOWN).map((w) => `- ${escapeInline(w)}`);
  const more = warnings.length > shown.length ? [`- … and ${warnings.length - shown.length} more`] : [];
  return ["", "", "### Warnings", "", "Ignored while judging (they can only add AI marks, never remove them):", "", ...shown, ...more].join("\n");
}

/** Neither the base branch nor the owner's `.github` repository has a policy: nothing is enforced. */
export function renderNoPolicy(searched: readonly string[]): CheckRunOutput {
  const body = [
    "## No provenance policy",
    "",
    `No \`${POLICY_PATH}\` was found, so Provenance Gate enforces nothing on this pull request. It looked for:`,
    "",
    ...searched.map((place) => `- ${place}`),
    "",
    `To protect evaluation and training-data paths, add a \`${POLICY_PATH}\` to the base branch ` +
      "(or to the owner's `.github` repository for every repository at once).",
  ].join("\n");
  return finishOutput("success", "No provenance policy", body, []);
}

export interface EvaluationErrorReport {
  /** Machine-readable kind, e.g. `github-api`, `incomplete`, `graphql`, `internal`. */
  kind: string;
  /** What went wrong, naming the failed request or condition. */
  message: string;
  /** What the author can do about it. */
  remedy: string;
}

export const ERROR_TITLE = "Provenance Gate could not evaluate this pull request";

/** Loading or evaluating failed: the check fails (a required check is never left missing) and says how to retry. */
export function renderEvaluationError(error: EvaluationErrorReport, pushers: readonly string[] = []): CheckRunOutput {
  const body = [
    `## ${ERROR_TITLE}`,
    "",
    `**Error (${error.kind}):** ${escapeInline(error.message)}`,
    "",
    `**What to do:** ${error.remedy}`,
    "",
    "To retry, click **Re-evaluate** on this check run, or push a new commit. " +
      "Until the pull request can be evaluated completely, this check fails rather than pass on partial information.",
  ].join("\n");
  return finishOutput("failure", ERROR_TITLE, body, [], body, "failure", pushers);
}

export interface MergeGroupReport {
  pullNumber: number;
  /** The head SHA the merge queue entry was made from (`pr-<N>-<sha>`). */
  queuedSha: string;
  /** The pull request's head SHA now, if it could be read. */
  currentSha?: string;
  /** The pull request's own result, if it could be evaluated. */
  prConclusion?: Conclusion;
  prTitle?: string;
  /** Why the group cannot be judged at all (e.g. the branch name does not parse). */
  problem?: string;
}

/** The result reported on a merge group's head SHA (SPEC §7). */
export function renderMergeGroup(report: MergeGroupReport): CheckRunOutput {
  const pr = `#${report.pullNumber}`;
  const queued = short(report.queuedSha);
  let conclusion: Conclusion = "failure";
  let title: string;
  let why: string;
  if (report.problem) {
    title = "Provenance Gate cannot judge this merge group";
    why = report.problem;
  } else if (report.currentSha !== undefined && report.currentSha !== report.queuedSha) {
    title = `Pull request ${pr} changed after it was queued`;
    why = `The queue entry was made from ${queued}, but ${pr}'s head is now ${short(report.currentSha)}. Re-queue the pull request once its own check passes.`;
  } else if (report.prConclusion === "success" && report.currentSha === report.queuedSha) {
    // Success needs the queued commit confirmed as the pull request's head, not merely unrefuted.
    conclusion = "success";
    title = `Pull request ${pr} passed Provenance Gate at ${queued}`;
    why = `${pr} passed at ${queued}: ${report.prTitle ?? "success"}.`;
  } else if (report.prConclusion) {
    title = `Pull request ${pr} does not pass Provenance Gate`;
    why = `${pr} at ${queued}: ${report.prTitle ?? report.prConclusion}. See the check on the pull request for what unblocks it.`;
  } else {
    title = `Pull request ${pr} could not be evaluated`;
    why = `${pr} could not be evaluated${report.prTitle ? `: ${report.prTitle}` : ""}. Re-queue it after its own check passes.`;
  }
  const body = [`## ${title}`, "", escapeInline(why), "", "A merge group passes only when the queued pull request passes Provenance Gate at exactly the queued commit."].join("\n");
  return finishOutput(conclusion, title, body, []);
}

/** The hashes (and the pull request's own conclusion) hidden in a summary this module wrote, if any. */
export function summaryHashes(
  summary: string | null | undefined,
): { hash: string; annotationsHash: string; own?: Conclusion; pushers: string[]; counted: string[] } | undefined {
  const match = summary ? HASH_MARKER.exec(summary) : null;
  if (!match) return undefined;
  const logins = (list: string | undefined) => (list ?? "").split(",").filter((l) => MARKER_LOGIN.test(l));
  return { hash: match[1], annotationsHash: match[2], ...(match[3] ? { own: match[3] as Conclusion } : {}), pushers: logins(match[4]), counted: logins(match[5]) };
}

/** Another open pull request whose head is the same commit, as its latest run on it says. */
export interface SiblingPullRequest {
  number: number;
  /** That pull request's own conclusion. */
  own: Conclusion;
  title: string;
}

/**
 * GitHub decides a required check per commit, from the newest run of that name, whichever pull
 * request it was posted for. Two open pull requests with the same head commit (say, one into
 * `main` and one into a branch without a policy) would let the lenient one's run open the other.
 * So a run reports the worst own conclusion of every open pull request with its head commit, and
 * says which pull request blocks.
 */
export function withSiblings(output: CheckRunOutput, siblings: readonly SiblingPullRequest[]): CheckRunOutput {
  const worse = siblings.filter((s) => SEVERITY[s.own] > SEVERITY[output.own]);
  if (worse.length === 0) return output;
  const conclusion = worse.reduce<Conclusion>((c, s) => (SEVERITY[s.own] > SEVERITY[c] ? s.own : c), output.own);
  const first = worse[0];
  const title = `Blocked by pull request #${first.number} on the same commit: ${first.title}`;
  const banner = [
    `## Blocked by ${worse.length === 1 ? "another pull request" : "other pull requests"} on this commit`,
    "",
    "GitHub decides a required check per commit, not per pull request, and this pull request's head commit is also the head of:",
    "",
    "| Pull request | Its own result |",
    "|:--|:--|",
    ...worse.map((s) => `| #${s.number} | ${s.own}: ${escapeInline(s.title)} |`),
    "",
    `This check passes once ${worse.length === 1 ? "that pull request passes" : "those pull requests pass"} or ${worse.length === 1 ? "is" : "are"} closed. This pull request on its own: **${output.own}**, ${escapeInline(output.title)}.`,
    "",
    "---",
    "",
  ].join("\n");
  return finishOutput(conclusion, title, banner + output.body, output.annotations, undefined, output.own, output.pushers, output.counted);
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
): CheckRunOutput {
  const oneLine = singleLine(title);
  const markerLogins = (logins: readonly string[]) => [...new Set(logins.map((l) => l.toLowerCase()))].filter((l) => MARKER_LOGIN.test(l)).sort().slice(0, MAX_MARKER_PUSHERS);
  const kept = markerLogins(pushers);
  const countedKept = markerLogins(counted);
  const hash = createHash("sha256")
    .update(JSON.stringify({ conclusion, own, title: oneLine, body: hashedBody, annotations, ...(kept.length > 0 ? { pushers: kept } : {}) }))
    .digest("hex");
  const annotationsHash = createHash("sha256").update(JSON.stringify(annotations)).digest("hex");
  const marker = `\n\n${HASH_MARKER_PREFIX}${hash} annotations=${annotationsHash} own=${own}${kept.length > 0 ? ` pushers=${kept.join(",")}` : ""}${countedKept.length > 0 ? ` counted=${countedKept.join(",")}` : ""} -->`;
  const summary = truncateSummary(body, SUMMARY_LIMIT - marker.length) + marker;
  return { conclusion, own, title: oneLine, body, summary, annotations, hash, annotationsHash, pushers: kept, counted: countedKept };
}

const TRUNCATION_NOTE =
  "\n\n---\n**This summary was truncated** to fit GitHub's limit of 65,535 characters. " +
  "Run `provenance-gate check --format markdown` on the branch for the full report.";

export function truncateSummary(body: string, limit: number): string {
  if (body.length <= limit) return body;
  let cut = body.slice(0, Math.max(0, limit - TRUNCATION_NOTE.length));
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
      message: `Changed with ${tools} ${how}: ${ruleText}.`,
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

function short(sha: string): string {
  return sha.slice(0, 7);
}

/** Keep error text from opening Markdown/HTML constructs in the summary. */
function escapeInline(text: string): string {
  return text.replace(/[<>]/g, (c) => (c === "<" ? "&lt;" : "&gt;"));
}
