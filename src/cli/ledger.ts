/**
 * `provenance-gate ledger [REV]`: which lines of the files in the policy's classes came from
 * which AI tool, through which commits (SPEC §9) — for the people who build training sets and
 * eval suites, and the exclude list their pipelines filter on.
 */
import { AI_TOOLS } from "../catalogue/ai-tools.js";
import { toolTrust } from "../evaluate/detect.js";
import { createGit, resolveCommit, repositoryRoot } from "../load/git/index.js";
import { buildLedger } from "../ledger/build.js";
import { excludeList, ledgerCsv, ledgerJson, ledgerJsonl, ledgerText } from "../ledger/format.js";
import { ledgerHtml } from "../ledger/html.js";
import type { ToolFilter } from "../ledger/origins.js";
import { POLICY_PATH, type Policy } from "../model/policy.js";
import { parsePolicy } from "../policy/index.js";
import { nearest } from "../shared/did-you-mean.js";
import { CONFIG_OPTION, parseFlags, stringFlag } from "./args.js";
import { ConfigFileError, UsageError } from "./errors.js";
import { EXIT_PASS, type CliIO } from "./io.js";
import { loadPolicy } from "./policy-file.js";
import { basename } from "node:path";

const FORMATS = ["text", "json", "jsonl", "csv", "html"] as const;
type LedgerFormat = (typeof FORMATS)[number];

const OPTIONS = {
  ...CONFIG_OPTION,
  format: { type: "string" },
  tools: { type: "string" },
  "all-files": { type: "boolean" },
  "exclude-list": { type: "boolean" },
} as const;

export async function ledgerCommand(args: string[], io: CliIO): Promise<number> {
  const flags = parseFlags("ledger", args, OPTIONS, true);
  if (flags.positionals.length > 1) throw new UsageError("ledger: one revision at most (see 'provenance-gate help ledger')");
  const format = (stringFlag(flags, "format") ?? "text") as LedgerFormat;
  if (!FORMATS.includes(format)) throw new UsageError(`ledger: --format must be one of ${FORMATS.join(", ")} (got "${format}")`);
  const exclude = flags.values["exclude-list"] === true;
  if (exclude && stringFlag(flags, "format") !== undefined) throw new UsageError("ledger: --exclude-list prints paths; it takes no --format");

  const env = io.env as NodeJS.ProcessEnv;
  const git = createGit({ cwd: io.cwd, env });
  const root = await repositoryRoot(git);
  const rev = flags.positionals[0] ?? "HEAD";
  const revision = await resolveCommit(git, rev, "revision");
  const { policy, policyRef } = await ledgerPolicy(io, git, revision, rev, stringFlag(flags, "config"), flags.values["all-files"] === true);
  const toolsFlag = stringFlag(flags, "tools") ?? (exclude ? "external" : "all");
  const selected = toolFilter(toolsFlag, policy, io);

  const ledger = await buildLedger({
    cwd: root,
    env,
    revision,
    repository: await repositoryName(git, root),
    policy,
    policyRef,
    allFiles: flags.values["all-files"] === true,
    selected,
    toolsLabel: toolsFlag,
  });
  if (format !== "text") for (const w of ledger.warnings) io.stderr.write(`provenance-gate: warning: ${w} (ignored)\n`);

  if (exclude) io.stdout.write(excludeList(ledger, selected));
  else if (format === "json") io.stdout.write(ledgerJson(ledger));
  else if (format === "jsonl") io.stdout.write(ledgerJsonl(ledger));
  else if (format === "csv") io.stdout.write(ledgerCsv(ledger));
  else if (format === "html") io.stdout.write(ledgerHtml(ledger));
  else io.stdout.write(ledgerText(ledger));
  return EXIT_PASS;
}

/** The policy at the revision (as the gate judged the history by it), unless --config names one. */
async function ledgerPolicy(
  io: CliIO,
  git: ReturnType<typeof createGit>,
  revision: string,
  rev: string,
  config: string | undefined,
  allFiles: boolean,
): Promise<{ policy: Policy; policyRef: { path: string; blob: string | null } }> {
  if (config !== undefined) {
    const loaded = await loadPolicy(io, config);
    if (!loaded.policy) throw new UsageError(`cannot read ${config}`);
    return { policy: loaded.policy, policyRef: { path: config, blob: loaded.policy.source.blob_sha ?? null } };
  }
  let text: string | undefined;
  let blob: string | null = null;
  try {
    blob = (await git(["rev-parse", "--verify", "--quiet", `${revision}:${POLICY_PATH}`])).trim() || null;
    text = await git(["show", `${revision}:${POLICY_PATH}`]);
  } catch {
    text = undefined;
  }
  if (text === undefined) {
    if (!allFiles) throw new UsageError(`ledger: no ${POLICY_PATH} at ${rev}; pass --config FILE, or --all-files to judge every file`);
    text = "version: 1\n";
  }
  const file = `${rev}:${POLICY_PATH}`;
  const result = parsePolicy(text, { file, source: { path: POLICY_PATH, ref: revision, ...(blob ? { blob_sha: blob } : {}) } });
  if (!result.ok) throw new ConfigFileError(file, result.errors);
  return { policy: result.policy, policyRef: { path: POLICY_PATH, blob } };
}

/** `all`, `external`, or tool ids; an id no source names is a warning (with the nearest known). */
export function toolFilter(value: string, policy: Policy, io: CliIO): ToolFilter {
  const v = value.trim().toLowerCase();
  if (v === "all") return () => true;
  if (v === "external") return (tool) => toolTrust(tool, policy.ai) === "external";
  const ids = v.split(",").map((s) => s.trim()).filter(Boolean);
  if (ids.length === 0) throw new UsageError('ledger: --tools needs "all", "external" or tool ids');
  const known = [...AI_TOOLS.map((t) => t.id), ...Object.keys(policy.ai.tools)];
  for (const id of ids) {
    if (known.includes(id)) continue;
    const near = known.find((k) => k.startsWith(id)) ?? nearest(id, known);
    io.stderr.write(`provenance-gate: warning: --tools: "${id}" is not a known tool id${near ? ` (did you mean "${near}"?)` : ""}\n`);
  }
  const set = new Set(ids);
  return (tool) => set.has(tool);
}

async function repositoryName(git: ReturnType<typeof createGit>, root: string): Promise<string> {
  let url = "";
  try {
    url = (await git(["config", "--get", "remote.origin.url"])).trim();
  } catch {
    url = "";
  }
  const m = /github\.com[:/]+([^/\s]+)\/([^/\s]+?)(?:\.git)?\/?$/i.exec(url);
  return m ? `${m[1]}/${m[2]}` : `local/${basename(root)}`;
}
