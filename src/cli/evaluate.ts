/**
 * `provenance-gate evaluate --snapshot FILE`: the engine on a snapshot — also the simulation
 * interface ("what if bob approves?": add a review to the file and run it again).
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { evaluate } from "../evaluate/evaluate.js";
import { parseSnapshot, SnapshotError } from "../load/snapshot-file.js";
import type { Snapshot } from "../model/snapshot.js";
import { CONFIG_OPTION, FORMAT_OPTION, formatFlag, parseFlags, stringFlag } from "./args.js";
import { UsageError } from "./errors.js";
import { EXIT_PASS, now, type CliIO } from "./io.js";
import { noPolicyVerdict } from "../evaluate/decide.js";
import { printVerdict } from "./output.js";
import { displayPath, loadPolicy } from "./policy-file.js";

export const EVALUATE_OPTIONS = { ...CONFIG_OPTION, ...FORMAT_OPTION, snapshot: { type: "string" } } as const;

export async function evaluateCommand(args: string[], io: CliIO): Promise<number> {
  const flags = parseFlags("evaluate", args, EVALUATE_OPTIONS, false);
  const format = formatFlag(flags, "evaluate", ["text", "json", "markdown"]);
  const file = stringFlag(flags, "snapshot");
  if (file === undefined) throw new UsageError("evaluate: --snapshot FILE is required (see 'provenance-gate help evaluate')");
  const path = resolve(io.cwd, file);
  const shown = displayPath(io.cwd, path);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    throw new UsageError(`cannot read snapshot ${shown}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}`);
  }
  let snapshot: Snapshot;
  try {
    snapshot = parseSnapshot(text);
  } catch (e) {
    if (e instanceof SnapshotError) throw new UsageError(`${shown}: ${e.message}`);
    throw e;
  }

  const { policy, loc } = await loadPolicy(io, stringFlag(flags, "config"));
  const at = now(io);
  if (!policy) {
    const pr = snapshot.pull_request;
    const verdict = noPolicyVerdict({ repository: snapshot.repository, pull_number: pr.number, head_sha: pr.head_sha }, loc.display, at);
    if (format === "text") io.stdout.write(`${verdict.title} (looked in ${loc.display}); nothing is enforced. Pass --config FILE.\n`);
    else printVerdict(io, verdict, format);
    return EXIT_PASS;
  }
  // The snapshot carries no pull-request copy of `.provenance.yml`: a change to it is judged by
  // the floor rule alone, so no `prConfigErrors` here.
  return printVerdict(io, evaluate(policy, snapshot, { now: at }), format);
}
