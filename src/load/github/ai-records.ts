/**
 * Line-level AI attestations of a pull request's commits on GitHub (SPEC §9). A notes ref is a
 * ref like any other, so the note of commit C is the blob at `refs/notes/ai:C` (or, once git fans
 * the notes tree out, `refs/notes/ai:ab/cdef…`). The main query tells which notes refs exist and
 * brings the head's `.agent-trace/traces.jsonl`; only when a notes ref exists is one more query
 * made, asking for every commit's note blob at once (one query per 100 commits).
 */
import { AGENT_TRACE_FILE, AGENT_TRACE_NOTES_REF, parseAgentTrace } from "../../provenance-records/agent-trace.js";
import { GIT_AI_NOTES_REF, gitAiRecords, parseGitAiNote } from "../../provenance-records/git-ai-note.js";
import { type AiRecord, type RecordWarning, revisionMatches } from "../../provenance-records/record.js";
import type { SnapshotCommit } from "../../model/snapshot.js";
import type { GitHubClient, RepoRef } from "./client.js";
import type { PullRequestCore } from "./pull-request-query.js";
import type { GqlBlob } from "./queries.js";

const COMMITS_PER_QUERY = 100;

/** Where a commit's note may sit in a notes tree: flat, or fanned out one or two levels. */
export function notePaths(sha: string): string[] {
  return [sha, `${sha.slice(0, 2)}/${sha.slice(2)}`, `${sha.slice(0, 2)}/${sha.slice(2, 4)}/${sha.slice(4)}`];
}

export function notesQuery(refs: readonly string[], shas: readonly string[]): string {
  const fields: string[] = [];
  refs.forEach((ref, r) => {
    shas.forEach((sha, c) => {
      notePaths(sha).forEach((path, f) => {
        fields.push(`n${r}_${c}_${f}: object(expression: ${JSON.stringify(`${ref}:${path}`)}) { ... on Blob { text isTruncated } }`);
      });
    });
  });
  return `query PullRequestAttestations($owner: String!, $name: String!) {\n  repository(owner: $owner, name: $name) {\n    ${fields.join("\n    ")}\n  }\n}`;
}

export interface GitHubAiRecords {
  byCommit: Map<string, AiRecord[]>;
  warnings: RecordWarning[];
}

function add(out: GitHubAiRecords, sha: string, records: AiRecord[]): void {
  if (records.length > 0) out.byCommit.set(sha, [...(out.byCommit.get(sha) ?? []), ...records]);
}

function blobText(blob: Partial<GqlBlob> | null | undefined, what: string, out: GitHubAiRecords, commit?: string): string | undefined {
  if (!blob || typeof blob.text !== "string") return undefined;
  if (blob.isTruncated) {
    out.warnings.push({ from: what, ...(commit ? { commit } : {}), message: "GitHub truncated it; only the part it returned was read" });
  }
  return blob.text;
}

export async function readGitHubAiRecords(gh: GitHubClient, repo: RepoRef, core: PullRequestCore, commits: readonly SnapshotCommit[]): Promise<GitHubAiRecords> {
  const out: GitHubAiRecords = { byCommit: new Map(), warnings: [] };
  const shas = commits.map((c) => c.sha);

  // The traces file at the head, when the head branch still points at the head GitHub reported.
  const target = core.pr.headRef?.target;
  if (target && target.oid === core.pr.headRefOid) {
    const text = blobText(target.traceFile?.object, AGENT_TRACE_FILE, out);
    if (text !== undefined) {
      const parsed = parseAgentTrace(text, AGENT_TRACE_FILE);
      out.warnings.push(...parsed.warnings);
      for (const { revision, ...record } of parsed.records) {
        if (revision === undefined) continue;
        for (const sha of shas) if (revisionMatches(revision, sha)) add(out, sha, [record]);
      }
    }
  }

  if (core.notesRefs.length === 0 || shas.length === 0) return out;
  for (let start = 0; start < shas.length; start += COMMITS_PER_QUERY) {
    const chunk = shas.slice(start, start + COMMITS_PER_QUERY);
    const data = await gh.graphql<{ repository: Record<string, Partial<GqlBlob> | null> | null }>(notesQuery(core.notesRefs, chunk), { owner: repo.owner, name: repo.repo });
    const blobs = data.repository ?? {};
    core.notesRefs.forEach((ref, r) => {
      chunk.forEach((sha, c) => {
        for (const f of notePaths(sha).keys()) {
          const text = blobText(blobs[`n${r}_${c}_${f}`], ref, out, sha);
          if (text === undefined) continue;
          if (ref === GIT_AI_NOTES_REF) {
            const parsed = parseGitAiNote(text);
            if (parsed.ok) add(out, sha, gitAiRecords(parsed.value));
            else out.warnings.push({ from: ref, commit: sha, message: parsed.error });
          } else if (ref === AGENT_TRACE_NOTES_REF) {
            const parsed = parseAgentTrace(text, ref, sha);
            out.warnings.push(...parsed.warnings);
            add(out, sha, parsed.records.map(({ revision: _r, ...record }) => record));
          }
          break;
        }
      });
    });
  }
  return out;
}

/** The pull request's commits with their attestations attached (`ai_records`). */
export async function commitsWithAiRecords(gh: GitHubClient, repo: RepoRef, core: PullRequestCore): Promise<{ commits: SnapshotCommit[]; warnings: RecordWarning[] }> {
  const records = await readGitHubAiRecords(gh, repo, core, core.commits);
  const commits = core.commits.map((c) => {
    const attested = records.byCommit.get(c.sha);
    return attested ? { ...c, ai_records: attested } : c;
  });
  return { commits, warnings: records.warnings };
}
