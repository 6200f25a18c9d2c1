/**
 * `evaluate(policy, snapshot, options) → Verdict`: all of the product's judgement, as a pure
 * function. No I/O and no clock: `now` only stamps the verdict. Everything in the verdict is in a
 * stable order, so the same pull request gives the same verdict however a loader listed it.
 */
import { LINKS_RULE_NAME, type ConfigError, type Policy, type Rule } from "../model/policy.js";
import { GITHUB_MAX_PR_FILES, SUBMODULE_MODE, SYMLINK_MODE, type Snapshot, type SnapshotFile } from "../model/snapshot.js";
import type { Disqualified, FileResult, LinkChange, RuleResult, Verdict, VerdictError } from "../model/verdict.js";
import { plural, shortSha } from "../shared/format.js";
import { attribute, type FileAttribution } from "./attribution.js";
import { classifyEntry, compileClassifier } from "./classify.js";
import { contributorsTo } from "./contributors.js";
import { toolTrust } from "./detect.js";
import { admittedBy, describeDisqualified, disqualification, latestReviews, type Reviewer } from "./reviews.js";
import { loginsByEmail, sessionAuthors, toSessionAuthorList } from "./session-authors.js";
import { reviewerList, verdictTitle } from "./title.js";
import { byString, sortedBy, uniqueSorted } from "./order.js";
import { verdictConclusion } from "./decide.js";

/** Beyond GitHub's listing limit nothing can be judged whole. */
const MAX_FILES = GITHUB_MAX_PR_FILES;

export interface EvaluateOptions {
  /** Stamps `evaluated_at`; the judgement never depends on it. */
  now?: Date;
  /** Errors in the pull request's own edited `.provenance.yml`: they fail the check until fixed. */
  prConfigErrors?: ConfigError[];
}


/** Errors that make the snapshot unfit to judge: fail closed rather than judge part of a PR. */
function completenessErrors(snapshot: Snapshot): VerdictError[] {
  const errors: VerdictError[] = [];
  const pr = snapshot.pull_request;
  const files = snapshot.files.length;
  if (files > MAX_FILES || (pr.changed_files ?? 0) > MAX_FILES) {
    const n = Math.max(files, pr.changed_files ?? 0);
    errors.push({
      kind: "too-large",
      message: `This pull request changes ${n.toLocaleString("en-US")} files; GitHub lists at most ${MAX_FILES.toLocaleString("en-US")}, so it cannot be checked completely. Split it into smaller pull requests.`,
    });
  } else if (pr.changed_files !== undefined && pr.changed_files !== files) {
    errors.push({
      kind: "incomplete",
      message: `GitHub reports ${pr.changed_files} changed files but ${files} were read; the file list is incomplete. Re-run the check; if it persists, split the pull request.`,
    });
  }
  if (pr.commits !== undefined && pr.commits !== snapshot.commits.length) {
    errors.push({
      kind: "incomplete",
      message: `GitHub reports ${pr.commits} commits but ${snapshot.commits.length} were read; the commit list is incomplete. Re-run the check; if it persists, split the pull request.`,
    });
  }
  return errors;
}

/** The tools through which a file makes a rule apply; null when the rule does not apply to it. */
function applyingTools(policy: Policy, rule: Rule, fa: FileAttribution): string[] | null {
  const relevant = rule.tools ? fa.tools.filter((t) => rule.tools!.includes(t)) : fa.tools;
  switch (rule.when) {
    case "any-change":
      return rule.tools && relevant.length === 0 ? null : relevant;
    case "ai-assisted":
      return relevant.length > 0 ? relevant : null;
    case "external-ai": {
      // With `tools`, the listed tools count whatever their trust: the author of the rule named them.
      const external = rule.tools ? relevant : relevant.filter((t) => toolTrust(t, policy.ai) === "external");
      return external.length > 0 ? external : null;
    }
  }
}

/** A changed link or submodule at the head; null for plain files and removed entries. */
function linkOf(file: SnapshotFile): LinkChange | null {
  if (file.status === "removed") return null;
  const kind = file.mode === SYMLINK_MODE ? "symlink" : file.mode === SUBMODULE_MODE ? "submodule" : null;
  if (!kind) return null;
  return { path: file.filename, kind, ...(file.link_target !== undefined ? { target: file.link_target } : {}) };
}

/**
 * The built-in `provenance-links` rule (SPEC §2): a link or submodule created or changed at a
 * path in any class needs one counted approval, AI or not — a link in `evals/` pointing at
 * `scratch/` would let later changes to `scratch/` reach the eval harness unreviewed.
 */
function linksRule(policy: Policy): Rule {
  return { name: LINKS_RULE_NAME, classes: Object.keys(policy.classes).sort(byString), when: "any-change", require: { approvals: 1 }, forbid: false, builtin: true };
}

export function evaluate(policy: Policy, snapshot: Snapshot, options: EvaluateOptions = {}): Verdict {
  const classify = compileClassifier(policy);
  const attribution = attribute(policy, snapshot);
  const authors = sessionAuthors(snapshot, attribution, policy.ai);
  const known = loginsByEmail(snapshot.commits, snapshot.identities);
  const reviewers = latestReviews(snapshot.reviews);
  const lastPush = snapshot.pull_request.last_push_at;

  const disqualified: Disqualified[] = [];
  const eligible = reviewers.filter((r) => {
    const reason = disqualification(r, lastPush, authors.byLogin, policy.ai, authors.possible);
    if (reason) disqualified.push(describeDisqualified(r.login, reason));
    return reason === null;
  });

  const entries = attribution.files.map((fa) => ({
    fa,
    classes: classifyEntry(classify, fa.file.filename, fa.file.previous_filename),
    rules: [] as string[],
  }));

  const links = linksRule(policy);
  /** The rule's files and the tools through which it applies; the links rule takes only links. */
  const applying = (rule: Rule) => {
    const hits: { e: (typeof entries)[number]; via: string[] }[] = [];
    for (const e of entries) {
      if (!rule.classes.some((c) => e.classes.includes(c))) continue;
      if (rule === links && !linkOf(e.fa.file)) continue;
      const via = applyingTools(policy, rule, e.fa);
      if (via !== null) hits.push({ e, via });
    }
    return hits;
  };

  const judge = (rule: Rule): RuleResult => {
    const hits = applying(rule);
    for (const { e } of hits) e.rules.push(rule.name);
    const files = hits.map(({ e }) => e.fa.file.filename).sort(byString);
    const applies = files.length > 0;
    // Whoever made a change is never its independent reviewer, AI or not: for any-change rules
    // and the built-in ones, the contributors to the rule's files cannot approve it.
    const contributors =
      applies && (rule.when === "any-change" || rule.builtin) ? contributorsTo(snapshot, hits.map(({ e }) => e.fa), known, policy.ai) : null;
    let candidates: Reviewer[] = eligible;
    if (contributors && !rule.forbid) {
      candidates = eligible.filter((r) => {
        const reason = contributors.get(r.login);
        if (reason) disqualified.push(describeDisqualified(r.login, reason));
        return reason === undefined;
      });
    }
    const required = rule.forbid ? 0 : (rule.require?.approvals ?? 1);
    const counted = rule.forbid ? [] : candidates.filter((r) => admittedBy(rule.require?.from, r)).map((r) => r.login);
    if (!rule.forbid && rule.require?.from && applies) {
      for (const r of candidates) {
        if (!counted.includes(r.login)) {
          disqualified.push(describeDisqualified(r.login, `is not in rule ${rule.name}'s reviewers (${reviewerList(rule.require.from, ", ")})`));
        }
      }
    }
    const status = !applies ? "not_applicable" : rule.forbid ? "forbidden" : counted.length >= required ? "satisfied" : "pending";
    const changedLinks = rule === links ? hits.map(({ e }) => linkOf(e.fa.file)!) : undefined;
    return {
      name: rule.name,
      status,
      when: rule.when,
      classes: [...rule.classes],
      required,
      counted: status === "not_applicable" ? [] : counted,
      files,
      tools: uniqueSorted(hits.flatMap(({ via }) => via)),
      forbid: rule.forbid,
      ...(rule.require?.from ? { from: [...rule.require.from] } : {}),
      ...(rule.builtin ? { builtin: true } : {}),
      ...(contributors ? { contributors: [...contributors.keys()].sort(byString) } : {}),
      ...(changedLinks ? { links: sortedBy(changedLinks, (l) => l.path) } : {}),
    };
  };
  const rules: RuleResult[] = [...policy.rules, links].map(judge);

  const errors = completenessErrors(snapshot);
  const configErrors = options.prConfigErrors ?? [];
  if (configErrors.length > 0) {
    errors.push({
      kind: "pr-config",
      message: `This pull request's .provenance.yml has ${plural(configErrors.length, "error")}; fix ${configErrors.length === 1 ? "it" : "them"} to pass.`,
    });
  }

  const conclusion = verdictConclusion(rules, errors);

  const files: FileResult[] = sortedBy(
    entries.map(({ fa, classes, rules: ruleNames }) => ({
      filename: fa.file.filename,
      ...(fa.file.previous_filename ? { previous_filename: fa.file.previous_filename } : {}),
      status: fa.file.status,
      classes,
      ai_touched: fa.tools.length > 0,
      tools: fa.tools,
      commits: fa.commits.map(shortSha),
      rules: ruleNames.sort(byString),
      ...(fa.file.mode !== undefined ? { mode: fa.file.mode } : {}),
      ...(fa.file.link_target !== undefined ? { link_target: fa.file.link_target } : {}),
      ...(fa.contentFrom
        ? { content_from: { filename: fa.contentFrom.path, commit: shortSha(fa.contentFrom.commit), tools: fa.contentFrom.tools, at_head: fa.contentFrom.atHead } }
        : {}),
    })),
    (f) => `${f.filename}\u0000${f.previous_filename ?? ""}`,
  );

  const applicable = rules.filter((r) => r.status !== "not_applicable");
  const sessionList = toSessionAuthorList(authors);
  const verdict: Verdict = {
    conclusion,
    title: "",
    repository: snapshot.repository,
    pull_number: snapshot.pull_request.number,
    head_sha: snapshot.pull_request.head_sha,
    rules,
    files,
    ai: {
      assisted: attribution.signals.length > 0,
      tools: uniqueSorted(attribution.signals.map((s) => s.tool)),
      signals: attribution.signals,
      hints: attribution.hints,
    },
    session_authors: sessionList.map((a) => a.login),
    session_author_details: sessionList,
    unresolved_authors: authors.unresolved,
    counted: uniqueSorted(applicable.flatMap((r) => r.counted)),
    disqualified: dedupeDisqualified(disqualified),
    errors,
    config_errors: configErrors,
    policy: policy.source,
    evaluated_at: options.now ? options.now.toISOString() : null,
  };
  verdict.title = verdictTitle(verdict);
  return verdict;
}

function dedupeDisqualified(list: Disqualified[]): Disqualified[] {
  const seen = new Map<string, Disqualified>();
  for (const d of list) seen.set(`${d.login}\u0000${d.reason}`, d);
  return sortedBy(seen.entries(), ([key]) => key).map(([, d]) => d);
}
