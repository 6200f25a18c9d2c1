/**
 * Finding and loading the `.provenance.yml` a command judges by. The CLI never falls back to the
 * strict policy: a broken config is the user's to fix, so it is exit 2 with every error listed.
 */
import { readFile } from "node:fs/promises";
import { isAbsolute, relative, resolve } from "node:path";
import { POLICY_PATH, type Policy, type PolicySource } from "../model/policy.js";
import { parsePolicy } from "../policy/index.js";
import { createGit, type Git, repositoryRoot } from "../load/git/index.js";
import { ConfigFileError, UsageError } from "./errors.js";
import type { CliIO } from "./io.js";

export interface ConfigLocation {
  /** Absolute path. */
  path: string;
  /** As shown to the user and in `file:line:col` errors: relative to the working directory when inside it. */
  display: string;
  /** True when the user named the file; false for the default lookup. */
  explicit: boolean;
  /** The repository root, when the working directory is inside a checkout. */
  root: string | null;
}

export async function gitRoot(io: CliIO): Promise<string | null> {
  try {
    return await repositoryRoot(createGit({ cwd: io.cwd, env: io.env as NodeJS.ProcessEnv }));
  } catch {
    return null;
  }
}

/** `--config FILE`, else `.provenance.yml` at the repository root (or the working directory outside one). */
export async function locateConfig(io: CliIO, flag: string | undefined): Promise<ConfigLocation> {
  const root = await gitRoot(io);
  const path = flag !== undefined ? resolve(io.cwd, flag) : resolve(root ?? io.cwd, POLICY_PATH);
  // A named file is shown as the user wrote it, so errors point where they looked.
  return { path, display: flag !== undefined ? flag : displayPath(io.cwd, path), explicit: flag !== undefined, root };
}

export function displayPath(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : path;
}

/** The file's text, or null when it does not exist (other read failures are usage errors). */
export async function readConfigText(loc: ConfigLocation): Promise<string | null> {
  try {
    return await readFile(loc.path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const missing = code === "ENOENT" || code === "ENOTDIR";
    if (missing && !loc.explicit) return null;
    if (missing) throw new UsageError(`cannot read ${loc.display}: no such file`);
    if (code === "EISDIR") throw new UsageError(`cannot read ${loc.display}: it is a directory`);
    throw new UsageError(`cannot read ${loc.display}: ${(e as Error).message}`);
  }
}

/** Parses and validates; throws `ConfigFileError` with every error when it does not validate. */
export function parseConfig(text: string, loc: ConfigLocation, source?: Partial<PolicySource>): Policy {
  const result = parsePolicy(text, { file: loc.display, source: { path: loc.display, ...source } });
  if (!result.ok) throw new ConfigFileError(loc.display, result.errors);
  return result.policy;
}

/** Loads the policy, or returns null when the default file does not exist. */
export async function loadPolicy(io: CliIO, flag: string | undefined): Promise<{ policy: Policy; loc: ConfigLocation } | { policy: null; loc: ConfigLocation }> {
  const loc = await locateConfig(io, flag);
  const text = await readConfigText(loc);
  if (text === null) return { policy: null, loc };
  return { policy: parseConfig(text, loc, await describeSource(io, loc)), loc };
}

/**
 * The policy committed at `revision` (the base branch's tip), as the app reads it: a branch under
 * review cannot weaken the policy it is judged by. `refName` is what the user sees (`main`).
 */
export async function loadPolicyAt(
  git: Git,
  revision: string,
  refName: string,
): Promise<{ policy: Policy; loc: ConfigLocation } | { policy: null; loc: ConfigLocation }> {
  const display = `${refName}:${POLICY_PATH}`;
  const loc: ConfigLocation = { path: display, display, explicit: false, root: null };
  let blob: string;
  try {
    blob = (await git(["rev-parse", "--verify", "--quiet", "--end-of-options", `${revision}:${POLICY_PATH}`])).trim();
  } catch {
    return { policy: null, loc };
  }
  const text = await git(["cat-file", "blob", blob]);
  return { policy: parseConfig(text, loc, { path: POLICY_PATH, ref: refName, blob_sha: blob }), loc };
}

/** Inside a checkout, name the policy as the app would: repository path plus the blob it hashes to. */
async function describeSource(io: CliIO, loc: ConfigLocation): Promise<Partial<PolicySource>> {
  if (!loc.root) return {};
  const inRepo = relative(loc.root, loc.path);
  if (inRepo.startsWith("..") || isAbsolute(inRepo)) return {};
  try {
    const git = createGit({ cwd: loc.root, env: io.env as NodeJS.ProcessEnv });
    const blob = (await git(["hash-object", "--", inRepo])).trim();
    return { path: inRepo.split("\\").join("/"), ref: "working tree", blob_sha: blob };
  } catch {
    return { path: inRepo };
  }
}
