import { describe, expect, it } from "vitest";
import { buildSnapshot, mapBounded, teamsInRules } from "../src/load/build-snapshot.js";
import { parsePolicy } from "../src/policy/index.js";
import type { Policy } from "../src/model/policy.js";
import type { SnapshotCommit, SnapshotReview } from "../src/model/snapshot.js";
import { FakePullRequestData, type FakePullRequestContents } from "./helpers/fake-pull-request-data.js";

const POLICY_YAML = `version: 1
classes:
  eval: ["evals/**"]
rules:
  - name: review-eval
    classes: [eval]
    require:
      approvals: 1
`;

const TEAM_POLICY_YAML = `version: 1
classes:
  eval: ["evals/**"]
rules:
  - name: review-eval
    classes: [eval]
    require:
      approvals: 1
      from: ["@acme/eval-owners", "carol", "@acme/ml-leads"]
`;

function policy(text = POLICY_YAML): Policy {
  const parsed = parsePolicy(text);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.policy;
}

const human = (login: string) => ({ login, name: login, email: `${login}@acme.example`, type: "User" });

function commit(sha: string, message: string, files: string[]): SnapshotCommit {
  return { sha, message, author: human("alice"), committer: human("alice"), files };
}

function review(login: string, state: SnapshotReview["state"], at: string, type = "User"): SnapshotReview {
  return { user: { login, type }, state, submitted_at: at };
}

function contents(overrides: Partial<FakePullRequestContents> = {}): FakePullRequestContents {
  return {
    pullRequest: {
      number: 7,
      author: "alice",
      author_type: "User",
      base_ref: "main",
      head_ref: "feature",
      head_sha: "c".repeat(40),
      labels: [],
      body: "",
      last_push_at: "2026-11-20T10:00:00Z",
      changed_files: 2,
      commits: 3,
    },
    files: [
      { filename: "evals/a.yaml", status: "modified" },
      { filename: "src/b.ts", status: "renamed", previous_filename: "src/old.ts" },
    ],
    commits: [
      commit("a".repeat(40), "Plain human change", ["src/b.ts", "src/old.ts"]),
      commit("b".repeat(40), "Generate evals\n\nCo-Authored-By: Claude <noreply@anthropic.com>", ["evals/a.yaml"]),
      commit("c".repeat(40), "Subject mentions Claude but is not AI", ["src/b.ts"]),
    ],
    reviews: [
      review("bob", "APPROVED", "2026-11-20T11:00:00Z"),
      review("carol", "APPROVED", "2026-11-20T11:00:00Z"),
      review("carol", "CHANGES_REQUESTED", "2026-11-20T12:00:00Z"),
      review("dave", "COMMENTED", "2026-11-20T11:00:00Z"),
      review("renovate[bot]", "APPROVED", "2026-11-20T11:00:00Z", "Bot"),
      review("Copilot", "APPROVED", "2026-11-20T11:00:00Z"),
    ],
    permissions: { bob: "write", carol: "admin" },
    teams: { "acme/eval-owners": ["bob"] },
    ...overrides,
  };
}

describe("buildSnapshot", () => {
  it("fetches the four lists once each, commit files from the first AI-marked commit on, and permissions only for approving humans", async () => {
    const data = new FakePullRequestData(contents());
    const snapshot = await buildSnapshot(data, policy(), "acme/models");

    expect(data.count("pullRequest")).toBe(1);
    expect(data.count("files")).toBe(1);
    expect(data.count("commits")).toBe(1);
    expect(data.count("reviews")).toBe(1);
    // The later commit could move the AI's file into a protected path, so it is listed too.
    expect(data.args("commitFiles")).toEqual(["b".repeat(40), "c".repeat(40)]);
    // carol's latest decisive review requests changes; dave only commented; bots never count.
    expect(data.args("permission")).toEqual(["bob"]);
    expect(data.count("teamsOf")).toBe(0);

    expect(snapshot.repository).toBe("acme/models");
    expect(snapshot.commits.map((c) => c.files)).toEqual([undefined, ["evals/a.yaml"], ["src/b.ts"]]);
    const bob = snapshot.reviews.find((r) => r.user.login === "bob");
    expect(bob?.permission).toBe("write");
    expect(bob?.teams).toBeUndefined();
    expect(snapshot.reviews.find((r) => r.user.login === "carol")?.permission).toBeUndefined();
    expect(snapshot.files).toHaveLength(2);
  });

  it("asks for team membership only when a rule names teams, and only for those teams", async () => {
    const data = new FakePullRequestData(contents());
    const snapshot = await buildSnapshot(data, policy(TEAM_POLICY_YAML), "acme/models");
    expect(data.args("teamsOf")).toEqual(["bob:acme/eval-owners,acme/ml-leads"]);
    expect(snapshot.reviews.find((r) => r.user.login === "bob")?.teams).toEqual(["acme/eval-owners"]);
  });

  it("lists commit files from the first commit by a would-be approver on, even without AI", async () => {
    const c = contents();
    c.commits = [c.commits[0], { ...c.commits[2], author: human("bob"), committer: human("bob") }];
    c.pullRequest = { ...c.pullRequest, commits: 2 };
    const data = new FakePullRequestData(c);
    const snapshot = await buildSnapshot(data, policy(), "acme/models");
    expect(data.args("commitFiles")).toEqual(["c".repeat(40)]);
    expect(snapshot.commits.map((x) => x.files)).toEqual([undefined, ["src/b.ts"]]);
  });

  it("fetches no commit files when no commit is AI-marked, even with PR-level signals", async () => {
    const c = contents({ reviews: [] });
    c.commits = [c.commits[0]];
    c.pullRequest = { ...c.pullRequest, labels: ["ai-assisted"], commits: 1 };
    const data = new FakePullRequestData(c);
    await buildSnapshot(data, policy(), "acme/models");
    expect(data.count("commitFiles")).toBe(0);
    expect(data.count("permission")).toBe(0);
  });

  it.each([
    ["a later approval re-enables a reviewer", ["CHANGES_REQUESTED", "APPROVED"], 1],
    ["a later dismissal cancels an approval", ["APPROVED", "DISMISSED"], 0],
    ["a later comment does not cancel an approval", ["APPROVED", "COMMENTED"], 1],
  ] as const)("%s", async (_name, states, expected) => {
    const reviews = states.map((state, i) => review("erin", state, `2026-11-20T1${i + 1}:00:00Z`));
    const data = new FakePullRequestData(contents({ reviews }));
    await buildSnapshot(data, policy(), "acme/models");
    expect(data.count("permission")).toBe(expected);
  });
});

describe("helpers", () => {
  it("lists each `from` team once, without the @", () => {
    expect(teamsInRules(policy(TEAM_POLICY_YAML))).toEqual(["acme/eval-owners", "acme/ml-leads"]);
    expect(teamsInRules(policy())).toEqual([]);
  });

  it("mapBounded keeps order and never runs more than the limit at once", async () => {
    let running = 0;
    let peak = 0;
    const out = await mapBounded([5, 1, 4, 2, 3, 0], 2, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, n));
      running--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30, 0]);
    expect(peak).toBe(2);
  });
});
