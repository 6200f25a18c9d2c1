/**
 * GraphQL queries pass the write queue (src/app/query-lane.ts): through the real app over HTTP,
 * with the shipped Octokit around a queue that records each turn taken, an evaluation's check-run
 * writes take a turn each and its GraphQL queries none; a mutation would still take one.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GateOctokit } from "../src/app/octokit.js";
import { isGraphQLQuery } from "../src/app/query-lane.js";
import { SpacedQueues } from "../src/app/spaced-queue.js";
import { startAppAgainstSandbox, type RunningApp } from "../src/sandbox/probot-runner.js";
import { checkRunWrites } from "../src/sandbox/rest.js";
import { Sandbox } from "../src/sandbox/sandbox.js";
import { CLAUDE_TRAILER, DEMO_POLICY } from "../src/sandbox/story.js";

describe("which GraphQL documents are queries", () => {
  const graphql = (query: string) => ({ method: "POST", url: "/graphql", query });
  it.each([
    ["query PullRequestSnapshot($owner: String!) { repository(owner: $owner) { id } }", true],
    ["{ viewer { login } }", true],
    ["# a comment first\n  query Q { viewer { login } }", true],
    ["mutation M { addComment(input: {}) { clientMutationId } }", false],
    ["query Q { viewer { login } }\nmutation M { addComment(input: {}) { clientMutationId } }", false],
    ["subscription S { x }", false],
  ])("%j → %s", (document, expected) => {
    expect(isGraphQLQuery(graphql(document))).toBe(expected);
  });

  it("a REST request or a GraphQL request without a document is not one", () => {
    expect(isGraphQLQuery({ method: "GET", url: "/graphql", query: "{ viewer { login } }" })).toBe(false);
    expect(isGraphQLQuery({ method: "POST", url: "/repos/acme/x/check-runs", query: "{ a }" })).toBe(false);
    expect(isGraphQLQuery({ method: "POST", url: "/graphql" })).toBe(false);
  });
});

describe("the write queue, through the app", () => {
  let sb: Sandbox;
  let app: RunningApp;
  let turns = 0;
  beforeAll(async () => {
    sb = await Sandbox.start();
    const queues = new SpacedQueues(0);
    const write = {
      key(id: string) {
        const limiter = queues.key(id);
        return {
          schedule: (options: { priority?: number }, task: () => unknown) => {
            turns++;
            return limiter.schedule(options, task);
          },
        };
      },
    };
    const Octokit = GateOctokit.defaults((options: Record<string, any> = {}) => ({ ...options, throttle: { ...(options.throttle ?? {}), write } })) as typeof GateOctokit;
    app = await startAppAgainstSandbox(sb, { Octokit });
  });
  afterAll(async () => {
    await app?.stop();
    await sb?.close();
  });

  it("an evaluation's GraphQL queries take no turn; each check-run write takes one", async () => {
    const repo = "acme/query-lane";
    sb.createRepo({ repo, files: { ".provenance.yml": DEMO_POLICY }, collaborators: { alice: "write", carol: "write" } });
    await sb.openPullRequest(repo, { author: "carol", head: "feat", commits: [{ message: `Add eval\n\n${CLAUDE_TRAILER}`, author: "alice", files: ["evals/a.yaml"] }] });
    await sb.waitForIdle();
    const queries = Object.entries(sb.requestCounters().byOperation)
      .filter(([operation]) => operation.startsWith("graphql:"))
      .reduce((sum, [, n]) => sum + n, 0);
    expect(queries).toBeGreaterThanOrEqual(2);
    const writes = checkRunWrites(sb.repo(repo)).length;
    expect(writes).toBe(1);
    expect(turns).toBe(writes);
  });
});
