import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { configDefaults, defineConfig } from "vitest/config";

/** The production install (npm ci in a clone, pack, global install): `npm run test:package`. */
const PACKAGE_TEST = "test/production.test.ts";

export default defineConfig({
  test: {
    environment: "node",
    // Property tests run 1,000 cases each; give them room on a 2-core CI machine.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
    // One worker per core, at least two: many files spend their time waiting on servers (the
    // sandbox, Redis, PostgreSQL, Chromium), and vitest's default (cores - 1) is one on 2 cores.
    maxWorkers: Math.max(2, availableParallelism()),
    // A worker keeps its loaded modules from one file to the next: importing Probot, Octokit and
    // GitHub's schema afresh for each of 70 files cost about a quarter of the suite's CPU time.
    // State a module keeps (the metrics registry) is reset by the tests that read it.
    isolate: false,
    // No test reaches the network: only nock's mocks and servers on this machine.
    setupFiles: ["test/helpers/no-network.ts"],
    // One build of lib/ per run, for the files that run it as its own process.
    globalSetup: ["test/helpers/global-setup.ts"],
    // The app records its results (SPEC §10): tests that run the real entry write to a throwaway
    // file shared by the run's workers, never to data/provenance.db in the work tree.
    env: { PROVENANCE_DB: process.env.PROVENANCE_DB ?? join(tmpdir(), `provenance-test-${process.pid}.db`) },
    projects: [
      { extends: true, test: { name: "unit", include: ["test/**/*.test.ts"], exclude: [...configDefaults.exclude, PACKAGE_TEST] } },
      { extends: true, test: { name: "package", include: [PACKAGE_TEST] } },
    ],
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
