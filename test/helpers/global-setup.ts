/**
 * Once per test run, before any file: a directory for the run's shared build of lib/
 * (test/helpers/built-lib.ts builds it on first use), removed after the last file.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";

export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), "provenance-gate-lib-"));
  project.provide("builtLibDir", dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
