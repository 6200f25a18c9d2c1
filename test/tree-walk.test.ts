import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import nock from "nock";
import { ProbotOctokit } from "probot";
import { readCommitChanges } from "../src/load/github/tree-walk.js";
import { IncompleteDataError } from "../src/load/pull-request-data.js";
import { API, guardGitHubMocks } from "./fixtures/github/harness.js";

guardGitHubMocks();

const repo = { owner: "acme", repo: "models" };
const gh = () => new ProbotOctokit({ auth: { token: "ghs_test" }, retry: { enabled: false }, throttle: { enabled: false } });
const sha1 = (text: string) => createHash("sha1").update(text).digest("hex");

type Entry = { name: string; oid: string; mode: number };
/** The trees GitHub would serve, by oid; built from files as `path → content` (a `mode:` prefix sets the mode). */
const trees = new Map<string, Entry[]>();

function tree(files: Record<string, string>): string {
  const here = new Map<string, Record<string, string>>();
  const entries: Entry[] = [];
  for (const [path, content] of Object.entries(files)) {
    const [name, ...rest] = path.split("/");
    if (rest.length > 0) here.set(name, { ...here.get(name), [rest.join("/")]: content });
    else {
      const [, mode, text] = /^(?:(\d+):)?(.*)$/s.exec(content)!;
      entries.push({ name, oid: sha1(`blob ${text}`), mode: mode ? parseInt(mode, 8) : 0o100644 });
    }
  }
  for (const [name, inner] of here) entries.push({ name, oid: tree(inner), mode: 0o40000 });
  const oid = sha1(JSON.stringify(entries));
  trees.set(oid, entries);
  return oid;
}

const blob = (text: string) => sha1(`blob ${text}`);

/** GitHub's commits: each with its tree and its parents' trees. */
const commits = new Map<string, { tree: string; parents: string[] }>();
function commit(sha: string, files: Record<string, string>, parentTrees: string[]): string {
  commits.set(sha, { tree: tree(files), parents: parentTrees });
  return sha;
}

/** Answers every `CommitTrees` and `TreeEntries` query from the objects above; records the oids each asked for. */
function serve(asked: string[][] = []) {
  nock(API)
    .post("/graphql", (b) => String(b.query).startsWith("query CommitTrees"))
    .reply(200, (_uri, body: any) => ({
      data: {
        repository: Object.fromEntries(
          Object.entries(body.variables)
            .filter(([k]) => /^o\d+$/.test(k))
            .map(([k, sha]) => {
              const c = commits.get(sha as string);
              return [k, c ? { tree: { oid: c.tree }, parents: { totalCount: c.parents.length, nodes: c.parents.map((t) => ({ tree: { oid: t } })) } } : null];
            }),
        ),
      },
    }));
  nock(API)
    .persist()
    .post("/graphql", (b) => String(b.query).startsWith("query TreeEntries"))
    .reply(200, (_uri, body: any) => {
      const oids = Object.entries(body.variables).filter(([k]) => /^o\d+$/.test(k));
      asked.push(oids.map(([, oid]) => oid as string));
      return { data: { repository: Object.fromEntries(oids.map(([k, oid]) => [k, trees.has(oid as string) ? { entries: trees.get(oid as string) } : null])) } };
    });
}

const BASE = { "README.md": "hi", "src/app.py": "app", "evals/old/t0.yaml": "t0" };
const baseTree = tree(BASE);

describe("what commits changed, by comparing their trees", () => {
  it("names every added file with its blob, descending only into changed folders, each tree read once", async () => {
    const one = { ...BASE, "evals/new/t1.yaml": "t1" };
    const a = commit("a".repeat(40), one, [baseTree]);
    const b = commit("b".repeat(40), { ...one, "data/x.csv": "x", "evals/new/t2.yaml": "t2" }, [tree(one)]);
    const asked: string[][] = [];
    serve(asked);
    const changes = await readCommitChanges(gh(), repo, [a, b], 4);
    expect(Object.fromEntries(changes)).toEqual({
      [a]: [{ filename: "evals/new/t1.yaml", status: "added", sha: blob("t1") }],
      [b]: [
        { filename: "data/x.csv", status: "added", sha: blob("x") },
        { filename: "evals/new/t2.yaml", status: "added", sha: blob("t2") },
      ],
    });
    // The roots (b's parent is a's tree: asked once), then evals/ and data/, then evals/new; src/ never.
    expect(asked.length).toBe(3);
    const all = asked.flat();
    expect(new Set(all).size).toBe(all.length);
    expect(all).not.toContain(tree({ "app.py": "app" }));
  });

  it("names modified files and links with their new blobs", async () => {
    const c = commit("c".repeat(40), { ...BASE, "src/app.py": "app v2", "evals/old/t0.yaml": "120000:../t0" }, [baseTree]);
    expect(trees.get(baseTree)).toBeDefined();
    const before = { ...BASE, "evals/old/t0.yaml": "120000:../x" };
    const d = commit("d".repeat(40), { ...before, "evals/old/t0.yaml": "120000:../t0" }, [tree(before)]);
    serve();
    const changes = await readCommitChanges(gh(), repo, [d, c], 4);
    expect(changes.get(d)).toEqual([{ filename: "evals/old/t0.yaml", status: "modified", sha: blob("../t0") }]);
    // c turns a file into a link: a mode change, which only `getCommit` describes as GitHub does.
    expect(changes.has(c)).toBe(false);
  });

  it.each([
    ["removes a file (the source of a rename, perhaps)", { "README.md": "hi", "src/app.py": "app", "evals/t0.yaml": "t0" }],
    ["adds a file and modifies another (a copy, perhaps)", { ...BASE, "src/app.py": "app v2", "evals/old/t1.yaml": "app" }],
    ["adds a submodule", { ...BASE, "vendor/lib": "160000:x" }],
    ["turns a file into a folder", { "README.md/x": "hi", "src/app.py": "app", "evals/old/t0.yaml": "t0" }],
  ])("leaves a commit that %s to `getCommit`", async (_what, files) => {
    const e = commit("e".repeat(40), files, [baseTree]);
    const f = commit("f".repeat(40), { ...BASE, "data/y.csv": "y" }, [baseTree]);
    serve();
    const changes = await readCommitChanges(gh(), repo, [e, f], 4);
    expect([...changes.keys()]).toEqual([f]);
  });

  it("leaves a merge and a root commit to `getCommit`, and a commit that changed nothing has no files", async () => {
    const merge = commit("1".repeat(40), { ...BASE, "data/y.csv": "y" }, [baseTree, tree({ "data/y.csv": "y" })]);
    const root = commit("2".repeat(40), BASE, []);
    const empty = commit("3".repeat(40), BASE, [baseTree]);
    nock(API)
      .post("/graphql", (b) => String(b.query).startsWith("query CommitTrees"))
      .reply(200, { data: { repository: {
        o0: { tree: { oid: commits.get(merge)!.tree }, parents: { totalCount: 2, nodes: [{ tree: { oid: baseTree } }, { tree: { oid: baseTree } }] } },
        o1: { tree: { oid: baseTree }, parents: { totalCount: 0, nodes: [] } },
        o2: { tree: { oid: baseTree }, parents: { totalCount: 1, nodes: [{ tree: { oid: baseTree } }] } },
      } } });
    const changes = await readCommitChanges(gh(), repo, [merge, root, empty]);
    expect(Object.fromEntries(changes)).toEqual({ [empty]: [] });
  });

  it("leaves its unfinished commits to `getCommit` when the walk would take more queries than reading them", async () => {
    const deep = { ...BASE, "a/b/c/d/e.txt": "e" };
    const g = commit("4".repeat(40), deep, [baseTree]);
    const h = commit("5".repeat(40), { ...BASE, "f.txt": "f" }, [baseTree]);
    // Two commits: one query for the commits, one for the roots; the second level would be a third.
    const asked: string[][] = [];
    serve(asked);
    const changes = await readCommitChanges(gh(), repo, [g, h]);
    expect(asked.length).toBe(1);
    expect(Object.fromEntries(changes)).toEqual({ [h]: [{ filename: "f.txt", status: "added", sha: blob("f") }] });
  });

  it("fails closed when GitHub does not return a tree it named", async () => {
    const i = commit("6".repeat(40), { ...BASE, "data/z.csv": "z" }, ["9".repeat(40)]);
    serve();
    await expect(readCommitChanges(gh(), repo, [i], 2)).rejects.toThrow(IncompleteDataError);
  });

  it("fails closed on a tree entry without a git id", async () => {
    const broken = tree({ "x.txt": "x" });
    trees.set(broken, [{ name: "x.txt", oid: "not an oid", mode: 0o100644 }]);
    const j = commit("7".repeat(40), {}, [baseTree]);
    commits.set(j, { tree: broken, parents: [baseTree] });
    serve();
    await expect(readCommitChanges(gh(), repo, [j], 2)).rejects.toThrow(/tree .* is not a complete git object/);
  });
});
