/**
 * The real app over HTTP against the sandbox, with the shipped Octokit options except the clock of
 * its patience: request deadlines of a fraction of a second and retry back-offs of milliseconds, so
 * a matrix of faults runs in seconds, and no one-second spacing between writes (octokit.ts). The
 * decisions (what is retried, how often, what is posted) are the shipped ones.
 */
import { tunedGateOctokit } from "../../src/app/octokit.js";
import { withoutWriteSpacing } from "./octokit.js";
import type { Sandbox } from "../../src/sandbox/sandbox.js";
import { CLAUDE_TRAILER, DEMO_POLICY } from "../../src/sandbox/story.js";

export const FAST = { deadlines: { connectMs: 400, totalMs: 1_000 }, retryBaseMs: 5 };
export const FastOctokit = withoutWriteSpacing(tunedGateOctokit(FAST));

export function aiCommit(author: string, file: string, subject = "Update eval") {
  return { message: `${subject}\n\n${CLAUDE_TRAILER}`, author, files: [file] };
}

/** A repository of its own owner (so its own installation and throttle queue) with the demo policy. */
export function gatedRepo(sb: Sandbox, repo: string): void {
  for (const login of ["bob", "carol"]) if (!sb.state.user(login)) sb.addUser(login);
  sb.createRepo({ repo, files: { ".provenance.yml": DEMO_POLICY, "README.md": "x\n" }, collaborators: { bob: "write", carol: "write" } });
}

/** The conclusions of our runs on a commit, oldest first. */
export function conclusions(sb: Sandbox, repo: string, sha: string): Array<string | null> {
  return sb.checkRuns(repo, { sha, name: "Provenance Gate" }).map((r) => r.conclusion);
}
