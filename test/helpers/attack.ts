/**
 * Adversarial scenarios through the real app path: a scenario is an attack and its legitimate
 * twin, each described as a pull request (on top of the harness's `typicalPr()`), delivered as a
 * webhook to a real Probot instance with nock standing in for GitHub. The runner mocks exactly the
 * requests the twin needs, so "every mock used, nothing unmatched" holds the app to them.
 */
import nock from "nock";
import { expect } from "vitest";
import type { Conclusion } from "../../src/model/verdict.js";
import type { Policy } from "../../src/model/policy.js";
import type { SnapshotCommit, GitIdentity, SnapshotPullRequest, SnapshotReview } from "../../src/model/snapshot.js";
import { commitReads } from "../../src/load/build-snapshot.js";
import { parsePolicy, strictFallbackPolicy } from "../../src/policy/index.js";
import {
  API,
  APP_ID,
  OWNER,
  POLICY,
  PUSHED,
  REPO,
  REVIEWED,
  runApp,
  example,
  filesConnection,
  graphqlData,
  mockActivity,
  mockCheckRuns,
  mockReviewComments,
  mockCommitFiles,
  mockFileModes,
  mockFiles,
  mockPull,
  needsRestFiles,
  pullRequestPayload,
  reviewPayload,
  typicalPr,
  type PrSpec,
  type RunSpec,
  type SpecCommit,
  type SpecReview,
} from "../fixtures/github/harness.js";

type Json = Record<string, any>;

export const CLAUDE_TRAILER = "Co-Authored-By: Claude Opus 4.6 <noreply@anthropic.com>";
export const GROUP_SHA = "5".repeat(40);
/** What a check-run write (create or update body) may carry: never neutral, skipped or in progress. */
const POSTABLE = ["success", "action_required", "failure"];

export interface Actor {
  name: string;
  email: string;
  login: string | null;
}

export interface AttackCommit extends SpecCommit {
  /** A committer other than the author (the harness makes them the same). */
  committer?: Actor;
}

export type AttackEvent =
  | { kind: "pull_request"; action: string; changes?: Json; label?: string; payloadBaseRef?: string; updatedAt?: string }
  | { kind: "review"; action: "submitted" | "edited" | "dismissed" }
  | { kind: "check_run"; action: "rerequested" | "requested_action"; appId?: number; identifier?: string }
  | { kind: "check_suite" }
  | { kind: "merge_group"; queuedSha: string };

export interface Membership {
  team: string;
  login: string;
  state: "active" | "pending" | "absent";
}

/** One pull request as a twin sees it: harness spec fields plus what attacks need. */
export interface Twin extends Partial<Omit<PrSpec, "commits">> {
  commits?: AttackCommit[];
  /** The pull request's own `.provenance.yml` at its head (read when it changes the root file). */
  headPolicy?: string;
  /** Base policies by branch, for retargeting (default: `policy` on `baseRef`). */
  policies?: Record<string, string | null>;
  /** This app's (and other apps') runs on the head; default by event (see `defaultRuns`). */
  runs?: RunSpec[];
  /** Last-minute edits to GitHub's GraphQL answer (bot actors, null authors, truncated blobs…). */
  mutate?: (data: Json) => void;
  memberships?: Membership[];
  /** How paging through more than 100 commits behaves. */
  commitPaging?: "complete" | "short";
  /** The event for this twin, when it differs from the scenario's. */
  event?: AttackEvent;
  /** The app is expected to leave the check run alone (an unchanged result): no write is mocked. */
  noWrite?: boolean;
}

export type Expected = Conclusion | "ignored";

export interface Scenario {
  attack: string;
  /** The base branch's policy (default: the harness's POLICY). */
  policy?: string;
  event: AttackEvent;
  /** Shared by both twins. */
  base?: Twin;
  legit: Twin;
  exploit: Twin;
  expected: { legit: Expected; exploit: Expected };
  /** Must appear in the exploit twin's posted summary (or title), e.g. the reason it was blocked. */
  summary?: RegExp[];
  /** Checks on the exploit twin's run, beyond the conclusion. */
  check?: (result: TwinResult) => void;
}

export interface TwinResult {
  writes: Json[];
  /** The write that carries the verdict: the merge group's for merge_group events, else the PR's. */
  judged?: Json;
  /** `policyExpr` of each snapshot query, in order. */
  policyExprs: string[];
}

// ---------- builders ----------

export const ALICE: Actor = { name: "Alice", email: "alice@acme.example", login: "alice" };

export function aiCommit(sha: string, files: string[], overrides: Partial<AttackCommit> = {}): AttackCommit {
  return { sha, message: `Update ${files[0] ?? "files"}\n\n${CLAUDE_TRAILER}`, files, ...overrides };
}

export function humanCommit(sha: string, files: string[], overrides: Partial<AttackCommit> = {}): AttackCommit {
  return { sha, message: `Change ${files[0] ?? "files"}`, files, ...overrides };
}

export function review(login: string, state = "APPROVED", submittedAt = REVIEWED, extra: Partial<SpecReview> = {}): SpecReview {
  return { login, state, submittedAt, canPush: true, ...extra };
}

export function sha(n: number): string {
  return `d${n.toString(16).padStart(39, "0")}`;
}

// ---------- running ----------

export async function runScenario(scenario: Scenario): Promise<{ legit: TwinResult; exploit: TwinResult }> {
  const legit = await runTwin(scenario, scenario.legit);
  assertExpected(scenario, "legit", legit);
  const exploit = await runTwin(scenario, scenario.exploit);
  assertExpected(scenario, "exploit", exploit);
  for (const pattern of scenario.summary ?? []) {
    expect(`${exploit.judged?.output?.title}\n${exploit.judged?.output?.summary}`, `exploit summary of "${scenario.attack}"`).toMatch(pattern);
  }
  scenario.check?.(exploit);
  return { legit, exploit };
}

function assertExpected(scenario: Scenario, which: "legit" | "exploit", result: TwinResult): void {
  const expected = scenario.expected[which];
  const label = `${which} twin of "${scenario.attack}": ${result.judged?.output?.title ?? "(no check run)"}`;
  if (expected === "ignored") {
    expect(result.writes, label).toEqual([]);
  } else {
    expect(result.judged?.conclusion, label).toBe(expected);
  }
}

/** Deliver the twin's event to a fresh app and return what it wrote; asserts every mock was used. */
export async function runTwin(scenario: Scenario, own: Twin): Promise<TwinResult> {
  const twin: Twin = { ...scenario.base, ...own };
  const event = twin.event ?? scenario.event;
  const spec = specOf(scenario, twin);
  // An event the app ignores asks for no installation token.
  const { receive, api } = runApp({ token: !ignoredByApp(event) });
  const writes: Json[] = [];
  const policyExprs: string[] = [];

  if (!ignoredByApp(event)) {
    if (event.kind === "check_suite") mockCheckRuns(api, spec.headSha, runsFor(event, twin));
    // Without the base branch in the event, one read of the pull request finds it.
    if (event.kind === "check_run" || event.kind === "check_suite") mockPull(api, spec.number, spec.headSha, spec.baseRef);
    mockReads(api, spec, twin, event, policyExprs);
    if (!twin.noWrite) mockPrWrite(api, spec, runsFor(event, twin), writes, pushTimeOf(event));
    if (event.kind === "merge_group") {
      mockCheckRuns(api, GROUP_SHA);
      mockCreateWrite(api, writes, 901);
    }
  }

  await receive(eventName(event), payloadFor(event, spec), `attack-${Math.random()}`);

  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending, `unused mocks in "${scenario.attack}"`).toEqual([]);
  for (const write of writes) {
    if ("conclusion" in write) expect(POSTABLE, `a write in "${scenario.attack}"`).toContain(write.conclusion);
    expect(write.status ?? "completed", `a write in "${scenario.attack}"`).toBe("completed");
  }
  const judged = event.kind === "merge_group" ? writes.find((w) => w.head_sha === GROUP_SHA) : writes.find((w) => w.conclusion !== undefined);
  return { writes, judged, policyExprs };
}

/** Re-runs of another app's run, or of another button, are not ours to answer. */
function ignoredByApp(event: AttackEvent): boolean {
  if (event.kind !== "check_run") return false;
  return (event.appId ?? APP_ID) !== APP_ID || (event.identifier ?? "reevaluate") !== "reevaluate";
}

function specOf(scenario: Scenario, twin: Twin): PrSpec & { commits: AttackCommit[] } {
  return typicalPr({ policy: scenario.policy ?? POLICY, ...stripExtras(twin) }) as PrSpec & { commits: AttackCommit[] };
}

function stripExtras(t: Twin): Partial<PrSpec> {
  const { headPolicy: _h, policies: _p, runs: _r, mutate: _m, memberships: _ms, commitPaging: _c, event: _e, noWrite: _n, ...spec } = t;
  return spec as Partial<PrSpec>;
}

/** Runs on the head before the event: none for a push (the app creates one), else one started at the push. */
function runsFor(event: AttackEvent, twin: Twin): RunSpec[] {
  if (twin.runs) return twin.runs;
  const pushed = event.kind === "pull_request" && ["opened", "reopened", "synchronize"].includes(event.action);
  return pushed ? [] : [{ id: 7, external_id: "42", started_at: PUSHED }];
}

function mockReads(api: nock.Scope, spec: PrSpec & { commits: AttackCommit[] }, twin: Twin, event: AttackEvent, policyExprs: string[]): void {
  const policyFor = (ref: string): string | null => (twin.policies && ref in twin.policies ? twin.policies[ref]! : ref === spec.baseRef ? spec.policy : null);
  const payloadBase = event.kind === "pull_request" ? event.payloadBaseRef : undefined;
  const queries = payloadBase && payloadBase !== spec.baseRef ? 2 : 1;
  const firstPage = spec.commits.slice(0, 100);

  api
    .post("/graphql", (body: Json) => String(body.query).includes("query PullRequestSnapshot"))
    .times(queries)
    .reply(200, (_uri: string, body: any) => {
      const expr = String(body.variables.policyExpr);
      policyExprs.push(expr);
      const ref = expr.slice(0, expr.lastIndexOf(":")).replace(/^refs\/heads\//, "");
      const text = policyFor(ref);
      const data = graphqlData({ ...spec, policy: text, runs: runsFor(event, twin) }, firstPage, body.variables);
      if (spec.commits.length > 100) data.repository.pullRequest.commits.pageInfo = { hasNextPage: true, endCursor: "c-1" };
      decorateCommits(data.repository.pullRequest.commits.nodes, spec.commits);
      twin.mutate?.(data);
      if (spec.fallback === "NOT_FOUND") {
        return { data, errors: [{ type: "NOT_FOUND", path: ["fallbackRepo"], message: `Could not resolve to a Repository with the name '${OWNER}/.github'.` }] };
      }
      return { data };
    });

  if (spec.reviewComments) mockReviewComments(api, spec);

  // Further pages of commits (GraphQL pages beyond REST's 250).
  if (spec.commits.length > 100) {
    const pages = Math.ceil(spec.commits.length / 100);
    const last = twin.commitPaging === "short" ? 2 : pages;
    for (let page = 2; page <= last; page++) {
      const nodes = spec.commits.slice((page - 1) * 100, page * 100);
      const hasNext = twin.commitPaging === "short" ? false : page < pages;
      api
        .post("/graphql", (body: Json) => String(body.query).includes("query PullRequestCommits") && body.variables.after === `c-${page - 1}`)
        .reply(200, () => {
          const data = graphqlData(spec, nodes).repository.pullRequest.commits;
          data.pageInfo = { hasNextPage: hasNext, endCursor: hasNext ? `c-${page}` : null };
          decorateCommits(data.nodes, nodes);
          return { data: { repository: { pullRequest: { headRefOid: spec.headSha, commits: data } } } };
        });
    }
  }

  // A read by pull request number that does not name its head (the REST file list) makes the
  // publisher read the head again; a failure is posted on the head read.
  let followUps = false;
  // Further pages of files (GraphQL, 100 a page, as far as GitHub lists them), with the head.
  const files = spec.files;
  const pages = Math.min(30, Math.ceil(files.length / 100));
  for (let page = 2; page <= pages && !tooMany(spec); page++) {
    const slice = files.slice((page - 1) * 100, page * 100);
    api
      .post("/graphql", (body: Json) => String(body.query).includes("query PullRequestFiles") && body.variables.after === (page === 2 ? "files-1" : `files-${page - 1}`))
      .reply(200, () => ({
        data: { repository: { pullRequest: { headRefOid: spec.headSha, files: filesConnection(slice, files.length, page < pages ? `files-${page}` : null) } } },
      }));
  }
  // The REST list, only when GraphQL reports a rename or copy (it alone names the source).
  if (!tooLarge(spec, twin) && needsRestFiles(spec)) {
    followUps = true;
    mockFiles(api, spec);
  }

  // What the listed commits changed: the ones that matter one by one, the others in runs.
  const policy = resolvedPolicy(policyFor(spec.baseRef) ?? (typeof spec.fallback === "string" && spec.fallback !== "NOT_FOUND" ? spec.fallback : null));
  if (policy && !tooLarge(spec, twin)) {
    mockFileModes(api, spec, policyAnswered(spec, twin) ?? policy);
    const reviews: SnapshotReview[] = spec.reviews.map((r) => ({ user: { login: r.login, type: r.typename === "Bot" ? "Bot" : "User" }, state: r.state as SnapshotReview["state"], submitted_at: r.submittedAt }));
    const pr = { author: spec.author } as SnapshotPullRequest;
    const all = spec.commits.map(snapshotCommit);
    for (const run of commitReads(pr, all, reviews, policy)) {
      const commits = run.map((c) => spec.commits.find((s) => s.sha === c.sha)!);
      if (commits.length === 1) {
        mockCommitFiles(api, commits[0]);
        continue;
      }
      const base = all[all.findIndex((c) => c.sha === run[0].sha) - 1].sha;
      api
        .get(`/repos/${OWNER}/${REPO}/compare/${base}...${run[run.length - 1].sha}`)
        .reply(200, {
          total_commits: commits.length,
          commits: commits.map((c) => ({ sha: c.sha })),
          files: [...new Set(commits.flatMap((c) => c.files))].map((filename) => ({ filename, status: "modified" })),
        });
    }
  }

  if (readsActivity(spec, twin, event, policy)) mockActivity(api, spec);

  if (twin.headPolicy !== undefined) {
    api
      .get(`/repos/${OWNER}/${REPO}/contents/.provenance.yml`)
      .query({ ref: spec.headSha })
      .reply(200, { type: "file", encoding: "base64", name: ".provenance.yml", path: ".provenance.yml", content: Buffer.from(twin.headPolicy).toString("base64") });
  }

  for (const m of twin.memberships ?? []) {
    const [org, slug] = m.team.split("/");
    const scope = api.get(`/orgs/${org}/teams/${slug}/memberships/${m.login}`);
    if (m.state === "absent") scope.reply(404, { message: "Not Found" });
    else scope.reply(200, { state: m.state, role: "member", url: `${API}/teams/1/memberships/${m.login}` });
  }

  if (followUps) mockPull(api, spec.number, spec.headSha, spec.baseRef);
}

/**
 * Whether the app asks GitHub's activity for pushes it did not see: not for a fork's head, not
 * when it handles the opening itself, not while no policy applies, not when one of its runs on
 * the head records every push (`pushes=all`), and not when the pull request itself cannot be read.
 */
function readsActivity(spec: PrSpec, twin: Twin, event: AttackEvent, policy: Policy | null): boolean {
  if (spec.fork || (event.kind === "pull_request" && event.action === "opened")) return false;
  if (spec.commits.length > 100 && twin.commitPaging === "short") return false;
  const addsPolicy = spec.files.some((f) => f.filename === ".provenance.yml" && f.status !== "removed");
  if (!policy && !addsPolicy) return false;
  return !runsFor(event, twin).some((run) => run.external_id === String(spec.number) && / pushes=all /.test(run.summary ?? ""));
}

/** More files than GitHub lists, or a count that does not match: the app reads no further page. */
function tooMany(spec: PrSpec): boolean {
  const changed = spec.changedFiles ?? spec.files.length;
  return changed > 3000;
}

/** Lists the app rejects before reading per-commit files (paging or counts that do not add up). */
function tooLarge(spec: PrSpec, twin: Twin): boolean {
  const changed = spec.changedFiles ?? spec.files.length;
  return (spec.commits.length > 100 && twin.commitPaging === "short") || changed !== spec.files.length || changed > 3000;
}

/** The push time a push-type `pull_request` event carries (its `updated_at`), as the app reads it. */
function pushTimeOf(event: AttackEvent): string | undefined {
  if (event.kind !== "pull_request" || !["opened", "reopened", "synchronize"].includes(event.action)) return undefined;
  return event.updatedAt ?? PUSHED;
}

/**
 * The app updates its latest run for the pull request, except for a push newer than every push
 * its runs record (a SHA pushed again): that gets a new run, whose `started_at` records the push.
 */
function mockPrWrite(api: nock.Scope, spec: PrSpec, runs: RunSpec[], writes: Json[], pushedAt?: string): void {
  const mine = runs.filter((r) => (r.appId ?? APP_ID) === APP_ID);
  const ours = mine.filter((r) => r.external_id === String(spec.number));
  const newPush = pushedAt !== undefined && mine.length > 0 && mine.every((r) => Date.parse(r.started_at ?? PUSHED) < Date.parse(pushedAt));
  if (ours.length === 0 || newPush) {
    mockCreateWrite(api, writes, 900);
    return;
  }
  const id = Math.max(...ours.map((r) => r.id));
  api
    .patch(`/repos/${OWNER}/${REPO}/check-runs/${id}`, (body: Json) => {
      writes.push({ ...body, check_run_id: id });
      return true;
    })
    .reply(200, { id });
}

function mockCreateWrite(api: nock.Scope, writes: Json[], id: number): void {
  api
    .post(`/repos/${OWNER}/${REPO}/check-runs`, (body: Json) => {
      writes.push(body);
      return true;
    })
    .reply(201, { id });
}

/** The strict fallback, when the twin's answer cuts the base policy short (the app cannot read it whole). */
function policyAnswered(spec: PrSpec, twin: Twin): Policy | null {
  const data = graphqlData(spec);
  twin.mutate?.(data);
  return data.repository.policy?.isTruncated ? strictFallbackPolicy("broken") : null;
}

function resolvedPolicy(text: string | null): Policy | null {
  if (text === null) return null;
  const parsed = parsePolicy(text, { file: ".provenance.yml" });
  return parsed.ok ? parsed.policy : strictFallbackPolicy("broken");
}

const NOREPLY = /^(?:\d+\+)?([^@\s]+)@users\.noreply\.github\.com$/i;

function identity(actor: Actor): GitIdentity {
  const login = actor.login ?? NOREPLY.exec(actor.email)?.[1] ?? null;
  return { login, name: actor.name, email: actor.email, type: login?.endsWith("[bot]") ? "Bot" : "User" };
}

function snapshotCommit(c: AttackCommit): SnapshotCommit {
  const author = c.author ?? ALICE;
  return { sha: c.sha, message: c.message, author: identity(author), committer: identity(c.committer ?? author) };
}

/** The harness writes the author as committer too; apply the twin's own committers. */
function decorateCommits(nodes: Json[], commits: AttackCommit[]): void {
  nodes.forEach((node, i) => {
    const committer = commits[i]?.committer;
    if (committer) {
      node.commit.committer = { name: committer.name, email: committer.email, user: committer.login ? { login: committer.login, __typename: "User" } : null };
    }
  });
}

// ---------- payloads ----------

function eventName(event: AttackEvent): string {
  return event.kind === "review" ? "pull_request_review" : event.kind;
}

function payloadFor(event: AttackEvent, spec: PrSpec): Json {
  switch (event.kind) {
    case "pull_request": {
      const extra: Json = {};
      if (event.changes) extra.changes = event.changes;
      if (event.label) extra.label = { id: 1, node_id: "LA_1", url: `${API}/repos/${OWNER}/${REPO}/labels/${event.label}`, name: event.label, color: "ededed", default: false, description: null };
      const payload = pullRequestPayload(event.action, spec, extra);
      if (event.payloadBaseRef) payload.pull_request.base.ref = event.payloadBaseRef;
      if (event.updatedAt) payload.pull_request.updated_at = event.updatedAt;
      return payload;
    }
    case "review":
      return reviewPayload(event.action, spec);
    case "check_run": {
      const payload = example("check_run", event.action);
      payload.check_run = {
        ...payload.check_run,
        name: "Provenance Gate",
        head_sha: spec.headSha,
        external_id: String(spec.number),
        // A pull request from a fork: GitHub leaves `pull_requests` empty.
        pull_requests: [],
        app: { ...payload.check_run.app, id: event.appId ?? APP_ID },
        check_suite: { ...payload.check_run.check_suite, head_branch: "feature", pull_requests: [] },
      };
      if (event.action === "requested_action") payload.requested_action = { identifier: event.identifier ?? "reevaluate" };
      return payload;
    }
    case "check_suite": {
      const payload = example("check_suite", "rerequested");
      payload.check_suite = { ...payload.check_suite, head_sha: spec.headSha, head_branch: "feature", app: { ...payload.check_suite.app, id: APP_ID }, pull_requests: [] };
      return payload;
    }
    case "merge_group": {
      const payload = example("merge_group", "checks_requested");
      payload.merge_group = { ...payload.merge_group, head_sha: GROUP_SHA, head_ref: `refs/heads/gh-readonly-queue/${spec.baseRef}/pr-${spec.number}-${event.queuedSha}` };
      return payload;
    }
  }
}
