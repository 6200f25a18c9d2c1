import { describe, expect, it } from "vitest";
import { parseSnapshot, SnapshotError, validateSnapshot } from "../src/load/snapshot-file.js";

function good(): any {
  return {
    repository: "acme/models",
    pull_request: {
      number: 42,
      author: "alice",
      author_type: "User",
      base_ref: "main",
      head_ref: "claude/fix",
      head_sha: "f".repeat(40),
      labels: ["ai-assisted"],
      body: "…",
      last_push_at: "2026-11-20T10:00:00Z",
    },
    files: [
      { filename: "evals/tasks/t1.yaml", status: "modified" },
      { filename: "data/new.csv", status: "renamed", previous_filename: "tmp/new.csv" },
    ],
    commits: [
      {
        sha: "a".repeat(40),
        message: "m",
        author: { login: "alice", name: "Alice", email: "alice@acme.example", type: "User" },
        committer: { login: null, name: "Alice", email: "alice@acme.example" },
        files: ["evals/tasks/t1.yaml"],
      },
    ],
    reviews: [
      { user: { login: "bob", type: "User" }, state: "APPROVED", submitted_at: "2026-11-20T11:00:00Z", permission: "write", teams: ["acme/eval-owners"] },
    ],
  };
}

describe("parseSnapshot", () => {
  it("accepts the SPEC §5 example and returns it unchanged", () => {
    expect(parseSnapshot(JSON.stringify(good()))).toEqual(good());
  });

  it("accepts the new optional fields: pushers, assignees, requesters, modes, link targets, commit renames", () => {
    const s = good();
    s.pull_request.pushers = ["mallory", "renovate[bot]"];
    s.pull_request.assignees = ["alice"];
    s.pull_request.requesters = [{ login: "alice", agent: "Copilot", via: "assigned" }, { login: "bob", agent: "claude", via: "mentioned" }];
    s.files.push({ filename: "evals/shared", status: "added", mode: "120000", link_target: "scratch/shared" });
    s.commits[0].files = ["evals/tasks/t1.yaml", { filename: "evals/t2.yaml", status: "renamed", previous_filename: "tmp/t2.yaml" }];
    expect(parseSnapshot(JSON.stringify(s))).toEqual(s);
  });

  it("treats a missing login as null and a null body as empty (as GitHub's API returns them)", () => {
    const s = good();
    delete s.commits[0].author.login;
    s.pull_request.body = null;
    const parsed = validateSnapshot(s);
    expect(parsed.commits[0].author.login).toBeNull();
    expect(parsed.pull_request.body).toBe("");
  });

  it.each<[string, (s: any) => void, string]>([
    ["not an object", (s) => { for (const k of Object.keys(s)) delete s[k]; }, "snapshot.repository: required field is missing"],
    ["missing repository", (s) => delete s.repository, "snapshot.repository: required field is missing"],
    ["empty repository", (s) => (s.repository = " "), "snapshot.repository: expected a non-empty string"],
    ["number as a string", (s) => (s.pull_request.number = "42"), 'snapshot.pull_request.number: expected a non-negative integer, got "42"'],
    ["labels not an array", (s) => (s.pull_request.labels = "ai"), 'snapshot.pull_request.labels: expected an array, got "ai"'],
    ["label not a string", (s) => (s.pull_request.labels = [1]), "snapshot.pull_request.labels[0]: expected a string, got number 1"],
    ["bad push date", (s) => (s.pull_request.last_push_at = "yesterday"), 'snapshot.pull_request.last_push_at: expected an ISO 8601 date-time such as "2026-11-20T10:00:00Z", got "yesterday"'],
    ["unknown file status", (s) => (s.files[0].status = "edited"), 'snapshot.files[0].status: expected one of "added", "removed", "modified", "renamed", "copied", "changed", "unchanged", got "edited"'],
    ["rename without previous name", (s) => delete s.files[1].previous_filename, 'snapshot.files[1].previous_filename: required when status is "renamed"'],
    ["misspelt optional field", (s) => (s.files[1].previous_filenme = "x"), 'snapshot.files[1].previous_filenme: unknown field (did you mean "previous_filename"?)'],
    ["email not a string", (s) => (s.commits[0].author.email = 7), "snapshot.commits[0].author.email: expected a string, got number 7"],
    ["committer missing", (s) => delete s.commits[0].committer, "snapshot.commits[0].committer: required field is missing"],
    ["commit files not strings", (s) => (s.commits[0].files = [null]), "snapshot.commits[0].files[0]: expected a path or an object with filename and status, got null"],
    ["a commit rename without its source", (s) => (s.commits[0].files = [{ filename: "evals/x", status: "renamed" }]), 'snapshot.commits[0].files[0].previous_filename: required when status is "renamed"'],
    ["a misspelt commit file field", (s) => (s.commits[0].files = [{ filename: "evals/x", status: "copied", previous_filname: "a" }]), 'snapshot.commits[0].files[0].previous_filname: unknown field (did you mean "previous_filename"?)'],
    ["a pusher that is no login", (s) => (s.pull_request.pushers = ["alice smith"]), 'snapshot.pull_request.pushers[0]: expected a GitHub login such as "alice", got "alice smith"'],
    ["a requester recorded some other way", (s) => (s.pull_request.requesters = [{ login: "alice", agent: "claude", via: "emailed" }]), 'snapshot.pull_request.requesters[0].via: expected one of "assigned", "mentioned", got "emailed"'],
    ["assignees not an array", (s) => (s.pull_request.assignees = "alice"), 'snapshot.pull_request.assignees: expected an array, got "alice"'],
    ["an unknown file mode", (s) => (s.files[0].mode = "644"), 'snapshot.files[0].mode: expected a git file mode such as "100644" or "120000", got "644"'],
    ["a link target not a string", (s) => (s.files[0].link_target = 1), "snapshot.files[0].link_target: expected a string, got number 1"],
    ["a blob that is no object id", (s) => (s.files[0].sha = "e69de29"), 'snapshot.files[0].sha: expected a git object id (40 or 64 lower-case hex digits), got "e69de29"'],
    ["a commit file's blob that is no object id", (s) => (s.commits[0].files = [{ filename: "evals/x", status: "added", sha: "XYZ" }]), 'snapshot.commits[0].files[0].sha: expected a git object id'],
    ["unknown review state", (s) => (s.reviews[0].state = "approved"), "snapshot.reviews[0].state: expected one of"],
    ["unknown permission", (s) => (s.reviews[0].permission = "owner"), "snapshot.reviews[0].permission: expected one of"],
    ["reviewer without login", (s) => (s.reviews[0].user = {}), "snapshot.reviews[0].user.login: required field is missing"],
    ["reviews not an array", (s) => (s.reviews = {}), "snapshot.reviews: expected an array, got an object"],
  ])("rejects %s, naming the JSON path", (_name, mutate, message) => {
    const s = good();
    mutate(s);
    let error: unknown;
    try {
      parseSnapshot(JSON.stringify(s));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SnapshotError);
    expect((error as Error).message.startsWith(message)).toBe(true);
    expect((error as Error).message).not.toMatch(/\n/);
  });

  it("rejects text that is not JSON, or JSON that is not an object", () => {
    expect(() => parseSnapshot("{ nope")).toThrow(/^snapshot: invalid JSON/);
    expect(() => parseSnapshot("[]")).toThrow("snapshot: expected an object, got an array");
  });
});
