/**
 * The people GitHub records as asking an agent account for work on a pull request (SPEC §4):
 * whoever assigned the agent's account to it (Copilot's coding agent starts on an assignment), and
 * whoever mentioned the agent's handle in a comment or review (`@claude`, `@copilot`). The loader
 * reports every such record (`pull_request.requesters`); one counts only when that agent's tool
 * worked on the pull request through one of its own accounts — it opened the pull request,
 * pushed to it, or authored or committed one of its commits — so a mention that asked for a
 * review, or an assignment of an account that never touched the code, excludes nobody.
 */
import type { Policy } from "../model/policy.js";
import type { Snapshot, SnapshotCommit, SnapshotPullRequest } from "../model/snapshot.js";
import { AI_TOOLS } from "../catalogue/ai-tools.js";
import { agentToolOf } from "./detect.js";
import { messageLines, noreplyLogin } from "./trailers.js";

const MENTION_TOOL = new Map<string, string>(AI_TOOLS.flatMap((tool) => (tool.requestMentions ?? []).map((handle) => [handle, tool.id] as const)));

// `@claude`, as GitHub links a mention: not inside an address (`me@claude.ai`) or a longer
// handle (`@claude-bot`). One bounded login per `@`, so a body is read in linear time.
const MENTION = /(?<![\w@./-])@([A-Za-z0-9][A-Za-z0-9-]{0,38})(?![\w-])/g;

/** The agent handles a comment's or review's text mentions (lower case, each once). */
export function mentionedAgents(text: string): string[] {
  const found = new Set<string>();
  for (const m of text.matchAll(MENTION)) {
    const handle = m[1].toLowerCase();
    if (MENTION_TOOL.has(handle)) found.add(handle);
  }
  return [...found];
}

const REQUESTER_MARKS = AI_TOOLS.flatMap((tool) => (tool.requesterMarks ?? []).map((re) => ({ re, tool: tool.id })));
/** Longer lines are never the tool's own mark; skipping them keeps the scan linear. */
const MAX_LINE = 4096;

/**
 * The logins `tool`'s own marks in a pull request's description name as the person who started
 * it (Jules: "… started by @alice").
 */
export function startedBy(body: string, tool: string): string[] {
  const marks = REQUESTER_MARKS.filter((m) => m.tool === tool);
  if (marks.length === 0) return [];
  return messageLines(body).flatMap((line) => (line.length > MAX_LINE ? [] : marks.flatMap((m) => m.re.exec(line)?.[1] ?? [])));
}

/** Every account that opened, pushed to, or authored or committed a commit of the pull request. */
function workingLogins(pr: Pick<SnapshotPullRequest, "author" | "pushers">, commits: readonly SnapshotCommit[]): string[] {
  const logins = [pr.author, ...(pr.pushers ?? [])];
  for (const c of commits) {
    for (const id of [c.author, c.committer]) {
      if (id.login) logins.push(id.login);
      const noreply = noreplyLogin(id.email);
      if (noreply) logins.push(noreply);
    }
  }
  return logins;
}

/** Tools whose own accounts opened, pushed to, or authored or committed a commit of the pull request. */
function toolsAtWork(snapshot: Snapshot, ai: Policy["ai"]): Set<string> {
  return new Set(workingLogins(snapshot.pull_request, snapshot.commits).flatMap((login) => agentToolOf(login, ai) ?? []));
}

// Every tool with handles has accounts (the catalogue's test holds it to that).
const ANSWERING_ACCOUNTS = new Set(AI_TOOLS.filter((tool) => tool.requestMentions?.length).flatMap((tool) => tool.logins!));

/**
 * Whether the account of a tool that answers mentions worked on the pull request: only then can a
 * mention count, so only then do loaders read what costs a request of its own (inline comments).
 */
export function mentionAnswererAtWork(pr: Pick<SnapshotPullRequest, "author" | "pushers">, commits: readonly SnapshotCommit[]): boolean {
  return workingLogins(pr, commits).some((login) => ANSWERING_ACCOUNTS.has(login.toLowerCase()));
}

export interface AgentRequester {
  login: string;
  tool: string;
}

/** The requesters that count: each with the tool they asked, which worked on the pull request. */
export function agentRequesters(snapshot: Snapshot, ai: Policy["ai"]): AgentRequester[] {
  const records = snapshot.pull_request.requesters ?? [];
  if (records.length === 0) return [];
  const atWork = toolsAtWork(snapshot, ai);
  return records.flatMap((r) => {
    const tool = r.via === "assigned" ? agentToolOf(r.agent, ai) : MENTION_TOOL.get(r.agent.toLowerCase());
    return tool && atWork.has(tool) ? [{ login: r.login, tool }] : [];
  });
}
