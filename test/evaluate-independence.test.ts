/**
 * Independence (SPEC 1.1 §2, §4): attribution that follows content through renames and copies,
 * pushers and the people who asked an agent as AI-session authors, contributors who cannot
 * approve any-change and built-in rules, and the built-in `provenance-links` rule.
 */
import { describe, expect, it } from "vitest";
import { evaluate } from "../src/evaluate/evaluate.js";
import { requestedBy } from "../src/evaluate/session-authors.js";
import { mentionAnswererAtWork, mentionedAgents, startedBy } from "../src/evaluate/requesters.js";
import { pathKey } from "../src/evaluate/classify.js";
import { EMPTY_BLOB, type CommitFile, type CommitFileEntry, type FileStatus, type Snapshot, type SnapshotFile } from "../src/model/snapshot.js";
import { contentSentence } from "../src/report/format.js";
import type { RuleResult, Verdict } from "../src/model/verdict.js";
import { commit, person, policy, review, rule, sha, snapshot } from "./helpers/builders.js";

const ANY_EVAL = rule({ name: "any-eval", classes: ["eval"], when: "any-change" });
const judge = (s: Snapshot, rules = [rule({})]) => evaluate(policy({ rules }), s);
const ruleOf = (v: Verdict, name: string): RuleResult => v.rules.find((r) => r.name === name)!;
const reasonsOf = (v: Verdict, login: string) => v.disqualified.filter((d) => d.login === login).map((d) => d.reason);
const added = (filename: string, extra: Partial<SnapshotFile> = {}): SnapshotFile => ({ filename, status: "added", ...extra });

describe("attribution follows the content", () => {
  const AI = sha("ai-commit");
  const MOVE = sha("move-commit");

  it("a later plain commit that renames AI output into evals/ keeps it AI-touched", () => {
    const s = snapshot({
      files: [added("evals/tasks/t1.yaml")],
      commits: [
        commit({ sha: AI, ai: true, files: ["scratch/t1.yaml"] }),
        commit({ sha: MOVE, files: [{ filename: "evals/tasks/t1.yaml", status: "renamed", previous_filename: "scratch/t1.yaml" }] }),
      ],
    });
    const v = judge(s);
    expect(v.conclusion).toBe("action_required");
    expect(v.files[0]).toMatchObject({ filename: "evals/tasks/t1.yaml", ai_touched: true, tools: ["claude-code"], commits: [AI.slice(0, 7)] });
  });

  it("follows a chain of moves and copies, and a copy leaves its source attributed too", () => {
    const s = snapshot({
      files: [added("evals/b.yaml"), added("data/c.csv"), added("scratch/a.txt")],
      commits: [
        commit({ ai: true, files: ["scratch/a.txt"] }),
        commit({ files: [{ filename: "tmp/a.txt", status: "copied", previous_filename: "scratch/a.txt" }] }),
        commit({ files: [{ filename: "evals/b.yaml", status: "renamed", previous_filename: "tmp/a.txt" }] }),
        commit({ files: [{ filename: "data/c.csv", status: "copied", previous_filename: "evals/b.yaml" }] }),
      ],
    });
    expect(judge(s).files.map((f) => [f.filename, f.ai_touched])).toEqual([
      ["data/c.csv", true],
      ["evals/b.yaml", true],
      ["scratch/a.txt", true],
    ]);
  });

  it("compares paths as classification does: a case-only or NFD spelling keeps the attribution", () => {
    const s = snapshot({
      files: [added("evals/t1.yaml"), added("evals/caf\u00e9.yaml")],
      commits: [commit({ ai: true, files: ["EVALS/T1.yaml", "./evals/cafe\u0301.yaml"] })],
    });
    expect(judge(s).files.every((f) => f.ai_touched)).toBe(true);
    expect(pathKey("Evals/\u017fcratch")).toBe(pathKey("evals/scratch"));
  });

  it("reads the sources of one commit's renames as they were before it (a swap)", () => {
    const s = snapshot({
      files: [{ filename: "evals/x.yaml", status: "modified" }, { filename: "scratch/y.yaml", status: "modified" }],
      commits: [
        commit({ ai: true, files: ["scratch/y.yaml"] }),
        commit({
          files: [
            { filename: "evals/x.yaml", status: "renamed", previous_filename: "scratch/y.yaml" },
            { filename: "scratch/y.yaml", status: "renamed", previous_filename: "evals/x.yaml" },
          ],
        }),
      ],
    });
    // The AI's content is now at evals/x.yaml; scratch/y.yaml stays attributed (its name was the AI's).
    expect(judge(s).files.map((f) => [f.filename, f.ai_touched])).toEqual([
      ["evals/x.yaml", true],
      ["scratch/y.yaml", true],
    ]);
  });

  it("twin: a human's own file moved into evals/ is not AI-touched; a plain entry object or a copy without source moves nothing", () => {
    const s = snapshot({
      files: [added("evals/t1.yaml"), added("evals/t2.yaml")],
      commits: [
        commit({ ai: true, files: ["scratch/notes.md"] }),
        commit({ files: ["drafts/t1.yaml"] }),
        commit({ files: [{ filename: "evals/t1.yaml", status: "renamed", previous_filename: "drafts/t1.yaml" }] }),
        commit({ files: [{ filename: "evals/t2.yaml", status: "modified" }, { filename: "evals/t2.yaml", status: "copied" }] }),
      ],
    });
    const v = judge(s);
    expect(v.files.map((f) => f.ai_touched)).toEqual([false, false]);
    expect(v.conclusion).toBe("success");
  });
});

describe("attribution follows exact content by its blob", () => {
  const AI = sha("ai-commit");
  const X = "a".repeat(40);
  const Y = "b".repeat(40);
  const wrote = (filename: string, blob: string, status: FileStatus = "added"): CommitFileEntry => ({ filename, status, sha: blob });
  const aiWrites = (...files: CommitFile[]) => commit({ sha: AI, ai: true, files });
  const fileOf = (v: Verdict, name: string) => v.files.find((f) => f.filename === name)!;

  it("a plain commit that copies AI output into evals/ (git lists it as added) keeps it AI-touched, naming where it came from", () => {
    const s = snapshot({
      files: [added("evals/t1.yaml", { sha: X }), added("scratch/t1.yaml", { sha: X })],
      commits: [aiWrites(wrote("scratch/t1.yaml", X)), commit({ files: [wrote("evals/t1.yaml", X)] })],
    });
    const v = judge(s);
    expect(v.conclusion).toBe("action_required");
    expect(fileOf(v, "evals/t1.yaml")).toMatchObject({ ai_touched: true, commits: [AI.slice(0, 7)], content_from: { filename: "scratch/t1.yaml", commit: AI.slice(0, 7), tools: ["claude-code"], at_head: true } });
    // The AI's own file reached it by its name, not by a copy.
    expect(fileOf(v, "scratch/t1.yaml").content_from).toBeUndefined();
  });

  it("the head's blob decides even when no commit list names the copy: a run's net change after a rename and a restore", () => {
    // Plain commits rename scratch/t1.yaml to evals/ and restore it; read as one run, each is
    // taken to have made the net change, which lists evals/t1.yaml as added with no source.
    const net = [wrote("evals/t1.yaml", X)];
    const s = snapshot({
      files: [added("evals/t1.yaml", { sha: X })],
      commits: [aiWrites(wrote("scratch/t1.yaml", X)), commit({ files: net }), commit({ files: net })],
    });
    expect(fileOf(judge(s), "evals/t1.yaml")).toMatchObject({ ai_touched: true, content_from: { filename: "scratch/t1.yaml", at_head: true } });
    // Without blobs in the commit lists, the head's blob alone carries it.
    const bare = snapshot({ files: [added("evals/t1.yaml", { sha: X })], commits: [aiWrites(wrote("scratch/t1.yaml", X)), commit({ files: ["evals/t1.yaml"] })] });
    expect(fileOf(judge(bare), "evals/t1.yaml")).toMatchObject({ ai_touched: true, content_from: { filename: "scratch/t1.yaml", at_head: true } });
  });

  it("a copy that is edited and moved later stays AI-touched, saying the content changed since", () => {
    const s = snapshot({
      files: [added("evals/t1.yaml", { sha: Y })],
      commits: [
        aiWrites(wrote("scratch/t1.yaml", X)),
        commit({ files: [wrote("tmp/t1.yaml", X)] }),
        commit({ files: [wrote("tmp/t1.yaml", Y, "modified")] }),
        commit({ files: [{ filename: "evals/t1.yaml", status: "renamed", previous_filename: "tmp/t1.yaml", sha: Y }] }),
      ],
    });
    const v = judge(s);
    expect(fileOf(v, "evals/t1.yaml")).toMatchObject({ ai_touched: true, content_from: { filename: "scratch/t1.yaml", at_head: false } });
    expect(contentSentence(fileOf(v, "evals/t1.yaml"))).toBe(`evals/t1.yaml took the content Claude Code wrote to scratch/t1.yaml in ${AI.slice(0, 7)}, changed since`);
  });

  it("names the AI's write by path, whatever order the loader listed one commit's files in", () => {
    const files = [added("evals/t1.yaml", { sha: X })];
    const one = judge(snapshot({ files, commits: [aiWrites(wrote("scratch/b.yaml", X), wrote("scratch/a.yaml", X))] }));
    const other = judge(snapshot({ files, commits: [aiWrites(wrote("scratch/a.yaml", X), wrote("scratch/b.yaml", X))] }));
    expect(fileOf(one, "evals/t1.yaml").content_from?.filename).toBe("scratch/a.yaml");
    expect(fileOf(other, "evals/t1.yaml")).toEqual(fileOf(one, "evals/t1.yaml"));
    expect(contentSentence(fileOf(one, "evals/t1.yaml"))).toBe(`evals/t1.yaml has the content Claude Code wrote to scratch/a.yaml in ${AI.slice(0, 7)}`);
  });

  it("twin: a human's own file beside AI output (another blob) is not AI-touched", () => {
    const s = snapshot({
      files: [added("evals/t1.yaml", { sha: Y })],
      commits: [aiWrites(wrote("scratch/t1.yaml", X)), commit({ files: [wrote("evals/t1.yaml", Y)] })],
    });
    expect(fileOf(judge(s), "evals/t1.yaml")).toMatchObject({ ai_touched: false });
    expect(fileOf(judge(s), "evals/t1.yaml").content_from).toBeUndefined();
  });

  it("twin: an empty file is nobody's content — the AI's empty scratch/__init__.py does not reach a human's empty evals/__init__.py", () => {
    const s = snapshot({
      files: [added("evals/__init__.py", { sha: EMPTY_BLOB })],
      commits: [aiWrites(wrote("scratch/__init__.py", EMPTY_BLOB)), commit({ files: [wrote("evals/__init__.py", EMPTY_BLOB)] })],
    });
    expect(judge(s).conclusion).toBe("success");
  });

  it("a blob only a plain commit wrote, a removal's blob, and a removed file's are not AI content", () => {
    const s = snapshot({
      files: [added("evals/t1.yaml", { sha: Y }), { filename: "evals/t2.yaml", status: "removed", sha: X }],
      commits: [commit({ files: [wrote("tmp/t1.yaml", Y)] }), aiWrites(wrote("scratch/gone.yaml", Y, "removed"), wrote("scratch/t2.yaml", X))],
    });
    expect(judge(s).files.map((f) => [f.filename, f.ai_touched])).toEqual([
      ["evals/t1.yaml", false],
      ["evals/t2.yaml", false],
    ]);
  });
});

describe("pushers and the people who asked an agent are AI-session authors", () => {
  it("a pusher's approval does not count, whatever identity their commit carries", () => {
    const s = snapshot({
      author: "carol",
      pushers: ["Mallory"],
      commits: [commit({ ai: true, by: "carol", files: ["evals/tasks/t1.yaml"] })],
      reviews: [review("mallory")],
    });
    const v = judge(s);
    expect(v.conclusion).toBe("action_required");
    expect(v.session_author_details).toContainEqual({ login: "mallory", reasons: ["pushed to the head branch"] });
    expect(reasonsOf(v, "mallory")).toEqual(["@mallory is an AI-session author: pushed to the head branch"]);
  });

  it("twin: someone who did not push approves", () => {
    const s = snapshot({ pushers: ["mallory"], commits: [commit({ ai: true, by: "carol", files: ["evals/tasks/t1.yaml"] })], reviews: [review("bob")] });
    expect(judge(s).conclusion).toBe("success");
  });

  it("for an agent's pull request, a `Requested by:` login and the assignees are session authors", () => {
    const s = snapshot({
      author: "devin-ai-integration[bot]",
      body: "Adds tasks.\n\nLink to Devin run: https://app.devin.ai/sessions/abc\nRequested by: @alice",
      assignees: ["erin", "Copilot", "devin-ai-integration[bot]", "helper[bot]"],
      commits: [commit({ by: "devin-ai-integration[bot]", files: ["evals/tasks/t1.yaml"] })],
      reviews: [review("alice"), review("erin")],
    });
    const v = judge(s);
    expect(v.conclusion).toBe("action_required");
    expect(reasonsOf(v, "alice")).toEqual(["@alice is an AI-session author: asked Devin for this pull request"]);
    expect(reasonsOf(v, "erin")).toEqual(["@erin is an AI-session author: asked Devin for this pull request"]);
    expect(v.session_authors).toEqual(["alice", "devin-ai-integration[bot]", "erin"]);
  });

  it("twin: a human's pull request that names a requester and has assignees excludes nobody extra", () => {
    const s = snapshot({
      author: "carol",
      body: "Requested by: @alice",
      assignees: ["alice"],
      commits: [commit({ ai: true, by: "carol", files: ["evals/tasks/t1.yaml"] })],
      reviews: [review("alice")],
    });
    expect(judge(s).conclusion).toBe("success");
  });

  it("an address on the line resolves through the pull request's commits, or is listed unresolved", () => {
    const s = snapshot({
      author: "Copilot",
      body: "Requested by: Alice (alice@acme.example)\nRequested by: Zed <zed@elsewhere.example>\nrequested  by : 12+frank@users.noreply.github.com\nRequested by: 1+copilot@users.noreply.github.com",
      commits: [commit({ by: "alice", files: ["README.md"] })],
    });
    const v = judge(s);
    expect(v.session_authors).toEqual(["alice", "copilot", "frank"]);
    expect(v.unresolved_authors).toEqual([
      { name: "", email: "zed@elsewhere.example", reason: "asked GitHub Copilot for this pull request; no GitHub account is tied to this e-mail" },
    ]);
  });

  it("parses `Requested by:` lines in their written forms, and nothing else", () => {
    expect(requestedBy("Requested by: @alice")).toEqual([{ login: "alice" }]);
    expect(requestedBy("Requested by: Alice (@alice)")).toEqual([{ login: "alice" }]);
    expect(requestedBy("> **Requested by:** @Alice-B, @bob.")).toEqual([{ login: "Alice-B" }, { login: "bob" }]);
    expect(requestedBy("Requested by: alice@acme.example")).toEqual([{ login: null, email: "alice@acme.example" }]);
    expect(requestedBy("Requested by: [Alice](https://github.com/alice)")).toEqual([{ login: "alice" }]);
    expect(requestedBy("**Requested by:** [Alice B](http://www.github.com/Alice-B/), github.com/bob")).toEqual([{ login: "Alice-B" }, { login: "bob" }]);
    expect(requestedBy("Requested by: [Alice](https://github.com/alice/repo) https://gitlab.com/alice")).toEqual([]);
    expect(requestedBy("Requested by: @-bad a@b @ x@y@z bare")).toEqual([]);
    expect(requestedBy("Not requested by: @alice\nRequested: @bob")).toEqual([]);
    expect(requestedBy(`Requested by: @alice ${"x".repeat(5000)}`)).toEqual([]);
  });

  it("whoever GitHub records asking an agent that worked on the pull request is a session author: the assignment's actor, a comment's mention", () => {
    const copilot = person("copilot-swe-agent[bot]", "copilot-swe-agent[bot]", "198982749+Copilot@users.noreply.github.com");
    const s = snapshot({
      author: "Copilot",
      commits: [commit({ author: { ...copilot, login: null }, committer: person("web-flow", "GitHub", "noreply@github.com"), files: ["evals/tasks/t1.yaml"] })],
      requesters: [
        { login: "alice", agent: "Copilot", via: "assigned" },
        { login: "erin", agent: "copilot", via: "mentioned" },
        { login: "frank", agent: "erin", via: "assigned" },
        { login: "grace", agent: "claude", via: "mentioned" },
        { login: "helper[bot]", agent: "Copilot", via: "assigned" },
      ],
      reviews: [review("alice"), review("erin"), review("frank"), review("grace")],
    });
    const v = judge(s);
    expect(reasonsOf(v, "alice")).toEqual(["@alice is an AI-session author: asked GitHub Copilot for this pull request"]);
    expect(reasonsOf(v, "erin")).toEqual(["@erin is an AI-session author: asked GitHub Copilot for this pull request"]);
    // Erin is no agent, and the Claude app never touched this pull request.
    expect(v.session_authors).toEqual(["alice", "copilot", "erin"]);
    expect(ruleOf(v, "review-ai").counted).toEqual(["frank", "grace"]);
  });

  it("a mention counts once the agent's account pushed or committed to a human's pull request", () => {
    const asked = { login: "alice", agent: "claude", via: "mentioned" } as const;
    const pushed = snapshot({ pushers: ["claude[bot]"], commits: [commit({ ai: true, by: "carol" })], requesters: [asked], reviews: [review("alice")] });
    expect(reasonsOf(judge(pushed), "alice")).toEqual(["@alice is an AI-session author: asked Claude Code for this pull request"]);
    const committed = snapshot({ commits: [commit({ by: "carol", committer: person("claude[bot]", "claude[bot]", "209825114+claude[bot]@users.noreply.github.com") })], requesters: [asked], reviews: [review("alice")] });
    expect(judge(committed).session_authors).toContain("alice");
    // Claude Code on Carol's own machine is the same tool, not the app's account: the mention asked for nothing it did.
    const local = snapshot({ commits: [commit({ ai: true, by: "carol" })], requesters: [asked], reviews: [review("alice")] });
    expect(judge(local).conclusion).toBe("success");
  });

  it("Jules' own line names who started its pull request; the same line in a human's pull request excludes nobody", () => {
    const body = "Adds tasks.\n\n---\n*PR created automatically by Jules for task [12](https://jules.google.com/task/12) started by @alice*";
    const jules = snapshot({ author: "google-labs-jules[bot]", body, commits: [commit({ by: "google-labs-jules[bot]" })], reviews: [review("alice")] });
    expect(reasonsOf(judge(jules), "alice")).toEqual(["@alice is an AI-session author: asked Jules for this pull request"]);
    const human = snapshot({ author: "carol", body, commits: [commit({ ai: true, by: "carol" })], reviews: [review("alice")] });
    expect(judge(human).conclusion).toBe("success");
    expect(startedBy("PR created automatically by Jules for task 1 started by @alice_x", "jules")).toEqual([]);
    expect(startedBy(`PR created automatically by Jules for task 1 started by @alice ${"x".repeat(5000)}`, "jules")).toEqual([]);
    expect(startedBy("Requested by: @alice", "devin")).toEqual([]);
    const line = `PR created automatically by Jules for task ${"started by ".repeat(300)}\n`;
    const start = performance.now();
    startedBy(line.repeat(Math.floor(262_144 / line.length)), "jules");
    expect(performance.now() - start).toBeLessThan(500);
  });

  it("reads a mention of an agent's handle as GitHub links one, and nothing else", () => {
    expect(mentionedAgents("@claude fix this, and @Copilot too; thanks @claude.")).toEqual(["claude", "copilot"]);
    expect(mentionedAgents("me@claude.ai @claude-bot @claude_x `x/@claude` @alice")).toEqual([]);
    // Only the work of an account that answers a mention makes its inline comments worth a read.
    expect(mentionAnswererAtWork({ author: "carol", pushers: ["claude[bot]"] }, [])).toBe(true);
    expect(mentionAnswererAtWork({ author: "carol" }, [commit({ by: "carol", committer: person(null, "Copilot", "198982749+Copilot@users.noreply.github.com") })])).toBe(true);
    expect(mentionAnswererAtWork({ author: "devin-ai-integration[bot]" }, [commit({ ai: true, by: "carol" })])).toBe(false);
    const start = performance.now();
    mentionedAgents("@".repeat(200_000) + "@a-".repeat(20_000));
    expect(performance.now() - start).toBeLessThan(500);
  });

  it("reads the longest body GitHub accepts in linear time", () => {
    const line = `Requested by: ${"**".repeat(1000)}${"@a".repeat(1000)}\n`;
    const body = line.repeat(Math.floor(262_144 / line.length));
    const start = performance.now();
    requestedBy(body);
    expect(performance.now() - start).toBeLessThan(500);
  });
});

describe("contributors to a rule's files cannot approve any-change and built-in rules", () => {
  const DAVE = sha("dave-commit");

  it("the author of a policy change cannot meet the floor rule through a second account's pull request", () => {
    const s = snapshot({
      author: "mallory-alt",
      pushers: ["eve"],
      files: [".provenance.yml"],
      commits: [commit({ sha: DAVE, by: "mallory", files: [".provenance.yml"] })],
      reviews: [review("mallory")],
    });
    const v = judge(s);
    expect(v.conclusion).toBe("action_required");
    expect(ruleOf(v, "provenance-policy")).toMatchObject({ status: "pending", contributors: ["eve", "mallory", "mallory-alt"] });
    expect(reasonsOf(v, "mallory")).toEqual([`@mallory authored and committed ${DAVE.slice(0, 7)}, which changes .provenance.yml`]);
  });

  it("twin: someone who did not write the change approves", () => {
    const s = snapshot({ author: "mallory-alt", files: [".provenance.yml"], commits: [commit({ by: "mallory", files: [".provenance.yml"] })], reviews: [review("bob")] });
    expect(judge(s).conclusion).toBe("success");
  });

  it("an any-change rule: the committer, a resolved co-author and whoever moved the file in are contributors; a co-author elsewhere is not", () => {
    const moved = sha("mover");
    const s = snapshot({
      author: "carol",
      files: [added("evals/a.yaml"), added("evals/b.yaml"), added("evals/c.yaml"), added("evals/d.yaml"), added("src/x.ts")],
      commits: [
        commit({ by: "dave", committer: person("grace"), message: "Evals\n\nCo-authored-by: Frank <9+frank@users.noreply.github.com>", files: ["evals/a.yaml", "evals/b.yaml", "evals/c.yaml", "evals/d.yaml"] }),
        commit({ by: "heidi", files: ["src/x.ts"], message: "x\n\nCo-authored-by: Ivan <ivan@acme.example>" }),
        commit({ sha: moved, by: "judy", files: [{ filename: "evals/e.yaml", status: "renamed", previous_filename: "evals/a.yaml" }] }),
        commit({ by: "claude", author: { login: null, name: "Claude", email: "noreply@anthropic.com" }, committer: { login: null, name: "Nobody", email: "nobody@acme.example" }, files: ["evals/d.yaml"] }),
      ],
      reviews: ["dave", "grace", "frank", "heidi", "judy", "bob"].map((l) => review(l)),
    });
    const v = judge(s, [ANY_EVAL]);
    const any = ruleOf(v, "any-eval");
    expect(any.contributors).toEqual(["carol", "dave", "frank", "grace", "judy"]);
    expect(any.counted).toEqual(["bob", "heidi"]);
    expect(reasonsOf(v, "dave")[0]).toMatch(/^@dave authored \w{7}, which changes evals\/a\.yaml, evals\/b\.yaml, evals\/c\.yaml and 1 more$/);
    expect(reasonsOf(v, "judy")).toEqual([`@judy authored and committed ${moved.slice(0, 7)}, which changes evals/a.yaml`]);
  });

  it("names one change per person, the same whatever order the commits are listed in", () => {
    const [early, late] = [sha("bbbb"), sha("aaaa")];
    const commits = [commit({ sha: early, by: "dave", files: ["evals/a.yaml"] }), commit({ sha: late, by: "dave", files: ["evals/a.yaml"] })];
    const reasons = [commits, [...commits].reverse()].map((c) => reasonsOf(judge(snapshot({ files: ["evals/a.yaml"], commits: c, reviews: [review("dave")] }), [ANY_EVAL]), "dave"));
    expect(reasons[0]).toEqual([`@dave authored and committed ${late.slice(0, 7)}, which changes evals/a.yaml`]);
    expect(reasons[1]).toEqual(reasons[0]);
  });

  it("a commit without a file list is taken to touch every file, for its people too", () => {
    const s = snapshot({ files: ["evals/a.yaml"], commits: [commit({ by: "dave" })], reviews: [review("dave")] });
    expect(judge(s, [ANY_EVAL]).conclusion).toBe("action_required");
  });

  it("an ai-assisted rule still lets a contributor who did not drive the AI approve; a forbid rule lists no contributors' reviews", () => {
    const s = snapshot({
      files: ["evals/a.yaml"],
      commits: [commit({ by: "dave", files: ["evals/a.yaml"] })],
      labels: ["ai-assisted"],
      reviews: [review("dave")],
    });
    expect(judge(s).conclusion).toBe("success");
    const forbid = judge(s, [rule({ name: "no-eval", classes: ["eval"], when: "any-change", forbid: true })]);
    expect(ruleOf(forbid, "no-eval")).toMatchObject({ status: "forbidden", contributors: ["carol", "dave"] });
    expect(forbid.disqualified).toEqual([]);
  });
});

describe("the built-in provenance-links rule", () => {
  const LINK = added("evals/t1.yaml", { mode: "120000", link_target: "../scratch/t1.yaml" });

  it("a link at a protected path needs one counted approval, AI or not, and the check names it", () => {
    const s = snapshot({
      files: [LINK, { filename: "scratch/t1.yaml", status: "modified", mode: "100644" }],
      commits: [commit({ by: "carol", files: ["evals/t1.yaml"] }), commit({ ai: true, by: "carol", files: ["scratch/t1.yaml"] })],
    });
    const v = judge(s);
    expect(v.conclusion).toBe("action_required");
    expect(ruleOf(v, "provenance-links")).toMatchObject({
      status: "pending",
      builtin: true,
      when: "any-change",
      required: 1,
      files: ["evals/t1.yaml"],
      links: [{ path: "evals/t1.yaml", kind: "symlink", target: "../scratch/t1.yaml" }],
    });
    expect(v.title).toBe("Needs 1 independent approval for the link evals/t1.yaml → ../scratch/t1.yaml");
    expect(v.files.find((f) => f.filename === "evals/t1.yaml")).toMatchObject({ mode: "120000", link_target: "../scratch/t1.yaml" });
    expect(judge({ ...s, reviews: [review("bob")] }).conclusion).toBe("success");
    expect(judge({ ...s, reviews: [review("carol")] }).conclusion).toBe("action_required");
  });

  it("twin: a regular file there, a link outside every class, or a removed link do not apply", () => {
    const plain = snapshot({ files: [{ filename: "evals/t1.yaml", status: "added", mode: "100644" }], commits: [commit({ by: "carol", files: ["evals/t1.yaml"] })] });
    const outside = snapshot({ files: [added("scratch/link", { mode: "120000" })] });
    const removed = snapshot({ files: [{ filename: "evals/t1.yaml", status: "removed", mode: "120000" }] });
    for (const s of [plain, outside, removed]) {
      const v = judge(s);
      expect(v.conclusion).toBe("success");
      expect(ruleOf(v, "provenance-links")).toMatchObject({ status: "not_applicable", counted: [], files: [] });
    }
  });

  it("names a submodule, a link without a known target, and several links", () => {
    const sub = judge(snapshot({ files: [added("evals/vendored", { mode: "160000", link_target: "c".repeat(40) })] }));
    expect(sub.title).toBe(`Needs 1 independent approval for the submodule evals/vendored → ${"c".repeat(40)}`);
    const bare = judge(snapshot({ files: [added("data/x", { mode: "120000" })] }));
    expect(bare.title).toBe("Needs 1 independent approval for the link data/x");
    expect(ruleOf(bare, "provenance-links").links).toEqual([{ path: "data/x", kind: "symlink" }]);
    const two = judge(snapshot({ files: [added("evals/b", { mode: "120000" }), added("evals/a", { mode: "160000" })] }));
    expect(two.title).toBe("Needs 1 independent approval for 2 links in eval");
    expect(ruleOf(two, "provenance-links").links!.map((l) => l.path)).toEqual(["evals/a", "evals/b"]);
  });
});
