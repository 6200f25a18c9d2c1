/**
 * Which policy judges a pull request (SPEC §2): the base branch's `.provenance.yml`, else the
 * owner's `.github` repository's, else none. A broken policy is replaced by the strict fallback —
 * neither failing open nor locking the repository — and the reason travels to the check run.
 */
import type { ConfigError, Policy } from "../model/policy.js";
import { formatConfigError, parsePolicy, strictFallbackPolicy } from "../policy/index.js";
import type { PolicyBlob, PolicyCandidates } from "../load/github/policy-source.js";
import { noPolicyPath } from "../evaluate/decide.js";

export type PolicyResolution = { kind: "none"; searched: string[] } | { kind: "policy"; policy: Policy };

/** How many config errors the fallback reason quotes; the rest are counted. */
const QUOTED_ERRORS = 3;

export function resolvePolicy(candidates: PolicyCandidates): PolicyResolution {
  const blob = candidates.base ?? candidates.fallback;
  if (!blob) return { kind: "none", searched: candidates.searched };
  return { kind: "policy", policy: cachedPolicyFromBlob(blob) };
}

/**
 * Policies already parsed, by where they came from. Every evaluation of a repository reads the
 * same few blobs, and parsing and validating one was a tenth of an evaluation's CPU. A hit needs
 * the same place, blob and text, so a changed policy is always parsed afresh; the cached policy
 * is frozen, so no evaluation can change what the next one is judged by.
 */
const parsedPolicies = new Map<string, { text: string | null; truncated: boolean; policy: Policy }>();

/** Repositories whose policy stays cached at once; the oldest is dropped beyond it. */
export const CACHED_POLICIES = 256;

function cachedPolicyFromBlob(blob: PolicyBlob): Policy {
  const key = `${blob.path}\n${blob.ref}\n${blob.blob_sha}`;
  const hit = parsedPolicies.get(key);
  parsedPolicies.delete(key);
  const entry = hit && hit.text === blob.text && hit.truncated === blob.truncated ? hit : { text: blob.text, truncated: blob.truncated, policy: deepFreeze(policyFromBlob(blob)) };
  // Re-inserted last, so the map's order is least recently used first.
  parsedPolicies.set(key, entry);
  if (parsedPolicies.size > CACHED_POLICIES) parsedPolicies.delete(parsedPolicies.keys().next().value!);
  return entry.policy;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function policyFromBlob(blob: PolicyBlob): Policy {
  const source = { path: blob.path, ref: blob.ref, blob_sha: blob.blob_sha };
  if (blob.text === null || blob.truncated) {
    return strictFallbackPolicy(`${blob.path} at ${blob.ref} could not be read as text (too large or binary)`, source);
  }
  const parsed = parsePolicy(blob.text, { file: blob.path, source });
  if (parsed.ok) return parsed.policy;
  return strictFallbackPolicy(fallbackReason(parsed.errors), source);
}

export function fallbackReason(errors: readonly ConfigError[]): string {
  const quoted = errors.slice(0, QUOTED_ERRORS).map(formatConfigError);
  const more = errors.length - quoted.length;
  return `${quoted.join("; ")}${more > 0 ? `; and ${more} more error${more === 1 ? "" : "s"}` : ""}`;
}

/**
 * The policy for a repository that has none yet but whose pull request adds a broken one: only the
 * floor rule, so the new file's errors can fail the check without enforcing anything else.
 */
export function floorOnlyPolicy(searched: string[]): Policy {
  const parsed = parsePolicy("version: 1\n", { source: { path: noPolicyPath(searched) } });
  if (!parsed.ok) throw new Error("the empty policy must parse");
  return parsed.policy;
}

/** Errors in the pull request's own version of `.provenance.yml` (empty when it is valid). */
export function headPolicyErrors(text: string, file: string): ConfigError[] {
  const parsed = parsePolicy(text, { file });
  return parsed.ok ? [] : parsed.errors;
}
