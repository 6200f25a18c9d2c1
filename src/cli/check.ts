/** `provenance-gate check`: the local branch judged as if it were a pull request. */
import { readFile, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { PERMISSIONS, type Permission, type SnapshotFile } from "../model/snapshot.js";
import { POLICY_PATH, type ConfigError } from "../model/policy.js";
import { headPolicyErrors } from "../app/policy.js";
import { evaluate } from "../evaluate/evaluate.js";
import { buildSnapshot } from "../load/build-snapshot.js";
import { LocalPullRequest, parseIdentityFlag, type ResolvedRange } from "../load/git/index.js";
import { CONFIG_OPTION, FORMAT_OPTION, formatFlag, listFlag, parseFlags, stringFlag } from "./args.js";
import { UsageError } from "./errors.js";
import { EXIT_PASS, now, type CliIO } from "./io.js";
import { noPolicyVerdict } from "../evaluate/decide.js";
import { printVerdict } from "./output.js";
import { displayPath, loadPolicy, loadPolicyAt } from "./policy-file.js";
import { describeRecordWarning } from "../provenance-records/record.js";
import { shortSha } from "../shared/format.js";


export const CHECK_OPTIONS = {
  ...CONFIG_OPTION,
  ...FORMAT_OPTION,
  base: { type: "string" },
  head: { type: "string" },
  author: { type: "string" },
  label: { type: "string", multiple: true },
  "body-file": { type: "string" },
  "approved-by": { type: "string", multiple: true },
  pusher: { type: "string", multiple: true },
  identity: { type: "string", multiple: true },
  permission: { type: "string", multiple: true },
  team: { type: "string", multiple: true },
  "save-snapshot": { type: "string" },
} as const;

export async function checkCommand(args: string[], io: CliIO): Promise<number> {
  const flags = parseFlags("check", args, CHECK_OPTIONS, false);
  const format = formatFlag(flags, "check", ["text", "json", "markdown"]);
  const { permission, permissions } = parsePermissions(listFlag(flags, "permission"));
  const teams = parseTeams(listFlag(flags, "team"));
  const bodyFile = stringFlag(flags, "body-file");
  const body = bodyFile === undefined ? undefined : await readBody(io, bodyFile);
  const at = now(io);

  const data = await LocalPullRequest.open({
    cwd: io.cwd,
    env: io.env as NodeJS.ProcessEnv,
    base: stringFlag(flags, "base"),
    head: stringFlag(flags, "head"),
    author: stringFlag(flags, "author"),
    labels: listFlag(flags, "label"),
    body,
    approvedBy: listFlag(flags, "approved-by"),
    pushers: listFlag(flags, "pusher"),
    identities: parseIdentities(listFlag(flags, "identity")),
    permission,
    permissions,
    teams,
    now: at,
  });
  assertCommitsToCheck(data.range);
  // Like the app, judge by the base branch's policy unless told otherwise (SPEC §8).
  const configFlag = stringFlag(flags, "config");
  const { policy, loc } = configFlag !== undefined ? await loadPolicy(io, configFlag) : await loadPolicyAt(data.git, data.range.baseSha, data.range.baseRef);

  if (!policy) {
    const pr = await data.pullRequest();
    const verdict = noPolicyVerdict({ repository: data.repository, pull_number: pr.number, head_sha: pr.head_sha }, loc.display, at);
    if (format === "text") io.stdout.write(`${verdict.title} (looked in ${loc.display}); nothing is enforced.\n`);
    else printVerdict(io, verdict, format);
    return EXIT_PASS;
  }

  const snapshot = await buildSnapshot(data, policy, data.repository);
  const identities = await data.identities();
  if (identities.length > 0) snapshot.identities = identities;
  for (const w of data.recordWarnings) io.stderr.write(`provenance-gate: warning: ${describeRecordWarning(w)} (ignored)\n`);
  const savePath = stringFlag(flags, "save-snapshot");
  if (savePath !== undefined) {
    try {
      await writeFile(resolve(io.cwd, savePath), `${JSON.stringify(snapshot, null, 2)}\n`);
    } catch (e) {
      throw new UsageError(`cannot write ${savePath}: ${(e as Error).message}`);
    }
  }
  const prConfigErrors = await headPolicyErrorsOf(data, snapshot.files);
  return printVerdict(io, evaluate(policy, snapshot, { now: at, prConfigErrors }), format, { commitOrder: snapshot.commits.map((c) => c.sha) });
}

/** As the app: a branch that edits `.provenance.yml` must leave it valid (SPEC §2). */
async function headPolicyErrorsOf(data: LocalPullRequest, files: readonly SnapshotFile[]): Promise<ConfigError[]> {
  if (!files.some((f) => f.filename === POLICY_PATH && f.status !== "removed")) return [];
  const text = await data.git(["show", `${data.range.headSha}:${POLICY_PATH}`]);
  return headPolicyErrors(text, `${data.range.headRef}:${POLICY_PATH}`);
}

/**
 * A pull request with no commits cannot exist: `head` already in `base` (the same commit, or the
 * refs given the wrong way round) is a usage error, never "nothing AI-assisted, passed".
 */
export function assertCommitsToCheck(range: ResolvedRange): void {
  if (range.mergeBase !== range.headSha) return;
  const behind = range.baseSha !== range.headSha;
  throw new UsageError(
    `check: nothing to check: ${range.headRef} (${shortSha(range.headSha)}) has no commits that ${range.baseRef} lacks${behind ? ` (it is behind ${range.baseRef}; are --base and --head the wrong way round?)` : ""}`,
  );
}

/** `--permission LEVEL` sets everyone's; `--permission LOGIN=LEVEL` one person's. */
export function parsePermissions(values: string[]): { permission?: Permission; permissions: Record<string, Permission> } {
  let permission: Permission | undefined;
  const permissions: Record<string, Permission> = {};
  for (const v of values) {
    const [who, level] = v.includes("=") ? (v.split("=", 2) as [string, string]) : [undefined, v];
    if (!(PERMISSIONS as readonly string[]).includes(level)) {
      throw new UsageError(`check: --permission must be one of ${PERMISSIONS.join(", ")}, or LOGIN=LEVEL (got "${v}")`);
    }
    if (who === undefined) permission = level as Permission;
    else if (!who) throw new UsageError(`check: --permission "${v}" names no login`);
    else permissions[who] = level as Permission;
  }
  return { permission, permissions };
}

/** `--identity EMAIL=LOGIN`, repeatable or comma-separated: who is behind an address. */
export function parseIdentities(values: string[]): Map<string, string> {
  const identities = new Map<string, string>();
  for (const v of values) {
    const pair = parseIdentityFlag(v);
    if (!pair) throw new UsageError(`check: --identity must be EMAIL=LOGIN (got "${v}")`);
    identities.set(pair[0], pair[1]);
  }
  return identities;
}

/** `--team LOGIN=org/slug`, repeatable: the teams a flag-given approver belongs to. */
export function parseTeams(values: string[]): Record<string, string[]> {
  const teams: Record<string, string[]> = {};
  for (const v of values) {
    const m = /^([^=\s]+)=@?([^/\s]+\/[^/\s]+)$/.exec(v);
    if (!m) throw new UsageError(`check: --team must be LOGIN=org/slug (got "${v}")`);
    (teams[m[1]] ??= []).push(m[2]);
  }
  return teams;
}

async function readBody(io: CliIO, file: string): Promise<string> {
  try {
    return await readFile(resolve(io.cwd, file), "utf8");
  } catch (e) {
    throw new UsageError(`cannot read --body-file ${displayPath(io.cwd, resolve(io.cwd, file))}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}`);
  }
}
