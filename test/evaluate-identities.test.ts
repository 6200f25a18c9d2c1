/**
 * Approvers and the people no GitHub account is tied to: an approval whose login is the local
 * part of an unresolved AI-session author's address (or of an alias the loader knows, e.g. from
 * `.mailmap`) does not count, and e-mails the loader ties to logins resolve like GitHub's own.
 */
import { describe, expect, it } from "vitest";
import { evaluate } from "../src/evaluate/evaluate.js";
import { CLAUDE_TRAILER, commit, person, policy, review, snapshot } from "./helpers/builders.js";

const NEUBIG_GMAIL = person(null, "Graham Neubig", "Neubig+oss@gmail.example");

function aiCommitBy(author: ReturnType<typeof person>, message = `Fix eval\n\n${CLAUDE_TRAILER}`) {
  return commit({ author, committer: author, message, files: ["evals/tasks/t1.yaml"] });
}

describe("an approver who may be an unresolved AI-session author", () => {
  it("is not counted when the login is the local part of the author's address, and the output says why", () => {
    const c = aiCommitBy(NEUBIG_GMAIL);
    const v = evaluate(policy(), snapshot({ commits: [c], reviews: [review("neubig")] }));
    expect(v.conclusion).toBe("action_required");
    expect(v.counted).toEqual([]);
    expect(v.unresolved_authors.map((u) => u.email)).toEqual(["Neubig+oss@gmail.example"]);
    expect(v.disqualified).toEqual([
      {
        login: "neubig",
        reason: `@neubig may be the unresolved AI-session author Neubig+oss@gmail.example (its local part is the login): authored and committed ${c.sha.slice(0, 7)} with Claude Code`,
      },
    ]);
  });

  it("is not counted when an alias of the address has the login as its local part", () => {
    const c = aiCommitBy(person(null, "Graham", "graham@home.example"));
    // The second alias says nothing new: one reason per login.
    const identities = [{ email: "GRAHAM@home.example", aliases: ["gneubig@cs.example", "graham@work.example"] }];
    const v = evaluate(policy(), { ...snapshot({ commits: [c], reviews: [review("gneubig"), review("bob")] }), identities });
    expect(v.counted).toEqual(["bob"]);
    expect(v.disqualified.map((d) => d.reason)).toEqual([
      `@gneubig may be the unresolved AI-session author graham@home.example (it is also known as gneubig@cs.example, whose local part is the login): authored and committed ${c.sha.slice(0, 7)} with Claude Code`,
    ]);
  });

  it("counts an approver whose login matches no unresolved address", () => {
    const v = evaluate(policy(), snapshot({ commits: [aiCommitBy(NEUBIG_GMAIL)], reviews: [review("bob")] }));
    expect(v.conclusion).toBe("success");
    expect(v.counted).toEqual(["bob"]);
  });

  it("also keeps out a login matching an address on an agent pull request's Requested by line", () => {
    const agent = person("devin-ai-integration[bot]", "Devin", "devin@cognition.example");
    const v = evaluate(
      policy(),
      snapshot({ author: "devin-ai-integration[bot]", body: "Requested by: Dana (dana@acme.example)", commits: [commit({ author: agent, committer: agent })], reviews: [review("dana")] }),
    );
    expect(v.counted).toEqual([]);
    expect(v.disqualified[0].reason).toMatch(/^@dana may be the unresolved AI-session author dana@acme\.example \(its local part is the login\): asked Devin for this pull request$/);
  });
});

describe("identities the loader ties to logins", () => {
  it("resolve a commit author and a co-author, who then cannot approve", () => {
    const dan = person(null, "Dan", "dan@home.example");
    const c = aiCommitBy(dan, `Fix eval\n\n${CLAUDE_TRAILER}\nCo-authored-by: Erin <erin@home.example>`);
    const identities = [
      { email: "dan@home.example", login: "danny" },
      { email: "erin@home.example", login: "erin-k" },
    ];
    const v = evaluate(policy(), { ...snapshot({ commits: [c], reviews: [review("danny"), review("erin-k")] }), identities });
    expect(v.unresolved_authors).toEqual([]);
    expect(v.session_authors).toEqual(["carol", "danny", "erin-k"]);
    expect(v.counted).toEqual([]);
  });

  it("add nothing when they name no login and no alias", () => {
    const c = aiCommitBy(person(null, "Zed", "zed@home.example"));
    const v = evaluate(policy(), { ...snapshot({ commits: [c], reviews: [review("bob")] }), identities: [{ email: "zed@home.example" }] });
    expect(v.counted).toEqual(["bob"]);
    expect(v.unresolved_authors).toHaveLength(1);
  });
});
