/**
 * Which approvals count (SPEC §4). A review counts only when it is the reviewer's latest decisive
 * review, an approval, by a human with write access who did not drive the AI session, and newer
 * than the latest push. Every reviewer who does not count is reported with the reason.
 */
import type { Permission, SnapshotReview } from "../model/snapshot.js";
import type { Disqualified } from "../model/verdict.js";
import { isAgentLogin } from "./detect.js";
import type { Policy } from "../model/policy.js";
import { sortedBy } from "./order.js";

const DECISIVE = new Set(["APPROVED", "CHANGES_REQUESTED", "DISMISSED"]);
const CAN_MERGE: ReadonlySet<Permission> = new Set(["write", "maintain", "admin"]);
// On equal timestamps the pessimistic reading wins: a same-second "changes requested" cancels.
const TIE_ORDER: Record<string, number> = { APPROVED: 0, DISMISSED: 1, CHANGES_REQUESTED: 2 };

export interface Reviewer {
  login: string;
  /** The reviewer's latest decisive review, if any. */
  latest?: SnapshotReview;
  /** Teams as lower-case `org/slug`. */
  teams: string[];
}

/** One entry per reviewer (lower-case login), with their latest decisive review. */
export function latestReviews(reviews: SnapshotReview[]): Reviewer[] {
  const byLogin = new Map<string, Reviewer>();
  for (const r of reviews) {
    const login = r.user.login.toLowerCase();
    const entry = byLogin.get(login) ?? { login, teams: [] };
    byLogin.set(login, entry);
    if (!DECISIVE.has(r.state)) continue;
    if (!entry.latest || isLater(r, entry.latest)) entry.latest = r;
  }
  for (const entry of byLogin.values()) {
    entry.teams = (entry.latest?.teams ?? []).map((t) => t.toLowerCase());
  }
  return sortedBy(byLogin.values(), (r) => r.login);
}

function isLater(a: SnapshotReview, b: SnapshotReview): boolean {
  const ta = Date.parse(a.submitted_at);
  const tb = Date.parse(b.submitted_at);
  if (ta !== tb) return ta > tb;
  if (a.state !== b.state) return TIE_ORDER[a.state] > TIE_ORDER[b.state];
  // Identical moments and states: any fixed order will do, as long as input order cannot matter.
  return JSON.stringify(a) > JSON.stringify(b);
}

export function isBotAccount(login: string, type: string | undefined, ai: Policy["ai"]): boolean {
  return type === "Bot" || /\[bot\]$/i.test(login) || isAgentLogin(login, ai);
}

/**
 * Why a reviewer cannot count for any rule, or null when they can (subject to a rule's `from`).
 * The checks run from the most to the least fundamental, so the reason shown is the one that matters.
 */
export function disqualification(
  reviewer: Reviewer,
  lastPushAt: string,
  sessionAuthors: Map<string, string[]>,
  ai: Policy["ai"],
  possibleAuthors: Map<string, string[]>,
): string | null {
  const r = reviewer.latest;
  if (!r) return "only commented; a comment is not an approval";
  if (r.state === "CHANGES_REQUESTED") return "requested changes in their latest review";
  if (r.state === "DISMISSED") return "their latest review was dismissed";
  if (isBotAccount(r.user.login, r.user.type, ai)) return "is a bot or AI agent account; only humans can approve";
  const session = sessionAuthors.get(reviewer.login);
  if (session) return `is an AI-session author: ${session.join("; ")}`;
  // Signals only add people: a login that matches an address nobody could resolve is kept out.
  const possible = possibleAuthors.get(reviewer.login);
  if (possible) return possible.join("; ");
  if (!r.permission || !CAN_MERGE.has(r.permission)) {
    return `has ${r.permission ?? "unknown"} permission on the repository; needs write, maintain or admin`;
  }
  if (!(Date.parse(r.submitted_at) > Date.parse(lastPushAt))) {
    return `approved at ${r.submitted_at}, before the latest push at ${lastPushAt}; a new approval is needed`;
  }
  return null;
}

/** Whether a rule's `from` list admits the reviewer: a bare login, or `@org/slug` team. */
export function admittedBy(from: string[] | undefined, reviewer: Reviewer): boolean {
  if (!from) return true;
  return from.some((entry) => {
    const e = entry.toLowerCase();
    return e.startsWith("@") ? reviewer.teams.includes(e.slice(1)) : e === reviewer.login;
  });
}

export function describeDisqualified(login: string, reason: string): Disqualified {
  return { login, reason: `@${login} ${reason}` };
}
