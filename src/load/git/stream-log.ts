/**
 * `git log` read as a stream: one commit at a time, so a command over a whole history holds one
 * commit in memory, not the history (SPEC §8: `detect` streams). The consumer's pace drives the
 * reading: while it awaits (a full stdout pipe), no more of git's output is read.
 */
import { spawn } from "node:child_process";
import { LOG_FIELDS, LOG_FORMAT, type LoggedCommit, commitFromFields } from "./parse.js";
import { GitError, describeGitFailure, gitEnv } from "./run-git.js";

/** What of git's stderr is kept for the error message: its first lines are the ones that matter. */
const MAX_STDERR = 64 * 1024;

/**
 * Commits from `git log -z --format=LOG_FORMAT` output arriving in chunks of any size (a chunk
 * may end inside a field or inside a UTF-8 sequence; NUL never occurs inside either).
 */
export async function* parseLogStream(chunks: AsyncIterable<Buffer>): AsyncGenerator<LoggedCommit> {
  let partial: Buffer[] = [];
  let fields: string[] = [];
  for await (const chunk of chunks) {
    let from = 0;
    for (let nul = chunk.indexOf(0, from); nul >= 0; nul = chunk.indexOf(0, from)) {
      partial.push(chunk.subarray(from, nul));
      fields.push(Buffer.concat(partial).toString("utf8"));
      partial = [];
      from = nul + 1;
      if (fields.length === LOG_FIELDS) {
        yield commitFromFields(fields);
        fields = [];
      }
    }
    if (from < chunk.length) partial.push(chunk.subarray(from));
  }
  // The last record may end without its NUL.
  const rest = Buffer.concat(partial).toString("utf8");
  if (rest !== "" && rest !== "\n") fields.push(rest);
  if (fields.length === LOG_FIELDS) yield commitFromFields(fields);
  else if (fields.length > 0) throw new GitError("unexpected `git log` output (fields do not line up)");
}

export interface StreamLogOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Everything between `git log -z --format=…` and the end: options, revisions, `--`, paths. */
  args: readonly string[];
}

/** Runs `git log` and yields its commits as they arrive; a failing git becomes a one-line GitError. */
export async function* streamLog(options: StreamLogOptions): AsyncGenerator<LoggedCommit> {
  const args = ["log", "-z", `--format=${LOG_FORMAT}`, ...options.args];
  const child = spawn("git", args, { cwd: options.cwd, env: gitEnv(options.env), stdio: ["ignore", "pipe", "pipe"], windowsHide: true });
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (s: string) => {
    if (stderr.length < MAX_STDERR) stderr += s;
  });
  const exited = new Promise<{ code: number | null; error?: Error }>((resolve) => {
    child.on("error", (error) => resolve({ code: null, error }));
    child.on("close", (code) => resolve({ code }));
  });
  const failure = async () => {
    const { code, error } = await exited;
    if (error) return new GitError(describeGitFailure(args, error as Error & { code?: unknown }, stderr));
    if (code !== 0) return new GitError(describeGitFailure(args, Object.assign(new Error(`exit ${code}`), { code }), stderr));
    return null;
  };
  let complete = false;
  try {
    try {
      yield* parseLogStream(child.stdout);
    } catch (e) {
      // Unparseable output from a git that failed: its own message says more.
      throw (await failure()) ?? e;
    }
    const err = await failure();
    if (err) throw err;
    complete = true;
  } finally {
    // The consumer stopped early (`detect | head`) or failed: git need not run on.
    if (!complete && child.exitCode === null) child.kill();
  }
}
