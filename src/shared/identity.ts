/**
 * Who a git identity (name and e-mail in a commit) is on GitHub — one answer for both loaders, so
 * the CLI over a local checkout and the app over the API attribute the same commit to the same
 * account. GitHub ties an account to its no-reply address (`ID+login@users.noreply.github.com`,
 * or the older `login@users.noreply.github.com`) and to `noreply@github.com` for its web-flow
 * committer; any other address is known only when GitHub says whose it is (`account`).
 */
import type { GitIdentity } from "../model/snapshot.js";

const NOREPLY = /^(?:\d+\+)?([^@\s]+)@users\.noreply\.github\.com$/i;
const WEB_FLOW_EMAIL = "noreply@github.com";

/** The login inside a GitHub no-reply address, as spelled there; undefined for any other address. */
export function noreplyLogin(email: string): string | undefined {
  return NOREPLY.exec(email.trim())?.[1];
}

/** `account` is GitHub's own answer (the API's `user` of a commit), when there is one. */
export function resolveIdentity(name: string, email: string, account?: { login: string; type: string } | null): GitIdentity {
  if (account) return { login: account.login, name, email, type: account.type };
  if (email.trim().toLowerCase() === WEB_FLOW_EMAIL) return { login: "web-flow", name, email, type: "User" };
  const login = noreplyLogin(email);
  if (login) return { login, name, email, type: /\[bot\]$/i.test(login) ? "Bot" : "User" };
  return { login: null, name, email };
}
