/**
 * The git mode of changed files at the head, where their links point, and the blob each holds
 * (SPEC §2 `provenance-links`, §4 attribution by content, §5 `mode`/`link_target`/`sha`).
 * REST's file list carries no mode, so one GraphQL
 * query reads the tree entries of the folders that hold the files asked about — one aliased
 * `object(expression: "<head>:<folder>")` per folder — and, only when one of them is a symbolic
 * link, a second one reads the links' blobs (their text is the target). Asking for every entry's
 * text in the first query would download every file of those folders for the sake of a rare link.
 *
 * Only files in a class are asked about (see `build-snapshot.ts`), so a pull request without
 * changes to protected paths costs nothing extra. A file the pull request lists as present but
 * the head's tree lacks is an inconsistent read, never "a plain file": it throws.
 */
import { SUBMODULE_MODE, SYMLINK_MODE } from "../../model/snapshot.js";
import { IncompleteDataError } from "../pull-request-data.js";
import type { GitHubClient, RepoRef } from "./client.js";
import { RETRY_REMEDY } from "./pager.js";

/** Folders (or blobs) asked for in one query; a pull request touching more folders takes more. */
export const FOLDERS_PER_QUERY = 100;
/** A link's target is for messages: a longer blob is cut, not trusted as a path. */
const MAX_TARGET = 1_000;

export interface FileMode {
  /** The git mode as git writes it: `100644`, `100755`, `120000` link, `160000` submodule. */
  mode: string;
  /** A symlink's target path, or the commit a submodule points at. */
  link_target?: string;
  /** The blob at the head (the entry's `oid`; a submodule's is a commit, not a blob): attribution follows content by it. */
  sha?: string;
}

interface GqlTreeEntry {
  name: string;
  /** GitHub gives the mode as the integer value of git's octal mode (33188 for 100644). */
  mode: number;
  oid: string;
}

type TreeAnswer = { repository: Record<string, { entries?: GqlTreeEntry[] | null } | null> | null };
type BlobAnswer = { repository: Record<string, { text?: string | null } | null> | null };

/** git's spelling of a mode GitHub gives as an integer. */
export function gitMode(mode: number): string {
  return mode.toString(8).padStart(6, "0");
}

function folderOf(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash < 0 ? "" : path.slice(0, slash);
}

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** One aliased field per variable, all under `repository`. */
function aliasedQuery(operation: string, field: (i: number) => string, count: number): string {
  const vars = Array.from({ length: count }, (_, i) => `, $x${i}: String!`).join("");
  const fields = Array.from({ length: count }, (_, i) => `    f${i}: ${field(i)}`).join("\n");
  return `query ${operation}($owner: String!, $name: String!${vars}) {\n  repository(owner: $owner, name: $name) {\n${fields}\n  }\n}`;
}

export const treeEntriesQuery = (count: number): string =>
  aliasedQuery("ChangedFileModes", (i) => `object(expression: $x${i}) { ... on Tree { entries { name mode oid } } }`, count);

export const linkTargetsQuery = (count: number): string =>
  aliasedQuery("LinkTargets", (i) => `object(expression: $x${i}) { ... on Blob { text } }`, count);

function variables(repo: RepoRef, values: string[]): Record<string, string> {
  return { owner: repo.owner, name: repo.repo, ...Object.fromEntries(values.map((v, i) => [`x${i}`, v])) };
}

/** The mode of each of `paths` at `headSha`, and the target of each link among them. */
export async function readFileModes(gh: GitHubClient, repo: RepoRef, headSha: string, paths: readonly string[]): Promise<Map<string, FileMode>> {
  const modes = new Map<string, FileMode>();
  if (paths.length === 0) return modes;
  const folders = [...new Set(paths.map(folderOf))].sort();
  const entries = new Map<string, GqlTreeEntry>();
  for (const batch of chunks(folders, FOLDERS_PER_QUERY)) {
    const answer = await gh.graphql<TreeAnswer>(treeEntriesQuery(batch.length), variables(repo, batch.map((f) => `${headSha}:${f}`)));
    batch.forEach((folder, i) => {
      for (const entry of answer.repository?.[`f${i}`]?.entries ?? []) entries.set(folder === "" ? entry.name : `${folder}/${entry.name}`, entry);
    });
  }
  const links: { path: string; oid: string }[] = [];
  for (const path of paths) {
    const entry = entries.get(path);
    if (!entry) {
      throw new IncompleteDataError(`The pull request lists ${path} as changed, but GitHub's tree of ${headSha.slice(0, 7)} has no such file.`, RETRY_REMEDY);
    }
    const mode = gitMode(entry.mode);
    modes.set(path, mode === SUBMODULE_MODE ? { mode, link_target: entry.oid } : { mode, sha: entry.oid });
    if (mode === SYMLINK_MODE) links.push({ path, oid: entry.oid });
  }
  for (const batch of chunks(links, FOLDERS_PER_QUERY)) {
    const answer = await gh.graphql<BlobAnswer>(linkTargetsQuery(batch.length), variables(repo, batch.map((l) => `${headSha}:${l.path}`)));
    batch.forEach((link, i) => {
      const text = answer.repository?.[`f${i}`]?.text;
      if (typeof text === "string") modes.set(link.path, { mode: SYMLINK_MODE, link_target: text.slice(0, MAX_TARGET), sha: link.oid });
    });
  }
  return modes;
}
