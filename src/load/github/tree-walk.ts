/**
 * What many commits changed, read in a few GraphQL queries instead of one `repos.getCommit` each:
 * each commit's tree is compared with its parent's, level by level, descending only into folders
 * whose tree ids differ (a tree's id is its content, so equal ids are equal folders), many
 * commits and trees a query, each tree read once however many commits share it.
 *
 * A tree comparison sees paths and blobs, never a rename or copy, so it answers only for a commit
 * whose `getCommit` list it provably equals: every change an addition, or every change a
 * modification, of a plain file, link or executable with its mode kept. A removal (a rename's
 * source), additions beside modifications (a copy's source is changed in the same commit), a mode
 * change, a submodule or a file turned into a folder: that commit is left out of the answer, and
 * the caller reads it with `getCommit`, as it would have without the walk.
 */
import type { CommitFile } from "../../model/snapshot.js";
import { IncompleteDataError } from "../pull-request-data.js";
import type { GitHubClient, RepoRef } from "./client.js";
import { chunks } from "./file-modes.js";
import { RETRY_REMEDY } from "./pager.js";

/** Objects (commits or trees) asked for in one query, as `ChangedFileModes` asks for folders. */
const OBJECTS_PER_QUERY = 100;

/** git's modes as GitHub's integers: a folder, and the three kinds of blob a commit lists with their content. */
const TREE_MODE = 0o40000;
const BLOB_MODES = new Set([0o100644, 0o100755, 0o120000]);

interface GqlEntry {
  name: string;
  oid: string;
  mode: number;
}

/** One folder of one commit still to compare: its tree before (null: new) and after the commit. */
interface Pending {
  commit: string;
  folder: string;
  before: string | null;
  after: string;
}

/** What a commit's walk found so far. */
interface Found {
  added: CommitFile[];
  modified: CommitFile[];
}

type Answer<T> = { repository: Record<string, T | null> | null };
type CommitAnswer = { tree?: { oid?: unknown } | null; parents?: { totalCount?: unknown; nodes?: ({ tree?: { oid?: unknown } | null } | null)[] | null } | null };
type TreeAnswer = { entries?: unknown };

const OID = /^[0-9a-f]{40}$/;

function aliased(operation: string, selection: string, count: number): string {
  const vars = Array.from({ length: count }, (_, i) => `, $o${i}: GitObjectID!`).join("");
  const fields = Array.from({ length: count }, (_, i) => `    o${i}: object(oid: $o${i}) { ${selection} }`).join("\n");
  return `query ${operation}($owner: String!, $name: String!${vars}) {\n  repository(owner: $owner, name: $name) {\n${fields}\n  }\n}`;
}

const commitTreesQuery = (count: number): string =>
  aliased("CommitTrees", "... on Commit { tree { oid } parents(first: 2) { totalCount nodes { tree { oid } } } }", count);

const treeEntriesByOidQuery = (count: number): string => aliased("TreeEntries", "... on Tree { entries { name oid mode } }", count);

function malformed(what: string): IncompleteDataError {
  return new IncompleteDataError(`GitHub's answer for ${what} is not a complete git object.`, RETRY_REMEDY);
}

function oidOf(value: unknown, what: string): string {
  if (typeof value !== "string" || !OID.test(value)) throw malformed(what);
  return value;
}

/** Reads `oids` in batches; every object asked for must come back (GitHub gave these ids itself). */
async function readObjects<T>(gh: GitHubClient, repo: RepoRef, query: (count: number) => string, oids: readonly string[]): Promise<Map<string, T>> {
  const out = new Map<string, T>();
  await Promise.all(
    chunks(oids, OBJECTS_PER_QUERY).map(async (batch) => {
      const variables = { owner: repo.owner, name: repo.repo, ...Object.fromEntries(batch.map((oid, i) => [`o${i}`, oid])) };
      const answer = await gh.graphql<Answer<T>>(query(batch.length), variables);
      batch.forEach((oid, i) => {
        const object = answer.repository?.[`o${i}`];
        if (object === null || object === undefined) throw new IncompleteDataError(`GitHub did not return the git object ${oid.slice(0, 7)}.`, RETRY_REMEDY);
        out.set(oid, object);
      });
    }),
  );
  return out;
}

function entriesOf(answer: TreeAnswer, oid: string): GqlEntry[] {
  const what = `tree ${oid.slice(0, 7)}`;
  if (!Array.isArray(answer.entries)) throw malformed(what);
  return answer.entries.map((e: Partial<GqlEntry> | null) => {
    if (!e || typeof e.name !== "string" || e.name === "" || !Number.isInteger(e.mode)) throw malformed(what);
    return { name: e.name, oid: oidOf(e.oid, what), mode: e.mode as number };
  });
}

/**
 * What each of `shas` changed against its one parent, for the commits a tree comparison can tell
 * exactly (see above); the others are absent. At most `maxQueries` queries (by default one a
 * commit): a walk that would need more leaves its unfinished commits to `getCommit`, so it never
 * costs more than reading them would.
 */
export async function readCommitChanges(gh: GitHubClient, repo: RepoRef, shas: readonly string[], maxQueries = shas.length): Promise<Map<string, CommitFile[]>> {
  let budget = maxQueries - Math.ceil(shas.length / OBJECTS_PER_QUERY);
  const commits = await readObjects<CommitAnswer>(gh, repo, commitTreesQuery, shas);
  const found = new Map<string, Found>();
  let pending: Pending[] = [];
  for (const sha of shas) {
    const commit = commits.get(sha)!;
    const what = `commit ${sha.slice(0, 7)}`;
    const after = oidOf(commit.tree?.oid, what);
    const parents = commit.parents;
    if (!parents || !Number.isInteger(parents.totalCount) || !Array.isArray(parents.nodes)) throw malformed(what);
    // A merge is compared with its first parent by `getCommit`, and a root commit with nothing: both read there.
    if (parents.totalCount !== 1) continue;
    if (parents.nodes.length !== 1) throw malformed(what);
    const before = oidOf(parents.nodes[0]?.tree?.oid, what);
    found.set(sha, { added: [], modified: [] });
    if (before !== after) pending.push({ commit: sha, folder: "", before, after });
  }
  const trees = new Map<string, GqlEntry[]>();
  while (pending.length > 0) {
    const wanted = [...new Set(pending.flatMap((p) => [p.before, p.after]).filter((oid): oid is string => oid !== null && !trees.has(oid)))];
    const queries = Math.ceil(wanted.length / OBJECTS_PER_QUERY);
    if (queries > budget) {
      for (const p of pending) found.delete(p.commit);
      break;
    }
    budget -= queries;
    for (const [oid, answer] of await readObjects<TreeAnswer>(gh, repo, treeEntriesByOidQuery, wanted)) trees.set(oid, entriesOf(answer, oid));
    const next: Pending[] = [];
    for (const p of pending) {
      const result = found.get(p.commit);
      if (!result) continue;
      if (!compare(p, trees, result, next)) found.delete(p.commit);
    }
    pending = next;
  }
  const out = new Map<string, CommitFile[]>();
  for (const [sha, { added, modified }] of found) {
    // Additions beside modifications may be a copy from the modified file, which `getCommit` would name.
    if (added.length > 0 && modified.length > 0) continue;
    out.set(sha, [...added, ...modified].sort((a, b) => (filename(a) < filename(b) ? -1 : 1)));
  }
  return out;
}

const filename = (f: CommitFile) => (typeof f === "string" ? f : f.filename);

/** Compares one folder; false when the commit has a change a tree comparison cannot name as `getCommit` would. */
function compare(p: Pending, trees: ReadonlyMap<string, GqlEntry[]>, result: Found, next: Pending[]): boolean {
  const before = new Map((p.before === null ? [] : trees.get(p.before)!).map((e) => [e.name, e]));
  for (const entry of trees.get(p.after)!) {
    const path = p.folder === "" ? entry.name : `${p.folder}/${entry.name}`;
    const old = before.get(entry.name);
    before.delete(entry.name);
    if (old && old.oid === entry.oid && old.mode === entry.mode) continue;
    if (old && old.mode !== entry.mode) return false;
    if (entry.mode === TREE_MODE) {
      next.push({ commit: p.commit, folder: path, before: old?.oid ?? null, after: entry.oid });
      continue;
    }
    if (!BLOB_MODES.has(entry.mode)) return false;
    (old ? result.modified : result.added).push({ filename: path, status: old ? "modified" : "added", sha: entry.oid });
  }
  // Whatever is left was removed: perhaps a rename's source, which only `getCommit` names.
  return before.size === 0;
}
