/**
 * Where a pull request's policy can come from on GitHub (SPEC §2): the base branch's
 * `.provenance.yml` and the owner's `.github` repository's (both in the main query), and the
 * pull request's own copy at its head (read only when the pull request edits it).
 */
import { POLICY_PATH } from "../../model/policy.js";
import { IncompleteDataError } from "../pull-request-data.js";
import { httpStatus, type GitHubClient, type RepoRef, type RequestCache } from "./client.js";
import { RETRY_REMEDY } from "./pager.js";
import type { PullRequestQuery } from "./pull-request-query.js";
import type { GqlBlob } from "./queries.js";

/** A policy file as read from GitHub. */
export interface PolicyBlob {
  /** Where it was read, e.g. `.provenance.yml` or `acme/.github:.provenance.yml`. */
  path: string;
  ref: string;
  blob_sha: string;
  text: string | null;
  truncated: boolean;
}

export interface PolicyCandidates {
  base: PolicyBlob | null;
  fallback: PolicyBlob | null;
  /** Human-readable places that were searched, for the "No provenance policy" summary. */
  searched: string[];
}

export class GitHubPolicySource {
  constructor(
    readonly gh: GitHubClient,
    readonly repo: RepoRef,
    readonly query: PullRequestQuery,
    readonly cache: RequestCache,
  ) {}

  async candidates(): Promise<PolicyCandidates> {
    const core = await this.query.core();
    const { owner, repo } = this.repo;
    return {
      base: toPolicyBlob(core.policy, POLICY_PATH, core.baseRef),
      fallback: toPolicyBlob(core.fallback, `${owner}/.github:${POLICY_PATH}`, "HEAD"),
      searched: [
        `\`${POLICY_PATH}\` on the base branch \`${core.baseRef}\` of ${owner}/${repo}`,
        `\`${POLICY_PATH}\` on the default branch of ${owner}/.github`,
      ],
    };
  }

  /** The pull request's own `.provenance.yml` at its head, or null when the head has none. */
  async headPolicyText(): Promise<string | null> {
    const sha = (await this.query.core()).pr.headRefOid;
    return this.cache.get(`head-policy:${sha}`, async () => {
      try {
        const { data } = await this.gh.rest.repos.getContent({ ...this.repo, path: POLICY_PATH, ref: sha });
        if (Array.isArray(data) || data.type !== "file") return null;
        const file = data as { content?: string; encoding?: string };
        if (file.encoding !== "base64" || typeof file.content !== "string") {
          throw new IncompleteDataError(`GitHub did not return the contents of ${POLICY_PATH} at ${sha.slice(0, 7)}.`, RETRY_REMEDY);
        }
        return Buffer.from(file.content, "base64").toString("utf8");
      } catch (error) {
        if (httpStatus(error) === 404) return null;
        throw error;
      }
    });
  }
}

function toPolicyBlob(blob: Partial<GqlBlob> | null, path: string, ref: string): PolicyBlob | null {
  if (!blob || typeof blob.oid !== "string") return null;
  return { path, ref, blob_sha: blob.oid, text: blob.text ?? null, truncated: blob.isTruncated === true };
}
