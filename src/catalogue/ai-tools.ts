/**
 * The catalogue of known AI coding tools (SPEC §3, Appendix A): which identities, trailers,
 * footers and links mean which tool. This is the one place that knows tool identities; the
 * detectors in `src/evaluate/detect.ts` only interpret it.
 *
 * Conventions:
 * - e-mails and logins are written in lower case; matching is case-insensitive;
 * - regexes are literals, so they are compiled once when the module loads;
 * - `logins` are GitHub accounts of the agent. They match the author's login when the loader
 *   knows it, and the login inside a GitHub no-reply address (`ID+login@users.noreply.github.com`
 *   or `login@users.noreply.github.com`) — the login decides, never the number, because
 *   `41898282` is both `github-actions[bot]` and the Claude action's default `claude[bot]`.
 * - an identity is a person's only when the catalogue names that exact address: a human
 *   co-author at an AI company's domain (`someone@anthropic.com`) is never a signal.
 */

export interface ToolEntry {
  /** Canonical lower-case slug, e.g. `claude-code`. */
  readonly id: string;
  /** What a person reads in a check run, e.g. `Claude Code`. */
  readonly name: string;
  /**
   * Words naming the tool, its model family or its vendor, used to attribute a free-text trailer
   * (`Assisted-by: OpenAI GPT-5.4` → codex). Matched as whole words, case-insensitively.
   */
  readonly words: readonly string[];
  /** Exact addresses the tool authors or co-authors commits with. */
  readonly emails?: readonly string[];
  /** Address families with a variable part. Anchored; tested against the lower-cased address. */
  readonly emailPatterns?: readonly RegExp[];
  /**
   * Addresses that mark the tool even as the commit's committer only. Most tools do not qualify:
   * a committer-only identity usually means the tool merely recorded a person's own edit.
   */
  readonly committerEmails?: readonly string[];
  /** GitHub agent accounts (bots and machine users). */
  readonly logins?: readonly string[];
  /** Author-name suffixes the tool appends to the user's name (`Jane (aider)`). */
  readonly authorNameSuffixes?: readonly string[];
  /** Co-author display names that identify the tool where the address does not (it is a person's). */
  readonly coAuthorNames?: readonly RegExp[];
  /** Subject-line prefixes the tool writes (case-sensitive: the tool writes them one way). */
  readonly subjectPrefixes?: readonly string[];
  /** Footer lines the tool writes into commit messages and PR bodies. */
  readonly footers?: readonly RegExp[];
  /** Marks the tool writes into PR descriptions (also found in squash commits, which carry the body). */
  readonly prBodyMarks?: readonly RegExp[];
  /** Trailer keys that record the tool's session or thread (`Claude-Session`). Lower case. */
  readonly sessionTrailers?: readonly string[];
  /** Tool-specific attribution trailer keys (`Claude-Generated-By`). Lower case. */
  readonly attributionTrailers?: readonly string[];
  /** Links to the tool's sessions or tasks, in commit messages and PR bodies. */
  readonly sessionLinks?: readonly RegExp[];
  /** Branch prefixes the tool uses by default: hints only, whoever pushes chooses the name. */
  readonly branchPrefixes?: readonly string[];
  /**
   * Handles (lower case, without `@`) whose mention in a comment or review on a pull request asks
   * the tool's agent account to work on it: the comment's author asked for what the agent pushes.
   */
  readonly requestMentions?: readonly string[];
  /**
   * Lines the tool writes into its own pull request's description naming who started it; the
   * first group is that person's login. Read only when the tool's account opened the pull request.
   */
  readonly requesterMarks?: readonly RegExp[];
}

export const AI_TOOLS: readonly ToolEntry[] = [
  {
    id: "claude-code",
    name: "Claude Code",
    words: ["claude", "anthropic"],
    emails: ["noreply@anthropic.com"],
    logins: ["claude[bot]"],
    footers: [/\bGenerated with \[?Claude Code\b/i],
    sessionTrailers: ["claude-session"],
    attributionTrailers: ["claude-generated-by"],
    sessionLinks: [/\bclaude\.ai\/code\/session_[A-Za-z0-9]+/i],
    branchPrefixes: ["claude/"],
    // The Claude GitHub app (claude-code-action) acts on its trigger phrase, `@claude` by default.
    requestMentions: ["claude"],
  },
  {
    id: "codex",
    name: "Codex",
    words: ["codex", "openai", "gpt", "chatgpt"],
    emails: ["noreply@openai.com", "codex@openai.com"],
    logins: ["chatgpt-codex-connector[bot]"],
    sessionLinks: [/\bchatgpt\.com\/codex\/tasks\/[\w-]+/i],
    branchPrefixes: ["codex/"],
    // `@codex` on a pull request starts a Codex cloud task; it counts once the connector's own
    // account committed or pushed there (a review by it does not).
    requestMentions: ["codex"],
  },
  {
    id: "copilot",
    name: "GitHub Copilot",
    words: ["copilot"],
    // One account, `Copilot`, appears under several ids (198982749 agent, 223556219 CLI,
    // 175728472 review suggestions): the login identifies it.
    // GraphQL types `Copilot` as a Bot, which the GitHub loader writes `Copilot[bot]` as it writes
    // every bot login the way REST does; REST itself says `Copilot`.
    logins: ["copilot", "copilot[bot]", "copilot-swe-agent[bot]", "copilot-pull-request-reviewer[bot]"],
    // VS Code's Copilot chat adds `Co-authored-by: Copilot <copilot@github.com>` to commits it helped write.
    emails: ["copilot@github.com"],
    // Code-scanning autofix co-authors as `github-advanced-security[bot]`, which also does non-AI
    // work; the display name is what says Copilot wrote the fix.
    coAuthorNames: [/^Copilot Autofix powered by AI$/i],
    sessionTrailers: ["copilot-session", "agent-logs-url"],
    prBodyMarks: [/<!--\s*START COPILOT CODING AGENT TIPS\s*-->/i],
    branchPrefixes: ["copilot/"],
    // Copilot's coding agent starts a session on a pull request comment that mentions `@copilot`.
    requestMentions: ["copilot"],
  },
  {
    id: "cursor",
    name: "Cursor",
    words: ["cursor"],
    emails: ["cursoragent@cursor.com"],
    // The background agent commits the user's branch as itself.
    committerEmails: ["cursoragent@cursor.com"],
    logins: ["cursor[bot]"],
    footers: [/\bMade with \[Cursor\]/i],
    sessionLinks: [/\bcursor\.com\/agents\/bc-[\w-]+/i, /\bbackground-agent\?bcId=[\w-]+/i],
    branchPrefixes: ["cursor/"],
  },
  {
    id: "aider",
    name: "Aider",
    words: ["aider"],
    // Only the tool's own mailboxes: paul@aider.chat is a person.
    emailPatterns: [/^(?:aider|noreply)@aider\.(?:chat|dev)$/],
    authorNameSuffixes: [" (aider)"],
    subjectPrefixes: ["aider: "],
    // Its earliest commits (2023) carried the chat itself: `# Context:`, then `USER: …` and
    // `ASSISTANT: …` lines; later ones `# Aider chat conversation:`. Both case-sensitive.
    footers: [/^# Aider chat conversation:/, /^ASSISTANT: \S/],
  },
  {
    id: "devin",
    name: "Devin",
    words: ["devin"],
    // `devin-cognition` is the user account Devin committed under before the GitHub App (2024).
    logins: ["devin-ai-integration[bot]", "devin-cognition"],
    sessionLinks: [/\bapp\.devin\.ai\/sessions\/[\w-]+/i],
    prBodyMarks: [/\bLink to Devin run:/i],
    branchPrefixes: ["devin/"],
  },
  {
    id: "jules",
    name: "Jules",
    words: ["jules"],
    logins: ["google-labs-jules[bot]"],
    sessionLinks: [/\bjules\.google\.com\/task\/[\w-]+/i],
    prBodyMarks: [/\bPR created automatically by Jules\b/i],
    // "PR created automatically by Jules for task [1234](https://jules.google.com/task/1234) started by @alice"
    requesterMarks: [/\bPR created automatically by Jules for task\b[^\n]{0,512}?\bstarted by @([A-Za-z0-9][A-Za-z0-9-]{0,38})(?![\w-])/i],
  },
  {
    id: "openhands",
    name: "OpenHands",
    words: ["openhands", "opendevin", "all hands"],
    // The project's identities from before its rename: `OpenDevin <opendevin@opendevin.ai>` is
    // what its sandbox configured (`git config --global user.email`), `OpenDevinBot
    // <bot@opendevin.com>` what its early agent runs co-authored with.
    emails: ["openhands@all-hands.dev", "opendevin@all-hands.dev", "opendevin@opendevin.ai", "bot@opendevin.com"],
    logins: ["openhands-agent"],
    sessionLinks: [/\bapp\.all-hands\.dev\/conversations\/[\w-]+/i],
    prBodyMarks: [/\bAutomatic fix generated by \[OpenHands\]/i],
  },
  {
    id: "amp",
    name: "Amp",
    words: ["amp", "ampcode"],
    emails: ["amp@ampcode.com"],
    sessionTrailers: ["amp-thread-id", "amp-thread"],
    sessionLinks: [/\bampcode\.com\/threads\/T-[\w-]+/i],
  },
  {
    id: "gemini",
    name: "Gemini",
    words: ["gemini"],
    // Not `gemini-cli-robot`: that is the project's release robot.
    logins: ["gemini-code-assist[bot]", "gemini-cli[bot]"],
    // Gemini CLI's first commits, when it was called Gemini Code, signed themselves
    // "Generated by yours truly __Gemini Code__" / "Created by yours truly: __Gemini Code__".
    footers: [/\bby yours truly:? +__Gemini Code__/i],
  },
  {
    id: "qwen-code",
    name: "Qwen Code",
    words: ["qwen", "qwen-coder", "qwen code"],
    emails: ["qwen-coder@alibabacloud.com"],
  },
  {
    id: "cline",
    name: "Cline",
    words: ["cline"],
    // Cline's agents commit as `Cline Agent <cline-agent@users.noreply.github.com>`, the cloud
    // agent as `cline-cloud[bot]` or co-authors as `Cline Cloud Agent` / `Cline` (the org's own
    // no-reply address: an organisation account never commits by hand), and a local agent run as
    // `cline <cline@cline.local>`; the cloud agent's co-author lines also use the role mailboxes
    // `Cline Bot <bot@cline.bot>` and `Cline <noreply@cline.bot>`. Other people at cline.bot are
    // people; `Cline Evaluation <cline@example.com>` is the evaluation harness's placeholder
    // identity, not a tool's mark.
    emails: ["cline@cline.local", "bot@cline.bot", "noreply@cline.bot"],
    logins: ["cline-agent", "cline-cloud[bot]", "cline-cloud-agent", "cline"],
  },
  {
    id: "continue",
    name: "Continue",
    words: ["continue.dev"],
    // People at continue.dev (nate@, e2e@) are people: only the agent's two mailboxes count.
    emails: ["noreply@continue.dev", "agent@continue.dev"],
    logins: ["continue[bot]", "continue-staging[bot]"],
    // The CLI's system prompt asks for `Generated with [Continue](https://continue.dev)`; its
    // early versions wrote `Generated with Continue (cn)` or `Commit generated with [cn](…)`.
    footers: [
      /\bGenerated with \[?Continue\]? *\((?:https:\/\/continue\.dev\b|cn\))/i,
      /\bgenerated with \[cn\]\(https:\/\/docs\.continue\.dev\//i,
    ],
  },
  {
    id: "opencode",
    name: "OpenCode",
    words: ["opencode"],
    // Its GitHub agent commits as `opencode-agent[bot]` and links the session from the PR body.
    logins: ["opencode-agent[bot]"],
    sessionLinks: [/\bopencode\.ai\/s\/[\w-]+/i],
    branchPrefixes: ["opencode/"],
  },
  // AI code reviewers: GitHub co-authors a committed review suggestion with the reviewer's
  // account, so that commit carries code the reviewer wrote.
  { id: "ellipsis", name: "Ellipsis", words: ["ellipsis-dev"], logins: ["ellipsis-dev[bot]"] },
  { id: "greptile", name: "Greptile", words: ["greptile"], logins: ["greptile-apps[bot]"] },
  { id: "coderabbit", name: "CodeRabbit", words: ["coderabbit", "coderabbitai"], logins: ["coderabbitai[bot]"] },
  { id: "cubic", name: "cubic", words: ["cubic-dev-ai"], logins: ["cubic-dev-ai[bot]"] },
  { id: "kiro", name: "Kiro", words: ["kiro"], logins: ["kiro-agent"] },
  {
    id: "factory-droid",
    name: "Factory Droid",
    words: ["factory droid", "droid"],
    logins: ["factory-droid[bot]"],
  },
  { id: "warp", name: "Warp", words: ["warp"], emails: ["agent@warp.dev", "oz-agent@warp.dev"] },
  { id: "cosine", name: "Cosine", words: ["cosine"], emails: ["agent@cosine.sh"] },
  { id: "mentat", name: "Mentat", words: ["mentat"], logins: ["mentatbot"] },
  { id: "engine-labs", name: "Engine Labs", words: ["engine labs"], logins: ["engine-labs-app[bot]"] },
  { id: "codeflash", name: "Codeflash", words: ["codeflash"], logins: ["codeflash-ai[bot]"] },
  {
    id: "firebender",
    name: "Firebender",
    words: ["firebender"],
    emails: ["help@firebender.com"],
    footers: [/\bGenerated with \[Firebender\]/i],
  },
  {
    id: "claude-flow",
    name: "Claude Flow",
    words: ["claude-flow", "claude flow"],
    // Its trailer carries the maintainer's own address, so only the name identifies it.
    coAuthorNames: [/^claude-flow$/i],
  },
  {
    id: "sisyphus",
    name: "Sisyphus",
    words: ["sisyphus"],
    emails: ["clio-agent@sisyphuslabs.ai"],
    footers: [/\bUltraworked with \[Sisyphus\]/i],
  },
];

/**
 * Trailer keys that declare AI assistance whatever their value (lower case). The value names
 * the tool, if anything does.
 */
export const GENERIC_AI_TRAILERS: readonly string[] = [
  "assisted-by",
  "generated-by",
  "ai-assisted",
  "co-authored-by-ai",
  "made-with",
];

/** Values of a generic trailer that declare no assistance at all (compared lower-cased). */
export const NO_ASSISTANCE_VALUES: readonly string[] = ["no", "none", "false"];

/** The tool id for a declaration that names no tool (a generic `ai-assisted` label). */
export const UNSPECIFIED_TOOL = "unspecified";

/**
 * Automation that is never AI although it commits, co-authors or opens pull requests. The
 * catalogue does not list these as agents, so they are never signals; the list exists so tests
 * and readers can see the decision was deliberate.
 */
export const NOT_AI_ACCOUNTS: readonly string[] = [
  "dependabot[bot]",
  "renovate[bot]",
  "github-actions[bot]",
  "web-flow",
  "gemini-cli-robot",
];

const BY_ID = new Map(AI_TOOLS.map((tool) => [tool.id, tool] as const));

export function findCatalogueTool(id: string): ToolEntry | undefined {
  return BY_ID.get(id);
}

/** A tool as people name it ("Claude Code"); a tool the catalogue lacks keeps its id. */
export function toolDisplayName(toolId: string): string {
  if (toolId === UNSPECIFIED_TOOL) return "unspecified AI tool";
  return findCatalogueTool(toolId)?.name ?? toolId;
}
