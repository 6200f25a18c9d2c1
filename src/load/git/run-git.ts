/**
 * The one place the CLI talks to `git`: `execFile` with an argument array (never a shell, so a
 * ref or path can never be interpreted as shell syntax) and a bounded output buffer.
 */
import { execFile } from "node:child_process";

/** A git command failed, or its input was unusable; the message is one line a person can act on. */
export class GitError extends Error {
  override readonly name = "GitError";
}

export type Git = (args: readonly string[]) => Promise<string>;

/** Large enough for the name-status of a 3,000-file pull request with long paths and messages. */
export const GIT_MAX_BUFFER = 64 * 1024 * 1024;

export interface GitOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  maxBuffer?: number;
}

/** Stable, parseable messages whatever the user's locale; never prompt for credentials. */
export function gitEnv(env: NodeJS.ProcessEnv | undefined): NodeJS.ProcessEnv {
  return { ...(env ?? process.env), LC_ALL: "C", LANG: "C", GIT_TERMINAL_PROMPT: "0", GIT_OPTIONAL_LOCKS: "0" };
}

export function createGit(options: GitOptions): Git {
  const env = gitEnv(options.env);
  return (args) =>
    new Promise((resolve, reject) => {
      execFile(
        "git",
        [...args],
        { cwd: options.cwd, env, maxBuffer: options.maxBuffer ?? GIT_MAX_BUFFER, encoding: "utf8", windowsHide: true },
        (error, stdout, stderr) => {
          if (!error) return resolve(stdout);
          reject(new GitError(describeGitFailure(args, error, stderr)));
        },
      );
    });
}

export function describeGitFailure(args: readonly string[], error: Error & { code?: unknown }, stderr: string): string {
  if (error.code === "ENOENT") return "git is not installed or not on PATH";
  if (error.code === "ERR_CHILD_PROCESS_STDIO_MAXBUFFER") {
    return `git ${args[0]} produced more output than ${GIT_MAX_BUFFER / 1024 / 1024} MiB; narrow the range`;
  }
  const line = firstMeaningfulLine(stderr);
  if (/not a git repository/i.test(line)) return "not a git repository (run this inside a git checkout)";
  return line ? `git ${args[0]}: ${line}` : `git ${args[0]} failed (${String(error.code ?? error.message)})`;
}

function firstMeaningfulLine(stderr: string): string {
  const line = stderr
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l.length > 0 && !/^(hint|usage):/i.test(l));
  return (line ?? "").replace(/^(fatal|error):\s*/i, "");
}
