/**
 * Other open pull requests whose head is the same commit (see `decide` in evaluate/decide.ts
 * for why they matter). Found from this app's runs on the commit, which the
 * evaluation has already listed, so the common case — no other pull request — costs no request;
 * each candidate costs one read, to skip pull requests that were closed or have moved on.
 */
import type { Logger } from "probot";
import type { Conclusion } from "../model/verdict.js";
import type { GitHubClient, RepoRef } from "../load/github/client.js";
import type { ExistingCheckRun } from "../load/github/check-runs.js";
import { isConclusion, type SiblingPullRequest } from "../evaluate/decide.js";
import { summaryHashes } from "../report/check-run.js";
import { newestRun } from "./publish.js";

export interface SiblingRun extends SiblingPullRequest {
  /** What the sibling's latest run currently says. */
  posted: Conclusion | null;
}

/** The pull request number an `external_id` names, if it names one. */
export function pullNumberFromExternalId(externalId: string | null | undefined): number | undefined {
  return externalId && /^[1-9]\d*$/.test(externalId) ? Number(externalId) : undefined;
}

/** The pull requests our runs name, in the order first seen. */
export function pullNumbersOf(runs: readonly ExistingCheckRun[]): number[] {
  const numbers = new Set<number>();
  for (const run of runs) {
    const number = pullNumberFromExternalId(run.external_id);
    if (number !== undefined) numbers.add(number);
  }
  return [...numbers];
}

export async function openSiblings(
  gh: GitHubClient,
  log: Logger,
  repo: RepoRef,
  headSha: string,
  number: number,
  runs: readonly ExistingCheckRun[],
): Promise<SiblingRun[]> {
  const onHead = runs.filter((run) => run.head_sha === headSha);
  const siblings: SiblingRun[] = [];
  for (const other of pullNumbersOf(onHead)) {
    if (other === number) continue;
    const run = newestRun(onHead, String(other))!;
    const { data } = await gh.rest.pulls.get({ ...repo, pull_number: other });
    if (data.state !== "open" || data.head.sha !== headSha) continue;
    const posted = isConclusion(run.conclusion) ? run.conclusion : null;
    // A run without our marker (or still in progress) is read at its worst: it cannot open the commit.
    const own = summaryHashes(run.output.summary)?.own ?? posted ?? "failure";
    const title = own === posted ? (run.output.title ?? own) : own;
    siblings.push({ number: other, own, title, posted });
    log.info({ repository: `${repo.owner}/${repo.repo}`, pr: number, sibling: other, sibling_own: own }, "provenance-gate: another open pull request has the same head commit");
  }
  return siblings.sort((a, b) => a.number - b.number);
}
