/**
 * `git` with its output streamed to a callback instead of buffered: the ledger's log pass reads
 * whole histories, and buffering them would make memory grow with the history.
 */
import { spawn } from "node:child_process";
import { GitError } from "../load/git/run-git.js";

export interface StreamOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  input?: string;
  onData: (chunk: Buffer) => void;
}

export function gitStream(args: readonly string[], options: StreamOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const env = { ...(options.env ?? process.env), LC_ALL: "C", LANG: "C", GIT_TERMINAL_PROMPT: "0", GIT_OPTIONAL_LOCKS: "0" };
    const child = spawn("git", [...args], { cwd: options.cwd, env, stdio: ["pipe", "pipe", "pipe"] });
    let stderr = "";
    let failed: unknown;
    child.stdout.on("data", (chunk: Buffer) => {
      if (failed) return;
      try {
        options.onData(chunk);
      } catch (e) {
        failed = e;
        child.kill();
      }
    });
    child.stderr.on("data", (c: Buffer) => {
      if (stderr.length < 4096) stderr += c.toString("utf8");
    });
    child.on("error", (e: NodeJS.ErrnoException) => reject(new GitError(e.code === "ENOENT" ? "git is not installed or not on PATH" : `git ${args[0]}: ${e.message}`)));
    child.on("close", (code) => {
      if (failed) return reject(failed);
      if (code === 0) return resolve();
      const line = stderr.split("\n").map((l) => l.trim()).find((l) => l && !/^hint:/i.test(l)) ?? `exit ${code}`;
      reject(new GitError(`git ${args[0]}: ${line.replace(/^(fatal|error):\s*/i, "")}`));
    });
    child.stdin.on("error", () => undefined);
    child.stdin.end(options.input ?? "");
  });
}

/** The whole output as text (for small outputs that need stdin). */
export async function gitText(args: readonly string[], options: Omit<StreamOptions, "onData">): Promise<string> {
  const chunks: Buffer[] = [];
  await gitStream(args, { ...options, onData: (c) => chunks.push(c) });
  return Buffer.concat(chunks).toString("utf8");
}
