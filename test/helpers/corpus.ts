/**
 * Commit corpora in the shape of ../shared/corpus/ai-commits.jsonl: real commits' metadata, one
 * JSON object a line, with the expected verdict.
 *
 * Conversion of a corpus line to a SnapshotCommit: the corpus has no GitHub logins, so `login`
 * is null everywhere (detection must work from names and e-mails, as it does for the local-git
 * loader); `type` is "Bot" when the name or the login inside a GitHub no-reply address ends in
 * `[bot]` — the only bot evidence git metadata carries — and undefined otherwise.
 */
import { readFileSync } from "node:fs";
import { noreplyLogin } from "../../src/evaluate/trailers.js";
import type { GitIdentity, SnapshotCommit } from "../../src/model/snapshot.js";

export interface CorpusEntry {
  repo: string;
  sha: string;
  author_name: string;
  author_email: string;
  committer_name: string;
  committer_email: string;
  message: string;
  expect: "ai" | "not-ai" | "either";
  tool: string | null;
  note: string;
}

export function readCorpus(url: URL): CorpusEntry[] {
  return readFileSync(url, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as CorpusEntry);
}

function identity(name: string, email: string): GitIdentity {
  const isBot = name.toLowerCase().endsWith("[bot]") || (noreplyLogin(email) ?? "").endsWith("[bot]");
  return isBot ? { login: null, name, email, type: "Bot" } : { login: null, name, email };
}

export function toCommit(e: CorpusEntry): SnapshotCommit {
  return {
    sha: e.sha,
    message: e.message,
    author: identity(e.author_name, e.author_email),
    committer: identity(e.committer_name, e.committer_email),
  };
}
