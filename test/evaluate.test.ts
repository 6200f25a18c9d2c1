/**
 * SPEC §4 and §6, bullet by bullet. Each case has a twin that differs in the one fact the bullet
 * is about, so a test passes only if that fact decides the outcome.
 */
import { describe, expect, it } from "vitest";
import { evaluate } from "../src/evaluate/evaluate.js";
import type { Snapshot } from "../src/model/snapshot.js";
import type { Policy } from "../src/model/policy.js";
import {
  AFTER_PUSH, BEFORE_PUSH, CLAUDE_TRAILER, PUSHED_AT, commit, person, policy, review, rule, snapshot,
} from "./helpers/builders.js";

const NOW = new Date("2026-11-21T00:00:00Z");
const run = (p: Policy, s: Snapshot) => evaluate(p, s, { now: NOW });
const aiEval = (extra: Parameters<typeof snapshot>[0] = {}) =>
  snapshot({ commits: [commit({ by: "alice", ai: true, files: ["evals/tasks/t1.yaml"] })], ...extra });

interface Twin {
  name: string;
  policy?: Policy;
  pass: Snapshot;
  fail: Snapshot;
  /** The conclusion of the failing twin (default action_required). */
  blocked?: "action_required" | "failure";
}

const twins: Twin[] = [
  {
    name: "§4 per-commit attribution: only files an AI-marked commit changed are AI-touched",
    pass: snapshot({ files: ["evals/a.yaml", "src/x.ts"], commits: [commit({ by: "dan", files: ["evals/a.yaml"] }), commit({ ai: true, files: ["src/x.ts"] })] }),
    fail: snapshot({ files: ["evals/a.yaml", "src/x.ts"], commits: [commit({ by: "dan", files: ["src/x.ts"] }), commit({ ai: true, files: ["evals/a.yaml"] })] }),
  },
  {
    name: "§4 an entry is AI-touched when a marked commit names its previous_filename",
    pass: snapshot({ files: [{ filename: "evals/x.yaml", status: "renamed", previous_filename: "tmp/x.yaml" }], commits: [commit({ ai: true, files: ["tmp/other.yaml"] })] }),
    fail: snapshot({ files: [{ filename: "evals/x.yaml", status: "renamed", previous_filename: "tmp/x.yaml" }], commits: [commit({ ai: true, files: ["tmp/x.yaml"] })] }),
  },
  {
    name: "§4 a renamed file is classified under its old path too",
    pass: snapshot({ files: [{ filename: "src/x.yaml", status: "renamed", previous_filename: "tmp/x.yaml" }], commits: [commit({ ai: true, files: ["src/x.yaml", "tmp/x.yaml"] })] }),
    fail: snapshot({ files: [{ filename: "src/x.yaml", status: "renamed", previous_filename: "evals/x.yaml" }], commits: [commit({ ai: true, files: ["src/x.yaml", "evals/x.yaml"] })] }),
  },
  {
    name: "§4 a PR-level label marks every changed file",
    pass: snapshot({ labels: ["bug"], commits: [commit({ by: "dan", files: ["evals/tasks/t1.yaml"] })] }),
    fail: snapshot({ labels: ["AI-Assisted"], commits: [commit({ by: "dan", files: ["evals/tasks/t1.yaml"] })] }),
  },
  {
    name: "§4 a PR body footer marks every changed file",
    pass: snapshot({ body: "Generated with some script" }),
    fail: snapshot({ body: "Fixes a task.\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)" }),
  },
  {
    name: "§4 branch prefixes are hints, never decisive",
    pass: snapshot({ head_ref: "claude/fix-evals-x1y2" }),
    fail: snapshot({ head_ref: "claude/fix-evals-x1y2", labels: ["ai-assisted"] }),
  },
  {
    name: "§4 PR-level signals do not make a commit AI-marked: its author may still approve",
    pass: snapshot({ labels: ["ai-assisted"], commits: [commit({ by: "bob", files: ["evals/tasks/t1.yaml"] })], reviews: [review("bob")] }),
    fail: snapshot({ labels: ["ai-assisted"], commits: [commit({ by: "bob", ai: true, files: ["evals/tasks/t1.yaml"] })], reviews: [review("bob")] }),
  },
  {
    name: "§4 the PR author is an AI-session author",
    pass: aiEval({ author: "carol", reviews: [review("bob")] }),
    fail: aiEval({ author: "bob", reviews: [review("bob")] }),
  },
  {
    name: "§4 the author of an AI-marked commit is an AI-session author",
    pass: aiEval({ reviews: [review("bob")] }),
    fail: aiEval({ reviews: [review("alice")] }),
  },
  {
    name: "§4 the committer of an AI-marked commit is an AI-session author",
    pass: aiEval({ reviews: [review("bob")] }),
    fail: snapshot({ commits: [commit({ ai: true, author: person("alice"), committer: person("bob"), files: ["evals/tasks/t1.yaml"] })], reviews: [review("bob")] }),
  },
  {
    name: "§4 a human co-author of an AI-marked commit, resolved by a no-reply address, is a session author",
    pass: snapshot({ commits: [commit({ ai: true, message: `Fix\n\n${CLAUDE_TRAILER}\nCo-authored-by: Dan <123+dan@users.noreply.github.com>`, files: ["evals/tasks/t1.yaml"] })], reviews: [review("bob")] }),
    fail: snapshot({ commits: [commit({ ai: true, message: `Fix\n\n${CLAUDE_TRAILER}\nCo-authored-by: Bob <123+bob@users.noreply.github.com>`, files: ["evals/tasks/t1.yaml"] })], reviews: [review("bob")] }),
  },
  {
    name: "§4 a co-author e-mail tied to a login elsewhere in the PR resolves to it",
    pass: snapshot({ commits: [commit({ by: "bob", files: ["src/y.ts"] }), commit({ ai: true, message: `Fix\n\n${CLAUDE_TRAILER}\nCo-authored-by: B <bobby@elsewhere.example>`, files: ["evals/tasks/t1.yaml"] })], reviews: [review("bob")] }),
    fail: snapshot({ commits: [commit({ by: "bob", files: ["src/y.ts"] }), commit({ ai: true, message: `Fix\n\n${CLAUDE_TRAILER}\nCo-authored-by: B <bob@acme.example>`, files: ["evals/tasks/t1.yaml"] })], reviews: [review("bob")] }),
  },
  {
    name: "§4 a forged co-author naming the reviewer only excludes",
    pass: aiEval({ reviews: [review("bob")] }),
    fail: snapshot({ commits: [commit({ ai: true, message: `Fix\n\n${CLAUDE_TRAILER}\nCo-authored-by: Bob <9+bob@users.noreply.github.com>`, files: ["evals/tasks/t1.yaml"] })], reviews: [review("bob")] }),
  },
  {
    name: "§4 only the latest decisive review counts: COMMENTED after an approval is ignored",
    pass: aiEval({ reviews: [review("bob"), review("bob", { state: "COMMENTED", submitted_at: "2026-11-20T12:00:00Z" })] }),
    fail: aiEval({ reviews: [review("bob", { state: "COMMENTED" })] }),
  },
  {
    name: "§4 CHANGES_REQUESTED after an approval cancels it",
    pass: aiEval({ reviews: [review("bob", { state: "CHANGES_REQUESTED" }), review("bob", { submitted_at: "2026-11-20T12:00:00Z" })] }),
    fail: aiEval({ reviews: [review("bob"), review("bob", { state: "CHANGES_REQUESTED", submitted_at: "2026-11-20T12:00:00Z" })] }),
  },
  {
    name: "§4 DISMISSED after an approval cancels it",
    pass: aiEval({ reviews: [review("bob", { state: "DISMISSED" }), review("bob", { submitted_at: "2026-11-20T12:00:00Z" })] }),
    fail: aiEval({ reviews: [review("bob"), review("bob", { state: "DISMISSED", submitted_at: "2026-11-20T12:00:00Z" })] }),
  },
  {
    name: "§4 reviewers of type Bot do not count",
    pass: aiEval({ reviews: [review("bob", { user: { login: "bob", type: "User" } })] }),
    fail: aiEval({ reviews: [review("bob", { user: { login: "bob", type: "Bot" } })] }),
  },
  {
    name: "§4 logins with a [bot] suffix do not count",
    pass: aiEval({ reviews: [review("botanist")] }),
    fail: aiEval({ reviews: [review("helper[bot]")] }),
  },
  {
    name: "§4 catalogue agent accounts do not count",
    pass: aiEval({ reviews: [review("copilot-fan")] }),
    fail: aiEval({ reviews: [review("Copilot")] }),
  },
  {
    name: "§4 reviewers need write, maintain or admin permission",
    pass: aiEval({ reviews: [review("bob", { permission: "maintain" })] }),
    fail: aiEval({ reviews: [review("bob", { permission: "read" })] }),
  },
  {
    name: "§4 admin permission counts; triage does not",
    pass: aiEval({ reviews: [review("bob", { permission: "admin" })] }),
    fail: aiEval({ reviews: [review("bob", { permission: "triage" })] }),
  },
  {
    name: "§4 an approval must be strictly after the latest push",
    pass: aiEval({ reviews: [review("bob", { submitted_at: "2026-11-20T10:00:01Z" })] }),
    fail: aiEval({ reviews: [review("bob", { submitted_at: PUSHED_AT })] }),
  },
  {
    name: "§4 an approval before the push is stale",
    pass: aiEval({ reviews: [review("bob", { submitted_at: AFTER_PUSH })] }),
    fail: aiEval({ reviews: [review("bob", { submitted_at: BEFORE_PUSH })] }),
  },
  {
    name: "§4 logins compare case-insensitively (a case variant of a session author is excluded)",
    pass: aiEval({ reviews: [review("Bob")] }),
    fail: aiEval({ reviews: [review("ALICE")] }),
  },
  {
    name: "§4 `from` users: only listed users count, case-insensitively",
    policy: policy({ rules: [rule({ require: { approvals: 1, from: ["Bob"] } })] }),
    pass: aiEval({ reviews: [review("bob")] }),
    fail: aiEval({ reviews: [review("dave")] }),
  },
  {
    name: "§4 `from` teams: members of a listed team count",
    policy: policy({ rules: [rule({ require: { approvals: 1, from: ["@acme/eval-owners"] } })] }),
    pass: aiEval({ reviews: [review("dave", { teams: ["ACME/eval-owners"] })] }),
    fail: aiEval({ reviews: [review("dave", { teams: ["acme/other"] })] }),
  },
  {
    name: "§2 approvals: N needs N counted approvals",
    policy: policy({ rules: [rule({ require: { approvals: 2 } })] }),
    pass: aiEval({ reviews: [review("bob"), review("dave")] }),
    fail: aiEval({ reviews: [review("bob"), review("alice")] }),
  },
  {
    name: "§2 forbid: no approval satisfies it",
    policy: policy({ rules: [rule({ name: "no-ai", classes: ["eval"], when: "external-ai", forbid: true })] }),
    pass: aiEval({ files: ["src/x.ts"], commits: [commit({ ai: true, files: ["src/x.ts"] })], reviews: [review("bob")] }),
    fail: aiEval({ reviews: [review("bob")] }),
    blocked: "failure",
  },
  {
    name: "§2 when: external-ai skips tools the config declares internal",
    policy: policy({
      rules: [rule({ when: "external-ai" })],
      tools: { metacode: { id: "metacode", trust: "internal", emails: ["metacode@corp.example"], bots: [], trailers: [] } },
    }),
    pass: snapshot({ commits: [commit({ ai: false, message: "x\n\nCo-authored-by: MetaCode <metacode@corp.example>", files: ["evals/tasks/t1.yaml"] })] }),
    fail: aiEval(),
  },
  {
    name: "§2 when: ai-assisted includes internal tools",
    policy: policy({
      rules: [rule({ when: "ai-assisted" })],
      tools: { metacode: { id: "metacode", trust: "internal", emails: ["metacode@corp.example"], bots: [], trailers: [] } },
    }),
    pass: snapshot({ commits: [commit({ message: "x", files: ["evals/tasks/t1.yaml"] })] }),
    fail: snapshot({ commits: [commit({ message: "x\n\nCo-authored-by: MetaCode <metacode@corp.example>", files: ["evals/tasks/t1.yaml"] })] }),
  },
  {
    name: "§2 tools narrows a rule to the listed tools",
    policy: policy({ rules: [rule({ tools: ["codex"] })] }),
    pass: aiEval(),
    fail: snapshot({ commits: [commit({ message: "x\n\nCo-authored-by: Codex <noreply@openai.com>", files: ["evals/tasks/t1.yaml"] })] }),
  },
  {
    name: "§2 when: any-change applies without any AI signal",
    policy: policy({ rules: [rule({ when: "any-change", classes: ["data"] })] }),
    pass: snapshot({ files: ["src/a.ts"], commits: [commit({ files: ["src/a.ts"] })] }),
    fail: snapshot({ files: ["data/a.csv"], commits: [commit({ files: ["data/a.csv"] })] }),
  },
  {
    name: "§2 a class's `!pattern` removes what earlier patterns matched",
    pass: snapshot({ files: ["data/README.md"], commits: [commit({ ai: true, files: ["data/README.md"] })] }),
    fail: snapshot({ files: ["data/README2.md"], commits: [commit({ ai: true, files: ["data/README2.md"] })] }),
  },
  {
    name: "§2 the floor rule: any change to the root .provenance.yml needs an approval",
    pass: snapshot({ files: ["sub/.provenance.yml"], commits: [commit({ files: ["sub/.provenance.yml"] })] }),
    fail: snapshot({ files: [".provenance.yml"], commits: [commit({ files: [".provenance.yml"] })] }),
  },
  {
    name: "§6 failure for a pull request over 3,000 files",
    pass: snapshot({ files: Array.from({ length: 3000 }, (_, i) => `src/f${i}.ts`) }),
    fail: snapshot({ files: Array.from({ length: 3001 }, (_, i) => `src/f${i}.ts`) }),
    blocked: "failure",
  },
  {
    name: "§6 failure when the file list does not add up to GitHub's count (fail closed)",
    pass: snapshot({ files: ["src/a.ts"], changed_files: 1 }),
    fail: snapshot({ files: [], changed_files: 4 }),
    blocked: "failure",
  },
  {
    name: "§6 failure when the commit list does not add up to GitHub's count",
    pass: snapshot({ files: ["src/a.ts"], commits: [commit({ files: ["src/a.ts"] })], commit_count: 1 }),
    fail: snapshot({ files: ["src/a.ts"], commits: [commit({ files: ["src/a.ts"] })], commit_count: 251 }),
    blocked: "failure",
  },
  {
    name: "§4 an AI-marked commit without a file list touches every file (safe direction)",
    pass: snapshot({ commits: [commit({ ai: true, files: ["src/a.ts"] })] }),
    fail: snapshot({ commits: [commit({ ai: true, files: undefined })] }),
  },
];

describe("evaluate: SPEC §4 and §6, each with a passing and a failing twin", () => {
  it.each(twins)("$name", ({ policy: p = policy(), pass, fail, blocked = "action_required" }) => {
    expect(run(p, pass).conclusion).toBe("success");
    expect(run(p, fail).conclusion).toBe(blocked);
  });
});

describe("evaluate: the verdict explains itself", () => {
  it("names the session author and why a reviewer did not count", () => {
    const v = run(policy(), aiEval({ reviews: [review("alice"), review("dave", { permission: "read" })] }));
    expect(v.conclusion).toBe("action_required");
    expect(v.title).toBe("Needs 1 independent approval for AI-assisted changes in eval");
    expect(v.session_authors).toEqual(["alice", "carol"]);
    const alice = v.disqualified.find((d) => d.login === "alice")!;
    expect(alice.reason).toMatch(/^@alice is an AI-session author: authored and committed [0-9a-f]{7} with Claude Code$/);
    expect(v.disqualified.find((d) => d.login === "dave")!.reason).toContain("read permission");
    expect(v.ai.tools).toEqual(["claude-code"]);
    expect(v.ai.signals[0]).toMatchObject({ tool: "claude-code", evidence: CLAUDE_TRAILER });
    expect(v.evaluated_at).toBe(NOW.toISOString());
  });

  it("does not count GitHub's web-flow committer as a session author", () => {
    const webFlow = { login: "web-flow", name: "GitHub", email: "noreply@github.com", type: "User" };
    const v = run(policy(), snapshot({ commits: [commit({ ai: true, author: person("alice"), committer: webFlow, files: ["evals/tasks/t1.yaml"] })] }));
    expect(v.session_authors).toEqual(["alice", "carol"]);
    const human = run(policy(), snapshot({ commits: [commit({ ai: true, author: person("alice"), committer: person("dan"), files: ["evals/tasks/t1.yaml"] })] }));
    expect(human.session_authors).toEqual(["alice", "carol", "dan"]);
  });

  it("treats a tool's own identity as no person, but the user behind an `(aider)` author as one", () => {
    const claude = { login: null, name: "Claude", email: "noreply@anthropic.com" };
    const byTool = run(policy(), snapshot({ commits: [commit({ message: "x", author: claude, committer: claude, files: ["evals/tasks/t1.yaml"] })] }));
    expect(byTool.ai.assisted).toBe(true);
    expect(byTool.unresolved_authors).toEqual([]);
    expect(byTool.session_authors).toEqual(["carol"]);
    const aider = person("alice", "Alice (aider)", "alice@acme.example");
    const byAider = run(policy(), snapshot({ commits: [commit({ message: "aider: fix", author: aider, committer: person("alice"), files: ["evals/tasks/t1.yaml"] })], reviews: [review("alice")] }));
    expect(byAider.ai.tools).toEqual(["aider"]);
    expect(byAider.session_authors).toEqual(["alice", "carol"]);
    expect(byAider.conclusion).toBe("action_required");
  });

  it("lists a co-author with no resolvable login as unresolved", () => {
    const s = snapshot({ commits: [commit({ ai: true, message: `Fix\n\n${CLAUDE_TRAILER}\nCo-authored-by: Erin <erin@else.example>`, files: ["evals/tasks/t1.yaml"] })] });
    const v = run(policy(), s);
    expect(v.unresolved_authors).toEqual([expect.objectContaining({ name: "Erin", email: "erin@else.example" })]);
    expect(v.session_authors).not.toContain("erin");
  });

  it("reports rule status, counted logins and files", () => {
    const v = run(policy(), aiEval({ files: ["evals/tasks/t1.yaml", "data/x.parquet"], reviews: [review("Bob")] }));
    const r = v.rules.find((x) => x.name === "review-ai")!;
    expect(r).toMatchObject({ status: "satisfied", required: 1, counted: ["bob"], files: ["evals/tasks/t1.yaml"], tools: ["claude-code"] });
    expect(v.rules.find((x) => x.name === "provenance-policy")).toMatchObject({ status: "not_applicable", builtin: true });
    expect(v.title).toBe("Approved by @bob for AI-assisted changes in eval");
  });

  it("says which tool and files a forbid rule stops", () => {
    const p = policy({ rules: [rule({ name: "no-external-ai", classes: ["eval"], when: "external-ai", tools: ["claude-code"], forbid: true })] });
    const v = run(p, aiEval());
    expect(v.conclusion).toBe("failure");
    expect(v.title).toBe("Forbidden: Claude Code changes in eval");
    expect(v.rules[0]).toMatchObject({ status: "forbidden", files: ["evals/tasks/t1.yaml"], tools: ["claude-code"], required: 0 });
  });

  it("reports reviewers outside a `from` list", () => {
    const p = policy({ rules: [rule({ require: { approvals: 1, from: ["@acme/eval-owners", "carol"] } })] });
    const v = run(p, aiEval({ reviews: [review("dave")] }));
    expect(v.title).toBe("Needs 1 approval from @acme/eval-owners or @carol for AI-assisted changes in eval");
    expect(v.disqualified).toEqual([{ login: "dave", reason: "@dave is not in rule review-ai's reviewers (@acme/eval-owners, @carol)" }]);
  });

  it("fails on errors in the pull request's own policy file", () => {
    const v = evaluate(policy(), snapshot({ files: ["src/a.ts"] }), {
      prConfigErrors: [{ file: ".provenance.yml", line: 3, column: 5, message: "unknown key" }],
    });
    expect(v.conclusion).toBe("failure");
    expect(v.title).toBe(".provenance.yml in this pull request has 1 error");
    expect(v.config_errors).toHaveLength(1);
    expect(v.evaluated_at).toBeNull();
  });

  it("says nothing applies when no file is protected", () => {
    const v = run(policy(), snapshot({ files: ["src/a.ts"], commits: [commit({ ai: true, files: ["src/a.ts"] })] }));
    expect(v).toMatchObject({ conclusion: "success", title: "AI-assisted changes, none in protected paths" });
    expect(run(policy(), snapshot({ files: ["src/a.ts"] })).title).toBe("No AI-assisted changes found");
  });

  it("never concludes neutral or skipped", () => {
    const cases = twins.flatMap((t) => [t.pass, t.fail].map((s) => run(t.policy ?? policy(), s).conclusion));
    expect(new Set(cases)).toEqual(new Set(["success", "action_required", "failure"]));
  });
});
