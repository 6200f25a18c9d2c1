/**
 * The AI-session authors (SPEC §4): the people who drove the AI tools, and so may not be the
 * independent reviewer. Signals only ever add people here; nothing in a commit can make a
 * reviewer eligible.
 */
import type { Snapshot, GitIdentity } from "../model/snapshot.js";
import type { SessionAuthor, UnresolvedAuthor } from "../model/verdict.js";
import type { MarkedCommit } from "./attribution.js";
import { shortSha } from "./attribution.js";
import { isToolIdentity, toolDisplayName } from "./detect.js";
import { messageLines, noreplyLogin, parseNamedAddress, parseTrailer } from "./trailers.js";
import type { Policy } from "../model/policy.js";
import { sortedBy } from "./order.js";

// GitHub's own committer for web-UI and API commits: it never drove anything.
const WEB_FLOW_LOGIN = "web-flow";
const WEB_FLOW_EMAIL = "noreply@github.com";

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
}

/** Logins that GitHub ties to e-mails anywhere in the pull request, for resolving co-authors. */
function loginsByEmail(snapshot: Snapshot): Map<string, string> {
  const map = new Map<string, string>();
  for (const c of snapshot.commits) {
    for (const id of [c.author, c.committer]) {
      if (id.login && id.email) map.set(id.email.toLowerCase(), id.login);
    }
  }
  return map;
}

function resolveLogin(email: string, known: Map<string, string>): string | null {
  return noreplyLogin(email) ?? known.get(email.toLowerCase()) ?? null;
}

export function sessionAuthors(snapshot: Snapshot, marked: MarkedCommit[], ai: Policy["ai"]): SessionAuthors {
  const byLogin = new Map<string, string[]>();
  const unresolved: UnresolvedAuthor[] = [];
  const known = loginsByEmail(snapshot);
  const add = (login: string, reason: string) => {
    const key = login.toLowerCase();
    const reasons = byLogin.get(key) ?? [];
    if (!reasons.includes(reason)) reasons.push(reason);
    byLogin.set(key, reasons);
  };

  const pr = snapshot.pull_request;
  add(pr.author, "opened the pull request");

  for (const m of marked) {
    const sha = shortSha(m.commit.sha);
    const tools = m.tools.map(toolDisplayName).join(", ");
    // One reason per person and commit ("authored and committed 3f2a1bc with Claude Code").
    const people = new Map<string, { login: string | null; name: string; email: string; roles: string[] }>();
    const person = (id: Pick<GitIdentity, "login" | "name" | "email">, role: string) => {
      if (isToolIdentity(id, ai)) return;
      const login = id.login ?? resolveLogin(id.email, known);
      const key = login ? `@${login.toLowerCase()}` : id.email.toLowerCase();
      const entry = people.get(key) ?? { login, name: id.name, email: id.email, roles: [] };
      if (!entry.roles.includes(role)) entry.roles.push(role);
      people.set(key, entry);
    };
    person(m.commit.author, "authored");
    const committer = m.commit.committer;
    const isWebFlow = committer.login?.toLowerCase() === WEB_FLOW_LOGIN || committer.email.toLowerCase() === WEB_FLOW_EMAIL;
    if (!isWebFlow) person(committer, "committed");
    for (const co of coAuthors(m.commit.message)) person({ login: null, ...co }, "co-authored");
    for (const p of people.values()) {
      const reason = `${p.roles.join(" and ")} ${sha} with ${tools}`;
      if (p.login) add(p.login, reason);
      else unresolved.push({ name: p.name, email: p.email, reason: `${reason}; no GitHub account is tied to this e-mail` });
    }
  }

  // Reasons in a fixed order, so the verdict does not depend on the order commits were listed in.
  for (const reasons of byLogin.values()) reasons.sort();
  return { byLogin, unresolved: dedupeUnresolved(unresolved) };
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
