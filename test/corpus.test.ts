/**
 * Detection quality on the shared corpus of 171 real commits (copied from
 * ../shared/corpus/ai-commits.jsonl). Prints recall on `ai`, false positives on `not-ai` and
 * tool-id accuracy, lists every miss, and holds the figures issue 2 requires.
 * The conversion of a line to a SnapshotCommit is in ./helpers/corpus.ts.
 */
import { describe, expect, it } from "vitest";
import { detectCommit } from "../src/evaluate/detect.js";
import type { Policy } from "../src/model/policy.js";
import { readCorpus, toCommit } from "./helpers/corpus.js";

const corpus = readCorpus(new URL("./fixtures/ai-commits.jsonl", import.meta.url));

const EMPTY_CONFIG: Policy["ai"] = { labels: ["ai-assisted"], tools: {} };

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
