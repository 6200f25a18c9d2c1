/**
 * The AI-session authors (SPEC §4): the people who drove the AI tools, and so may not be the
 * independent reviewer. Signals only ever add people here; nothing in a commit can make a
 * reviewer eligible.
 */
import type { Snapshot, GitIdentity, SnapshotCommit, SnapshotIdentity } from "../model/snapshot.js";
import type { SessionAuthor, UnresolvedAuthor } from "../model/verdict.js";
import type { Attribution } from "./attribution.js";
import { shortSha } from "../shared/format.js";
import { isAgentLogin, isToolIdentity } from "./detect.js";
import { toolDisplayName } from "../catalogue/ai-tools.js";
import { messageLines, noreplyLogin, parseNamedAddress, parseTrailer } from "./trailers.js";
import type { Policy } from "../model/policy.js";
import { sortedBy } from "./order.js";
import { agentRequesters, startedBy } from "./requesters.js";

// GitHub's own committer for web-UI and API commits: it never drove anything.
const WEB_FLOW_LOGIN = "web-flow";
const WEB_FLOW_EMAIL = "noreply@github.com";

export const OPENED_REASON = "opened the pull request";
export const PUSHED_REASON = "pushed to the head branch";

/** Every `Co-authored-by:` line of a message, wherever it stands (squash bodies). */
function coAuthors(message: string): { name: string; email: string }[] {
  return messageLines(message)
    .map(parseTrailer)
    .filter((t) => t?.key === "co-authored-by")
    .map((t) => parseNamedAddress(t!.value))
    .filter((p) => p.email !== "");
}

export interface SessionAuthors {
  /** Lower-case login → reasons. */
  byLogin: Map<string, string[]>;
  unresolved: UnresolvedAuthor[];
  /**
   * Lower-case login → why its owner may be an unresolved AI-session author: the login is the
   * local part of the person's address or of an alias of it. Such an approval does not count.
   */
  possible: Map<string, string[]>;
}

/**
 * Logins tied to e-mails anywhere in the pull request (GitHub's answers on its commits, then the
 * loader's `identities`), for resolving co-authors.
 */
export function loginsByEmail(commits: readonly SnapshotCommit[], identities: readonly SnapshotIdentity[] = []): Map<string, string> {
  const map = new Map<string, string>();
  for (const id of identities) if (id.login) map.set(id.email.toLowerCase(), id.login);
  for (const c of commits) {
    for (const id of [c.author, c.committer]) {
      if (id.login && id.email) map.set(id.email.toLowerCase(), id.login);
    }
  }
  return map;
}

/** `Neubig+ai@Example.org` → `neubig`: the part of an address a person picks, as a login would be. */
function localPart(email: string): string {
  return email.toLowerCase().split("@")[0].split("+")[0];
}

/**
 * The logins an unresolved person may own: the local part of their address and of every alias
 * the loader knows for it, each with the words that say why.
 */
function possibleOwners(email: string, aliases: Map<string, string[]>): Map<string, string> {
  // An empty local part names no login a reviewer can have, so it needs no special case.
  const owners = new Map<string, string>([[localPart(email), "its local part is the login"]]);
  for (const alias of aliases.get(email.toLowerCase()) ?? []) {
    const login = localPart(alias);
    if (!owners.has(login)) owners.set(login, `it is also known as ${alias}, whose local part is the login`);
  }
  return owners;
}

function aliasesByEmail(identities: readonly SnapshotIdentity[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const id of identities) {
    const key = id.email.toLowerCase();
    map.set(key, [...(map.get(key) ?? []), ...(id.aliases ?? [])]);
  }
  return map;
}

function resolveLogin(email: string, known: Map<string, string>): string | null {
  return noreplyLogin(email) ?? known.get(email.toLowerCase()) ?? null;
}

/** A person behind one commit, with what they did in it ("authored", "committed", "co-authored"). */
export interface CommitPerson {
  login: string | null;
  name: string;
  email: string;
  roles: string[];
}

/**
 * The people behind a commit: its author, its committer unless that is GitHub's web-flow, and
 * every `Co-authored-by:` person, resolved to logins where the pull request allows. Tool
 * identities are not people. One entry per person, whatever roles they had.
 */
export function commitPeople(commit: SnapshotCommit, known: Map<string, string>, ai: Policy["ai"]): CommitPerson[] {
  const people = new Map<string, CommitPerson>();
  const person = (id: Pick<GitIdentity, "login" | "name" | "email">, role: string) => {
    if (isToolIdentity(id, ai)) return;
    const login = id.login ?? resolveLogin(id.email, known);
    const key = login ? `@${login.toLowerCase()}` : id.email.toLowerCase();
    const entry = people.get(key) ?? { login, name: id.name, email: id.email, roles: [] };
    if (!entry.roles.includes(role)) entry.roles.push(role);
    people.set(key, entry);
  };
  person(commit.author, "authored");
  const committer = commit.committer;
  const isWebFlow = committer.login?.toLowerCase() === WEB_FLOW_LOGIN || committer.email.toLowerCase() === WEB_FLOW_EMAIL;
  if (!isWebFlow) person(committer, "committed");
  for (const co of coAuthors(commit.message)) person({ login: null, ...co }, "co-authored");
  return [...people.values()];
}

// `Requested by: @alice`, `**Requested by:** Alice (@alice)`: the line an agent writes into its
// pull request's description to name the person who asked it. Anchored at the line start, with
// one bounded run of decoration, so it reads any body in linear time.
const REQUESTED_BY = /^[\s>*_#-]{0,16}requested[ \t]+by[\s*_]{0,8}:([\s\S]*)$/i;
// A GitHub login as written after `@`; decoration around it (`**`, `.`, `,`) is trimmed first.
const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
// A link to the person's profile, as Markdown writes `[Alice](https://github.com/alice)`.
const PROFILE = /^(?:https?:\/\/)?(?:www\.)?github\.com\/([A-Za-z0-9][A-Za-z0-9-]{0,38})\/?$/i;
/** Longer lines are never a trailer (SPEC §3); skipping them keeps the scan linear. */
const MAX_LINE = 4096;

export interface Requester {
  login: string | null;
  /** The address written on the line, when it names one instead of a login. */
  email?: string;
}

/**
 * Every person on a `Requested by:` line of a pull request's body: `@login` mentions, links to a
 * GitHub profile (`[Alice](https://github.com/alice)`), and bare addresses
 * (`Alice (alice@acme.example)`). Tokens are split once and tested with anchored patterns, so the
 * scan is linear in the body's length.
 */
export function requestedBy(body: string): Requester[] {
  const out: Requester[] = [];
  for (const line of messageLines(body)) {
    if (line.length > MAX_LINE) continue;
    const m = REQUESTED_BY.exec(line);
    if (!m) continue;
    for (const raw of m[1].split(/[\s<>(),;[\]]+/)) {
      const token = trimDecoration(raw);
      const at = token.indexOf("@");
      const profile = PROFILE.exec(token);
      if (profile) {
        out.push({ login: profile[1] });
      } else if (at === 0) {
        if (LOGIN.test(token.slice(1))) out.push({ login: token.slice(1) });
      } else if (at > 0 && token.indexOf("@", at + 1) < 0 && token.slice(at + 1).includes(".")) {
        out.push({ login: noreplyLogin(token) ?? null, email: token.toLowerCase() });
      }
    }
  }
  return out;
}

const LEADING = new Set(["*", "_", "`", "'", '"']);
const TRAILING = new Set([...LEADING, ".", ":", "!", "?"]);

/** `**@alice**,` → `@alice`, by index (a regex anchored at the end would rescan long runs). */
function trimDecoration(token: string): string {
  let start = 0;
  let end = token.length;
  while (start < end && LEADING.has(token[start])) start++;
  while (end > start && TRAILING.has(token[end - 1])) end--;
  return token.slice(start, end);
}

export function sessionAuthors(snapshot: Snapshot, attribution: Attribution, ai: Policy["ai"]): SessionAuthors {
  const byLogin = new Map<string, string[]>();
  const unresolved: UnresolvedAuthor[] = [];
  const identities = snapshot.identities ?? [];
  const known = loginsByEmail(snapshot.commits, identities);
  const aliases = aliasesByEmail(identities);
  const possible = new Map<string, string[]>();
  /** A person no account is tied to: listed, and kept from approving under a matching login. */
  const unresolvedPerson = (name: string, email: string, reason: string) => {
    unresolved.push({ name, email, reason: `${reason}; no GitHub account is tied to this e-mail` });
    for (const [login, why] of possibleOwners(email, aliases)) {
      const reasons = possible.get(login) ?? [];
      const line = `may be the unresolved AI-session author ${email} (${why}): ${reason}`;
      if (!reasons.includes(line)) reasons.push(line);
      possible.set(login, reasons);
    }
  };
  const add = (login: string, reason: string) => {
    const key = login.toLowerCase();
    const reasons = byLogin.get(key) ?? [];
    if (!reasons.includes(reason)) reasons.push(reason);
    byLogin.set(key, reasons);
  };

  const pr = snapshot.pull_request;
  add(pr.author, OPENED_REASON);
  // Nobody can tell which push carried which commit, and a commit's identity is whatever the
  // pusher typed: every pusher drove whatever the branch holds.
  for (const login of pr.pushers ?? []) add(login, PUSHED_REASON);

  // An agent's pull request was asked for by someone: its assignees and the people its
  // description names; and anyone GitHub records asking an agent that worked on it (see
  // `requesters.ts`). (The agent itself, and other bots, are not people.)
  const person = (login: string) => login.toLowerCase() !== pr.author.toLowerCase() && !/\[bot\]$/i.test(login) && !isAgentLogin(login, ai);
  const asked = (tool: string) => `asked ${toolDisplayName(tool)} for this pull request`;
  for (const r of agentRequesters(snapshot, ai)) if (person(r.login)) add(r.login, asked(r.tool));
  const agent = attribution.agentAuthor;
  if (agent) {
    const reason = asked(agent.tool);
    for (const login of [...(pr.assignees ?? []), ...startedBy(pr.body, agent.tool)]) if (person(login)) add(login, reason);
    for (const r of requestedBy(pr.body)) {
      const login = r.login ?? resolveLogin(r.email!, known);
      if (login) {
        if (person(login)) add(login, reason);
      } else {
        unresolvedPerson("", r.email!, reason);
      }
    }
  }

  for (const m of attribution.marked) {
    const sha = shortSha(m.commit.sha);
    const tools = m.tools.map(toolDisplayName).join(", ");
    // One reason per person and commit ("authored and committed 3f2a1bc with Claude Code").
    for (const p of commitPeople(m.commit, known, ai)) {
      const reason = `${p.roles.join(" and ")} ${sha} with ${tools}`;
      if (p.login) add(p.login, reason);
      else unresolvedPerson(p.name, p.email, reason);
    }
  }

  // Reasons in a fixed order, so the verdict does not depend on the order commits were listed in.
  for (const reasons of [...byLogin.values(), ...possible.values()]) reasons.sort();
  return { byLogin, unresolved: dedupeUnresolved(unresolved), possible };
}

function dedupeUnresolved(list: UnresolvedAuthor[]): UnresolvedAuthor[] {
  const seen = new Map<string, UnresolvedAuthor>();
  for (const u of list) {
    const key = `${u.email.toLowerCase()}\u0000${u.reason}`;
    if (!seen.has(key)) seen.set(key, u);
  }
  return sortedBy(seen.values(), (u) => `${u.email}\u0000${u.reason}`);
}

export function toSessionAuthorList(authors: SessionAuthors): SessionAuthor[] {
  return sortedBy(authors.byLogin.entries(), ([login]) => login).map(([login, reasons]) => ({ login, reasons: [...reasons] }));
}
