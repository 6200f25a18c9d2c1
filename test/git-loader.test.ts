import { afterEach, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGit, GitError, LocalPullRequest, loginFromEmail, parseLog, parseNameStatus } from "../src/load/git/index.js";
import { identity, toSnapshotFiles, touchedPaths } from "../src/load/git/parse.js";
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

  it("maps name-status letters to GitHub statuses and keeps both sides of a rename", () => {
    const entries = parseNameStatus("M\0a.txt\0R087\0old name.csv\0new\tname.csv\0A\0added\nfile\0D\0gone\0T\0link\0C100\0src\0copy\0");
    expect(toSnapshotFiles(entries)).toEqual([
      { filename: "a.txt", status: "modified" },
      { filename: "new\tname.csv", status: "renamed", previous_filename: "old name.csv" },
      { filename: "added\nfile", status: "added" },
      { filename: "gone", status: "removed" },
      { filename: "link", status: "changed" },
      { filename: "copy", status: "copied" },
    ]);
    expect(touchedPaths(entries)).toEqual(["a.txt", "old name.csv", "new\tname.csv", "added\nfile", "gone", "link", "copy"]);
  });

  it("rejects an unknown status letter", () => {
    expect(() => parseNameStatus("Q\0x\0")).toThrow(/unexpected name-status/);
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

  it("lists pull-request files with renames, and per-commit paths with both sides of a rename", async () => {
    const { r, rename, ai } = featureRepo();
    const pr = await open(r);
    expect(await pr.files()).toEqual([
      { filename: "data/new name.csv", status: "renamed", previous_filename: "data/old.csv" },
      { filename: "evals/a.yaml", status: "modified" },
    ]);
    expect(await pr.commitFiles(rename)).toEqual(["data/old.csv", "data/new name.csv"]);
    expect(await pr.commitFiles(ai)).toEqual(["evals/a.yaml"]);
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
    expect(await pr.commitFiles(merge)).toEqual(["data/main.csv"]);
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
    expect(files).toEqual([{ filename: "data/$(touch pwned);'x'\n.csv", status: "added" }]);
    const git = createGit({ cwd: r.dir, env: GIT_ENV as NodeJS.ProcessEnv });
    expect(await git(["ls-files", "pwned"])).toBe("");
  });
});
