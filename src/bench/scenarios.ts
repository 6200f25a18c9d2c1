/** The pull requests the bench measures: sizes from issue 4, with and without AI-marked commits. */
import type { CommitSpec } from "../sandbox/state.js";
import { CLAUDE_TRAILER } from "../sandbox/story.js";

export interface Scenario {
  name: string;
  files: number;
  commits: number;
  /** One commit in five carries a Claude Code trailer. */
  ai: boolean;
  /** Timed evaluations per latency. */
  reps: number;
}

export const SCENARIOS: Scenario[] = [
  [10, 5, 7],
  [100, 50, 5],
  [1000, 250, 3],
  [3000, 250, 3],
].flatMap(([files, commits, reps]) =>
  [false, true].map((ai) => ({ name: `${files}f-${commits}c${ai ? "-ai" : ""}`, files, commits, ai, reps })),
);

/** A mix of protected (evals/, data/) and unprotected (src/) paths. */
export function scenarioPath(i: number, salt: string): string {
  switch (i % 10) {
    case 0:
    case 1:
    case 2:
    case 3:
      return `evals/suite${i % 17}/${salt}/task${i}.yaml`;
    case 4:
    case 5:
    case 6:
      return `data/part${i % 13}/${salt}/rows${i}.csv`;
    default:
      return `src/pkg${i % 7}/${salt}/mod${i}.ts`;
  }
}

/** The PR's commits: files spread evenly over the commits; every fifth commit AI-marked when `ai`. */
export function scenarioCommits(s: Scenario, salt: string): CommitSpec[] {
  const perCommit: string[][] = Array.from({ length: s.commits }, () => []);
  for (let i = 0; i < s.files; i++) perCommit[i % s.commits].push(scenarioPath(i, salt));
  return perCommit.map((files, k) => {
    const marked = s.ai && k % 5 === 0;
    return {
      message: marked ? `Change ${k}\n\nGenerated with Claude Code.\n\n${CLAUDE_TRAILER}` : `Change ${k}`,
      author: marked ? "alice" : "carol",
      files,
    };
  });
}
