import { afterEach, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, symlinkSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGit, GitError, LocalPullRequest, loginFromEmail, parseLog } from "../src/load/git/index.js";
import { commitFileEntries, identity, parseRaw, toSnapshotFiles } from "../src/load/git/parse.js";
import { ALICE, BOB, GIT_ENV, TestRepo } from "./helpers/git-repo.js";

const repos: TestRepo[] = [];
function repo(branch?: string): TestRepo {
  const r = new TestRepo(branch);
  repos.push(r);
  return r;
}
afterEach(() => {
  while (repos.length) repos.pop()!.remove();
});

const open = (r: TestRepo, opts: Partial<Parameters<typeof LocalPullRequest.open>[0]> = {}) =>
  LocalPullRequest.open({ cwd: r.dir, env: GIT_ENV as NodeJS.ProcessEnv, ...opts });

describe("loginFromEmail", () => {
  it.each([
    ["1234+alice@users.noreply.github.com", "alice"],
    ["alice@users.noreply.github.com", "alice"],
    ["41898282+github-actions[bot]@users.noreply.github.com", "github-actions[bot]"],
    ["198982749+Copilot@USERS.NOREPLY.GITHUB.COM", "Copilot"],
    ["noreply@github.com", "web-flow"],
    ["alice@acme.example", null],
    ["noreply@anthropic.com", null],
    ["alice@users.noreply.github.com.evil.example", null],
  ])("%s → %s", (email, login) => {
    expect(loginFromEmail(email)).toBe(login);
  });

  it("marks [bot] logins as bots and leaves unknown addresses untyped", () => {
    expect(identity("x", "1+claude[bot]@users.noreply.github.com")).toEqual({ login: "claude[bot]", name: "x", email: "1+claude[bot]@users.noreply.github.com", type: "Bot" });
    expect(identity("Bob", "bob@acme.example")).toEqual({ login: null, name: "Bob", email: "bob@acme.example" });
  });
});

describe("parsers of git -z output", () => {
  it("parses messages containing newlines, tabs, quotes and trailers", () => {
    const sha = "a".repeat(40);
    const msg = 'Subject with "quotes"\tand tab\n\nBody\r\nCo-Authored-By: Claude <noreply@anthropic.com>\n';
    const out = [sha, "b".repeat(40), "A", "a@x", "C", "c@x", "2026-11-20T10:00:00+00:00", msg].join("\0") + "\0";
    const [c] = parseLog(out);
    expect(c.sha).toBe(sha);
    expect(c.parents).toEqual(["b".repeat(40)]);
    expect(c.message).toBe(msg.replace(/\n$/, ""));
    expect(c.committer).toEqual({ login: null, name: "C", email: "c@x" });
  });

  it("rejects output whose fields do not line up", () => {
    expect(() => parseLog("abc\0def\0")).toThrow(GitError);
  });

  const raw = (src: string, dst: string, code: string, ...paths: string[]) => `:${src} ${dst} ${"a".repeat(40)} ${"b".repeat(40)} ${code}\0${paths.join("\0")}\0`;

  it("maps raw diff letters to GitHub statuses, with the head's mode, and names a rename's source", () => {
    const entries = parseRaw(
      raw("100644", "100644", "M", "a.txt") +
        raw("100644", "100644", "R087", "old name.csv", "new\tname.csv") +
        raw("000000", "100755", "A", "added\nfile") +
        raw("100644", "000000", "D", "gone") +
        raw("100644", "120000", "T", "link") +
        raw("100644", "100644", "C100", "src", "copy") +
        raw("000000", "160000", "A", "vendor/sub"),
    );
    // The blob each entry leaves: none for a removal, nor for a submodule (its object is a commit).
    const sha = "b".repeat(40);
    expect(toSnapshotFiles(entries)).toEqual([
      { filename: "a.txt", status: "modified", mode: "100644", sha },
      { filename: "new\tname.csv", status: "renamed", previous_filename: "old name.csv", mode: "100644", sha },
      { filename: "added\nfile", status: "added", mode: "100755", sha },
      { filename: "gone", status: "removed" },
      { filename: "link", status: "changed", mode: "120000", sha },
      { filename: "copy", status: "copied", mode: "100644", sha },
      { filename: "vendor/sub", status: "added", mode: "160000" },
    ]);
    expect(commitFileEntries(entries)).toEqual([
      { filename: "a.txt", status: "modified", sha },
      { filename: "new\tname.csv", status: "renamed", previous_filename: "old name.csv", sha },
      { filename: "added\nfile", status: "added", sha },
      "gone",
      { filename: "link", status: "changed", sha },
      { filename: "copy", status: "copied", previous_filename: "src", sha },
      "vendor/sub",
    ]);
  });

  it("rejects an unknown status letter, a malformed line and truncated output", () => {
    expect(() => parseRaw(raw("100644", "100644", "Q", "x"))).toThrow(/unexpected name-status/);
    expect(() => parseRaw("M\0x\0")).toThrow(/unexpected raw diff line/);
    expect(() => parseRaw(`:100644 100644 ${"a".repeat(40)} ${"b".repeat(40)} R100\0only-one\0`)).toThrow(/truncated/);
  });
});

describe("LocalPullRequest", () => {
  function featureRepo() {
    const r = repo();
    r.write("evals/a.yaml", "a\n").write("data/old.csv", "1,2\n".repeat(20)).write("README.md", "hi\n");
    const base = r.commit("init");
    r.git("checkout", "-q", "-b", "claude/feature");
    r.git("mv", "data/old.csv", "data/new name.csv");
    const rename = r.commit("Rename the data file");
    r.write("evals/a.yaml", "a\nb\n");
    const ai = r.commit("Tweak the eval\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n", { committer: BOB });
    return { r, base, rename, ai };
  }

  it("reads commits base..head oldest first, with identities and full messages", async () => {
    const { r, rename, ai } = featureRepo();
    const pr = await open(r);
    const commits = await pr.commits();
    expect(commits.map((c) => c.sha)).toEqual([rename, ai]);
    expect(commits[1]).toEqual({
      sha: ai,
      message: "Tweak the eval\n\nCo-Authored-By: Claude <noreply@anthropic.com>",
      author: { login: "alice", name: "Alice", email: ALICE.email, type: "User" },
      committer: { login: null, name: "Bob", email: BOB.email },
    });
  });

  it("lists pull-request files with renames and modes, and per-commit renames with their source", async () => {
    const { r, rename, ai } = featureRepo();
    const pr = await open(r);
    const blob = (path: string) => r.git("rev-parse", `${ai}:${path}`).trim();
    expect(await pr.files()).toEqual([
      { filename: "data/new name.csv", status: "renamed", previous_filename: "data/old.csv", mode: "100644", sha: blob("data/new name.csv") },
      { filename: "evals/a.yaml", status: "modified", mode: "100644", sha: blob("evals/a.yaml") },
    ]);
    expect(await pr.commitFiles(rename)).toEqual([{ filename: "data/new name.csv", status: "renamed", previous_filename: "data/old.csv", sha: blob("data/new name.csv") }]);
    expect(await pr.commitFiles(ai)).toEqual([{ filename: "evals/a.yaml", status: "modified", sha: blob("evals/a.yaml") }]);
  });

  it("reads a symbolic link's target and a submodule's commit", async () => {
    const r = repo();
    r.write("scratch/t1.yaml", "x\n").write("evals/t0.yaml", "y\n").commit("init");
    r.git("checkout", "-q", "-b", "feature");
    r.git("rm", "-q", "evals/t0.yaml");
    mkdirSync(join(r.dir, "evals"), { recursive: true });
    symlinkSync("../scratch/t1.yaml", join(r.dir, "evals/t1.yaml"));
    r.git("add", "evals/t1.yaml");
    const sub = "c".repeat(40);
    // `git add -A` drops a gitlink without a checkout, so the submodule gets an empty one.
    mkdirSync(join(r.dir, "evals/vendored"));
    r.git("update-index", "--add", "--cacheinfo", `160000,${sub},evals/vendored`);
    r.commit("Point the eval at scratch");
    const files = await (await open(r)).files();
    expect(files).toEqual([
      { filename: "evals/t0.yaml", status: "removed" },
      { filename: "evals/t1.yaml", status: "added", mode: "120000", link_target: "../scratch/t1.yaml", sha: r.git("rev-parse", "HEAD:evals/t1.yaml").trim() },
      { filename: "evals/vendored", status: "added", mode: "160000", link_target: sub },
    ]);
  });

  it("fills pull-request fields from git and flags", async () => {
    const { r, ai } = featureRepo();
    const pr = await open(r, { labels: ["ai-assisted"], body: "Generated with [Claude Code](https://claude.com/claude-code)" });
    expect(await pr.pullRequest()).toEqual({
      number: 0,
      author: "alice",
      author_type: "User",
      base_ref: "main",
      head_ref: "claude/feature",
      head_sha: ai,
      labels: ["ai-assisted"],
      body: "Generated with [Claude Code](https://claude.com/claude-code)",
      last_push_at: r.date(3).replace("Z", ".000Z"),
    });
    expect(pr.repository).toMatch(/^local\/provenance-gate-/);
  });

  it("takes owner/name from a GitHub origin remote", async () => {
    const { r } = featureRepo();
    r.git("remote", "add", "origin", "git@github.com:acme/models.git");
    expect((await open(r)).repository).toBe("acme/models");
  });

  it("turns --approved-by into approvals after the head commit, even when the clock is behind", async () => {
    const { r } = featureRepo();
    const pr = await open(r, { approvedBy: ["bob", "Bob", "carol"], now: new Date("2020-01-01T00:00:00Z") });
    const reviews = await pr.reviews();
    expect(reviews.map((x) => [x.user.login, x.state])).toEqual([
      ["bob", "APPROVED"],
      ["carol", "APPROVED"],
    ]);
    const push = Date.parse((await pr.pullRequest()).last_push_at);
    for (const review of reviews) expect(Date.parse(review.submitted_at)).toBeGreaterThan(push);
  });

  it("answers permissions and teams from flags, case-insensitively, default write", async () => {
    const { r } = featureRepo();
    const pr = await open(r, { permissions: { Carol: "read" }, teams: { BOB: ["acme/eval-owners"] } });
    expect(await pr.permission("bob")).toBe("write");
    expect(await pr.permission("carol")).toBe("read");
    expect(await pr.teamsOf("bob", ["ACME/Eval-Owners", "acme/other"])).toEqual(["ACME/Eval-Owners"]);
    expect(await pr.teamsOf("carol", ["acme/eval-owners"])).toEqual([]);
    expect(await (await open(r, { permission: "triage" })).permission("bob")).toBe("triage");
  });

  it("defaults the author to the local part of user.email when the head author has no GitHub login", async () => {
    const r = repo();
    r.write("a", "1").commit("init", { author: BOB });
    r.git("checkout", "-q", "-b", "f");
    r.write("a", "2").commit("change", { author: BOB });
    r.git("config", "user.email", "99+dana-noreply@users.noreply.github.com");
    expect((await (await open(r)).pullRequest()).author).toBe("dana-noreply");
    r.git("config", "user.email", "dana@acme.example");
    expect((await (await open(r)).pullRequest()).author).toBe("dana");
    r.git("config", "github.user", "dana-gh");
    expect((await (await open(r)).pullRequest()).author).toBe("dana-gh");
    expect((await (await open(r, { author: "erin" })).pullRequest()).author).toBe("erin");
  });

  it("compares a merge commit with its first parent", async () => {
    const r = repo();
    r.write("a.txt", "1").commit("init");
    r.git("checkout", "-q", "-b", "feature");
    r.write("evals/x.yaml", "x").commit("feature work");
    r.git("checkout", "-q", "main");
    r.write("data/main.csv", "m").commit("main work");
    r.git("checkout", "-q", "feature");
    r.git("merge", "-q", "--no-edit", "main");
    const merge = r.git("rev-parse", "HEAD").trim();
    const pr = await open(r, { base: "main" });
    const commits = await pr.commits();
    expect(commits.map((c) => c.sha)).toContain(merge);
    expect(await pr.commitFiles(merge)).toEqual([{ filename: "data/main.csv", status: "added", sha: r.git("rev-parse", "main:data/main.csv").trim() }]);
    // The pull request's own diff is against the merge base: main's change is not in it.
    expect((await pr.files()).map((f) => f.filename)).toEqual(["evals/x.yaml"]);
  });

  it("finds the default branch: origin/HEAD first, then main, then master", async () => {
    const r = repo("master");
    r.write("a", "1").commit("init");
    r.git("checkout", "-q", "-b", "f");
    r.write("a", "2").commit("change");
    expect((await (await open(r)).pullRequest()).base_ref).toBe("master");
    r.git("update-ref", "refs/remotes/origin/trunk", "master");
    r.git("symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/trunk");
    expect((await (await open(r)).pullRequest()).base_ref).toBe("trunk");
  });

  it("honours --base and --head", async () => {
    const { r, base, rename } = featureRepo();
    const pr = await open(r, { base, head: rename });
    expect((await pr.commits()).map((c) => c.sha)).toEqual([rename]);
    expect((await pr.pullRequest()).head_ref).toBe(rename);
  });

  it.each([
    ["an unknown base ref", { base: "no-such-branch" }, /unknown --base ref "no-such-branch"/],
    ["an unknown head ref", { head: "nope" }, /unknown --head ref "nope"/],
    ["a ref that looks like an option", { base: "--output=/tmp/x" }, /invalid --base ref/],
  ])("rejects %s with a GitError", async (_name, opts, message) => {
    const { r } = featureRepo();
    await expect(open(r, opts)).rejects.toThrow(message);
    await expect(open(r, opts)).rejects.toBeInstanceOf(GitError);
  });

  it("says so outside a git repository", async () => {
    const dir = mkdtempSync(join(tmpdir(), "provenance-gate-nogit-"));
    try {
      await expect(LocalPullRequest.open({ cwd: dir, env: { ...GIT_ENV, GIT_CEILING_DIRECTORIES: tmpdir() } as NodeJS.ProcessEnv })).rejects.toThrow(
        "not a git repository (run this inside a git checkout)",
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("says so when there is no default branch to compare with", async () => {
    const r = repo("trunk");
    r.write("a", "1").commit("init");
    await expect(open(r)).rejects.toThrow(/cannot find the default branch.*--base REF/);
  });

  it("runs git without a shell, so odd paths stay data", async () => {
    const r = repo();
    r.write("a", "1").commit("init");
    r.git("checkout", "-q", "-b", "f");
    r.write("data/$(touch pwned);'x'\n.csv", "1").commit("odd path");
    const files = await (await open(r)).files();
    expect(files).toEqual([{ filename: "data/$(touch pwned);'x'\n.csv", status: "added", mode: "100644", sha: r.git("rev-parse", "HEAD:data/$(touch pwned);'x'\n.csv").trim() }]);
    const git = createGit({ cwd: r.dir, env: GIT_ENV as NodeJS.ProcessEnv });
    expect(await git(["ls-files", "pwned"])).toBe("");
  });
});
