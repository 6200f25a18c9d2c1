/**
 * AI-assistance detection (SPEC §3): turns commit and pull-request metadata into signals.
 * Which marks mean which tool is data in `src/catalogue/ai-tools.ts`; this module only indexes
 * that data (once, at load) and the repository's declared tools (once per policy).
 *
 * Precedence: an identity or trailer the repository declares under `ai.tools` is attributed to
 * the declared tool and not also to the catalogue, so a repository can re-attribute a mark.
 */
import {
  AI_TOOLS,
  GENERIC_AI_TRAILERS,
  NO_ASSISTANCE_VALUES,
  UNSPECIFIED_TOOL,
} from "../catalogue/ai-tools.js";
import type { Policy, Trust } from "../model/policy.js";
import type { GitIdentity, SnapshotCommit, SnapshotPullRequest } from "../model/snapshot.js";
import type { Signal, SignalKind } from "../model/verdict.js";
import { shortSha } from "../shared/format.js";
import { MAX_TRAILER_LINE, messageLines, noreplyLogin, parseNamedAddress, parseTrailer, type Trailer } from "./trailers.js";

type AiConfig = Policy["ai"];

interface ToolRegex {
  re: RegExp;
  tool: string;
}

interface LineMark extends ToolRegex {
  /** Kind when found in a commit message; in a PR body every mark is `pr-body`. */
  kind: "footer" | "session-link";
}

interface WordMatcher extends ToolRegex {
  length: number;
}

/** A trailer the repository declares: `Assisted-by: MetaCode` is key `assisted-by`, value prefix `metacode`. */
interface DeclaredTrailer {
  key: string;
  valuePrefix: string;
  tool: string;
}

// ---- Catalogue indexes, built once ----------------------------------------------------------

const EMAIL_TOOL = new Map<string, string>();
const COMMITTER_EMAIL_TOOL = new Map<string, string>();
const LOGIN_TOOL = new Map<string, string>();
const EMAIL_PATTERNS: ToolRegex[] = [];
const CO_AUTHOR_NAMES: ToolRegex[] = [];
const NAME_SUFFIXES: { suffix: string; tool: string }[] = [];
const SUBJECT_PREFIXES: { prefix: string; tool: string }[] = [];
const TOOL_TRAILERS = new Map<string, { tool: string; kind: SignalKind }>();
const LINE_MARKS: LineMark[] = [];
const BRANCH_PREFIXES: { prefix: string; tool: string }[] = [];
const CATALOGUE_WORDS: WordMatcher[] = [];
const GENERIC_KEYS = new Set(GENERIC_AI_TRAILERS);
const NO_ASSISTANCE = new Set(NO_ASSISTANCE_VALUES);
const CO_AUTHOR_KEY = "co-authored-by";

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * A whole-word, case-insensitive matcher (`gpt` in `OpenAI GPT-5.4`, not `amp` in `clamp`).
 * Global, so every occurrence can be found; callers reset `lastIndex`.
 */
function wordMatcher(word: string, tool: string): WordMatcher {
  const body = word.split(/\s+/).map(escapeRegex).join("[\\s_-]+");
  return { re: new RegExp(`(?<![\\p{L}\\p{N}])${body}(?![\\p{L}\\p{N}])`, "giu"), tool, length: word.length };
}

for (const tool of AI_TOOLS) {
  const id = tool.id;
  for (const e of tool.emails ?? []) EMAIL_TOOL.set(e, id);
  for (const e of tool.committerEmails ?? []) COMMITTER_EMAIL_TOOL.set(e, id);
  for (const l of tool.logins ?? []) LOGIN_TOOL.set(l, id);
  for (const re of tool.emailPatterns ?? []) EMAIL_PATTERNS.push({ re, tool: id });
  for (const re of tool.coAuthorNames ?? []) CO_AUTHOR_NAMES.push({ re, tool: id });
  for (const s of tool.authorNameSuffixes ?? []) NAME_SUFFIXES.push({ suffix: s.toLowerCase(), tool: id });
  for (const p of tool.subjectPrefixes ?? []) SUBJECT_PREFIXES.push({ prefix: p, tool: id });
  for (const k of tool.sessionTrailers ?? []) TOOL_TRAILERS.set(k, { tool: id, kind: "session-trailer" });
  for (const k of tool.attributionTrailers ?? []) TOOL_TRAILERS.set(k, { tool: id, kind: "assist-trailer" });
  for (const re of [...(tool.footers ?? []), ...(tool.prBodyMarks ?? [])]) LINE_MARKS.push({ re, tool: id, kind: "footer" });
  for (const re of tool.sessionLinks ?? []) LINE_MARKS.push({ re, tool: id, kind: "session-link" });
  for (const p of tool.branchPrefixes ?? []) BRANCH_PREFIXES.push({ prefix: p.toLowerCase(), tool: id });
  for (const w of new Set([...tool.words, tool.id, tool.name.toLowerCase()])) CATALOGUE_WORDS.push(wordMatcher(w, id));
}

/** One pass that rules out most lines before the marks are tried one by one (a superset of them). */
const ANY_LINE_MARK = new RegExp(LINE_MARKS.map((m) => `(?:${m.re.source})`).join("|"), "i");

// ---- Declared tools, indexed once per policy --------------------------------------------------

interface DeclaredIndex {
  emails: Map<string, string>;
  bots: Map<string, string>;
  trailers: DeclaredTrailer[];
  words: WordMatcher[];
}

const declaredIndexes = new WeakMap<AiConfig, DeclaredIndex>();

function declared(ai: AiConfig): DeclaredIndex {
  let index = declaredIndexes.get(ai);
  if (index) return index;
  index = { emails: new Map(), bots: new Map(), trailers: [], words: [] };
  for (const [key, tool] of Object.entries(ai.tools)) {
    const id = key.toLowerCase();
    for (const e of tool.emails) index.emails.set(e.trim().toLowerCase(), id);
    for (const b of tool.bots) index.bots.set(normaliseLogin(b), id);
    for (const t of tool.trailers) {
      // Validation guarantees `Key:` at the start; compared as git parses it (any spacing).
      const parsed = parseTrailer(t);
      if (parsed) index.trailers.push({ key: parsed.key, valuePrefix: parsed.value.toLowerCase(), tool: id });
    }
    index.words.push(wordMatcher(id, id));
  }
  declaredIndexes.set(ai, index);
  return index;
}

// ---- Lookups ----------------------------------------------------------------------------------

/** `app/copilot-swe-agent` (how `gh` prints a bot) is `copilot-swe-agent[bot]`. */
function normaliseLogin(login: string): string {
  const l = login.trim().toLowerCase();
  return l.startsWith("app/") ? `${l.slice(4)}[bot]` : l;
}

function catalogueToolForEmail(email: string): string | undefined {
  const exact = EMAIL_TOOL.get(email);
  if (exact) return exact;
  const login = noreplyLogin(email);
  if (login) return LOGIN_TOOL.get(login);
  return EMAIL_PATTERNS.find((p) => p.re.test(email))?.tool;
}

function declaredToolForEmail(email: string, index: DeclaredIndex): string | undefined {
  const exact = index.emails.get(email);
  if (exact) return exact;
  const login = noreplyLogin(email);
  return login ? index.bots.get(login) : undefined;
}

/**
 * Every tool a free-text value names, in order of appearance. A word inside a longer one's match
 * is not a second tool: `claude-flow` is Claude Flow, not also Claude Code.
 */
function toolsNamedIn(text: string, words: readonly WordMatcher[]): string[] {
  const hits: { start: number; end: number; tool: string }[] = [];
  for (const w of words) {
    w.re.lastIndex = 0;
    for (let m = w.re.exec(text); m; m = w.re.exec(text)) hits.push({ start: m.index, end: m.index + m[0].length, tool: w.tool });
  }
  hits.sort((a, b) => a.start - b.start || b.end - a.end);
  const tools: string[] = [];
  let covered = -1;
  for (const h of hits) {
    if (h.end <= covered) continue;
    covered = h.end;
    if (!tools.includes(h.tool)) tools.push(h.tool);
  }
  return tools;
}

function slugOfFirstWord(value: string): string {
  const first = value.trim().split(/\s+/)[0];
  const slug = first.toLowerCase().replace(/[^a-z0-9]+/g, "-");
  const start = slug.startsWith("-") ? 1 : 0;
  const end = slug.endsWith("-") ? slug.length - 1 : slug.length;
  return slug.slice(start, Math.max(start, end)) || UNSPECIFIED_TOOL;
}

/** The declared tools whose trailer this is, and the value after the longest declared prefix. */
function declaredTrailerTools(trailer: Trailer, index: DeclaredIndex): { tools: string[]; rest: string } {
  const value = trailer.value.toLowerCase();
  const tools: string[] = [];
  let longest = 0;
  for (const t of index.trailers) {
    if (t.key !== trailer.key || !value.startsWith(t.valuePrefix)) continue;
    if (!tools.includes(t.tool)) tools.push(t.tool);
    longest = Math.max(longest, t.valuePrefix.length);
  }
  return { tools, rest: trailer.value.slice(longest) };
}

function formatIdentity(id: GitIdentity): string {
  if (id.email) return `${id.name} <${id.email}>`;
  // Detection only quotes identities it matched, so a nameless one matched by its login.
  return id.name || `${id.login}`;
}

// ---- Signal collection ------------------------------------------------------------------------

class Signals {
  private readonly seen = new Set<string>();
  readonly list: Signal[] = [];

  constructor(
    private readonly where: string,
    private readonly commit?: string,
    private readonly decisive = true,
  ) {}

  add(tool: string, kind: SignalKind, evidence: string, where = this.where): void {
    const key = `${tool}\u0000${kind}\u0000${where}\u0000${evidence}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const signal: Signal = { tool, kind, where, evidence, decisive: this.decisive };
    if (this.commit !== undefined) signal.commit = this.commit;
    this.list.push(signal);
  }
}

/** Tools a `Co-authored-by:` value identifies: by address, except tools matched by name. */
function coAuthorTools(value: string, index: DeclaredIndex): { tool: string; kind: SignalKind }[] {
  const { name, email } = parseNamedAddress(value);
  if (email) {
    const own = declaredToolForEmail(email, index);
    if (own) return [{ tool: own, kind: "declared-identity" }];
  }
  const tools = new Set<string>();
  const byEmail = email ? catalogueToolForEmail(email) : undefined;
  if (byEmail) tools.add(byEmail);
  for (const n of CO_AUTHOR_NAMES) if (n.re.test(name)) tools.add(n.tool);
  return [...tools].map((tool) => ({ tool, kind: "co-author-trailer" as const }));
}

function declaresNoAssistance(value: string): boolean {
  // Trailing `.`/`!` stripped by hand: `/[.!]+$/` retries every run of them, quadratically.
  let end = value.length;
  while (end > 0 && (value[end - 1] === "." || value[end - 1] === "!")) end--;
  const v = value.slice(0, end).toLowerCase();
  return v === "" || NO_ASSISTANCE.has(v);
}

/**
 * Marks written in text: footers, body marks and session links. Skips tools the line already
 * named. On a line too long to be a trailer the evidence is the mark itself, not the whole line.
 */
function addLineMarks(out: Signals, line: string, already: readonly string[], prBody: boolean): void {
  if (!ANY_LINE_MARK.test(line)) return;
  for (const mark of LINE_MARKS) {
    if (already.includes(mark.tool)) continue;
    const m = mark.re.exec(line);
    if (m) out.add(mark.tool, prBody ? "pr-body" : mark.kind, line.length > MAX_TRAILER_LINE ? m[0] : line);
  }
}

/**
 * The signals of one line of a commit message (`prBody: false`) or a PR body (`prBody: true`).
 * Generic trailers are only read in commits: PR templates carry prompts like `AI-assisted: yes/no`.
 */
function scanLine(out: Signals, raw: string, index: DeclaredIndex, prBody: boolean): void {
  const line = raw.trim();
  if (!line) return;
  const named: string[] = [];
  const emit = (tool: string, kind: SignalKind): void => {
    named.push(tool);
    out.add(tool, prBody ? "pr-body" : kind, line);
  };
  // The raw line: its length, padding included, is what decides whether it can be a trailer.
  const trailer = parseTrailer(raw);
  if (trailer) scanTrailer(trailer, index, prBody, emit);
  addLineMarks(out, line, named, prBody);
}

function scanTrailer(trailer: Trailer, index: DeclaredIndex, prBody: boolean, emit: (tool: string, kind: SignalKind) => void): void {
  const generic = GENERIC_KEYS.has(trailer.key);
  // `AI-assisted: no` is a declaration, not a mark; the line is still read for links.
  if (generic && declaresNoAssistance(trailer.value)) return;
  const own = declaredTrailerTools(trailer, index);
  for (const tool of own.tools) emit(tool, generic ? "assist-trailer" : "declared-identity");
  if (generic) {
    if (prBody) return;
    // Every tool the value names, beyond what the declared prefix already said (SPEC §3).
    const named = toolsNamedIn(own.rest, [...index.words, ...CATALOGUE_WORDS]).filter((t) => !own.tools.includes(t));
    for (const tool of named) emit(tool, "assist-trailer");
    if (own.tools.length === 0 && named.length === 0) emit(slugOfFirstWord(trailer.value), "assist-trailer");
  } else if (own.tools.length > 0) {
    return;
  } else if (trailer.key === CO_AUTHOR_KEY) {
    for (const { tool, kind } of coAuthorTools(trailer.value, index)) emit(tool, kind);
  } else if (trailer.value) {
    const known = TOOL_TRAILERS.get(trailer.key);
    if (known) emit(known.tool, known.kind);
  }
}

function authorSignals(out: Signals, author: GitIdentity, index: DeclaredIndex): void {
  const email = author.email.trim().toLowerCase();
  const logins = [author.login, noreplyLogin(email)].filter((l): l is string => !!l).map(normaliseLogin);
  const evidence = formatIdentity(author);
  const own = index.emails.get(email) ?? logins.map((l) => index.bots.get(l)).find(Boolean);
  if (own) {
    out.add(own, "declared-identity", evidence);
  } else {
    const tool = logins.map((l) => LOGIN_TOOL.get(l)).find(Boolean) ?? catalogueToolForEmail(email);
    if (tool) out.add(tool, "author", evidence);
  }
  const name = author.name.toLowerCase();
  for (const s of NAME_SUFFIXES) if (name.endsWith(s.suffix)) out.add(s.tool, "author", evidence);
}

/** Only addresses that mark a tool as committer count: a committer-only ` (aider)` is the user's edit. */
function committerSignals(out: Signals, committer: GitIdentity, index: DeclaredIndex): void {
  const email = committer.email.trim().toLowerCase();
  const evidence = formatIdentity(committer);
  const own = index.emails.get(email);
  if (own) {
    out.add(own, "declared-identity", evidence);
    return;
  }
  const tool = COMMITTER_EMAIL_TOOL.get(email);
  if (tool) out.add(tool, "committer", evidence);
}

// ---- Public API -------------------------------------------------------------------------------

/** Decisive commit-level signals; a commit with any is AI-marked. */
export function detectCommit(commit: SnapshotCommit, ai: AiConfig): Signal[] {
  const index = declared(ai);
  const out = new Signals(`commit ${shortSha(commit.sha)}`, commit.sha);
  authorSignals(out, commit.author, index);
  committerSignals(out, commit.committer, index);
  const lines = messageLines(commit.message);
  const subject = lines[0].trimStart();
  for (const p of SUBJECT_PREFIXES) if (subject.startsWith(p.prefix)) out.add(p.tool, "subject-prefix", subject.trimEnd());
  for (const line of lines) scanLine(out, line, index, false);
  return out.list;
}

/** PR-level signals (decisive: every changed file is AI-touched) followed by branch hints. */
export function detectPullRequest(pr: SnapshotPullRequest, ai: AiConfig): Signal[] {
  const index = declared(ai);
  const out = new Signals("pull request body");
  const aiLabels = new Set(ai.labels.map((l) => l.trim().toLowerCase()));
  for (const label of pr.labels) {
    if (!aiLabels.has(label.trim().toLowerCase())) continue;
    const tool = toolsNamedIn(label, index.words)[0] ?? toolsNamedIn(label, CATALOGUE_WORDS)[0] ?? UNSPECIFIED_TOOL;
    out.add(tool, "label", label, `label ${label}`);
  }
  const authorTool = agentTool(pr.author, index);
  if (authorTool) out.add(authorTool, "pr-author", pr.author, "pull request author");
  for (const line of messageLines(pr.body ?? "")) scanLine(out, line, index, true);

  const hints = new Signals(`branch ${pr.head_ref}`, undefined, false);
  const ref = (pr.head_ref ?? "").toLowerCase();
  for (const b of BRANCH_PREFIXES) if (ref.startsWith(b.prefix)) hints.add(b.tool, "branch-hint", pr.head_ref);
  return [...out.list, ...hints.list];
}

function agentTool(login: string, index: DeclaredIndex): string | undefined {
  const l = normaliseLogin(login);
  return index.bots.get(l) ?? LOGIN_TOOL.get(l);
}

/** The tool of an agent account (a catalogue agent or a bot the repository declares), if it is one. */
export function agentToolOf(login: string, ai: AiConfig): string | undefined {
  return agentTool(login, declared(ai));
}

/** A catalogue agent account or a bot the repository declares; dependency bots are not agents. */
export function isAgentLogin(login: string, ai?: AiConfig): boolean {
  const l = normaliseLogin(login);
  if (LOGIN_TOOL.has(l)) return true;
  return ai !== undefined && declared(ai).bots.has(l);
}

/** Config first, then the catalogue (every catalogue tool is external), unknown → external. */
export function toolTrust(toolId: string, ai: AiConfig): Trust {
  const own = Object.hasOwn(ai.tools, toolId) ? ai.tools[toolId] : undefined;
  return own?.trust ?? "external";
}

/**
 * Whether an identity is an AI tool itself rather than a person: such identities are not
 * AI-session authors. Only an e-mail or login can say so, never a display name: anyone can set
 * `user.name` to a tool's name, and a signal may only ever add people, never remove one. (So the
 * person behind a `claude-flow` co-author line, whose address is their own, is an author; and a
 * ` (aider)` suffix marks the user who drove aider.)
 */
export function isToolIdentity(id: { email: string; login: string | null }, ai: AiConfig): boolean {
  const index = declared(ai);
  const email = id.email.trim().toLowerCase();
  const logins = [id.login, noreplyLogin(email)].filter((l): l is string => !!l).map(normaliseLogin);
  if (email && (declaredToolForEmail(email, index) || catalogueToolForEmail(email) || COMMITTER_EMAIL_TOOL.has(email))) return true;
  return logins.some((l) => index.bots.has(l) || LOGIN_TOOL.has(l));
}
