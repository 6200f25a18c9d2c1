/**
 * `provenance-gate detect [REVRANGE] [-- GIT-LOG-ARGS]`: the AI signals of each commit — for
 * people keeping AI-generated files out of training sets as much as for reviewers. Commits are
 * read and printed one at a time, so memory stays flat however long the history (SPEC §8).
 */
import type { Policy } from "../model/policy.js";
import type { Signal } from "../model/verdict.js";
import { detectCommit } from "../evaluate/detect.js";
import { DEFAULT_AI_LABELS } from "../policy/index.js";
import { createGit, resolveRange, toSnapshotCommit } from "../load/git/index.js";
import { streamLog } from "../load/git/stream-log.js";
import { oneLine, truncate } from "../report/format.js";
import { plural, shortSha } from "../shared/format.js";
import { CONFIG_OPTION, FORMAT_OPTION, formatFlag, parseFlags, stringFlag } from "./args.js";
import { UsageError } from "./errors.js";
import { EXIT_PASS, useColor, type CliIO } from "./io.js";
import { loadPolicy } from "./policy-file.js";

/** One commit's result: `--format jsonl` prints one a line, `--format json` an array, oldest first. */
export interface DetectedCommit {
  sha: string;
  ai: boolean;
  tools: string[];
  signals: Signal[];
}

/**
 * git-log options that change what git prints (the parser reads its own `--format`) or write
 * files. Everything else — limits, filters, ordering, revisions, paths — is passed through.
 */
const OUTPUT_OPTIONS =
  /^(?:--(?:format|pretty|oneline|output|patch|patch-with-stat|patch-with-raw|stat|numstat|shortstat|dirstat|name-only|name-status|raw|graph|summary|show-signature|cc|word-diff|binary|color|line-prefix|show-linear-break|null|log-size)(?:=|$)|-[puLWz]|-U|-c$|-m$)/;

/** Splits `[REVRANGE…] [-- GIT-LOG-ARGS]` at the first `--`. */
export function splitGitLogArgs(args: readonly string[]): { own: string[]; gitLog: string[] } {
  const at = args.indexOf("--");
  return at < 0 ? { own: [...args], gitLog: [] } : { own: args.slice(0, at), gitLog: args.slice(at + 1) };
}

function checkGitLogArgs(gitLog: readonly string[]): void {
  // After git-log's own `--`, everything is a path.
  const end = gitLog.indexOf("--");
  for (const arg of end < 0 ? gitLog : gitLog.slice(0, end)) {
    if (OUTPUT_OPTIONS.test(arg)) {
      throw new UsageError(`detect: git log option "${arg}" is not passed on: it changes what git prints or writes a file (use --format text|json|jsonl; see 'provenance-gate help detect')`);
    }
    if (/[\0\n]/.test(arg)) throw new UsageError("detect: a git log argument holds a NUL or a line break");
  }
}

export async function detectCommand(args: string[], io: CliIO): Promise<number> {
  const { own, gitLog } = splitGitLogArgs(args);
  const flags = parseFlags("detect", own, { ...CONFIG_OPTION, ...FORMAT_OPTION }, true);
  const format = formatFlag(flags, "detect", ["text", "json", "jsonl"]);
  checkGitLogArgs(gitLog);
  // Declared tools (`ai.tools`) are AI identities too; without a policy, the catalogue alone.
  const { policy } = await loadPolicy(io, stringFlag(flags, "config"));
  const ai: Policy["ai"] = policy?.ai ?? { labels: [...DEFAULT_AI_LABELS], tools: {} };

  const env = io.env as NodeJS.ProcessEnv;
  let revisions = flags.positionals;
  // With git-log arguments and no range, git log's own default (HEAD) applies.
  if (revisions.length === 0 && gitLog.length === 0) {
    const range = await resolveRange(createGit({ cwd: io.cwd, env }), undefined, undefined);
    revisions = [`${range.mergeBase}..${range.headSha}`];
  }
  const paths = gitLog.indexOf("--");
  const gitOptions = paths < 0 ? gitLog : gitLog.slice(0, paths);
  const gitPaths = paths < 0 ? [] : gitLog.slice(paths);
  const logArgs = ["--reverse", "--topo-order", ...gitOptions, ...(revisions.length > 0 ? ["--end-of-options", ...revisions] : []), ...gitPaths];

  const out = writer(io);
  const printer = format === "text" ? textPrinter(io) : format === "jsonl" ? jsonlPrinter() : jsonPrinter();
  let commits = 0;
  let marked = 0;
  const allTools = new Set<string>();
  for await (const c of streamLog({ cwd: io.cwd, env, args: logArgs })) {
    const signals = detectCommit(toSnapshotCommit(c), ai);
    const result: DetectedCommit = { sha: c.sha, ai: signals.length > 0, tools: [...new Set(signals.map((s) => s.tool))].sort(), signals };
    commits++;
    if (result.ai) marked++;
    for (const t of result.tools) allTools.add(t);
    await out(printer.commit(result, c.message));
  }
  await out(printer.end(commits, marked, [...allTools].sort()));
  return EXIT_PASS;
}

interface Printer {
  commit(result: DetectedCommit, message: string): string;
  end(commits: number, marked: number, tools: string[]): string;
}

function jsonlPrinter(): Printer {
  return { commit: (r) => `${JSON.stringify(r)}\n`, end: () => "" };
}

/** The same array `JSON.stringify(all, null, 2)` gives, written a commit at a time. */
function jsonPrinter(): Printer {
  let first = true;
  return {
    commit: (r) => {
      const item = JSON.stringify(r, null, 2).replace(/\n/g, "\n  ");
      const head = first ? "[\n  " : ",\n  ";
      first = false;
      return `${head}${item}`;
    },
    end: () => (first ? "[]\n" : "\n]\n"),
  };
}

/** Column widths fixed up front: a streamed table cannot wait for its widest row. */
const TOOLS_WIDTH = 14;
const KIND_WIDTH = 17;

function textPrinter(io: CliIO): Printer {
  const color = useColor(io);
  const dim = (s: string) => (color ? `\u001b[2m${s}\u001b[0m` : s);
  const bold = (s: string) => (color ? `\u001b[1m${s}\u001b[0m` : s);
  return {
    commit: (r, message) => {
      const tools = r.ai ? r.tools.join(",") : "-";
      const eol = message.indexOf("\n");
      const subject = eol < 0 ? message : message.slice(0, eol);
      const lines = [`${shortSha(r.sha)}  ${(r.ai ? bold : dim)(tools.padEnd(TOOLS_WIDTH))}  ${truncate(oneLine(subject), 72)}`];
      for (const s of r.signals) lines.push(`         ${dim(s.kind.padEnd(KIND_WIDTH))}  ${truncate(oneLine(s.evidence), 90)}`);
      return `${lines.join("\n")}\n`;
    },
    end: (commits, marked, tools) => `${commits > 0 ? "\n" : ""}${plural(commits, "commit")}, ${marked} AI-marked${tools.length > 0 ? ` (${tools.join(", ")})` : ""}\n`,
  };
}

/** Writes and, when the stream says it is full, waits for it to drain: memory stays flat. */
function writer(io: CliIO): (chunk: string) => Promise<void> {
  const stream = io.stdout as CliIO["stdout"] & { once?: (event: string, listener: () => void) => unknown };
  return async (chunk) => {
    if (chunk === "") return;
    if (stream.write(chunk) === false && typeof stream.once === "function") {
      await new Promise<void>((resolve) => stream.once!("drain", resolve));
    }
  };
}
