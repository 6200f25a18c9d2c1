/**
 * `provenance-gate detect [REVRANGE]`: the AI signals of each commit — for people keeping
 * AI-generated files out of training sets as much as for reviewers.
 */
import type { Policy } from "../model/policy.js";
import type { Signal } from "../model/verdict.js";
import { detectCommit } from "../evaluate/detect.js";
import { DEFAULT_AI_LABELS } from "../policy/index.js";
import { createGit, logCommits, resolveRange, toSnapshotCommit } from "../load/git/index.js";
import { oneLine, truncate } from "../report/format.js";
import { plural, shortSha } from "../shared/format.js";
import { CONFIG_OPTION, FORMAT_OPTION, formatFlag, parseFlags, stringFlag } from "./args.js";
import { EXIT_PASS, useColor, type CliIO } from "./io.js";
import { loadPolicy } from "./policy-file.js";

/** One commit's result; `--format json` prints an array of these, oldest first. */
export interface DetectedCommit {
  sha: string;
  ai: boolean;
  tools: string[];
  signals: Signal[];
}

export async function detectCommand(args: string[], io: CliIO): Promise<number> {
  const flags = parseFlags("detect", args, { ...CONFIG_OPTION, ...FORMAT_OPTION }, true);
  const format = formatFlag(flags, "detect", ["text", "json"]);
  // Declared tools (`ai.tools`) are AI identities too; without a policy, the catalogue alone.
  const { policy } = await loadPolicy(io, stringFlag(flags, "config"));
  const ai: Policy["ai"] = policy?.ai ?? { labels: [...DEFAULT_AI_LABELS], tools: {} };

  const git = createGit({ cwd: io.cwd, env: io.env as NodeJS.ProcessEnv });
  let revisions = flags.positionals;
  if (revisions.length === 0) {
    const range = await resolveRange(git, undefined, undefined);
    revisions = [`${range.mergeBase}..${range.headSha}`];
  }
  const logged = await logCommits(git, revisions);
  const results: (DetectedCommit & { subject: string })[] = logged.map((c) => {
    const signals = detectCommit(toSnapshotCommit(c), ai);
    return { sha: c.sha, ai: signals.length > 0, tools: [...new Set(signals.map((s) => s.tool))].sort(), signals, subject: c.message.split("\n")[0] };
  });

  if (format === "json") {
    const out: DetectedCommit[] = results.map(({ sha, ai: isAi, tools, signals }) => ({ sha, ai: isAi, tools, signals }));
    io.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return EXIT_PASS;
  }

  const color = useColor(io);
  const dim = (s: string) => (color ? `\u001b[2m${s}\u001b[0m` : s);
  const bold = (s: string) => (color ? `\u001b[1m${s}\u001b[0m` : s);
  const toolWidth = Math.max(1, ...results.map((r) => r.tools.join(",").length));
  const kindWidth = Math.max(0, ...results.flatMap((r) => r.signals.map((s) => s.kind.length)));
  const lines: string[] = [];
  for (const r of results) {
    const tools = r.ai ? r.tools.join(",") : "-";
    lines.push(`${shortSha(r.sha)}  ${(r.ai ? bold : dim)(tools.padEnd(toolWidth))}  ${truncate(oneLine(r.subject), 72)}`);
    for (const s of r.signals) lines.push(`         ${dim(s.kind.padEnd(kindWidth))}  ${truncate(oneLine(s.evidence), 90)}`);
  }
  const marked = results.filter((r) => r.ai);
  const allTools = [...new Set(marked.flatMap((r) => r.tools))].sort();
  if (results.length > 0) lines.push("");
  lines.push(`${plural(results.length, "commit")}, ${marked.length} AI-marked${allTools.length > 0 ? ` (${allTools.join(", ")})` : ""}`);
  io.stdout.write(`${lines.join("\n")}\n`);
  return EXIT_PASS;
}
