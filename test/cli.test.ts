import { afterAll, afterEach, describe, expect, it } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { run, type CliIO } from "../src/cli/main.js";
import { BOB, GIT_ENV, TestRepo } from "./helpers/git-repo.js";

const POLICY = `version: 1
classes:
  eval: ["evals/**"]
  data: ["data/**"]
rules:
  - name: independent-review
    classes: [eval, data]
    require:
      approvals: 1
  - name: no-codex-in-evals
    classes: [eval]
    when: external-ai
    tools: [codex]
    forbid: true
`;

const NOW = new Date("2026-11-21T09:00:00Z");

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(argv: string[], cwd: string, env: Record<string, string | undefined> = {}): Promise<Result> {
  let stdout = "";
  let stderr = "";
  const io: CliIO = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    cwd,
    env: { ...GIT_ENV, ...env },
    now: () => NOW,
  };
  const code = await run(argv, io);
  return { code, stdout, stderr };
}

/** Exit 2 with exactly one `provenance-gate: error:` line and no stack. */
function expectOneLineError(r: Result, message: RegExp): void {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe("");
  const lines = r.stderr.trimEnd().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^provenance-gate: error: /);
  expect(lines[0]).toMatch(message);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

const repos: TestRepo[] = [];
afterEach(() => {
  while (repos.length) repos.pop()!.remove();
});

/**
 * Each history is made through git once, then every test gets its own copy of it: most tests here
 * start from the same few histories, and replaying one costs about fifteen git processes.
 */
const templates = new Map<string, TestRepo>();
afterAll(() => {
  for (const t of templates.values()) t.remove();
});
function fromTemplate(key: string, build: () => TestRepo): TestRepo {
  let template = templates.get(key);
  if (!template) templates.set(key, (template = build()));
  const r = template.copy();
  repos.push(r);
  return r;
}

/** main: policy + files; branch claude/x: an AI commit in evals/, a human rename in data/. */
function aiBranch(policy: string | null = POLICY): TestRepo {
  return fromTemplate(`ai:${policy}`, () => buildAiBranch(policy));
}

function buildAiBranch(policy: string | null): TestRepo {
  const r = new TestRepo();
  if (policy !== null) r.write(".provenance.yml", policy);
  r.write("evals/t1.yaml", "q: 1\n").write("data/a.csv", "x,y\n".repeat(10)).write("README.md", "hi\n");
  r.commit("init");
  r.git("checkout", "-q", "-b", "claude/x");
  r.write("evals/t1.yaml", "q: 2\n");
  r.commit("Harder eval task\n\nCo-Authored-By: Claude Sonnet 4.5 <noreply@anthropic.com>\n");
  r.git("mv", "data/a.csv", "data/b.csv");
  r.commit("Rename data file", { author: BOB });
  return r;
}

describe("check", () => {
  it("blocks an AI-assisted change in eval until an independent approval (exit 1)", async () => {
    const r = await cli(["check"], aiBranch().dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("");
    expect(r.stdout.split("\n")[0]).toBe("✖ action required: Needs 1 independent approval for AI-assisted changes in eval");
    expect(r.stdout).toMatch(/independent-review\s+pending\s+1 approval\s+—/);
    expect(r.stdout).toContain("other than @alice (AI-session author)");
    expect(r.stdout).toMatch(/Claude Code\s+co-author-trailer\s+commit [0-9a-f]{7}\s+Co-Authored-By: Claude Sonnet 4.5 <noreply@anthropic.com>/);
    expect(r.stdout).not.toContain("\u001b[");
  });

  it("passes with an approval from someone who did not drive the AI (exit 0)", async () => {
    const r = await cli(["check", "--approved-by", "bob"], aiBranch().dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^✔ passed: Approved by @bob/);
  });

  it("does not count the AI-session author's own approval, nor a read-only reviewer", async () => {
    const r = await cli(["check", "--approved-by", "alice,carol", "--permission", "carol=read", "--format", "json"], aiBranch().dir);
    expect(r.code).toBe(1);
    const verdict = JSON.parse(r.stdout);
    expect(verdict.conclusion).toBe("action_required");
    expect(verdict.disqualified.map((d: { login: string }) => d.login)).toEqual(["alice", "carol"]);
  });

  it("counts a `from` team given with --team", async () => {
    const policy = POLICY.replace("approvals: 1", 'approvals: 1\n      from: ["@acme/eval-owners"]');
    const dir = aiBranch(policy).dir;
    expect((await cli(["check", "--approved-by", "bob"], dir)).code).toBe(1);
    expect((await cli(["check", "--approved-by", "bob", "--team", "bob=acme/eval-owners"], dir)).code).toBe(0);
  });

  it("marks every file AI-touched for a label given with --label", async () => {
    const r = await cli(["check", "--label", "docs,ai-assisted", "--format", "json"], aiBranch().dir);
    const verdict = JSON.parse(r.stdout);
    expect(verdict.rules.find((x: { name: string }) => x.name === "independent-review").files).toEqual(["data/b.csv", "evals/t1.yaml"]);
  });

  it("reads the pull request body from --body-file", async () => {
    const repo = aiBranch();
    // The AI commit is removed from the branch; only the body says AI was used.
    repo.git("rebase", "-q", "--onto", "main", "HEAD~1");
    writeFileSync(join(repo.dir, "body.md"), "Link to Devin run: https://app.devin.ai/sessions/1\n");
    const without = await cli(["check"], repo.dir);
    const withBody = await cli(["check", "--body-file", "body.md", "--format", "json"], repo.dir);
    expect(without.code).toBe(0);
    expect(withBody.code).toBe(1);
    expect(JSON.parse(withBody.stdout).ai.tools).toEqual(["devin"]);
  });

  it("renders Markdown with a rules table", async () => {
    const r = await cli(["check", "--format", "markdown"], aiBranch().dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("| Rule | Status | Needs | Counted |");
    expect(r.stdout).toContain("| `independent-review` | ⏳ pending | 1 approval | — |");
  });

  it("passes with a clear line when there is no policy", async () => {
    const repo = aiBranch(null);
    const r = await cli(["check"], repo.dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`No provenance policy (looked in main:.provenance.yml); nothing is enforced.\n`);
    const json = JSON.parse((await cli(["check", "--format", "json"], repo.dir)).stdout);
    expect(json).toMatchObject({ conclusion: "success", title: "No provenance policy", rules: [] });
  });

  it("reports each config error as file:line:col and exits 2", async () => {
    const r = await cli(["check"], aiBranch("version: 1\nclasses:\n  eval: [\"evals/**\"]\nrulez: []\n").dir);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^main:\.provenance\.yml:4:1: .*rulez.*\(did you mean "rules"\?\)$/);
    expect(lines[lines.length - 1]).toMatch(/^provenance-gate: error: main:\.provenance\.yml: \d+ config errors?$/);
  });

  it("judges by the base branch's policy, not the one the branch commits or the working tree holds", async () => {
    const repo = aiBranch();
    const weakened = "version: 1\nclasses:\n  eval: [\"nothing/**\"]\n";
    repo.write(".provenance.yml", weakened).commit("Protect nothing");
    repo.write(".provenance.yml", "version: 1\n");
    const r = await cli(["check", "--format", "json"], repo.dir);
    expect(r.code).toBe(1);
    const verdict = JSON.parse(r.stdout);
    expect(verdict.policy).toMatchObject({ path: ".provenance.yml", ref: "main" });
    expect(verdict.policy.blob_sha).toBe(repo.git("rev-parse", "main:.provenance.yml").trim());
    expect(verdict.rules.find((x: { name: string }) => x.name === "independent-review").status).toBe("pending");
    // --config names the file to judge by, working tree included.
    const own = JSON.parse((await cli(["check", "--config", ".provenance.yml", "--format", "json"], repo.dir)).stdout);
    expect(own.rules.map((x: { name: string }) => x.name)).toEqual(["provenance-policy", "provenance-links"]);
  });

  it("fails a branch that commits a broken .provenance.yml, as the app does", async () => {
    const repo = aiBranch();
    repo.write(".provenance.yml", `${POLICY}rulez: []\n`).commit("Typo in the policy");
    const verdict = JSON.parse((await cli(["check", "--approved-by", "bob", "--format", "json"], repo.dir)).stdout);
    expect(verdict.conclusion).toBe("failure");
    expect(verdict.config_errors).toMatchObject([{ file: "HEAD:.provenance.yml", line: 15, message: expect.stringContaining("rulez") }]);
  });

  it.each([
    ["the same commit", (repo: TestRepo) => repo.git("checkout", "-q", "main"), [], /nothing to check: HEAD \([0-9a-f]{7}\) has no commits that main lacks$/],
    ["reversed", () => undefined, ["--base", "claude/x", "--head", "main"], /main \([0-9a-f]{7}\) has no commits that claude\/x lacks \(it is behind claude\/x; are --base and --head the wrong way round\?\)$/],
  ])("an empty range (%s) is an error, not a pass", async (_name, setup, argv, message) => {
    const repo = aiBranch();
    setup(repo);
    expectOneLineError(await cli(["check", ...argv], repo.dir), message);
  });

  it.each([
    [["check", "--frob"], /check: Unknown option '--frob'/],
    [["check", "--format", "xml"], /--format must be one of text, json, markdown \(got "xml"\)/],
    [["check", "--base", "nope"], /unknown --base ref "nope"/],
    [["check", "--permission", "owner"], /--permission must be one of/],
    [["check", "--team", "bob"], /--team must be LOGIN=org\/slug/],
    [["check", "--body-file", "missing.md"], /cannot read --body-file missing\.md: no such file/],
    [["check", "--config", "missing.yml"], /cannot read missing\.yml: no such file/],
    [["check", "stray"], /Unexpected argument 'stray'/],
  ])("%j is a usage error: exit 2, one line", async (argv, message) => {
    expectOneLineError(await cli(argv as string[], aiBranch().dir), message);
  });

  it("is a usage error outside a git repository", async () => {
    const r = await cli(["check", "--config", join(aiBranch().dir, ".provenance.yml")], "/", { GIT_CEILING_DIRECTORIES: "/" });
    expectOneLineError(r, /not a git repository/);
  });

  it("can save the snapshot it judged", async () => {
    const repo = aiBranch();
    await cli(["check", "--save-snapshot", "snap.json"], repo.dir);
    const snapshot = JSON.parse(readFileSync(join(repo.dir, "snap.json"), "utf8"));
    expect(snapshot.files).toContainEqual({ filename: "data/b.csv", status: "renamed", previous_filename: "data/a.csv", mode: "100644", sha: repo.git("rev-parse", "HEAD:data/b.csv").trim() });
  });
});

describe("check: attribution follows exact content (the local-git loader's blobs)", () => {
  /** main: the policy; a branch where Claude writes `path` with `text`, then a plain commit adds `copy` with `copyText`. */
  function copyBranch(path: string, text: string, copy: string, copyText: string): TestRepo {
    const r = new TestRepo();
    repos.push(r);
    r.write(".provenance.yml", POLICY).write("README.md", "hi\n").commit("init");
    r.git("checkout", "-q", "-b", "feature");
    r.write(path, text).commit("Draft the task\n\nCo-Authored-By: Claude Sonnet 4.5 <noreply@anthropic.com>\n");
    r.write(copy, copyText).commit("Add the eval task", { author: BOB });
    return r;
  }

  it("attack: a plain commit copies Claude's scratch/t1.yaml to evals/t1.yaml (git lists it as added): blocked, naming where it came from", async () => {
    const r = copyBranch("scratch/t1.yaml", "task: ai\n", "evals/t1.yaml", "task: ai\n");
    const ai = r.git("rev-parse", "--short=7", "HEAD~1").trim();
    const result = await cli(["check"], r.dir);
    expect(result.code).toBe(1);
    expect(result.stdout.split("\n")[0]).toBe("✖ action required: Needs 1 independent approval for AI-assisted changes in eval");
    expect(result.stdout).toContain(`evals/t1.yaml has the content Claude Code wrote to scratch/t1.yaml in ${ai}`);
  });

  it("twin: a human's own evals/t1.yaml beside Claude's scratch/t1.yaml passes", async () => {
    const r = copyBranch("scratch/t1.yaml", "task: ai\n", "evals/t1.yaml", "task: mine\n");
    expect((await cli(["check"], r.dir)).code).toBe(0);
  });

  it("twin: an empty evals/__init__.py beside Claude's empty scratch/__init__.py passes (the empty blob is nobody's content)", async () => {
    const r = copyBranch("scratch/__init__.py", "", "evals/__init__.py", "");
    expect((await cli(["check"], r.dir)).code).toBe(0);
  });
});

describe("evaluate", () => {
  /** One checkout with the snapshot `check` saved of it, copied for each test. */
  let saved: Promise<TestRepo> | undefined;
  async function savedSnapshot(): Promise<{ dir: string; snapshot: any }> {
    saved ??= (async () => {
      const repo = buildAiBranch(POLICY);
      templates.set("saved-snapshot", repo);
      await cli(["check", "--save-snapshot", "snap.json"], repo.dir);
      return repo;
    })();
    const repo = (await saved).copy();
    repos.push(repo);
    return { dir: repo.dir, snapshot: JSON.parse(readFileSync(join(repo.dir, "snap.json"), "utf8")) };
  }

  it("judges a snapshot, and simulates an approval added to it", async () => {
    const { dir, snapshot } = await savedSnapshot();
    expect((await cli(["evaluate", "--snapshot", "snap.json"], dir)).code).toBe(1);
    snapshot.reviews.push({ user: { login: "bob", type: "User" }, state: "APPROVED", submitted_at: "2026-11-21T08:00:00Z", permission: "write" });
    writeFileSync(join(dir, "what-if.json"), JSON.stringify(snapshot));
    const r = await cli(["evaluate", "--snapshot", "what-if.json", "--format", "json"], dir);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).counted).toEqual(["bob"]);
  });

  it("judges a change to .provenance.yml by the floor rule alone", async () => {
    const { dir, snapshot } = await savedSnapshot();
    snapshot.files.push({ filename: ".provenance.yml", status: "modified" });
    writeFileSync(join(dir, "policy-change.json"), JSON.stringify(snapshot));
    const verdict = JSON.parse((await cli(["evaluate", "--snapshot", "policy-change.json", "--format", "json"], dir)).stdout);
    expect(verdict.rules.find((x: { name: string }) => x.name === "provenance-policy")).toMatchObject({ status: "pending", files: [".provenance.yml"] });
    expect(verdict.config_errors).toEqual([]);
  });

  it("rejects a malformed snapshot with the JSON path (exit 2, one line)", async () => {
    const { dir, snapshot } = await savedSnapshot();
    snapshot.commits[1].author.email = 42;
    writeFileSync(join(dir, "bad.json"), JSON.stringify(snapshot));
    expectOneLineError(await cli(["evaluate", "--snapshot", "bad.json"], dir), /^provenance-gate: error: bad\.json: snapshot\.commits\[1\]\.author\.email: expected a string, got number 42$/);
  });

  it.each([
    [["evaluate"], /--snapshot FILE is required/],
    [["evaluate", "--snapshot"], /Option '--snapshot <value>' argument missing/],
    [["evaluate", "--snapshot", "none.json"], /cannot read snapshot none\.json: no such file/],
    [["evaluate", "--snapshot", "snap.json", "--approved-by", "bob"], /Unknown option '--approved-by'/],
  ])("%j is a usage error", async (argv, message) => {
    const { dir } = await savedSnapshot();
    expectOneLineError(await cli(argv as string[], dir), message);
  });

  it("rejects text that is not JSON", async () => {
    const { dir } = await savedSnapshot();
    writeFileSync(join(dir, "junk.json"), "{ not json");
    expectOneLineError(await cli(["evaluate", "--snapshot", "junk.json"], dir), /junk\.json: snapshot: invalid JSON/);
  });
});

describe("validate", () => {
  it("accepts a valid policy (exit 0)", async () => {
    const r = await cli(["validate"], aiBranch().dir);
    expect(r).toEqual({ code: 0, stdout: ".provenance.yml: valid (2 classes, 2 rules + the built-in provenance-policy rule)\n", stderr: "" });
  });

  it("lists every error as file:line:col (exit 2)", async () => {
    const repo = aiBranch();
    writeFileSync(join(repo.dir, "broken.yml"), "version: 1\nclasses:\n  eval: []\nrules:\n  - name: r\n    classes: [evl]\n");
    const r = await cli(["validate", "broken.yml"], repo.dir);
    expect(r.code).toBe(2);
    const errors = r.stderr.trimEnd().split("\n").slice(0, -1);
    expect(errors.length).toBeGreaterThanOrEqual(2);
    for (const line of errors) expect(line).toMatch(/^broken\.yml:\d+:\d+: \S/);
    expect(r.stderr).toMatch(/broken\.yml:6:\d+: .*evl.*did you mean "eval"/);
  });

  it("warns, inside a checkout, about each pattern that matches no tracked file (still exit 0)", async () => {
    const policy = 'version: 1\nclasses:\n  eval: ["evalz/**", "evals/**"]\n  data:\n    - "data/**"\n    - "!data/README.md"\n    - "**/*.parquet"\n';
    const repo = aiBranch(policy);
    const r = await cli(["validate"], repo.dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\.provenance\.yml: valid/);
    expect(r.stderr.trimEnd().split("\n")).toEqual([
      'provenance-gate: warning: .provenance.yml:3:11: pattern "evalz/**" of class eval matches no tracked file (a typo, or a path still to come?)',
      'provenance-gate: warning: .provenance.yml:7:8: pattern "**/*.parquet" of class data matches no tracked file (a typo, or a path still to come?)',
    ]);
    // Outside a checkout there is nothing to compare with.
    const outside = await cli(["validate", join(repo.dir, ".provenance.yml")], "/", { GIT_CEILING_DIRECTORIES: "/" });
    expect(outside.code).toBe(0);
    expect(outside.stderr).toBe("");
  });

  it("is a usage error for a missing file or two files", async () => {
    const dir = aiBranch().dir;
    expectOneLineError(await cli(["validate", "nope.yml"], dir), /cannot read nope\.yml: no such file/);
    expectOneLineError(await cli(["validate", "a.yml", "b.yml"], dir), /takes at most one FILE/);
  });
});

describe("explain", () => {
  it("names the classes and rules of each path", async () => {
    const r = await cli(["explain", "evals/t1.yaml", "./Data/x.csv", "README.md", ".provenance.yml"], aiBranch().dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        "evals/t1.yaml",
        "  classes  eval",
        "  rules    independent-review: AI-assisted changes need 1 independent approval",
        "           no-codex-in-evals: changes made with Codex are forbidden",
        "./Data/x.csv  (matched as Data/x.csv)",
        "  classes  data",
        "  rules    independent-review: AI-assisted changes need 1 independent approval",
        "README.md",
        "  classes  (none: no rule applies)",
        ".provenance.yml",
        "  classes  provenance-policy",
        "  rules    provenance-policy: any change needs 1 independent approval",
        "",
      ].join("\n"),
    );
  });

  it("prints JSON", async () => {
    const r = await cli(["explain", "--format", "json", "evals/t1.yaml"], aiBranch().dir);
    expect(JSON.parse(r.stdout)).toEqual([
      {
        path: "evals/t1.yaml",
        normalised: "evals/t1.yaml",
        classes: ["eval"],
        rules: [
          { name: "independent-review", when: "ai-assisted", forbid: false, approvals: 1, effect: "AI-assisted changes need 1 independent approval" },
          { name: "no-codex-in-evals", when: "external-ai", tools: ["codex"], forbid: true, effect: "changes made with Codex are forbidden" },
        ],
      },
    ]);
  });

  it("needs a path and a policy", async () => {
    expectOneLineError(await cli(["explain"], aiBranch().dir), /name at least one PATH/);
    expectOneLineError(await cli(["explain", "x"], aiBranch(null).dir), /no provenance policy \(looked in \.provenance\.yml\); pass --config FILE/);
  });
});

describe("detect", () => {
  it("lists each commit of the branch with its AI signals", async () => {
    const r = await cli(["detect"], aiBranch().dir);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^[0-9a-f]{7}  claude-code     Harder eval task$/);
    expect(lines[1]).toMatch(/^ {9}co-author-trailer  Co-Authored-By: Claude Sonnet 4\.5 <noreply@anthropic\.com>$/);
    expect(lines[2]).toMatch(/^[0-9a-f]{7}  -               Rename data file$/);
    expect(lines[lines.length - 1]).toBe("2 commits, 1 AI-marked (claude-code)");
  });

  it("prints a JSON array with one { sha, ai, tools, signals } per commit", async () => {
    const repo = aiBranch();
    const r = await cli(["detect", "main..HEAD", "--format", "json"], repo.dir);
    const out = JSON.parse(r.stdout);
    expect(out).toHaveLength(2);
    for (const c of out) expect(Object.keys(c)).toEqual(["sha", "ai", "tools", "signals"]);
    expect(out[0]).toMatchObject({ ai: true, tools: ["claude-code"] });
    expect(out[0].sha).toBe(repo.git("rev-parse", "HEAD~1").trim());
    expect(out[0].signals[0]).toMatchObject({ tool: "claude-code", kind: "co-author-trailer", evidence: "Co-Authored-By: Claude Sonnet 4.5 <noreply@anthropic.com>" });
    expect(out[1]).toEqual({ sha: repo.git("rev-parse", "HEAD").trim(), ai: false, tools: [], signals: [] });
  });

  it("detects tools declared in the policy", async () => {
    const policy = `${POLICY}ai:\n  tools:\n    metacode:\n      trust: internal\n      trailers: ["Assisted-by: MetaCode"]\n`;
    const repo = aiBranch(policy);
    repo.write("x", "1").commit("Internal tool change\n\nAssisted-by: MetaCode v2\n");
    const out = JSON.parse((await cli(["detect", "HEAD~1..HEAD", "--format", "json"], repo.dir)).stdout);
    expect(out[0].tools).toEqual(["metacode"]);
  });

  it("rejects a range that looks like an option, and a bad range", async () => {
    expectOneLineError(await cli(["detect", "--output=x"], aiBranch().dir), /Unknown option '--output'/);
    expectOneLineError(await cli(["detect", "nope..HEAD"], aiBranch().dir), /git log: .*nope/);
    expectOneLineError(await cli(["detect", "--", "--no-such-option"], aiBranch().dir), /git log: .*no-such-option/);
  });

  it.each([["--output=x"], ["--format=%H"], ["-p"], ["--stat"], ["--oneline"]])("keeps git-log option %s, which changes what git prints or writes, from reaching git", async (option) => {
    expectOneLineError(await cli(["detect", "--", option], aiBranch().dir), /git log option ".*" is not passed on: it changes what git prints or writes a file/);
  });

  it("passes git-log arguments after --: filters, limits and paths", async () => {
    const repo = aiBranch();
    const shas = async (argv: string[]) => JSON.parse((await cli(["detect", "--format", "json", ...argv], repo.dir)).stdout).map((c: { sha: string }) => c.sha);
    const [ai, rename] = [repo.git("rev-parse", "HEAD~1").trim(), repo.git("rev-parse", "HEAD").trim()];
    expect(await shas(["main..HEAD", "--", "--author=Bob"])).toEqual([rename]);
    expect(await shas(["main..HEAD", "--", "--", "evals/"])).toEqual([ai]);
    // Without a range, git log's own default: the whole history of HEAD.
    expect(await shas(["--", "--max-count=2"])).toEqual([ai, rename]);
    expect((await shas(["--", "--all"])).length).toBe(3);
  });

  it("prints JSON Lines with --format jsonl: one object a commit, oldest first", async () => {
    const repo = aiBranch();
    const r = await cli(["detect", "main..HEAD", "--format", "jsonl"], repo.dir);
    const lines = r.stdout.trimEnd().split("\n").map((l) => JSON.parse(l));
    expect(lines.map((c) => [c.sha, c.ai])).toEqual([
      [repo.git("rev-parse", "HEAD~1").trim(), true],
      [repo.git("rev-parse", "HEAD").trim(), false],
    ]);
    expect((await cli(["detect", "HEAD..HEAD", "--format", "jsonl"], repo.dir)).stdout).toBe("");
    expect((await cli(["detect", "HEAD..HEAD", "--format", "json"], repo.dir)).stdout).toBe("[]\n");
  });
});

describe("the command line itself", () => {
  it("prints help and version", async () => {
    const dir = aiBranch().dir;
    expect((await cli(["--help"], dir)).stdout).toContain("Usage: provenance-gate <command>");
    expect((await cli(["help", "check"], dir)).stdout).toContain("--approved-by LOGIN");
    expect((await cli(["check", "--help"], dir)).stdout).toContain("--approved-by LOGIN");
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
    expect(await cli(["--version"], dir)).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: "" });
  });

  it("suggests the nearest command", async () => {
    expectOneLineError(await cli(["chek"], "/"), /unknown command "chek" \(did you mean "check"\?\)/);
    const none = await cli([], "/");
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("Usage:");
  });

  it("turns an unexpected error into one line; the stack only with PROVENANCE_GATE_DEBUG=1", async () => {
    const dir = aiBranch().dir;
    const failing = (env: Record<string, string>) => {
      let stderr = "";
      const io: CliIO = {
        stdout: {
          write: () => {
            throw new TypeError("boom");
          },
        },
        stderr: { write: (s: string) => (stderr += s) },
        cwd: dir,
        env: { ...GIT_ENV, ...env },
      };
      return run(["validate"], io).then((code) => ({ code, stderr }));
    };
    const quiet = await failing({});
    expect(quiet.code).toBe(2);
    expect(quiet.stderr).toBe("provenance-gate: error: unexpected TypeError: boom (set PROVENANCE_GATE_DEBUG=1 for details)\n");
    const debug = await failing({ PROVENANCE_GATE_DEBUG: "1" });
    expect(debug.stderr).toMatch(/\n\s+at /);
  });

  it("colours text only on a TTY without NO_COLOR", async () => {
    const dir = aiBranch().dir;
    const tty = async (env: Record<string, string>) => {
      let stdout = "";
      await run(["check"], { stdout: { write: (s: string) => (stdout += s), isTTY: true }, stderr: { write: () => true }, cwd: dir, env: { ...GIT_ENV, ...env }, now: () => NOW });
      return stdout;
    };
    expect(await tty({})).toContain("\u001b[");
    expect(await tty({ NO_COLOR: "1" })).not.toContain("\u001b[");
  });
});

describe("check: people no GitHub account is tied to", () => {
  const NEUBIG = { name: "Graham Neubig", email: "neubig@home.example" };
  /** An OpenHands commit made under a personal address the checkout cannot tie to a login. */
  function personalAiBranch(mailmap?: string): TestRepo {
    return fromTemplate(`personal:${mailmap}`, () => buildPersonalAiBranch(mailmap));
  }
  function buildPersonalAiBranch(mailmap?: string): TestRepo {
    const r = new TestRepo();
    r.write(".provenance.yml", POLICY).write("evals/t1.yaml", "q: 1\n");
    if (mailmap !== undefined) r.write(".mailmap", mailmap);
    r.commit("init");
    r.git("checkout", "-q", "-b", "openhands/x");
    r.write("evals/t1.yaml", "q: 2\n");
    r.commit("Harder eval task\n\nCo-authored-by: openhands <openhands@all-hands.dev>\n", { author: NEUBIG });
    return r;
  }

  it("does not count an approver whose login is the unresolved author's local part, and says why", async () => {
    const repo = personalAiBranch();
    const r = await cli(["check", "--author", "alice", "--approved-by", "neubig"], repo.dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/@neubig may be the unresolved AI-session author neubig@home\.example \(its local part is the login\): authored and committed [0-9a-f]{7} with OpenHands/);
    expect((await cli(["check", "--author", "alice", "--approved-by", "bob"], repo.dir)).code).toBe(0);
  });

  it("ties an address to a login with --identity", async () => {
    const repo = personalAiBranch();
    const r = JSON.parse((await cli(["check", "--author", "alice", "--approved-by", "gn", "--identity", "Neubig@home.example=gn", "--format", "json"], repo.dir)).stdout);
    expect(r.session_authors).toEqual(["alice", "gn"]);
    expect(r.unresolved_authors).toEqual([]);
    expect(r.disqualified[0].reason).toMatch(/^@gn is an AI-session author: authored and committed [0-9a-f]{7} with OpenHands$/);
    expectOneLineError(await cli(["check", "--identity", "gn"], repo.dir), /--identity must be EMAIL=LOGIN \(got "gn"\)/);
  });

  it("reads the base's .mailmap: a no-reply address gives the login, another address an alias", async () => {
    const mailmap = "# people\nGraham Neubig <gneubig@cs.example> <neubig@home.example>\n";
    const alias = await cli(["check", "--author", "alice", "--approved-by", "gneubig", "--format", "json"], personalAiBranch(mailmap).dir);
    expect(JSON.parse(alias.stdout).disqualified[0].reason).toMatch(/^@gneubig may be the unresolved AI-session author neubig@home\.example \(it is also known as gneubig@cs\.example, whose local part is the login\)/);
    const noreply = "Graham Neubig <9+gneubig@users.noreply.github.com> <neubig@home.example>\n";
    const resolved = JSON.parse((await cli(["check", "--author", "alice", "--format", "json"], personalAiBranch(noreply).dir)).stdout);
    expect(resolved.session_authors).toEqual(["alice", "gneubig"]);
  });

  it("ignores a .mailmap the branch adds", async () => {
    const repo = personalAiBranch();
    repo.write(".mailmap", "Graham Neubig <9+gneubig@users.noreply.github.com> <neubig@home.example>\n").commit("mailmap");
    const v = JSON.parse((await cli(["check", "--author", "alice", "--format", "json"], repo.dir)).stdout);
    expect(v.session_authors).toEqual(["alice"]);
    expect(v.unresolved_authors.map((u: { email: string }) => u.email)).toEqual(["neubig@home.example"]);
  });
});

describe("check --pusher", () => {
  it("keeps a pusher's approval from counting", async () => {
    const r = JSON.parse((await cli(["check", "--approved-by", "bob", "--pusher", "bob", "--format", "json"], aiBranch().dir)).stdout);
    expect(r.conclusion).toBe("action_required");
    expect(r.disqualified).toEqual([{ login: "bob", reason: "@bob is an AI-session author: pushed to the head branch" }]);
  });
});

describe("error lines", () => {
  it("joins a message's lines with single spaces, whatever blanks surround the breaks", async () => {
    const { oneLine } = await import("../src/cli/main.js");
    expect(oneLine("  a  \r\n \n  b\tc \n")).toBe("a b\tc");
    expect(oneLine(`x${" ".repeat(50_000)}y`)).toBe(`x${" ".repeat(50_000)}y`);
    expect(oneLine(`x${" ".repeat(50_000)}\n${" ".repeat(50_000)}y`)).toBe("x y");
  });
});
