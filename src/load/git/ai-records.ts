/**
 * Reads the line-level attestations of local commits: git-ai notes (`refs/notes/ai`), Agent
 * Trace notes (`refs/notes/agent-trace`) and the traces file at a revision
 * (`.agent-trace/traces.jsonl`). Notes are not fetched by a plain clone; `git fetch origin
 * 'refs/notes/*:refs/notes/*'` brings them. A source that cannot be read becomes a warning.
 */
import { spawn } from "node:child_process";
import { AGENT_TRACE_FILE, AGENT_TRACE_NOTES_REF, parseAgentTrace, type TraceRecord } from "../../provenance-records/agent-trace.js";
import { GIT_AI_NOTES_REF, gitAiRecords, parseGitAiNote } from "../../provenance-records/git-ai-note.js";
import { type AiRecord, type RecordWarning, revisionMatches } from "../../provenance-records/record.js";
import { type Git, GitError } from "./run-git.js";

export interface AiRecordIndex {
  byCommit: Map<string, AiRecord[]>;
  warnings: RecordWarning[];
}

/** Annotated commit → note blob, for every note under `ref` (an absent ref has none). */
export async function listNotes(git: Git, ref: string): Promise<Map<string, string>> {
  const out = await git(["notes", `--ref=${ref}`, "list"]);
  const notes = new Map<string, string>();
  for (const line of out.split("\n")) {
    const [blob, commit] = line.trim().split(/\s+/);
    if (blob && commit) notes.set(commit, blob);
  }
  return notes;
}

/** The contents of many objects through one `git cat-file --batch` (one process, not one per note). */
export function readObjects(cwd: string, env: NodeJS.ProcessEnv | undefined, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return Promise.resolve(new Map());
  return new Promise((resolve, reject) => {
    const child = spawn("git", ["cat-file", "--batch"], { cwd, env: { ...(env ?? process.env), LC_ALL: "C", GIT_OPTIONAL_LOCKS: "0" } });
    const chunks: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => chunks.push(c));
    child.on("error", (e) => reject(new GitError(`git cat-file: ${e.message}`)));
    child.on("close", (code) => {
      if (code !== 0) return reject(new GitError(`git cat-file exited with ${code}`));
      const buf = Buffer.concat(chunks);
      const result = new Map<string, string>();
      let at = 0;
      for (const id of ids) {
        const eol = buf.indexOf(10, at);
        if (eol < 0) break;
        const header = buf.subarray(at, eol).toString("utf8").split(" ");
        at = eol + 1;
        if (header[1] === "missing" || header.length < 3) continue;
        const size = Number(header[2]);
        result.set(id, buf.subarray(at, at + size).toString("utf8"));
        at += size + 1;
      }
      resolve(result);
    });
    child.stdin.end(`${ids.join("\n")}\n`);
  });
}

/** Reads a path at a revision, or undefined when it is not there. */
async function fileAt(git: Git, revision: string, path: string): Promise<string | undefined> {
  try {
    return await git(["show", `${revision}:${path}`]);
  } catch {
    return undefined;
  }
}

function add(index: AiRecordIndex, sha: string, records: AiRecord[]): void {
  if (records.length === 0) return;
  const list = index.byCommit.get(sha);
  if (list) list.push(...records);
  else index.byCommit.set(sha, [...records]);
}

/** Strips the trace-only field so the record is the snapshot's shape. */
function plain(record: TraceRecord): AiRecord {
  const { revision: _revision, ...rest } = record;
  return rest;
}

/**
 * The attestations of `commits` (full SHAs): their notes in both refs, and the records of the
 * traces file at `revision` whose `vcs.revision` names one of them.
 */
export async function readAiRecords(
  git: Git,
  options: { cwd: string; env?: NodeJS.ProcessEnv },
  commits: readonly string[],
  revision: string,
): Promise<AiRecordIndex> {
  const index: AiRecordIndex = { byCommit: new Map(), warnings: [] };
  const wanted = new Set(commits);
  const [aiNotes, traceNotes] = await Promise.all([listNotes(git, GIT_AI_NOTES_REF), listNotes(git, AGENT_TRACE_NOTES_REF)]);
  const pick = (notes: Map<string, string>) => [...notes].filter(([commit]) => wanted.has(commit));
  const ai = pick(aiNotes);
  const trace = pick(traceNotes);
  const blobs = await readObjects(options.cwd, options.env, [...new Set([...ai, ...trace].map(([, blob]) => blob))]);

  for (const [commit, blob] of ai) {
    const parsed = parseGitAiNote(blobs.get(blob) ?? "");
    if (!parsed.ok) index.warnings.push({ from: GIT_AI_NOTES_REF, commit, message: parsed.error });
    else add(index, commit, gitAiRecords(parsed.value));
  }
  for (const [commit, blob] of trace) {
    const parsed = parseAgentTrace(blobs.get(blob) ?? "", AGENT_TRACE_NOTES_REF, commit);
    index.warnings.push(...parsed.warnings);
    // A note is attached to its commit: it marks that commit, whatever `vcs.revision` says.
    add(index, commit, parsed.records.map(plain));
  }

  const file = await fileAt(git, revision, AGENT_TRACE_FILE);
  if (file !== undefined) {
    const parsed = parseAgentTrace(file, AGENT_TRACE_FILE);
    index.warnings.push(...parsed.warnings);
    for (const record of parsed.records) {
      if (record.revision === undefined) continue;
      for (const sha of matchingCommits(record.revision, commits)) add(index, sha, [plain(record)]);
    }
  }
  return index;
}

function matchingCommits(revision: string, commits: readonly string[]): string[] {
  return commits.filter((sha) => revisionMatches(revision, sha));
}
