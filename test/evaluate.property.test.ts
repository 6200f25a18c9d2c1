/**
 * Properties of the evaluator that must hold for every pull request, not just the ones we thought
 * of. 1,000 runs each; fast-check prints the seed and the shrunk counterexample on failure.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { evaluate } from "../src/evaluate/evaluate.js";
import { compileClassifier } from "../src/evaluate/classify.js";
import type { Conclusion, Verdict } from "../src/model/verdict.js";
import type { Snapshot, SnapshotCommit, SnapshotReview } from "../src/model/snapshot.js";
import { Minimatch } from "minimatch";
import { CLAUDE_TRAILER, PUSHED_AT, person, policy, rule } from "./helpers/builders.js";

const RUNS = { numRuns: 1000 };
const P = policy({ rules: [rule({}), rule({ name: "data-any", classes: ["data"], when: "any-change", require: { approvals: 2 } })] });
const SEVERITY: Record<Conclusion, number> = { success: 0, action_required: 1, failure: 2 };

const logins = ["alice", "bob", "carol", "dave", "erin", "Bob", "copilot", "helper[bot]"];
const paths = ["evals/a.yaml", "evals/b/c.json", "data/x.csv", "data/README.md", "src/m.ts", ".provenance.yml", "docs/x.parquet", "README.md"];

const commitArb: fc.Arbitrary<SnapshotCommit> = fc.record({
  sha: fc.stringMatching(/^[0-9a-f]{40}$/),
  by: fc.constantFrom(...logins.slice(0, 5)),
  ai: fc.boolean(),
  files: fc.uniqueArray(fc.constantFrom(...paths), { minLength: 1, maxLength: 4 }),
}).map(({ sha, by, ai, files }) => ({
  sha,
  message: ai ? `Change\n\n${CLAUDE_TRAILER}` : "Change",
  author: person(by),
  committer: person(by),
  files,
}));

const reviewArb: fc.Arbitrary<SnapshotReview> = fc.record({
  login: fc.constantFrom(...logins),
  state: fc.constantFrom("APPROVED", "APPROVED", "COMMENTED", "CHANGES_REQUESTED", "DISMISSED" as const),
  minutes: fc.integer({ min: -60, max: 600 }),
  permission: fc.constantFrom("read", "write", "admin" as const),
}).map(({ login, state, minutes, permission }) => ({
  user: { login, type: login.endsWith("[bot]") ? "Bot" : "User" },
  state: state as SnapshotReview["state"],
  submitted_at: new Date(Date.parse(PUSHED_AT) + minutes * 60_000).toISOString(),
  permission: permission as SnapshotReview["permission"],
  teams: [],
}));

const snapshotArb: fc.Arbitrary<Snapshot> = fc.record({
  author: fc.constantFrom(...logins.slice(0, 5)),
  commits: fc.array(commitArb, { minLength: 1, maxLength: 6 }),
  reviews: fc.array(reviewArb, { maxLength: 6 }),
  labelled: fc.boolean(),
  readOnly: fc.subarray(logins),
}).map(({ author, commits, reviews: drawn, labelled, readOnly }) => {
  // Permission belongs to the person, not the review: one reviewer has one permission.
  const reviews = drawn.map((r) => ({ ...r, permission: readOnly.some((l) => l.toLowerCase() === r.user.login.toLowerCase()) ? ("read" as const) : r.permission === "read" ? ("write" as const) : r.permission }));
  const files = [...new Set(commits.flatMap((c) => (c.files ?? []) as string[]))].map((filename) => ({ filename, status: "modified" as const }));
  return {
    repository: "acme/models",
    pull_request: { number: 1, author, base_ref: "main", head_ref: "x", head_sha: "f".repeat(40), labels: labelled ? ["ai-assisted"] : [], body: "", last_push_at: PUSHED_AT },
    files,
    commits,
    reviews,
  };
});

function shuffled<T>(xs: T[], seed: number): T[] {
  const out = [...xs];
  let s = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const judge = (s: Snapshot): Verdict => evaluate(P, s);
const worse = (a: Verdict, b: Verdict) => SEVERITY[a.conclusion] >= SEVERITY[b.conclusion];

describe("evaluate: properties", () => {
  it("the order of files, commits and reviews does not change the verdict", () => {
    fc.assert(
      fc.property(snapshotArb, fc.integer(), (s, seed) => {
        const reordered = { ...s, files: shuffled(s.files, seed), commits: shuffled(s.commits, seed + 1), reviews: shuffled(s.reviews, seed + 2) };
        expect(judge(reordered)).toEqual(judge(s));
      }),
      RUNS,
    );
  });

  it("adding an AI marker to a commit never turns a block into a pass", () => {
    fc.assert(
      fc.property(snapshotArb, fc.nat(), (s, i) => {
        const k = i % s.commits.length;
        const commits = s.commits.map((c, j) => (j === k ? { ...c, message: `${c.message}\n\n${CLAUDE_TRAILER}` } : c));
        expect(worse(judge({ ...s, commits }), judge(s))).toBe(true);
      }),
      RUNS,
    );
  });

  it("adding the AI label never turns a block into a pass", () => {
    fc.assert(
      fc.property(snapshotArb, (s) => {
        const labelled = { ...s, pull_request: { ...s.pull_request, labels: ["ai-assisted"] } };
        expect(worse(judge(labelled), judge(s))).toBe(true);
      }),
      RUNS,
    );
  });

  it("removing an approval never turns a block into a pass", () => {
    fc.assert(
      fc.property(snapshotArb, fc.nat(), (s, i) => {
        fc.pre(s.reviews.length > 0);
        const k = i % s.reviews.length;
        const fewer = { ...s, reviews: s.reviews.filter((r, j) => j !== k || r.state !== "APPROVED") };
        expect(worse(judge(fewer), judge(s))).toBe(true);
      }),
      RUNS,
    );
  });

  it("a forged co-author trailer can only exclude reviewers, never enable one", () => {
    fc.assert(
      fc.property(snapshotArb, fc.constantFrom(...logins), fc.nat(), (s, victim, i) => {
        const k = i % s.commits.length;
        const trailer = `\nCo-authored-by: X <1+${victim}@users.noreply.github.com>`;
        const commits = s.commits.map((c, j) => (j === k ? { ...c, message: c.message + trailer } : c));
        const forged = judge({ ...s, commits });
        const plain = judge(s);
        expect(worse(forged, plain)).toBe(true);
        // Exclusion is per rule: a rule that applied before counts nobody after whom it did not
        // count before. (A forged AI marker may make an AI rule apply for the first time; whom that
        // new requirement counts says nothing about exclusion, and the conclusion is no better.)
        const applied = (v: Verdict) => new Map(v.rules.filter((r) => r.status !== "not_applicable").map((r) => [r.name, new Set(r.counted)]));
        const before = applied(plain);
        for (const [name, counted] of applied(forged)) {
          const countedBefore = before.get(name);
          if (countedBefore) for (const login of counted) expect(countedBefore.has(login)).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it("a COMMENTED review never changes the conclusion", () => {
    fc.assert(
      fc.property(snapshotArb, fc.constantFrom(...logins), fc.integer({ min: -60, max: 600 }), (s, login, minutes) => {
        const comment: SnapshotReview = { user: { login, type: "User" }, state: "COMMENTED", submitted_at: new Date(Date.parse(PUSHED_AT) + minutes * 60_000).toISOString(), permission: "write", teams: [] };
        expect(judge({ ...s, reviews: [...s.reviews, comment] }).conclusion).toBe(judge(s).conclusion);
      }),
      RUNS,
    );
  });

  it("a pushed commit makes every earlier approval stale", () => {
    fc.assert(
      fc.property(snapshotArb, (s) => {
        const latest = Math.max(Date.parse(PUSHED_AT), ...s.reviews.map((r) => Date.parse(r.submitted_at)));
        const pushed = { ...s, pull_request: { ...s.pull_request, last_push_at: new Date(latest).toISOString() } };
        expect(judge(pushed).counted).toEqual([]);
      }),
      RUNS,
    );
  });

  it("counted reviewers are never session authors, bots, or read-only", () => {
    fc.assert(
      fc.property(snapshotArb, (s) => {
        const v = judge(s);
        for (const login of v.counted) {
          expect(v.session_authors).not.toContain(login);
          expect(login).not.toMatch(/\[bot\]$/);
          const theirs = s.reviews.filter((r) => r.user.login.toLowerCase() === login);
          expect(theirs.some((r) => r.permission !== "read")).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it("the conclusion is always success, action_required or failure", () => {
    fc.assert(
      fc.property(snapshotArb, (s) => {
        expect(["success", "action_required", "failure"]).toContain(judge(s).conclusion);
      }),
      RUNS,
    );
  });

  it("`Evals/x`, `./evals/x`, `/evals/x`, NFD and zero-width spellings classify like `evals/x`", () => {
    const classify = compileClassifier(policy({ classes: { eval: ["evals/**"], data: ["data/**", "**/*.parquet"], accent: ["données/**"] } }));
    const segment = fc.stringMatching(/^[a-zA-Z0-9_é.-]{1,8}$/);
    fc.assert(
      fc.property(fc.constantFrom("evals", "data", "données", "src"), fc.array(segment, { minLength: 1, maxLength: 3 }), (top, rest) => {
        const plain = [top, ...rest].join("/");
        const expected = classify(plain);
        for (const variant of [plain.toUpperCase(), `./${plain}`, `/${plain}`, plain.normalize("NFD"), plain.replace("/", "\u200b/")]) {
          expect(classify(variant)).toEqual(expected);
        }
      }),
      RUNS,
    );
  });

  it("a renamed entry is in at least the classes of each of its paths", () => {
    fc.assert(
      fc.property(fc.constantFrom(...paths), fc.constantFrom(...paths), (from, to) => {
        const s: Snapshot = {
          repository: "acme/models",
          pull_request: { number: 1, author: "carol", base_ref: "main", head_ref: "x", head_sha: "f".repeat(40), labels: [], body: "", last_push_at: PUSHED_AT },
          files: [{ filename: to, status: "renamed", previous_filename: from }],
          commits: [],
          reviews: [],
        };
        const classify = compileClassifier(P);
        const entry = evaluate(P, s).files[0];
        for (const c of [...classify(from), ...classify(to)]) expect(entry.classes).toContain(c);
      }),
      RUNS,
    );
  });

  it("classification agrees with plain minimatch, last matching line winning", () => {
    // `ſ` (long s) folds to `s` under minimatch's Unicode case-insensitivity.
    const segment = fc.constantFrom("evals", "Evals", "data", "x", "a.csv", "b.PARQUET", ".hidden", "t1.yaml", "README.md", "datasets", "dataſets", "É");
    const globSegment = fc.constantFrom("*", "**", "*.csv", "*.parquet", "{evals,data}", "t?.yaml", "[a-c]*", "x", "evals", "DATA", ".hidden", "datasets", "é");
    const pattern = fc.record({ negate: fc.boolean(), parts: fc.array(globSegment, { minLength: 1, maxLength: 4 }) }).map((p) => ({ negate: p.negate, pattern: p.parts.join("/") }));
    fc.assert(
      fc.property(fc.array(pattern, { minLength: 1, maxLength: 6 }), fc.array(segment, { minLength: 1, maxLength: 4 }), (lines, parts) => {
        const p = policy({ classes: { k: lines.map((l) => (l.negate ? `!${l.pattern}` : l.pattern)) } });
        const path = parts.join("/");
        let expected = false;
        for (const l of lines) if (new Minimatch(l.pattern, { dot: true, nocase: true }).match(path)) expected = !l.negate;
        expect(compileClassifier(p)(path).includes("k")).toBe(expected);
      }),
      RUNS,
    );
  });

  it("evaluation is deterministic", () => {
    fc.assert(
      fc.property(snapshotArb, (s) => {
        expect(judge(structuredClone(s))).toEqual(judge(s));
      }),
      RUNS,
    );
  });
});
