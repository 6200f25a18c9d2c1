import { describe, expect, it } from "vitest";
import { CACHED_POLICIES, resolvePolicy } from "../src/app/policy.js";
import type { PolicyBlob } from "../src/load/github/policy-source.js";
import type { Policy } from "../src/model/policy.js";

const POLICY_A = "version: 1\nclasses:\n  eval: ['evals/**']\nrules:\n  - name: eval-review\n    classes: [eval]\n    when: ai-assisted\n    require: { approvals: 1 }\n";
const POLICY_B = POLICY_A.replace("evals/**", "benchmarks/**");

let repo = 0;
/** A blob of a repository no other test reads, so the cache starts empty for it. */
const blob = (text: string | null, over: Partial<PolicyBlob> = {}): PolicyBlob => ({ path: ".provenance.yml", ref: `main-${++repo}`, blob_sha: "a".repeat(40), text, truncated: false, ...over });

function policyOf(b: PolicyBlob): Policy {
  const resolved = resolvePolicy({ base: b, fallback: null, searched: [] });
  if (resolved.kind !== "policy") throw new Error("expected a policy");
  return resolved.policy;
}

describe("the parsed-policy cache", () => {
  it("parses a blob once: the next evaluation of the same blob gets the same policy", () => {
    const first = blob(POLICY_A);
    expect(policyOf({ ...first })).toBe(policyOf({ ...first }));
  });

  it("parses again when the text differs under the same path, ref and blob SHA", () => {
    const first = blob(POLICY_A);
    policyOf(first);
    expect(policyOf({ ...first, text: POLICY_B }).classes.eval).toEqual([{ pattern: "benchmarks/**", negate: false }]);
  });

  it("parses again when the blob SHA changes", () => {
    const first = blob(POLICY_A);
    const before = policyOf(first);
    const after = policyOf({ ...first, blob_sha: "b".repeat(40) });
    expect(after).not.toBe(before);
    expect(after.source.blob_sha).toBe("b".repeat(40));
  });

  it("does not serve a readable blob's policy for a truncated one", () => {
    const first = blob(POLICY_A);
    policyOf(first);
    expect(policyOf({ ...first, truncated: true }).source.fallback_reason).toMatch(/could not be read as text/);
  });

  it("freezes what it caches, so an evaluation cannot change the next one's policy", () => {
    const policy = policyOf(blob(POLICY_A));
    expect(() => (policy.classes.eval as unknown[]).push({ pattern: "**", negate: false })).toThrow(TypeError);
    expect(() => Object.assign(policy.rules[0], { forbid: true })).toThrow(TypeError);
  });

  it("keeps at most CACHED_POLICIES, dropping the least recently used", () => {
    const reused = blob(POLICY_A);
    const idle = blob(POLICY_A);
    const reusedPolicy = policyOf(reused);
    const idlePolicy = policyOf(idle);
    policyOf({ ...reused }); // used again: now more recent than `idle`
    for (let i = 0; i < CACHED_POLICIES - 1; i++) policyOf(blob(POLICY_A));
    expect(policyOf({ ...reused })).toBe(reusedPolicy);
    expect(policyOf({ ...idle })).not.toBe(idlePolicy);
  });
});
