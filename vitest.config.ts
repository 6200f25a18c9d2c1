import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    environment: "node",
    // Property tests run 1,000 cases each; give them room on a 2-core CI machine.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
    // The app records its results (SPEC §10): tests that run the real entry write to a throwaway
    // file shared by the run's workers, never to data/provenance.db in the work tree.
    env: { PROVENANCE_DB: process.env.PROVENANCE_DB ?? join(tmpdir(), `provenance-test-${process.pid}.db`) },
    coverage: {
      provider: "v8",
      include: ["src/**/*.ts"],
      exclude: ["src/bench/**", "src/model/**"],
      reporter: ["text-summary", "text"],
      thresholds: {
        // The judgement (evaluator, classifier, detector, catalogue) is covered completely.
        "src/evaluate/**": { lines: 100, statements: 100, functions: 100, branches: 100 },
        "src/catalogue/**": { lines: 100, statements: 100, functions: 100, branches: 100 },
        // Overall: 90% of lines, functions and statements; branches may not fall below today's.
        lines: 90,
        functions: 90,
        statements: 90,
        branches: 83,
      },
    },
  },
});
