/**
 * Turn any `PullRequestData` into a Snapshot, asking only for what the decision needs:
 * per-commit file lists from the first commit that matters on (below), permissions only for
 * reviewers who would otherwise count, team membership only for teams a rule's `from` names.
 */
import type { Policy } from "../model/policy.js";
import type { CommitFile, Permission, Snapshot, SnapshotCommit, SnapshotFile, SnapshotPullRequest, SnapshotReview } from "../model/snapshot.js";
import { classifyEntry, compileClassifier } from "../evaluate/classify.js";
import { commitSignals } from "../evaluate/record-signals.js";
import { isBotAccount, latestReviews } from "../evaluate/reviews.js";
import { commitPeople, loginsByEmail } from "../evaluate/session-authors.js";
import { evaluate } from "../evaluate/evaluate.js";
import type { Verdict } from "../model/verdict.js";
import type { PullRequestData } from "./pull-request-data.js";

/** How many per-commit file lists are fetched at once. */
const COMMIT_FILES_CONCURRENCY = 8;
/**
 * From how many commits read on their own a loader's batched read of their changes is used: a
 * tree comparison takes a query for the commits and one for each level of folders below, so for
 * fewer commits reading each one costs no more requests.
 */
const WALK_FROM = 4;

/** What the load left unread, for the report to say (filled in by `buildSnapshot`). */
export interface SnapshotReads {
  /** Stretches of plain commits whose net change was not read (see `stretchesCanMatter`). */
  unreadStretches?: number;
}

export async function buildSnapshot(data: PullRequestData, policy: Policy, repository: string, reads: SnapshotReads = {}): Promise<Snapshot> {
  const [pullRequest, listedPrFiles, commits, reviews] = await Promise.all([
    data.pullRequest(),
    data.files(),
    data.commits(),
    data.reviews(),
  ]);

  const candidates = approvingHumans(reviews, policy);
  const runs = commitReads(pullRequest, commits, reviews, policy);
  const filesBySha = new Map<string, CommitFile[]>();
  const before = new Map(commits.map((commit, i) => [commit.sha, commits[i - 1]?.sha]));
  // After the reads above, so a pull request that cannot be read completely asks for no modes.
  const readRun = async (run: SnapshotCommit[]) => {
    const base = before.get(run[0].sha);
    const together = run.length > 1 && base !== undefined && data.runFiles ? await data.runFiles(base, run.map((c) => c.sha)) : undefined;
    // What the run changed stands for each of its commits: each is taken to have made all of it.
    const lists = together ? run.map(() => together) : await Promise.all(run.map((commit) => data.commitFiles(commit.sha)));
    run.forEach((commit, i) => {
      filesBySha.set(commit.sha, lists[i]);
    });
  };
  const singles = runs.filter((run) => run.length === 1);
  const readSingles = async () => {
    const walked = data.commitChanges && singles.length >= WALK_FROM ? await data.commitChanges(singles.map(([c]) => c.sha)) : new Map<string, CommitFile[]>();
    for (const [sha, list] of walked) filesBySha.set(sha, list);
    await mapBounded(
      singles.filter(([c]) => !walked.has(c.sha)),
      COMMIT_FILES_CONCURRENCY,
      readRun,
    );
  };
  const stretches = runs.filter((run) => run.length > 1);
  // A loader that reads each stretch in a request of its own may leave them unread where they
  // cannot change the judgement (`stretchesCanMatter`); that needs the rest of the snapshot first.
  const judgeFirst = data.runFiles !== undefined && stretches.length > 0;
  const [files, snapshotReviews] = await Promise.all([
    withModes(data, policy, listedPrFiles),
    enrichedReviews(data, policy, reviews, candidates),
    judgeFirst ? undefined : mapBounded(stretches, COMMIT_FILES_CONCURRENCY, readRun),
    readSingles(),
  ]);
  const snapshot = (): Snapshot => ({
    repository,
    pull_request: pullRequest,
    files,
    commits: commits.map((commit) => {
      const paths = filesBySha.get(commit.sha);
      return paths ? { ...commit, files: paths } : { ...commit };
    }),
    reviews: snapshotReviews,
  });
  if (!judgeFirst) return snapshot();
  const unread = snapshot();
  if (!stretchesCanMatter(policy, unread)) {
    reads.unreadStretches = stretches.length;
    return unread;
  }
  await mapBounded(stretches, COMMIT_FILES_CONCURRENCY, readRun);
  return snapshot();
}

/** The reviews, with permission and teams for those who would otherwise count. */
async function enrichedReviews(data: PullRequestData, policy: Policy, reviews: SnapshotReview[], candidates: string[]): Promise<SnapshotReview[]> {
  const teams = teamsInRules(policy);
  const [permissions, memberships] = await Promise.all([
    Promise.all(candidates.map((login) => data.permission(login))),
    Promise.all(candidates.map((login) => (teams.length > 0 ? data.teamsOf(login, teams) : Promise.resolve([])))),
  ]);
  const enrich = new Map<string, { permission: Permission; teams: string[] }>(
    candidates.map((login, i) => [login.toLowerCase(), { permission: permissions[i], teams: memberships[i] }]),
  );
  return reviews.map((review) => {
    const extra = enrich.get(review.user.login.toLowerCase());
    if (!extra) return { ...review };
    return { ...review, permission: extra.permission, ...(teams.length > 0 ? { teams: extra.teams } : {}) };
  });
}

/**
 * Whether reading the stretches of plain commits could change the judgement of `unread`, the
 * snapshot without them (their commits touch every file and move nothing). What a stretch's
 * net change adds is only more attribution: its renames, copies and AI-written blobs carry the
 * history of earlier commits to further files, and its commits touch fewer files than
 * everything. Its own people are never reviewers whose approval would count (those commits are
 * read on their own, `mattering`), so only what it carries can matter, and at most it carries
 * every commit to every file: the same snapshot with no commit's files at all. Evaluation only
 * gets stricter with more attribution (a rule applies to more files, through more tools, with
 * more contributors who cannot approve), so when that bound judges as `unread` does — every
 * rule's status and counted approvals, the conclusion and the title — the stretches, whatever
 * they hold, judge the same. What the stretches would add to the report's list of AI-touched
 * files is then not read: the check's outcome and its title are those of the whole read.
 */
export function stretchesCanMatter(policy: Policy, unread: Snapshot): boolean {
  const bound: Snapshot = { ...unread, commits: unread.commits.map(({ files: _files, ...commit }) => commit) };
  return !sameJudgement(evaluate(policy, unread), evaluate(policy, bound));
}

function sameJudgement(a: Verdict, b: Verdict): boolean {
  const rules = (v: Verdict) => JSON.stringify(v.rules.map((r) => [r.name, r.status, r.counted, r.tools]));
  return a.conclusion === b.conclusion && a.title === b.title && rules(a) === rules(b);
}

/** The longest run of commits read together. */
const RUN_COMMITS = 100;

/**
 * How the listed commits are read: each AI-marked commit and each commit by a would-be approver
 * on its own (SPEC §4: their own file lists decide), and each stretch of other commits between
 * them as one run. Those commits matter only for what they move (a rename or copy carries AI
 * output to a new name) and as contributors, and neither needs them one by one: the run's net
 * change names its renames and copies, and each of its commits is taken to have made all of it,
 * which can only add contributors. A loader that cannot read a run together reads its commits.
 * A loader that can leaves a run of several unread when nothing it could carry changes the
 * judgement (`stretchesCanMatter`). Exported so tests that mock GitHub mock exactly these reads.
 */
export function commitReads(pullRequest: SnapshotPullRequest, commits: SnapshotCommit[], reviews: SnapshotReview[], policy: Policy): SnapshotCommit[][] {
  const listed = commitsToList(pullRequest, commits, reviews, policy);
  const matters = mattering(pullRequest, commits, approvingHumans(reviews, policy), policy);
  const runs: SnapshotCommit[][] = [];
  let plain: SnapshotCommit[] = [];
  const close = () => {
    if (plain.length > 0) runs.push(plain);
    plain = [];
  };
  for (const commit of listed) {
    if (matters(commit)) {
      close();
      runs.push([commit]);
    } else {
      if (plain.length >= RUN_COMMITS) close();
      plain.push(commit);
    }
  }
  close();
  return runs;
}

/**
 * The head's git mode of the changed files in a class (a link or submodule there is what the
 * built-in `provenance-links` rule judges), when the source does not list modes itself. Files
 * outside every class, and removed ones, are not asked about: no rule could apply to their link.
 */
async function withModes(data: PullRequestData, policy: Policy, files: SnapshotFile[]): Promise<SnapshotFile[]> {
  if (!data.fileModes) return files;
  const classify = compileClassifier(policy);
  const asked = files.filter((f) => f.status !== "removed" && f.mode === undefined && classifyEntry(classify, f.filename, f.previous_filename).length > 0);
  if (asked.length === 0) return files;
  const modes = await data.fileModes(asked.map((f) => f.filename));
  return files.map((f) => {
    const found = modes.get(f.filename);
    return found ? { ...f, ...found } : f;
  });
}

/**
 * Where per-commit file lists start to matter: at the first AI-marked commit (its files, and every
 * later commit that may move them into a protected path), or at the first commit made by someone
 * whose approval would otherwise count (whether it changed a rule's files decides whether they
 * may approve it, and so may a later move). Earlier commits stay unlisted, which evaluation reads
 * as "touched everything" for their people and "moved nothing" — neither matters for them.
 * The commits to list, in order; exported so tests that mock GitHub mock exactly these.
 */
export function commitsToList(pullRequest: SnapshotPullRequest, commits: SnapshotCommit[], reviews: SnapshotReview[], policy: Policy): SnapshotCommit[] {
  return commits.slice(firstCommitThatMatters(pullRequest, commits, approvingHumans(reviews, policy), policy));
}

function firstCommitThatMatters(pullRequest: SnapshotPullRequest, commits: SnapshotCommit[], candidates: string[], policy: Policy): number {
  const index = commits.findIndex(mattering(pullRequest, commits, candidates, policy));
  return index < 0 ? commits.length : index;
}

/** Whether a commit's own file list decides: it is AI-marked, or by someone whose approval would count. */
function mattering(pullRequest: SnapshotPullRequest, commits: SnapshotCommit[], candidates: string[], policy: Policy): (commit: SnapshotCommit) => boolean {
  // The author and the pushers can never approve, whatever their commits changed.
  const excluded = new Set([pullRequest.author, ...(pullRequest.pushers ?? [])].map((l) => l.toLowerCase()));
  const approvers = new Set(candidates.map((l) => l.toLowerCase()).filter((l) => !excluded.has(l)));
  const known = loginsByEmail(commits);
  return (commit) =>
    commitSignals(commit, policy.ai).length > 0 ||
    commitPeople(commit, known, policy.ai).some((p) => p.login !== null && approvers.has(p.login.toLowerCase()));
}

/** Reviewers whose latest decisive review approves and who are human accounts (original spelling). */
function approvingHumans(reviews: SnapshotReview[], policy: Policy): string[] {
  const logins: string[] = [];
  for (const reviewer of latestReviews(reviews)) {
    const latest = reviewer.latest;
    if (latest?.state !== "APPROVED") continue;
    if (isBotAccount(latest.user.login, latest.user.type, policy.ai)) continue;
    logins.push(latest.user.login);
  }
  return logins;
}

/** Teams named in any rule's `from`, as `org/slug` (the form the snapshot uses). */
export function teamsInRules(policy: Policy): string[] {
  const teams = new Map<string, string>();
  for (const rule of policy.rules) {
    for (const entry of rule.require?.from ?? []) {
      if (!entry.startsWith("@")) continue;
      const team = entry.slice(1);
      teams.set(team.toLowerCase(), team);
    }
  }
  return [...teams.values()];
}

/** `Promise.all` over `items`, at most `limit` at a time, results in input order. */
export async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
