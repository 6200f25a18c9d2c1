/**
 * Detection quality on the shared corpus of 171 real commits (copied from
 * ../shared/corpus/ai-commits.jsonl). Prints recall on `ai`, false positives on `not-ai` and
 * tool-id accuracy, lists every miss, and holds the figures issue 2 requires.
 *
 * Conversion of a corpus line to a SnapshotCommit: the corpus has no GitHub logins, so `login`
 * is null everywhere (detection must work from names and e-mails, as it does for the local-git
 * loader); `type` is "Bot" when the name or the login inside a GitHub no-reply address ends in
 * `[bot]` — the only bot evidence git metadata carries — and undefined otherwise.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { detectCommit } from "../src/evaluate/detect.js";
import { noreplyLogin } from "../src/evaluate/trailers.js";
import type { Policy } from "../src/model/policy.js";
import type { GitIdentity, SnapshotCommit } from "../src/model/snapshot.js";

interface CorpusEntry {
  repo: string;
  sha: string;
  author_name: string;
  author_email: string;
  committer_name: string;
  committer_email: string;
  message: string;
  expect: "ai" | "not-ai" | "either";
  tool: string | null;
  note: string;
}

const corpus: CorpusEntry[] = readFileSync(new URL("./fixtures/ai-commits.jsonl", import.meta.url), "utf8")
  .split("\n")
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as CorpusEntry);

const EMPTY_CONFIG: Policy["ai"] = { labels: ["ai-assisted"], tools: {} };

function identity(name: string, email: string): GitIdentity {
  const isBot = name.toLowerCase().endsWith("[bot]") || (noreplyLogin(email) ?? "").endsWith("[bot]");
  return isBot ? { login: null, name, email, type: "Bot" } : { login: null, name, email };
}

function toCommit(e: CorpusEntry): SnapshotCommit {
  return {
    sha: e.sha,
    message: e.message,
    author: identity(e.author_name, e.author_email),
    committer: identity(e.committer_name, e.committer_email),
  };
}

const results = corpus.map((entry) => {
  const signals = detectCommit(toCommit(entry), EMPTY_CONFIG);
  return { entry, signals, tools: [...new Set(signals.map((s) => s.tool))] };
});

const ai = results.filter((r) => r.entry.expect === "ai");
const notAi = results.filter((r) => r.entry.expect === "not-ai");
const found = ai.filter((r) => r.signals.length > 0);
const missed = ai.filter((r) => r.signals.length === 0);
const falsePositives = notAi.filter((r) => r.signals.length > 0);
const toolRight = found.filter((r) => r.entry.tool === null || r.tools.includes(r.entry.tool));
const toolWrong = found.filter((r) => !toolRight.includes(r));

const pct = (n: number, d: number) => (d === 0 ? 100 : (100 * n) / d);
const recall = pct(found.length, ai.length);
const toolAccuracy = pct(toolRight.length, found.length);
const describeEntry = (r: (typeof results)[number]) =>
  `  ${r.entry.repo}@${r.entry.sha.slice(0, 7)} expected ${r.entry.tool ?? "any"}, got [${r.tools.join(", ")}] — ${r.entry.note}`;

describe("shared corpus of real commits", () => {
  it("prints detection quality", () => {
    const report = [
      `corpus: ${results.length} commits (${ai.length} ai, ${notAi.length} not-ai, ${results.length - ai.length - notAi.length} either)`,
      `recall on ai:          ${found.length}/${ai.length} = ${recall.toFixed(1)}%`,
      `false positives:       ${falsePositives.length}/${notAi.length}`,
      `tool-id accuracy:      ${toolRight.length}/${found.length} = ${toolAccuracy.toFixed(1)}%`,
      `tools seen:            ${[...new Set(found.flatMap((r) => r.tools))].sort().join(", ")}`,
      ...(missed.length ? ["missed:", ...missed.map(describeEntry)] : ["missed: none"]),
      ...(falsePositives.length ? ["false positives:", ...falsePositives.map(describeEntry)] : []),
      ...(toolWrong.length ? ["wrong tool:", ...toolWrong.map(describeEntry)] : []),
    ].join("\n");
    console.log(report);
    expect(results.length).toBe(171);
  });

  it("finds at least 97% of the AI-marked commits", () => {
    expect(recall).toBeGreaterThanOrEqual(97);
  });

  it("flags none of the look-alikes", () => {
    expect(falsePositives.map((r) => r.entry.sha)).toEqual([]);
  });

  it("names the expected tool for at least 95% of the detected commits", () => {
    expect(toolAccuracy).toBeGreaterThanOrEqual(95);
  });

  it("attributes every signal to its commit, with a short-SHA location and decisive", () => {
    for (const r of found) {
      for (const s of r.signals) {
        expect(s).toMatchObject({ commit: r.entry.sha, where: `commit ${r.entry.sha.slice(0, 7)}`, decisive: true });
        expect(s.tool).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
        expect(s.evidence.length).toBeGreaterThan(0);
      }
    }
  });

  it("detects the same signals whether lines end in \\n or \\r\\n", () => {
    for (const r of results) {
      const crlf = { ...toCommit(r.entry), message: r.entry.message.replace(/\n/g, "\r\n") };
      expect(detectCommit(crlf, EMPTY_CONFIG)).toEqual(r.signals);
    }
  });
});
