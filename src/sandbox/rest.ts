/**
 * The REST operations the app calls, with GitHub's paths, shapes, caps and errors. Each route has
 * the operation name `@octokit/rest` gives it (`pulls.listFiles`…), which is what the request
 * counters report.
 */
import { isoSeconds } from "./clock.js";
import { validateCheckRunBody } from "./check-run-validation.js";
import { blobSha, checkRunJson, commitJson, fileJson, pullJson, repoJson, reviewJson, reviewCommentJson, userJson } from "./shapes.js";
import type { GitHubData, GitHubItem, Subset } from "./github-types.js";
import { SandboxError, type FileChange, type SandboxCheckRun, type SandboxCommit, type SandboxRepo, type SandboxState } from "./state.js";

export interface Caller {
  kind: "app" | "installation" | "user";
  appId?: number;
  installationId?: number;
  login?: string;
}

export interface RouteRequest {
  params: Record<string, string>;
  query: URLSearchParams;
  body: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
  caller: Caller;
  /** Absolute URL of the request, for `Link` headers. */
  url: URL;
  apiBase: string;
}

export interface RouteResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  raw?: string;
}

/** What REST handlers need from the sandbox beyond its state: the side effects that send webhooks. */
export interface RestHost {
  state: SandboxState;
  appId: number;
  submitReviewFromApi(repo: SandboxRepo, number: number, login: string, event: string, body: string): unknown;
  /** The app's webhook deliveries, oldest first (GitHub's "Recent deliveries"). */
  hookDeliveries(): readonly HookDelivery[];
  /** Sends a delivery again, in the background, as GitHub does after `POST …/attempts`. */
  redeliver(id: number): boolean;
}

/** One attempt at delivering a webhook, as `GET /app/hook/deliveries` lists it. */
export interface HookDelivery {
  id: number;
  guid: string;
  delivered_at: string;
  redelivery: boolean;
  duration: number;
  status: string;
  status_code: number;
  event: string;
  action: string | null;
  installation_id: number | null;
  repository_id: number | null;
}

export type Auth = "jwt" | "token";

export interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  operation: string;
  auth: Auth;
  handle: (host: RestHost, req: RouteRequest) => RouteResponse;
}

const routes: Route[] = [];
function route(method: string, path: string, operation: string, auth: Auth, handle: Route["handle"]) {
  const keys: string[] = [];
  const pattern = new RegExp(
    "^" +
      path.replace(/\{(\w+)\}|[.*+?^$()|[\]\\]/g, (m, key: string | undefined) => {
        if (!key) return `\\${m}`;
        keys.push(key);
        // `path` in contents and `ref` may contain slashes.
        return key === "path" || key === "ref" ? "(.+)" : "([^/]+)";
      }) +
      "$",
  );
  routes.push({ method, pattern, keys, operation, auth, handle });
}

export function matchRoute(method: string, pathname: string): { route: Route; params: Record<string, string> } | undefined {
  for (const r of routes) {
    if (r.method !== method) continue;
    const m = r.pattern.exec(pathname);
    if (!m) continue;
    const params: Record<string, string> = {};
    r.keys.forEach((k, i) => {
      params[k] = decodeURIComponent(m[i + 1]);
    });
    return { route: r, params };
  }
  return undefined;
}

const json = (body: unknown, status = 200, headers?: Record<string, string>): RouteResponse => ({ status, body, headers });
const notFound = (): never => {
  throw new SandboxError(404, "Not Found");
};

function repoFor(host: RestHost, req: RouteRequest): SandboxRepo {
  const repo = host.state.repos.get(`${req.params.owner}/${req.params.repo}`.toLowerCase());
  if (!repo) notFound();
  // An installation token sees only its own account's repositories; GitHub answers 404, not 403.
  if (req.caller.kind === "installation") {
    const inst = host.state.installations.get(req.caller.installationId!);
    if (!inst || inst.account.toLowerCase() !== repo!.owner.toLowerCase()) notFound();
  }
  return repo!;
}

/**
 * GitHub's page/per_page paging with a `Link` header; `cap` is how many items GitHub will list at
 * most. A `per_page` above the maximum is clamped, as GitHub does; without one, the default
 * applies (which may exceed the maximum: a commit's files come 300 to a page unless asked).
 */
function paginate<T>(items: T[], req: RouteRequest, opts: { defaultPerPage?: number; maxPerPage?: number; cap?: number } = {}) {
  const maxPer = opts.maxPerPage ?? 100;
  const asked = req.query.get("per_page");
  const per = asked === null ? (opts.defaultPerPage ?? 30) : Math.min(Math.max(Number(asked) || 30, 1), maxPer);
  const page = Math.max(Number(req.query.get("page") ?? 1) || 1, 1);
  const listable = opts.cap !== undefined ? items.slice(0, opts.cap) : items;
  const last = Math.max(Math.ceil(listable.length / per), 1);
  const slice = listable.slice((page - 1) * per, page * per);
  const link = (p: number, rel: string) => {
    const u = new URL(req.url);
    if (asked !== null) u.searchParams.set("per_page", String(per));
    u.searchParams.set("page", String(p));
    return `<${u.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page > 1) links.push(link(page - 1, "prev"));
  if (page < last) links.push(link(page + 1, "next"));
  if (page < last) links.push(link(last, "last"));
  if (page > 1) links.push(link(1, "first"));
  return { slice, headers: links.length ? { link: links.join(", ") } : undefined };
}

// ── Apps and installations ────────────────────────────────────────────────────────────────────

route("POST", "/app/installations/{id}/access_tokens", "apps.createInstallationAccessToken", "jwt", (host, req) => {
  const inst = host.state.installations.get(Number(req.params.id));
  if (!inst || inst.app_id !== req.caller.appId) notFound();
  const token = `ghs_sandbox${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
  // Token expiry is real time, not the sandbox clock: octokit caches tokens by wall time.
  const expires_at = isoSeconds(new Date(Date.now() + 3600_000));
  host.state.tokens.set(token, { installation: inst!.id, expires_at });
  const body = {
    token,
    expires_at,
    permissions: { checks: "write", contents: "read", metadata: "read", pull_requests: "read", members: "read" },
    repository_selection: "all",
  } satisfies Subset<GitHubData<"apps", "createInstallationAccessToken">>;
  // app.yml asks for `merge_queues`, a permission GitHub grants but its OpenAPI description does not list.
  return json({ ...body, permissions: { ...body.permissions, merge_queues: "read" } }, 201);
});

route("GET", "/app/installations", "apps.listInstallations", "jwt", (host, req) => {
  const list = [...host.state.installations.values()].filter((i) => i.app_id === req.caller.appId);
  const { slice, headers } = paginate(list, req);
  return json(
    slice.map((i) => ({ id: i.id, app_id: i.app_id, account: userJson(host.state, i.account), target_type: "Organization", repository_selection: "all" }) satisfies Subset<GitHubItem<"apps", "listInstallations">>),
    200,
    headers,
  );
});

/** Who owns the app, as `GET /app` names its owner. */
const SANDBOX_APP_OWNER = { login: "sandbox-apps", id: 1, node_id: "MDEyOk9yZ2FuaXphdGlvbjE=", type: "Organization", site_admin: false, html_url: "https://github.com/sandbox-apps" };

route("GET", "/app", "apps.getAuthenticated", "jwt", (_host, req) =>
  json({ id: req.caller.appId!, slug: "provenance-gate", name: "Provenance Gate", owner: SANDBOX_APP_OWNER, events: [], permissions: {} } satisfies Subset<GitHubData<"apps", "getAuthenticated">>),
);

route("GET", "/repos/{owner}/{repo}/installation", "apps.getRepoInstallation", "jwt", (host, req) => {
  const repo = repoFor(host, req);
  const inst = host.state.installationFor(repo.owner);
  if (!inst || inst.app_id !== req.caller.appId) notFound();
  return json({ id: inst!.id, app_id: inst!.app_id, account: userJson(host.state, inst!.account), repository_selection: "all" } satisfies Subset<GitHubData<"apps", "getRepoInstallation">>);
});

// ── The app's webhook deliveries ───────────────────────────────────────────────────────────────

route("GET", "/app/hook/deliveries", "apps.listWebhookDeliveries", "jwt", (host, req) => {
  // Newest first, paged by a cursor (the id to continue below), as GitHub does.
  const per = Math.min(Math.max(Number(req.query.get("per_page") ?? 30) || 30, 1), 100);
  const cursor = Number(req.query.get("cursor") ?? Number.POSITIVE_INFINITY);
  const list = [...host.hookDeliveries()].reverse().filter((d) => d.id < cursor);
  const slice = list.slice(0, per);
  const headers: Record<string, string> = {};
  if (list.length > per) {
    const u = new URL(req.url);
    u.searchParams.set("per_page", String(per));
    u.searchParams.set("cursor", String(slice[slice.length - 1].id));
    headers.link = `<${u.toString()}>; rel="next"`;
  }
  return json(slice satisfies Array<Subset<GitHubItem<"apps", "listWebhookDeliveries">>>, 200, headers);
});

route("GET", "/app/hook/deliveries/{id}", "apps.getWebhookDelivery", "jwt", (host, req) => {
  const delivery = host.hookDeliveries().find((d) => d.id === Number(req.params.id));
  if (!delivery) notFound();
  return json(delivery);
});

route("POST", "/app/hook/deliveries/{id}/attempts", "apps.redeliverWebhookDelivery", "jwt", (host, req) => {
  if (!host.redeliver(Number(req.params.id))) notFound();
  return json({}, 202);
});

route("GET", "/installation/repositories", "apps.listReposAccessibleToInstallation", "token", (host, req) => {
  if (req.caller.kind !== "installation") throw new SandboxError(403, "You must authenticate with an installation access token.");
  const account = host.state.installations.get(req.caller.installationId!)?.account.toLowerCase();
  const repos = [...host.state.repos.values()].filter((r) => r.owner.toLowerCase() === account);
  const { slice, headers } = paginate(repos, req);
  return json(
    { total_count: repos.length, repository_selection: "all", repositories: slice.map((r) => repoJson(host.state, r)) } satisfies Subset<GitHubData<"apps", "listReposAccessibleToInstallation">>,
    200,
    headers,
  );
});

// ── Pull requests ─────────────────────────────────────────────────────────────────────────────

route("GET", "/repos/{owner}/{repo}/pulls", "pulls.list", "token", (host, req) => {
  const repo = repoFor(host, req);
  const state = req.query.get("state") ?? "open";
  const base = req.query.get("base");
  const head = req.query.get("head");
  const list = [...repo.pulls.values()]
    .filter((p) => state === "all" || p.state === state)
    .filter((p) => !base || p.base_ref === base)
    .filter((p) => !head || `${repo.owner}:${p.head_ref}`.toLowerCase() === head.toLowerCase())
    .sort((a, b) => b.number - a.number);
  const { slice, headers } = paginate(list, req);
  return json(
    slice.map((p) => pullJson(host.state, repo, p)),
    200,
    headers,
  );
});

route("GET", "/repos/{owner}/{repo}/pulls/{number}", "pulls.get", "token", (host, req) => {
  const repo = repoFor(host, req);
  return json(pullJson(host.state, repo, host.state.pull(repo, Number(req.params.number))));
});

route("GET", "/repos/{owner}/{repo}/pulls/{number}/files", "pulls.listFiles", "token", (host, req) => {
  const repo = repoFor(host, req);
  const pr = host.state.pull(repo, Number(req.params.number));
  const { slice, headers } = paginate(host.state.pullFiles(repo, pr), req, { cap: 3000 });
  return json(slice.map(fileJson), 200, headers);
});

route("GET", "/repos/{owner}/{repo}/pulls/{number}/commits", "pulls.listCommits", "token", (host, req) => {
  const repo = repoFor(host, req);
  const pr = host.state.pull(repo, Number(req.params.number));
  const { slice, headers } = paginate(pr.commits, req, { cap: 250 });
  return json(
    slice.map((sha) => commitJson(host.state, repo, repo.commits.get(sha)!, false)),
    200,
    headers,
  );
});

route("GET", "/repos/{owner}/{repo}/pulls/{number}/reviews", "pulls.listReviews", "token", (host, req) => {
  const repo = repoFor(host, req);
  const pr = host.state.pull(repo, Number(req.params.number));
  const { slice, headers } = paginate(pr.reviews, req);
  return json(
    slice.map((r) => reviewJson(host.state, repo, pr, r)),
    200,
    headers,
  );
});

route("GET", "/repos/{owner}/{repo}/pulls/{number}/comments", "pulls.listReviewComments", "token", (host, req) => {
  const repo = repoFor(host, req);
  const pr = host.state.pull(repo, Number(req.params.number));
  const { slice, headers } = paginate(pr.reviewComments, req);
  return json(
    slice.map((c) => reviewCommentJson(host.state, repo, pr, c)),
    200,
    headers,
  );
});

route("POST", "/repos/{owner}/{repo}/pulls/{number}/reviews", "pulls.createReview", "token", (host, req) => {
  const repo = repoFor(host, req);
  const login = req.caller.kind === "user" ? req.caller.login! : "provenance-gate[bot]";
  const event = typeof req.body.event === "string" ? req.body.event : "COMMENT";
  const review = host.submitReviewFromApi(repo, Number(req.params.number), login, event, typeof req.body.body === "string" ? req.body.body : "");
  return json(review);
});

// ── Commits, contents, people ─────────────────────────────────────────────────────────────────

route("GET", "/repos/{owner}/{repo}/commits/{ref}/check-runs", "checks.listForRef", "token", (host, req) => {
  const repo = repoFor(host, req);
  const sha = host.state.resolveRef(repo, req.params.ref);
  if (!sha) throw new SandboxError(422, `No commit found for SHA: ${req.params.ref}`);
  const name = req.query.get("check_name");
  const status = req.query.get("status");
  const appId = req.query.get("app_id");
  let runs = repo.checkRuns.filter((r) => r.head_sha === sha && (!name || r.name === name) && (!status || r.status === status) && (!appId || String(r.app_id) === appId));
  if ((req.query.get("filter") ?? "latest") === "latest") {
    const latest = new Map<string, SandboxCheckRun>();
    for (const r of runs) latest.set(`${r.app_id}\0${r.name}`, r);
    runs = [...latest.values()];
  }
  runs = [...runs].sort((a, b) => b.id - a.id);
  const { slice, headers } = paginate(runs, req);
  return json({ total_count: runs.length, check_runs: slice.map((r) => checkRunJson(host.state, repo, r, req.apiBase)) } satisfies Subset<GitHubData<"checks", "listForRef">>, 200, headers);
});

route("GET", "/repos/{owner}/{repo}/commits/{ref}", "repos.getCommit", "token", (host, req) => {
  const repo = repoFor(host, req);
  const sha = host.state.resolveRef(repo, req.params.ref);
  if (!sha) throw new SandboxError(422, `No commit found for SHA: ${req.params.ref}`);
  const c = repo.commits.get(sha)!;
  // GitHub's documented limits: a commit's files come 300 to a page by default, or `per_page`
  // (at most 100) when asked, with a Link header to the next page; no more than 3,000 in all.
  const { slice, headers } = paginate(c.changes, req, { defaultPerPage: 300, maxPerPage: 100, cap: 3000 });
  const body = commitJson(host.state, repo, { ...c, changes: slice }, true);
  return json(body, 200, headers);
});

// Comparing two commits (`base...head`): how they relate, the commits from their merge base to
// head, and the files changed since the merge base — a diff of the two trees, as git makes it:
// a path whose content is the same at both ends is not listed, however the commits between moved
// it. A path gone from the base's tree pairs with one new at the head as a rename when a commit
// between renamed it or when their content is identical (git's exact rename detection); a copy,
// whose source is still there, is listed as added. Capped at 300 files as GitHub caps it, without
// saying so.
route("GET", "/repos/{owner}/{repo}/compare/{basehead}", "repos.compareCommitsWithBasehead", "token", (host, req) => {
  const repo = repoFor(host, req);
  const [a, b] = decodeURIComponent(req.params.basehead).split("...");
  const base = a ? host.state.resolveRef(repo, a) : undefined;
  const head = b ? host.state.resolveRef(repo, b) : undefined;
  if (!base || !head) throw new SandboxError(404, "Not Found");
  const ofHead = host.state.ancestors(repo, head);
  const ofBase = host.state.ancestors(repo, base);
  const status = base === head ? "identical" : ofHead.has(base) ? "ahead" : ofBase.has(head) ? "behind" : "diverged";
  const ahead = [...ofHead].filter((s) => !ofBase.has(s));
  const behind = [...ofBase].filter((s) => !ofHead.has(s)).length;
  const chain: SandboxCommit[] = [];
  for (let c = repo.commits.get(head); c && c.sha !== base; c = c.parents[0] ? repo.commits.get(c.parents[0]) : undefined) chain.unshift(c);
  const linear = status === "ahead" && chain.length > 0 && chain[0].parents[0] === base && chain.length === ahead.length;
  // The merge base: the common ancestor that no other common ancestor descends from.
  const common = [...ofBase].filter((sha) => ofHead.has(sha));
  const mergeBase = linear ? base : (common.find((sha) => !common.some((other) => other !== sha && host.state.ancestors(repo, other).has(sha))) ?? base);
  const files = treeDiff(host.state.filesAt(repo, mergeBase), host.state.filesAt(repo, head), linear ? chain : []);
  const commits = linear ? chain.map((c) => commitJson(host.state, repo, c, false)) : [];
  return json({ status, ahead_by: ahead.length, behind_by: behind, total_commits: linear ? chain.length : ahead.length, commits, files: files.slice(0, 300).map(fileJson) });
});

/** The change from one tree to another; `between` are the commits from one to the other, whose renames pair paths. */
function treeDiff(before: Map<string, FileChange>, after: Map<string, FileChange>, between: SandboxCommit[]): FileChange[] {
  const same = (x: FileChange, y: FileChange) => x.content === y.content && (x.mode ?? "100644") === (y.mode ?? "100644");
  const gone = [...before.keys()].filter((path) => !after.has(path));
  // Where each path a commit renamed came from, followed back to the first name.
  const renamedFrom = new Map<string, string>();
  for (const c of between) {
    for (const f of c.changes) if (f.status === "renamed" && f.previous_filename !== undefined) renamedFrom.set(f.filename, renamedFrom.get(f.previous_filename) ?? f.previous_filename);
  }
  const paired = new Set<string>();
  const out: FileChange[] = [];
  for (const [path, now] of after) {
    const was = before.get(path);
    if (was) {
      if (!same(was, now)) out.push({ ...now, status: "modified", previous_filename: undefined });
      continue;
    }
    const source = [renamedFrom.get(path), ...gone.filter((g) => before.get(g)!.content === now.content)].find((g) => g !== undefined && gone.includes(g) && !paired.has(g));
    if (source === undefined) {
      out.push({ ...now, status: "added", previous_filename: undefined });
      continue;
    }
    paired.add(source);
    out.push({ ...now, status: "renamed", previous_filename: source });
  }
  for (const path of gone) if (!paired.has(path)) out.push({ filename: path, status: "removed" });
  return out.sort((x, y) => (x.filename < y.filename ? -1 : x.filename > y.filename ? 1 : 0));
}

route("GET", "/repos/{owner}/{repo}/contents/{path}", "repos.getContent", "token", (host, req) => {
  const repo = repoFor(host, req);
  const ref = req.query.get("ref") ?? repo.default_branch;
  const sha = host.state.resolveRef(repo, ref);
  if (!sha) throw new SandboxError(404, `No commit found for the ref ${ref}`);
  const path = req.params.path.replace(/^\/+|\/+$/g, "");
  const text = host.state.readFile(repo, sha, path);
  if (text === undefined) notFound();
  const accept = String(req.headers.accept ?? "");
  if (accept.includes("raw")) return { status: 200, raw: text, headers: { "content-type": "text/plain; charset=utf-8" } };
  const b64 = Buffer.from(text!, "utf8").toString("base64");
  const name = path.split("/").pop()!;
  return json({
    type: "file",
    encoding: "base64",
    size: Buffer.byteLength(text!),
    name,
    path,
    // GitHub wraps base64 content at 60 characters.
    content: (b64.match(/.{1,60}/g) ?? [""]).join("\n") + "\n",
    sha: blobSha(text!),
    url: `${req.apiBase}/repos/${repo.owner}/${repo.name}/contents/${path}?ref=${ref}`,
    html_url: `https://github.com/${repo.owner}/${repo.name}/blob/${ref}/${path}`,
    download_url: null,
  } satisfies Subset<GitHubData<"repos", "getContent">>);
});

route("GET", "/repos/{owner}/{repo}/collaborators/{username}/permission", "repos.getCollaboratorPermissionLevel", "token", (host, req) => {
  const repo = repoFor(host, req);
  const user = host.state.user(req.params.username);
  if (!user) notFound();
  const role = repo.collaborators.get(user!.login.toLowerCase()) ?? "none";
  // The legacy `permission` field folds maintain into write and triage into read; `role_name` keeps them.
  const permission = role === "maintain" ? "write" : role === "triage" ? "read" : role;
  const permissions = { admin: role === "admin", maintain: role === "maintain" || role === "admin", push: ["write", "maintain", "admin"].includes(role), triage: role !== "none" && role !== "read", pull: role !== "none" };
  return json({ permission, role_name: role, user: { ...userJson(host.state, user!.login), permissions } } satisfies Subset<GitHubData<"repos", "getCollaboratorPermissionLevel">>);
});

route("GET", "/orgs/{org}/teams/{team_slug}/memberships/{username}", "teams.getMembershipForUserInOrg", "token", (host, req) => {
  if (req.caller.kind === "installation") {
    const inst = host.state.installations.get(req.caller.installationId!);
    if (!inst || inst.account.toLowerCase() !== req.params.org.toLowerCase()) notFound();
  }
  const members = host.state.teams.get(`${req.params.org}/${req.params.team_slug}`.toLowerCase());
  if (!members?.has(req.params.username.toLowerCase())) notFound();
  return json({
    state: "active",
    role: "member",
    url: `${req.apiBase}/orgs/${req.params.org}/teams/${req.params.team_slug}/memberships/${req.params.username}`,
  } satisfies Subset<GitHubData<"teams", "getMembershipForUserInOrg">>);
});

route("GET", "/repos/{owner}/{repo}", "repos.get", "token", (host, req) => json(repoJson(host.state, repoFor(host, req))));

// ── Repository activity ───────────────────────────────────────────────────────────────────────

const ACTIVITY_TYPES = new Set(["push", "force_push", "branch_creation", "branch_deletion", "pr_merge", "merge_queue_merge"]);
const TIME_PERIOD_HOURS: Record<string, number> = { day: 24, week: 168, month: 720, quarter: 2160, year: 8760 };
const activityCursor = (id: number) => Buffer.from(`cursor:v2:${id}`).toString("base64");

/**
 * Every change of a ref with who made it, newest first unless `direction=asc`, filtered by ref
 * (`refs/heads/<b>` or `<b>`), actor, activity type and time period; paged by opaque `after` /
 * `before` cursors that the `Link` header carries (`rel="next"`, `rel="prev"`), as GitHub does.
 */
route("GET", "/repos/{owner}/{repo}/activity", "repos.listActivities", "token", (host, req) => {
  const repo = repoFor(host, req);
  const q = (name: string) => req.query.get(name) ?? undefined;
  const invalid = (field: string) => new SandboxError(422, "Validation Failed", [{ resource: "Activity", field, code: "invalid" }]);
  const direction = q("direction") ?? "desc";
  if (direction !== "asc" && direction !== "desc") throw invalid("direction");
  const type = q("activity_type");
  if (type !== undefined && !ACTIVITY_TYPES.has(type)) throw invalid("activity_type");
  const period = q("time_period");
  if (period !== undefined && TIME_PERIOD_HOURS[period] === undefined) throw invalid("time_period");
  const ref = q("ref");
  const fullRef = ref === undefined ? undefined : ref.startsWith("refs/") ? ref : `refs/heads/${ref}`;
  const actor = q("actor")?.toLowerCase();
  const since = period === undefined ? undefined : host.state.clock.now().getTime() - TIME_PERIOD_HOURS[period] * 3600_000;
  const list = repo.activity
    .filter((a) => (fullRef === undefined || a.ref === fullRef) && (type === undefined || a.activity_type === type))
    .filter((a) => (actor === undefined || a.actor?.toLowerCase() === actor) && (since === undefined || Date.parse(a.timestamp) >= since));
  if (direction === "desc") list.reverse();
  const per = Math.min(Math.max(Number(q("per_page") ?? 30) || 30, 1), 100);
  const position = (cursor: string) => {
    const id = Number(/^cursor:v2:(\d+)$/.exec(Buffer.from(cursor, "base64").toString())?.[1]);
    const at = list.findIndex((a) => a.id === id);
    if (at < 0) throw invalid("cursor");
    return at;
  };
  const after = q("after");
  const before = q("before");
  const start = after !== undefined ? position(after) + 1 : before !== undefined ? Math.max(position(before) - per, 0) : 0;
  const end = before !== undefined && after === undefined ? position(before) : start + per;
  const slice = list.slice(start, Math.min(end, start + per));
  const link = (rel: string, cursor: Record<string, string>) => {
    const u = new URL(req.url);
    for (const name of ["after", "before", "page"]) u.searchParams.delete(name);
    for (const [name, value] of Object.entries(cursor)) u.searchParams.set(name, value);
    return `<${u.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (slice.length > 0 && start + slice.length < list.length) links.push(link("next", { after: activityCursor(slice[slice.length - 1].id) }));
  if (slice.length > 0 && start > 0) links.push(link("prev", { before: activityCursor(slice[0].id) }));
  return json(
    slice.map((a) => ({
      id: a.id,
      node_id: Buffer.from(`010:Activity${a.id}`).toString("base64"),
      before: a.before,
      after: a.after,
      ref: a.ref,
      timestamp: a.timestamp,
      activity_type: a.activity_type,
      actor: a.actor === null ? null : userJson(host.state, a.actor),
    })) satisfies Array<Subset<GitHubItem<"repos", "listActivities">>>,
    200,
    links.length > 0 ? { link: links.join(", ") } : undefined,
  );
});

// ── Check runs ────────────────────────────────────────────────────────────────────────────────

function rejectInvalidCheckRun(body: Record<string, unknown>, creating: boolean): void {
  const rejection = validateCheckRunBody(body, creating);
  if (rejection) throw new SandboxError(422, rejection.message, rejection.errors);
}

function appIdOf(host: RestHost, caller: Caller): number {
  if (caller.kind !== "installation") throw new SandboxError(403, "You must authenticate via a GitHub App.");
  return host.state.installations.get(caller.installationId!)!.app_id;
}

route("POST", "/repos/{owner}/{repo}/check-runs", "checks.create", "token", (host, req) => {
  const repo = repoFor(host, req);
  const app_id = appIdOf(host, req.caller);
  rejectInvalidCheckRun(req.body, true);
  const b = req.body as Record<string, any>;
  if (!repo.commits.has(b.head_sha)) throw new SandboxError(422, "No commit found for SHA: " + b.head_sha);
  const now = isoSeconds(host.state.clock.now());
  const completed = b.conclusion !== undefined && b.conclusion !== null;
  const run: SandboxCheckRun = {
    id: host.state.nextId(),
    app_id,
    name: b.name,
    head_sha: b.head_sha,
    status: completed ? "completed" : (b.status ?? "queued"),
    conclusion: completed ? b.conclusion : null,
    started_at: b.started_at ?? now,
    completed_at: completed ? (b.completed_at ?? now) : null,
    external_id: b.external_id ?? null,
    details_url: b.details_url ?? null,
    output: { title: b.output?.title ?? null, summary: b.output?.summary ?? null, text: b.output?.text ?? null },
    annotations: b.output?.annotations ?? [],
    actions: b.actions ?? [],
    writes: 1,
  };
  repo.checkRuns.push(run);
  checkRunWrites(repo).push({ id: run.id, conclusion: run.conclusion, at: Date.now() });
  return json(checkRunJson(host.state, repo, run, req.apiBase), 201);
});

/** Every conclusion written to a repository's check runs, in order: what GitHub showed, and when. */
export interface CheckRunWrite {
  id: number;
  conclusion: string | null;
  at: number;
}
const writesByRepo = new WeakMap<SandboxRepo, CheckRunWrite[]>();
export function checkRunWrites(repo: SandboxRepo): CheckRunWrite[] {
  let writes = writesByRepo.get(repo);
  if (!writes) writesByRepo.set(repo, (writes = []));
  return writes;
}

function runFor(req: RouteRequest, repo: SandboxRepo): SandboxCheckRun {
  const run = repo.checkRuns.find((r) => r.id === Number(req.params.check_run_id));
  if (!run) notFound();
  return run!;
}

route("PATCH", "/repos/{owner}/{repo}/check-runs/{check_run_id}", "checks.update", "token", (host, req) => {
  const repo = repoFor(host, req);
  const run = runFor(req, repo);
  if (appIdOf(host, req.caller) !== run.app_id) throw new SandboxError(403, "Invalid app_id `" + run.app_id + "` - check run can only be modified by its creator.");
  rejectInvalidCheckRun(req.body, false);
  const b = req.body as Record<string, any>;
  const now = isoSeconds(host.state.clock.now());
  if (b.name !== undefined) run.name = b.name;
  if (b.started_at !== undefined) run.started_at = b.started_at;
  if (b.external_id !== undefined) run.external_id = b.external_id;
  if (b.details_url !== undefined) run.details_url = b.details_url;
  if (b.actions !== undefined) run.actions = b.actions;
  if (b.conclusion !== undefined && b.conclusion !== null) {
    run.status = "completed";
    run.conclusion = b.conclusion;
    run.completed_at = b.completed_at ?? now;
  } else if (b.status !== undefined) {
    run.status = b.status;
    if (b.status !== "completed") {
      run.conclusion = null;
      run.completed_at = null;
    }
  }
  if (b.output) {
    run.output = { title: b.output.title, summary: b.output.summary, text: b.output.text ?? run.output.text };
    // GitHub appends annotations across updates rather than replacing them.
    if (Array.isArray(b.output.annotations)) run.annotations.push(...b.output.annotations);
  }
  run.writes++;
  checkRunWrites(repo).push({ id: run.id, conclusion: run.conclusion, at: Date.now() });
  return json(checkRunJson(host.state, repo, run, req.apiBase));
});

route("GET", "/repos/{owner}/{repo}/check-runs/{check_run_id}", "checks.get", "token", (host, req) => {
  const repo = repoFor(host, req);
  return json(checkRunJson(host.state, repo, runFor(req, repo), req.apiBase));
});

route("GET", "/repos/{owner}/{repo}/check-runs/{check_run_id}/annotations", "checks.listAnnotations", "token", (host, req) => {
  const repo = repoFor(host, req);
  const { slice, headers } = paginate(runFor(req, repo).annotations, req);
  return json(
    slice.map((a) => ({ ...a, blob_href: `https://github.com/${repo.owner}/${repo.name}/blob/HEAD/${a.path}` }) satisfies Subset<GitHubItem<"checks", "listAnnotations">>),
    200,
    headers,
  );
});
