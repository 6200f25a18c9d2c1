/**
 * An in-memory `PullRequestData` that counts every call, so tests can assert what a loader asks
 * for (and what it does not) without any network.
 */
import type { PullRequestData } from "../../src/load/pull-request-data.js";
import type { CommitFile, Permission, SnapshotCommit, SnapshotFile, SnapshotPullRequest, SnapshotReview } from "../../src/model/snapshot.js";

export interface FakePullRequestContents {
  pullRequest: SnapshotPullRequest;
  files: SnapshotFile[];
  /** Commits with their `files`; the fake hands them out without, as loaders do. */
  commits: SnapshotCommit[];
  reviews: SnapshotReview[];
  permissions?: Record<string, Permission>;
  /** `org/slug` → member logins. */
  teams?: Record<string, string[]>;
}

export type FakeMethod = keyof PullRequestData;

export class FakePullRequestData implements PullRequestData {
  readonly calls: Array<{ method: FakeMethod; arg?: string }> = [];

  constructor(private readonly contents: FakePullRequestContents) {}

  count(method: FakeMethod): number {
    return this.calls.filter((c) => c.method === method).length;
  }

  args(method: FakeMethod): string[] {
    return this.calls.filter((c) => c.method === method).map((c) => c.arg ?? "");
  }

  async pullRequest(): Promise<SnapshotPullRequest> {
    this.calls.push({ method: "pullRequest" });
    return structuredClone(this.contents.pullRequest);
  }

  async files(): Promise<SnapshotFile[]> {
    this.calls.push({ method: "files" });
    return structuredClone(this.contents.files);
  }

  async commits(): Promise<SnapshotCommit[]> {
    this.calls.push({ method: "commits" });
    return this.contents.commits.map(({ files: _files, ...commit }) => structuredClone(commit));
  }

  async commitFiles(sha: string): Promise<CommitFile[]> {
    this.calls.push({ method: "commitFiles", arg: sha });
    const commit = this.contents.commits.find((c) => c.sha === sha);
    if (!commit) throw new Error(`no commit ${sha}`);
    return [...(commit.files ?? [])];
  }

  async reviews(): Promise<SnapshotReview[]> {
    this.calls.push({ method: "reviews" });
    return this.contents.reviews.map(({ permission: _p, teams: _t, ...review }) => structuredClone(review));
  }

  async permission(login: string): Promise<Permission> {
    this.calls.push({ method: "permission", arg: login });
    return this.contents.permissions?.[login.toLowerCase()] ?? "read";
  }

  async teamsOf(login: string, teams: string[]): Promise<string[]> {
    this.calls.push({ method: "teamsOf", arg: `${login}:${teams.join(",")}` });
    const members = this.contents.teams ?? {};
    return teams.filter((team) => (members[team.toLowerCase()] ?? []).some((m) => m.toLowerCase() === login.toLowerCase()));
  }
}
