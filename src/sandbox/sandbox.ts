/**
 * The sandbox as scenarios use it: a local GitHub stand-in (HTTP server + state) and a
 * programmatic API whose actions change the state the way a person on github.com would, then
 * deliver the webhook GitHub would send. Deliveries are awaited, so a scenario step is finished
 * when the app has answered the webhook.
 */
import { randomUUID } from "node:crypto";
import type { Permission } from "../model/snapshot.js";
import { isoSeconds, virtualClock, type SandboxClock } from "./clock.js";
import { SandboxHttp, type RequestCounters } from "./server.js";
import type { RateLimitSettings, RateResource } from "./rate-limits.js";
import { pullJson, repoJson, reviewJson, userJson, checkRunEventJson } from "./shapes.js";
import { deliverWebhook, type Delivery } from "./webhooks.js";
import type { HookDelivery } from "./rest.js";
import { SandboxError, SandboxState, type CommitSpec, type FileChange, type SandboxCheckRun, type SandboxPull, type SandboxRepo, type SandboxReview } from "./state.js";

export { SandboxError } from "./state.js";
export type { CommitSpec, SandboxCheckRun, SandboxPull, SandboxReview } from "./state.js";

export interface SandboxOptions {
  appId?: number;
  clock?: SandboxClock;
  latencyMs?: number;
  port?: number;
  webhook?: { url: string; secret: string };
  /** GitHub's rate limits by default (an installation's 5,000 an hour); a scenario may lower them. */
  rateLimits?: Partial<RateLimitSettings>;
}

export interface RepoSpec {
  /** `owner/name` */
  repo: string;
  files?: Record<string, string>;
  defaultBranch?: string;
  collaborators?: Record<string, Permission>;
  /** Install the app on the owner (default true). */
  install?: boolean;
}

export interface PullRequestSpec {
  author: string;
  head: string;
  base?: string;
  title?: string;
  body?: string;
  labels?: string[];
  draft?: boolean;
  commits: CommitSpec[];
  /** Send `pull_request.opened` (default true); false sets up state only. */
  deliver?: boolean;
}

export const CHECK_NAME = "Provenance Gate";

export class Sandbox {
  readonly state: SandboxState;
  readonly appId: number;
  readonly http: SandboxHttp;
  url = "";
  private webhook?: { url: string; secret: string };
  readonly deliveries: Delivery[] = [];
  /** Every delivery attempt as GitHub's app-delivery API lists it (oldest first). */
  readonly hookDeliveries: HookDelivery[] = [];
  readonly #payloads = new Map<number, { event: string; guid: string; payload: Record<string, unknown> }>();
  private pending = new Set<Promise<unknown>>();

  private constructor(opts: SandboxOptions) {
    // An hour behind the wall clock: the app caps event times at its own "now", so sandbox
    // timestamps must not run ahead of it, and one second per action keeps them strictly ordered.
    this.state = new SandboxState(opts.clock ?? virtualClock(isoSeconds(new Date(Math.floor(Date.now() / 1000) * 1000 - 3600_000))));
    this.appId = opts.appId ?? 4242;
    this.webhook = opts.webhook;
    this.http = new SandboxHttp({
      state: this.state,
      appId: this.appId,
      submitReviewFromApi: (repo, number, login, event, body) => {
        const { review, pr } = this.applyReview(repo, number, login, event, body);
        // A review made over the API is delivered in the background, as GitHub does.
        this.track(this.deliverReview(repo, pr, review, "submitted"));
        return reviewJson(this.state, repo, pr, review);
      },
      hookDeliveries: () => this.hookDeliveries,
      redeliver: (id) => {
        const original = this.#payloads.get(id);
        if (!original) return false;
        this.track(this.deliver(original.event, original.payload, { guid: original.guid, redelivery: true }));
        return true;
      },
    }, opts.rateLimits);
    this.http.latencyMs = opts.latencyMs ?? 0;
  }

  static async start(opts: SandboxOptions = {}): Promise<Sandbox> {
    const sb = new Sandbox(opts);
    sb.url = await sb.http.listen(opts.port ?? 0);
    return sb;
  }

  /** The value for Probot's `GHE_HOST` (with `GHE_PROTOCOL=http`). */
  get host(): string {
    return new URL(this.url).host;
  }

  close(): Promise<void> {
    return this.http.close();
  }

  setWebhook(url: string, secret: string): void {
    this.webhook = { url, secret };
  }

  set latencyMs(ms: number) {
    this.http.latencyMs = ms;
  }
  get latencyMs(): number {
    return this.http.latencyMs;
  }

  requestCounters(): RequestCounters {
    return this.http.requestCounters();
  }
  resetCounters(): void {
    this.http.resetCounters();
  }
  /** Changes the rate limits (and starts every window afresh). */
  setRateLimits(settings: Partial<RateLimitSettings>): void {
    this.http.rateLimits.configure(settings);
  }

  /** Spends what is left of the owner's installation's limit, as if the app had used it up. */
  exhaustRateLimit(owner: string, resource: RateResource): void {
    this.http.rateLimits.exhaust(`installation ID ${this.installationId(owner)}`, resource);
  }

  /** Every request no route matched since the sandbox started (not cleared by `resetCounters`). */
  unknownRoutes(): string[] {
    return [...this.http.unknownEver];
  }

  // ── People and repositories ───────────────────────────────────────────────────────────────

  addUser(login: string, opts: { name?: string; email?: string; type?: "User" | "Bot" } = {}) {
    return this.state.addUser(login, opts);
  }

  /** A personal token acting as `login` (to call the REST API as that user, e.g. to approve). */
  userToken(login: string): string {
    const token = `ghp_sandbox_${login.replace(/\W/g, "")}_${randomUUID().slice(0, 8)}`;
    this.state.tokens.set(token, { user: (this.state.user(login) ?? this.state.addUser(login)).login, expires_at: "2099-01-01T00:00:00Z" });
    return token;
  }

  createRepo(spec: RepoSpec): SandboxRepo {
    const [owner, name] = splitRepo(spec.repo);
    const repo = this.state.createRepo(owner, name, spec.files ?? {}, spec.defaultBranch);
    for (const [login, perm] of Object.entries(spec.collaborators ?? {})) this.setPermission(spec.repo, login, perm);
    if (spec.install !== false && !this.state.installationFor(owner)) this.state.addInstallation(this.appId, owner);
    return repo;
  }

  installationId(owner: string): number | undefined {
    return this.state.installationFor(owner)?.id;
  }

  setPermission(repo: string, login: string, permission: Permission): void {
    this.state.addUser(login);
    this.repo(repo).collaborators.set(login.toLowerCase(), permission);
  }

  addTeamMember(team: string, login: string): void {
    const [org, slug] = team.replace(/^@/, "").split("/");
    this.state.addTeamMember(org, slug, login);
  }

  /** A collaborator removed from `repo`: GitHub's `member` event, action `removed`. */
  async removeCollaborator(repo: string, login: string, by: string): Promise<Delivery | undefined> {
    const r = this.repo(repo);
    r.collaborators.delete(login.toLowerCase());
    return this.send("member", { action: "removed", member: userJson(this.state, login), ...this.envelope(r, by) });
  }

  /** Someone removed from a team: GitHub's `membership` event, organisation-wide (no repository). */
  async removeTeamMember(team: string, login: string, by: string): Promise<Delivery | undefined> {
    const [org, slug] = team.replace(/^@/, "").split("/");
    this.state.teams.get(`${org}/${slug}`.toLowerCase())?.delete(login.toLowerCase());
    const inst = this.state.installationFor(org);
    return this.send("membership", {
      action: "removed",
      scope: "team",
      member: userJson(this.state, login),
      team: { id: 1, node_id: "T_1", name: slug, slug, description: null, privacy: "closed", permission: "pull", url: `https://api.github.com/orgs/${org}/teams/${slug}` },
      organization: { login: org, id: this.state.user(org)?.id ?? 1 },
      sender: userJson(this.state, by),
      ...(inst ? { installation: { id: inst.id, node_id: Buffer.from(`023:Installation${inst.id}`).toString("base64") } } : {}),
    });
  }

  /** Someone removed from the organisation (and so from its teams): GitHub's `organization` event, `member_removed`. */
  async removeOrganizationMember(org: string, login: string, by: string): Promise<Delivery | undefined> {
    for (const [key, members] of this.state.teams) if (key.startsWith(`${org.toLowerCase()}/`)) members.delete(login.toLowerCase());
    const inst = this.state.installationFor(org);
    return this.send("organization", {
      action: "member_removed",
      membership: { url: `https://api.github.com/orgs/${org}/memberships/${login}`, state: "active", role: "member", organization_url: `https://api.github.com/orgs/${org}`, user: userJson(this.state, login) },
      organization: { login: org, id: this.state.user(org)?.id ?? 1 },
      sender: userJson(this.state, by),
      ...(inst ? { installation: { id: inst.id, node_id: Buffer.from(`023:Installation${inst.id}`).toString("base64") } } : {}),
    });
  }

  repo(fullName: string): SandboxRepo {
    const [owner, name] = splitRepo(fullName);
    return this.state.repo(owner, name);
  }

  pull(repo: string, number: number): SandboxPull {
    return this.state.pull(this.repo(repo), number);
  }

  readFile(repo: string, ref: string, path: string): string | undefined {
    const r = this.repo(repo);
    const sha = this.state.resolveRef(r, ref);
    return sha ? this.state.readFile(r, sha, path) : undefined;
  }

  // ── Actions that send webhooks ────────────────────────────────────────────────────────────

  async openPullRequest(repo: string, spec: PullRequestSpec): Promise<{ number: number; head_sha: string; delivery?: Delivery }> {
    this.state.clock.tick();
    const r = this.repo(repo);
    const pr = this.state.openPull(r, spec);
    const delivery = spec.deliver === false ? undefined : await this.send("pull_request", this.pullRequestEvent(repo, pr.number, "opened"));
    return { number: pr.number, head_sha: pr.head_sha, delivery };
  }

  /** The payload GitHub would send for `pull_request.<action>` on this PR now. */
  pullRequestEvent(repo: string, number: number, action: string): Record<string, unknown> {
    const r = this.repo(repo);
    const pr = this.state.pull(r, number);
    return { action, number: pr.number, pull_request: pullJson(this.state, r, pr), ...this.envelope(r, pr.author) };
  }

  /**
   * `pusher` (default: the PR's author) pushes commits to the PR's head branch (a new head SHA);
   * GitHub sends `pull_request.synchronize`, unless `deliver` is false (a delivery the app never
   * received, and that nobody redelivers).
   */
  async pushCommits(repo: string, number: number, commits: CommitSpec[], pusher?: string, opts: { deliver?: boolean } = {}): Promise<{ head_sha: string; delivery?: Delivery }> {
    this.state.clock.tick();
    const r = this.repo(repo);
    const pr = this.state.pull(r, number);
    const { before } = this.state.pushToPull(r, pr, commits, pusher ?? pr.author);
    if (opts.deliver === false) return { head_sha: pr.head_sha };
    const delivery = await this.send("pull_request", {
      action: "synchronize",
      number: pr.number,
      before,
      after: pr.head_sha,
      pull_request: pullJson(this.state, r, pr),
      ...this.envelope(r, pusher ?? pr.author),
    });
    return { head_sha: pr.head_sha, delivery };
  }

  /**
   * GitHub's "Update branch" clicked by `by` (see `SandboxState.mergeIntoPull`), sending the
   * `synchronize` GitHub sends for it.
   */
  async updateBranch(repo: string, number: number, by: string, opts: { secondParent?: string; message?: string; extra?: FileChange[] } = {}): Promise<{ head_sha: string }> {
    this.state.clock.tick();
    const r = this.repo(repo);
    const pr = this.state.pull(r, number);
    const { before } = this.state.mergeIntoPull(r, pr, { by, ...opts });
    await this.send("pull_request", { action: "synchronize", number: pr.number, before, after: pr.head_sha, pull_request: pullJson(this.state, r, pr), ...this.envelope(r, by) });
    return { head_sha: pr.head_sha };
  }

  /** Submits a review as `login`; throws `SandboxError` (422) where GitHub refuses, e.g. self-approval. */
  async submitReview(repo: string, number: number, login: string, event: "APPROVE" | "REQUEST_CHANGES" | "COMMENT", body?: string): Promise<{ review: SandboxReview; delivery?: Delivery }> {
    const r = this.repo(repo);
    const { review, pr } = this.applyReview(r, number, login, event, body ?? (event === "APPROVE" ? "" : "Reviewed in the sandbox."));
    const delivery = await this.deliverReview(r, pr, review, "submitted");
    return { review, delivery };
  }

  async dismissReview(repo: string, number: number, reviewId: number, by: string): Promise<Delivery | undefined> {
    this.state.clock.tick();
    const r = this.repo(repo);
    const pr = this.state.pull(r, number);
    const review = pr.reviews.find((x) => x.id === reviewId);
    if (!review) throw new SandboxError(404, "Not Found");
    review.state = "DISMISSED";
    return this.deliverReview(r, pr, review, "dismissed", by);
  }

  /**
   * Force-pushes the PR's head back to an earlier commit of it and sends `pull_request.synchronize`,
   * unless `deliver` is false (a delivery GitHub made but the app never received).
   */
  async forcePush(repo: string, number: number, sha: string, opts: { deliver?: boolean; pusher?: string } = {}): Promise<Delivery | undefined> {
    this.state.clock.tick();
    const r = this.repo(repo);
    const pr = this.state.pull(r, number);
    const { before } = this.state.forcePushPull(r, pr, sha, opts.pusher ?? pr.author);
    if (opts.deliver === false) return undefined;
    return this.send("pull_request", {
      action: "synchronize",
      number: pr.number,
      before,
      after: pr.head_sha,
      pull_request: pullJson(this.state, r, pr),
      ...this.envelope(r, opts.pusher ?? pr.author),
    });
  }

  /** `by` assigns `assignee` to the pull request (GitHub's `AssignedEvent`) and sends `pull_request.assigned`. */
  async assign(repo: string, number: number, assignee: string, by: string): Promise<Delivery | undefined> {
    this.state.clock.tick();
    const r = this.repo(repo);
    const pr = this.state.pull(r, number);
    const login = (this.state.user(assignee) ?? this.state.addUser(assignee)).login;
    if (!pr.assignees.includes(login)) pr.assignees.push(login);
    pr.assignments.push({ actor: by, assignee: login, at: isoSeconds(this.state.clock.now()) });
    return this.send("pull_request", { action: "assigned", number, assignee: userJson(this.state, login), pull_request: pullJson(this.state, r, pr), ...this.envelope(r, by) });
  }

  /** `by` removes `assignee` and sends `pull_request.unassigned`; the assignment stays in the timeline. */
  async unassign(repo: string, number: number, assignee: string, by: string): Promise<Delivery | undefined> {
    this.state.clock.tick();
    const r = this.repo(repo);
    const pr = this.state.pull(r, number);
    pr.assignees = pr.assignees.filter((l) => l.toLowerCase() !== assignee.toLowerCase());
    return this.send("pull_request", { action: "unassigned", number, assignee: userJson(this.state, assignee), pull_request: pullJson(this.state, r, pr), ...this.envelope(r, by) });
  }

  /** A comment on the pull request's conversation (the app subscribes to no comment event: nothing is delivered). */
  comment(repo: string, number: number, author: string, body: string): void {
    this.state.clock.tick();
    const pr = this.pull(repo, number);
    this.state.addUser(author);
    pr.comments.push({ id: this.state.nextId(), author, body, at: isoSeconds(this.state.clock.now()) });
  }

  /** Opens an issue (the app subscribes to no issue event: nothing is delivered). */
  openIssue(repo: string, author: string, title: string): number {
    this.state.clock.tick();
    const r = this.repo(repo);
    const number = 1001 + r.issues.size;
    this.state.addUser(author);
    r.issues.set(number, { number, title, author, created_at: isoSeconds(this.state.clock.now()), assignments: [] });
    return number;
  }

  /** `by` assigns `assignee` to an issue (its timeline's `AssignedEvent`). */
  assignIssue(repo: string, issue: number, assignee: string, by: string): void {
    this.state.clock.tick();
    const found = this.repo(repo).issues.get(issue);
    if (!found) throw new SandboxError(404, "Not Found");
    found.assignments.push({ actor: by, assignee: (this.state.user(assignee) ?? this.state.addUser(assignee)).login, at: isoSeconds(this.state.clock.now()) });
  }

  /** An inline review comment on `path` (nothing is delivered, as for `comment`). */
  reviewComment(repo: string, number: number, author: string, body: string, path: string): void {
    this.state.clock.tick();
    const pr = this.pull(repo, number);
    this.state.addUser(author);
    pr.reviewComments.push({ id: this.state.nextId(), author, body, path, at: isoSeconds(this.state.clock.now()) });
  }

  async setLabels(repo: string, number: number, labels: string[], by: string): Promise<Delivery | undefined> {
    this.state.clock.tick();
    const r = this.repo(repo);
    const pr = this.state.pull(r, number);
    const added = labels.filter((l) => !pr.labels.includes(l));
    const removed = pr.labels.filter((l) => !labels.includes(l));
    pr.labels = [...labels];
    pr.updated_at = isoSeconds(this.state.clock.now());
    const label = added[0] ?? removed[0];
    if (!label) return undefined;
    return this.send("pull_request", {
      action: added.length ? "labeled" : "unlabeled",
      number,
      label: { name: label, color: "ededed" },
      pull_request: pullJson(this.state, r, pr),
      ...this.envelope(r, by),
    });
  }

  /** Commits a file to a branch (default: the default branch) and sends `push`. */
  async setBaseFile(repo: string, path: string, content: string | null, opts: { branch?: string; author?: string; message?: string } = {}): Promise<{ sha: string; delivery?: Delivery }> {
    this.state.clock.tick();
    const r = this.repo(repo);
    const branch = opts.branch ?? r.default_branch;
    const before = r.branches.get(branch)!;
    const author = opts.author ?? r.owner;
    const exists = this.state.readFile(r, before, path) !== undefined;
    const [c] = this.state.commitToBranch(r, branch, [
      {
        message: opts.message ?? `Update ${path}`,
        author,
        files: [content === null ? { filename: path, status: "removed" } : { filename: path, status: exists ? "modified" : "added", content }],
      },
    ]);
    this.state.recordActivity(r, branch, { before, after: c.sha, activity_type: "push", actor: author });
    const u = userJson(this.state, author);
    const commitPayload = {
      id: c.sha,
      tree_id: c.sha.split("").reverse().join(""),
      distinct: true,
      message: c.message,
      timestamp: c.committer.date,
      url: `https://github.com/${r.owner}/${r.name}/commit/${c.sha}`,
      author: { name: c.author.name, email: c.author.email, username: u.login },
      committer: { name: c.committer.name, email: c.committer.email, username: u.login },
      added: content !== null && !exists ? [path] : [],
      removed: content === null ? [path] : [],
      modified: content !== null && exists ? [path] : [],
    };
    const delivery = await this.send("push", {
      ref: `refs/heads/${branch}`,
      before,
      after: c.sha,
      created: false,
      deleted: false,
      forced: false,
      base_ref: null,
      compare: `https://github.com/${r.owner}/${r.name}/compare/${before.slice(0, 12)}...${c.sha.slice(0, 12)}`,
      commits: [commitPayload],
      head_commit: commitPayload,
      pusher: { name: u.login, email: c.author.email },
      ...this.envelope(r, author),
    });
    return { sha: c.sha, delivery };
  }

  /**
   * Puts a PR into the merge queue: a temporary branch `gh-readonly-queue/<base>/pr-<N>-<sha>` whose
   * head is the base plus the PR's changes, and a `merge_group.checks_requested` event.
   */
  async enqueueMergeGroup(
    repo: string,
    number: number,
    opts: { by?: string; beforeDelivery?: () => Promise<unknown> } = {},
  ): Promise<{ head_sha: string; head_ref: string; delivery?: Delivery }> {
    this.state.clock.tick();
    const r = this.repo(repo);
    const pr = this.state.pull(r, number);
    const baseSha = r.branches.get(pr.base_ref)!;
    const headRef = `gh-readonly-queue/${pr.base_ref}/pr-${pr.number}-${pr.head_sha}`;
    r.branches.set(headRef, baseSha);
    const [c] = this.state.commitToBranch(r, headRef, [
      {
        message: `Merge pull request #${pr.number} from ${r.owner}/${pr.head_ref}\n\n${pr.title}`,
        author: { name: "GitHub", email: "noreply@github.com" },
        files: this.state.pullFiles(r, pr),
      },
    ]);
    // A hook for races: e.g. the PR's author pushes after the group was formed, before checks run.
    await opts.beforeDelivery?.();
    const delivery = await this.send("merge_group", {
      action: "checks_requested",
      merge_group: {
        head_sha: c.sha,
        head_ref: `refs/heads/${headRef}`,
        base_sha: baseSha,
        base_ref: `refs/heads/${pr.base_ref}`,
        head_commit: {
          id: c.sha,
          tree_id: c.sha.split("").reverse().join(""),
          message: c.message,
          timestamp: c.committer.date,
          author: { name: c.author.name, email: c.author.email },
          committer: { name: c.committer.name, email: c.committer.email },
        },
      },
      ...this.envelope(r, opts.by ?? pr.author),
    });
    return { head_sha: c.sha, head_ref: `refs/heads/${headRef}`, delivery };
  }

  /** Merges the PR (a merge commit on its base branch, by `by`) and sends `pull_request.closed` with `merged: true`. */
  async mergePullRequest(repo: string, number: number, by: string): Promise<{ merge_commit_sha: string; delivery?: Delivery }> {
    this.state.clock.tick();
    const r = this.repo(repo);
    const pr = this.state.pull(r, number);
    if (pr.state !== "open") throw new SandboxError(405, "Pull Request is not mergeable");
    const before = r.branches.get(pr.base_ref)!;
    const [c] = this.state.commitToBranch(r, pr.base_ref, [
      { message: `Merge pull request #${pr.number} from ${r.owner}/${pr.head_ref}\n\n${pr.title}`, author: by, files: this.state.pullFiles(r, pr) },
    ]);
    this.state.recordActivity(r, pr.base_ref, { before, after: c.sha, activity_type: "pr_merge", actor: by });
    const at = isoSeconds(this.state.clock.now());
    pr.state = "closed";
    pr.merged = { sha: c.sha, by, at };
    pr.updated_at = at;
    const delivery = await this.send("pull_request", { action: "closed", number, pull_request: pullJson(this.state, r, pr), ...this.envelope(r, by) });
    return { merge_commit_sha: c.sha, delivery };
  }

  /** A click on a check run's button (`requested_action`) or on "Re-run" (`rerequested`). */
  async checkRunEvent(repo: string, runId: number, action: "rerequested" | "requested_action", by: string, identifier?: string): Promise<Delivery | undefined> {
    this.state.clock.tick();
    const r = this.repo(repo);
    const run = r.checkRuns.find((x) => x.id === runId);
    if (!run) throw new SandboxError(404, "Not Found");
    return this.send("check_run", {
      action,
      check_run: checkRunEventJson(this.state, r, run, this.url),
      ...(action === "requested_action" ? { requested_action: { identifier: identifier ?? "re-evaluate" } } : {}),
      ...this.envelope(r, by),
    });
  }

  /**
   * Sends an arbitrary event; `signature` overrides the computed one (forged deliveries). A
   * delivery that cannot connect (the app is down) is recorded as failed, as GitHub does, with
   * status 0, rather than thrown.
   */
  async deliver(event: string, payload: Record<string, unknown>, opts: { signature?: string; guid?: string; redelivery?: boolean } = {}): Promise<Delivery> {
    if (!this.webhook) throw new Error("Sandbox: no webhook target set (call setWebhook)");
    const guid = opts.guid ?? randomUUID();
    const started = performance.now();
    const d = await deliverWebhook({ url: this.webhook.url, secret: this.webhook.secret, event, payload, signature: opts.signature, id: guid }).catch(
      (error: unknown): Delivery => ({
        id: guid,
        event,
        action: typeof payload.action === "string" ? payload.action : undefined,
        status: 0,
        response: error instanceof Error ? error.message : String(error),
        ms: performance.now() - started,
      }),
    );
    this.deliveries.push(d);
    const id = this.hookDeliveries.length + 1;
    const repository = payload.repository as { id?: number } | undefined;
    const installation = payload.installation as { id?: number } | undefined;
    this.hookDeliveries.push({
      id,
      guid,
      delivered_at: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
      redelivery: opts.redelivery === true,
      duration: d.ms / 1000,
      status: d.status >= 200 && d.status < 300 ? "OK" : d.status === 0 ? "failed to connect" : `Invalid HTTP Response: ${d.status}`,
      status_code: d.status,
      event,
      action: d.action ?? null,
      installation_id: installation?.id ?? null,
      repository_id: repository?.id ?? null,
    });
    this.#payloads.set(id, { event, guid, payload });
    return d;
  }

  /** The webhook envelope (`repository`, `installation`, `sender`) for an event on `repo`. */
  envelope(r: SandboxRepo, sender: string) {
    const inst = this.state.installationFor(r.owner);
    return {
      repository: repoJson(this.state, r),
      organization: { login: r.owner, id: this.state.user(r.owner)?.id ?? 1 },
      sender: userJson(this.state, sender),
      ...(inst ? { installation: { id: inst.id, node_id: Buffer.from(`023:Installation${inst.id}`).toString("base64") } } : {}),
    };
  }

  // ── Reading what the app wrote ────────────────────────────────────────────────────────────

  checkRuns(repo: string, filter: { sha?: string; name?: string } = {}): SandboxCheckRun[] {
    return this.repo(repo).checkRuns.filter((r) => (!filter.sha || r.head_sha === filter.sha) && (!filter.name || r.name === filter.name));
  }

  /** The latest run named `Provenance Gate` (or `name`) on `sha`. */
  latestCheckRun(repo: string, sha: string, name = CHECK_NAME): SandboxCheckRun | undefined {
    const runs = this.checkRuns(repo, { sha, name });
    return runs[runs.length - 1];
  }

  /** Polls until a run on `sha` satisfies `until` (default: completed). */
  async waitForCheckRun(repo: string, sha: string, until: (r: SandboxCheckRun) => boolean = (r) => r.status === "completed", timeoutMs = 15_000): Promise<SandboxCheckRun> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const run = this.latestCheckRun(repo, sha);
      if (run && until(run)) return run;
      if (Date.now() > deadline) {
        throw new Error(`Sandbox: no matching "${CHECK_NAME}" check run on ${sha.slice(0, 7)} after ${timeoutMs} ms (latest: ${run ? `${run.status}/${run.conclusion}` : "none"})`);
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Waits for background deliveries and in-flight requests to finish. */
  async waitForIdle(timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.pending.size || this.http.busy) {
      if (Date.now() > deadline) throw new Error("Sandbox: not idle after " + timeoutMs + " ms");
      if (this.pending.size) await Promise.race([...this.pending, new Promise((r) => setTimeout(r, 50))]);
      else await new Promise((r) => setTimeout(r, 5));
    }
  }

  // ── Internals ─────────────────────────────────────────────────────────────────────────────

  private applyReview(r: SandboxRepo, number: number, login: string, event: string, body: string) {
    const pr = this.state.pull(r, number);
    this.state.clock.tick();
    const review = this.state.submitReview(r, pr, login, event, body);
    return { review, pr };
  }

  private deliverReview(r: SandboxRepo, pr: SandboxPull, review: SandboxReview, action: string, sender = review.user) {
    const rj = reviewJson(this.state, r, pr, review);
    // Webhook payloads carry the review state in lower case.
    return this.send("pull_request_review", {
      action,
      review: { ...rj, state: rj.state.toLowerCase() },
      pull_request: pullJson(this.state, r, pr),
      ...this.envelope(r, sender),
    });
  }

  private async send(event: string, payload: Record<string, unknown>): Promise<Delivery | undefined> {
    if (!this.webhook) return undefined;
    return this.deliver(event, payload);
  }

  private track(p: Promise<unknown>) {
    const q = p.catch(() => undefined).finally(() => this.pending.delete(q));
    this.pending.add(q);
  }
}

function splitRepo(fullName: string): [string, string] {
  const [owner, name, ...rest] = fullName.split("/");
  if (!owner || !name || rest.length) throw new Error(`Sandbox: expected "owner/name", got "${fullName}"`);
  return [owner, name];
}
