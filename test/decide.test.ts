import { describe, expect, it } from "vitest";
import { CONCLUSIONS, ERROR_TITLE, NO_POLICY_TITLE, decide, isConclusion, noPolicyVerdict, verdictConclusion, type MergeGroupFacts } from "../src/evaluate/decide.js";
import { SUMMARY_LIMIT, renderDecision, summaryHashes, truncateSummary } from "../src/report/check-run.js";
import type { Conclusion, RuleResult, Verdict } from "../src/model/verdict.js";
import { isoSeconds, plural, shortSha } from "../src/shared/format.js";

const HEAD = "1".repeat(40);
const NOW = new Date("2026-11-20T12:00:00Z");

function verdict(over: Partial<Verdict> = {}): Verdict {
  return {
    ...noPolicyVerdict({ repository: "acme/models", pull_number: 42, head_sha: HEAD }, "the base branch", NOW),
    conclusion: "success",
    title: "Approved by @bob for AI-assisted changes in eval",
    policy: { path: ".provenance.yml", ref: "main", blob_sha: "e".repeat(40) },
    ...over,
  };
}

const rule = (status: RuleResult["status"]): RuleResult => ({ name: status, status, when: "ai-assisted", classes: ["eval"], required: 1, counted: [], files: [], tools: [], forbid: status === "forbidden" });

describe("decide: the pull request's own result", () => {
  it("a verdict posts its own conclusion and title, with no note", () => {
    const v = verdict({ conclusion: "action_required", title: "Needs 1 independent approval" });
    expect(decide({ kind: "verdict", verdict: v })).toMatchObject({ conclusion: "action_required", title: "Needs 1 independent approval", own: "action_required", ownTitle: "Needs 1 independent approval", blockedBy: [], note: null });
  });

  it("a verdict under the strict fallback (the base policy is broken) notes why", () => {
    const v = verdict({ policy: { path: "(built-in strict fallback)", fallback_reason: ".provenance.yml:2:1: unknown key" } });
    expect(decide({ kind: "verdict", verdict: v })).toMatchObject({ conclusion: "success", note: "strict fallback policy: .provenance.yml:2:1: unknown key" });
  });

  it("no policy anywhere passes: nothing is enforced", () => {
    expect(decide({ kind: "no-policy", searched: ["base branch `main`"] })).toMatchObject({ conclusion: "success", title: NO_POLICY_TITLE, own: "success", note: null });
  });

  it("an evaluation that failed fails, whatever the problem", () => {
    const d = decide({ kind: "error", problem: { kind: "github-api", message: "GET /x: 502", remedy: "Re-run." } });
    expect(d).toMatchObject({ conclusion: "failure", title: ERROR_TITLE, own: "failure" });
  });
});

describe("decide: a merge group passes only for its pull request passing at exactly the queued commit", () => {
  const base: MergeGroupFacts = { pullNumber: 42, queuedSha: HEAD };
  const group = (facts: Partial<MergeGroupFacts>) => decide({ kind: "merge-group", group: { ...base, ...facts } });

  it("passes at the queued commit, naming the pull request's title", () => {
    expect(group({ currentSha: HEAD, prConclusion: "success", prTitle: "Approved by @bob" })).toMatchObject({
      conclusion: "success",
      title: "Pull request #42 passed Provenance Gate at 1111111",
      reason: "#42 passed at 1111111: Approved by @bob.",
    });
    expect(group({ currentSha: HEAD, prConclusion: "success" }).reason).toBe("#42 passed at 1111111: success.");
  });

  it("fails when passing was not confirmed at the queued commit (the head could not be read)", () => {
    expect(group({ prConclusion: "success" })).toMatchObject({ conclusion: "failure", title: "Pull request #42 does not pass Provenance Gate" });
  });

  it("fails when the pull request moved after it was queued", () => {
    expect(group({ currentSha: "2".repeat(40), prConclusion: "success" })).toMatchObject({
      conclusion: "failure",
      title: "Pull request #42 changed after it was queued",
      reason: expect.stringContaining("head is now 2222222"),
    });
  });

  it("fails when the pull request does not pass, saying what it posted", () => {
    expect(group({ currentSha: HEAD, prConclusion: "action_required", prTitle: "Needs 1 approval" }).reason).toBe("#42 at 1111111: Needs 1 approval. See the check on the pull request for what unblocks it.");
    expect(group({ currentSha: HEAD, prConclusion: "failure" }).reason).toContain("#42 at 1111111: failure.");
  });

  it("fails when the pull request could not be evaluated, with or without a title", () => {
    expect(group({ prTitle: "the check could not be posted" })).toMatchObject({ conclusion: "failure", title: "Pull request #42 could not be evaluated", reason: "#42 could not be evaluated: the check could not be posted. Re-queue it after its own check passes." });
    expect(group({}).reason).toBe("#42 could not be evaluated. Re-queue it after its own check passes.");
  });

  it("fails when the group cannot be judged at all", () => {
    expect(group({ problem: "The branch does not parse." })).toMatchObject({ conclusion: "failure", title: "Provenance Gate cannot judge this merge group", reason: "The branch does not parse." });
  });
});

describe("decide: other open pull requests on the same head commit", () => {
  const own = decide({ kind: "verdict", verdict: verdict() });

  it("a sibling no worse changes nothing", () => {
    const d = decide(own.input, [{ number: 7, own: "success", title: "fine" }]);
    expect(d).toEqual(own);
  });

  it("the worst sibling decides the conclusion; the first worse one names the title; the own result is kept", () => {
    const d = decide(own.input, [
      { number: 3, own: "success", title: "fine" },
      { number: 7, own: "action_required", title: "Needs 1 approval" },
      { number: 9, own: "failure", title: "Forbidden" },
      { number: 11, own: "action_required", title: "Needs 2 approvals" },
    ]);
    expect(d).toMatchObject({ conclusion: "failure", title: "Blocked by pull request #7 on the same commit: Needs 1 approval", own: "success", ownTitle: own.title });
    expect(d.blockedBy.map((s) => s.number)).toEqual([7, 9, 11]);
  });

  it("applies to a failed evaluation too, which no sibling can make worse", () => {
    const d = decide({ kind: "error", problem: { kind: "internal", message: "m", remedy: "r" } }, [{ number: 7, own: "failure", title: "Forbidden" }]);
    expect(d).toMatchObject({ conclusion: "failure", title: ERROR_TITLE, blockedBy: [] });
  });
});

describe("the conclusions", () => {
  it("are exactly the three the app may post", () => {
    expect(CONCLUSIONS).toEqual(["success", "action_required", "failure"]);
    for (const c of ["success", "action_required", "failure"]) expect(isConclusion(c)).toBe(true);
    for (const c of ["neutral", "skipped", "cancelled", "timed_out", "stale", "toString", null, undefined, 1]) expect(isConclusion(c)).toBe(false);
  });

  it("a verdict's: errors and forbidden rules fail, pending ones wait, else success", () => {
    const cases: [RuleResult[], boolean, Conclusion][] = [
      [[rule("satisfied"), rule("not_applicable")], false, "success"],
      [[rule("satisfied"), rule("pending")], false, "action_required"],
      [[rule("pending"), rule("forbidden")], false, "failure"],
      [[rule("satisfied")], true, "failure"],
    ];
    for (const [rules, error, expected] of cases) {
      expect(verdictConclusion(rules, error ? [{ kind: "incomplete", message: "m" }] : [])).toBe(expected);
    }
  });
});

describe("noPolicyVerdict", () => {
  it("is the no-policy decision as a Verdict, saying where it looked", () => {
    const v = noPolicyVerdict({ repository: "acme/models", pull_number: 3, head_sha: HEAD }, ".provenance.yml in /repo", NOW);
    expect(v).toMatchObject({ conclusion: "success", title: NO_POLICY_TITLE, pull_number: 3, rules: [], policy: { path: "(none: looked in .provenance.yml in /repo)" }, evaluated_at: NOW.toISOString() });
  });
});

describe("renderDecision: the check run shows the decision it is given", () => {
  it("posts the decision's conclusion and title, and records the own conclusion in the marker", () => {
    const d = decide({ kind: "verdict", verdict: verdict() }, [{ number: 7, own: "action_required", title: "Needs 1 <approval>" }]);
    const out = renderDecision(d);
    expect(out).toMatchObject({ conclusion: "action_required", own: "success", title: d.title });
    expect(out.summary).toContain("| #7 | action_required: Needs 1 &lt;approval&gt; |");
    expect(out.summary).toContain("This pull request on its own: **success**");
    expect(summaryHashes(out.summary)?.own).toBe("success");
    const two = renderDecision(decide(d.input, [{ number: 7, own: "action_required", title: "a" }, { number: 8, own: "failure", title: "b" }]));
    expect(two.summary).toContain("Blocked by other pull requests on this commit");
    expect(two.summary).toContain("those pull requests pass or are closed");
  });

  it("a re-evaluation that only moves the clock hashes the same, siblings or not", () => {
    const siblings = [{ number: 7, own: "failure" as const, title: "Forbidden" }];
    const at = (iso: string) => renderDecision(decide({ kind: "verdict", verdict: verdict({ evaluated_at: iso }) }, siblings)).hash;
    expect(at("2026-11-20T12:00:00.000Z")).toBe(at("2026-11-20T13:00:00.000Z"));
  });

  it("renders no policy, an error and a merge group with their own headings; pushers stay recorded", () => {
    const none = renderDecision(decide({ kind: "no-policy", searched: ["acme/.github"] }));
    expect(none.summary).toContain("## No provenance policy");
    expect(none.summary).toContain("- acme/.github");
    const error = renderDecision(decide({ kind: "error", problem: { kind: "graphql", message: "<bad>", remedy: "Re-run." } }), ["alice"]);
    expect(error.summary).toContain(`## ${ERROR_TITLE}`);
    expect(error.summary).toContain("**Error (graphql):** &lt;bad&gt;");
    expect(error.pushers).toEqual(["alice"]);
    const group = renderDecision(decide({ kind: "merge-group", group: { pullNumber: 42, queuedSha: HEAD, problem: "bad <ref>" } }));
    expect(group).toMatchObject({ conclusion: "failure", title: "Provenance Gate cannot judge this merge group" });
    expect(group.summary).toContain("bad &lt;ref&gt;");
  });
});

describe("shared formats", () => {
  it("shortSha, plural", () => {
    expect(shortSha(HEAD)).toBe("1111111");
    expect([plural(1, "file"), plural(2, "file"), plural(0, "more approval", "more approvals")]).toEqual(["1 file", "2 files", "0 more approvals"]);
  });

  it("isoSeconds writes GitHub's whole-second timestamps, dropping any milliseconds", () => {
    expect(isoSeconds(new Date("2026-11-20T10:00:00.000Z"))).toBe("2026-11-20T10:00:00Z");
    expect(isoSeconds(new Date("2026-11-20T10:00:00.999Z"))).toBe("2026-11-20T10:00:00Z");
  });
});

describe("the check run's summary", () => {
  it("fits GitHub's byte limit too, not only its character limit", () => {
    const verdictWithLongTitle = verdict({ title: "é".repeat(300) });
    const d = decide({ kind: "error", problem: { kind: "internal", message: "é".repeat(40_000), remedy: "Re-run." } });
    const out = renderDecision(d);
    expect(out.summary.length).toBeLessThan(SUMMARY_LIMIT);
    expect(Buffer.byteLength(out.summary)).toBeLessThanOrEqual(SUMMARY_LIMIT);
    expect(out.summary).toContain("This summary was truncated");
    expect(summaryHashes(out.summary)?.hash).toBe(out.hash);
    expect(renderDecision(decide({ kind: "verdict", verdict: verdictWithLongTitle })).title.length).toBe(200);
  });

  it("leaves a summary that fits alone", () => {
    expect(truncateSummary("é".repeat(100), 200)).toBe("é".repeat(100));
    expect(truncateSummary("é".repeat(101), 202)).toBe("é".repeat(101));
  });
});
