/**
 * The evaluator's less travelled paths: plurals in messages, rules with unusual shapes, identities
 * that are tools, duplicate people. Each asserts the visible outcome, not the branch.
 */
import { describe, expect, it } from "vitest";
import { evaluate } from "../src/evaluate/evaluate.js";
import { isToolIdentity } from "../src/evaluate/detect.js";
import { byString } from "../src/evaluate/order.js";
import { CLAUDE_TRAILER, commit, person, policy, review, rule, snapshot } from "./helpers/builders.js";

const aiCommit = (files = ["evals/tasks/t1.yaml"]) => commit({ ai: true, files });

describe("evaluate: edge cases", () => {
  it("pluralises approvals and errors in the title", () => {
    const two = policy({ rules: [rule({ require: { approvals: 3 } })] });
    expect(evaluate(two, snapshot({ commits: [aiCommit()], reviews: [review("bob")] })).title).toBe(
      "Needs 2 independent approvals for AI-assisted changes in eval",
    );
    const errors = [1, 2].map((line) => ({ file: ".provenance.yml", line, column: 1, message: "bad" }));
    const v = evaluate(policy(), snapshot({ files: ["src/a.ts"] }), { prConfigErrors: errors });
    expect(v.title).toBe(".provenance.yml in this pull request has 2 errors");
    expect(v.errors[0].message).toContain("has 2 errors; fix them");
  });

  it("names the rule's `from` list with plural approvals", () => {
    const p = policy({ rules: [rule({ require: { approvals: 2, from: ["carol", "dave"] } })] });
    expect(evaluate(p, snapshot({ author: "erin", commits: [aiCommit()] })).title).toBe(
      "Needs 2 approvals from @carol or @dave for AI-assisted changes in eval",
    );
  });

  it("treats a rule with neither require nor forbid as needing one approval", () => {
    const p = policy({ rules: [{ name: "bare", classes: ["eval"], when: "ai-assisted", forbid: false }] });
    const v = evaluate(p, snapshot({ commits: [aiCommit()] }));
    expect(v.rules[0]).toMatchObject({ status: "pending", required: 1 });
  });

  it("applies an any-change rule with `tools` only to files those tools touched", () => {
    const p = policy({ rules: [rule({ when: "any-change", tools: ["codex"] })] });
    expect(evaluate(p, snapshot({ commits: [aiCommit()] })).rules[0].status).toBe("not_applicable");
    const codex = commit({ message: "x\n\nCo-authored-by: Codex <noreply@openai.com>", files: ["evals/tasks/t1.yaml"] });
    expect(evaluate(p, snapshot({ commits: [codex] })).rules[0]).toMatchObject({ status: "pending", tools: ["codex"] });
  });

  it("fails a forbid rule reached through a PR label with the generic tool name", () => {
    const p = policy({ rules: [rule({ name: "no-ai", forbid: true })] });
    const v = evaluate(p, snapshot({ labels: ["ai-assisted"] }));
    expect(v.conclusion).toBe("failure");
    expect(v.title).toBe("Forbidden: unspecified AI tool changes in eval");
  });

  it("names no tool when a forbid rule applies to any change", () => {
    const p = policy({ rules: [rule({ name: "frozen", classes: ["data"], when: "any-change", forbid: true })] });
    expect(evaluate(p, snapshot({ files: ["data/x.csv"] })).title).toBe("Forbidden: changes in data");
  });

  it("says an unknown permission is why a reviewer did not count", () => {
    const v = evaluate(policy(), snapshot({ commits: [aiCommit()], reviews: [review("bob", { permission: undefined })] }));
    expect(v.disqualified).toEqual([{ login: "bob", reason: "@bob has unknown permission on the repository; needs write, maintain or admin" }]);
  });

  it("gives one unresolved entry per person and reason, however often they appear", () => {
    const msg = `Fix\n\n${CLAUDE_TRAILER}\nCo-authored-by: Erin <erin@else.example>\nCo-authored-by: Erin <ERIN@else.example>`;
    const v = evaluate(policy(), snapshot({ commits: [commit({ ai: true, message: msg, files: ["evals/tasks/t1.yaml"] })] }));
    expect(v.unresolved_authors).toHaveLength(1);
  });

  it("resolves co-authors only through e-mails GitHub tied to a login", () => {
    const anon = { login: null, name: "Dan", email: "dan@acme.example" };
    const msg = `Fix\n\n${CLAUDE_TRAILER}\nCo-authored-by: Dan <dan@acme.example>`;
    const v = evaluate(policy(), snapshot({ commits: [commit({ author: anon, committer: person("alice"), files: ["src/a.ts"] }), commit({ ai: true, message: msg, files: ["evals/tasks/t1.yaml"] })] }));
    expect(v.unresolved_authors.map((u) => u.email)).toEqual(["dan@acme.example"]);
  });

  it("lists a person once per reason even when two commits give the same one", () => {
    const sha = "a".repeat(40);
    const message = `Fix\n\n${CLAUDE_TRAILER}\nCo-authored-by: Erin <erin@else.example>`;
    const twice = [1, 2].map(() => commit({ sha, ai: true, message, files: ["evals/tasks/t1.yaml"] }));
    const v = evaluate(policy(), snapshot({ commits: twice }));
    expect(v.unresolved_authors).toHaveLength(1);
    expect(v.session_author_details.find((a) => a.login === "alice")!.reasons).toEqual(["authored and committed aaaaaaa with Claude Code"]);
  });
});

describe("reviews in the same second", () => {
  it("give the same verdict whichever order they are listed in", () => {
    const a = review("bob", { permission: "read" });
    const b = review("bob", { permission: "write" });
    const commits = [aiCommit()];
    const one = evaluate(policy(), snapshot({ commits, reviews: [a, b] }));
    const other = evaluate(policy(), snapshot({ commits, reviews: [b, a] }));
    expect(one).toEqual(other);
  });
});

describe("a display name never removes a person", () => {
  it("keeps an author who set user.name to a tool's name among the session authors", () => {
    const disguised = { login: "alice", name: "claude-flow", email: "alice@acme.example", type: "User" };
    const plain = { ...disguised, name: "Alice" };
    const judge = (who: typeof plain) =>
      evaluate(policy(), snapshot({ commits: [commit({ ai: true, author: who, committer: who, files: ["evals/tasks/t1.yaml"] })], reviews: [review("alice")] }));
    expect(judge(plain).conclusion).toBe("action_required");
    expect(judge(disguised).conclusion).toBe("action_required");
    expect(judge(disguised).session_authors).toContain("alice");
  });
});

describe("isToolIdentity", () => {
  const ai = { labels: [], tools: { metacode: { id: "metacode", emails: [], bots: ["metacode[bot]"], trailers: [] } } };
  it.each([
    [{ name: "Claude", email: "noreply@anthropic.com", login: null }, true],
    [{ name: "Cursor Agent", email: "cursoragent@cursor.com", login: null }, true],
    [{ name: "Copilot", email: "", login: "Copilot" }, true],
    [{ name: "MetaCode", email: "", login: "metacode[bot]" }, true],
    [{ name: "claude-flow", email: "ruv@ruv.net", login: null }, false],
    [{ name: "claude-flow", email: "alice@acme.example", login: "alice" }, false],
    [{ name: "Alice (aider)", email: "alice@acme.example", login: "alice" }, false],
    [{ name: "Ashwin", email: "ashwin@anthropic.com", login: null }, false],
  ])("%j → %s", (id, expected) => {
    expect(isToolIdentity(id, ai)).toBe(expected);
  });
});

describe("byString", () => {
  it("orders by code unit and keeps equal strings equal", () => {
    expect(["b", "B", "a", "b"].sort(byString)).toEqual(["B", "a", "b", "b"]);
    expect(byString("x", "x")).toBe(0);
  });
});
