/**
 * Once per test run, before any file: a directory for the run's shared build of lib/
 * (test/helpers/built-lib.ts builds it on first use), removed after the last file, and the run's
 * app key (test/helpers/keys.ts).
 */
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";

export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), "provenance-gate-lib-"));
  project.provide("builtLibDir", dir);
  project.provide("testPrivateKey", generateTestKey());
  return () => rmSync(dir, { recursive: true, force: true });
}

/** A fresh 2048-bit RSA key, as PKCS#8 PEM. */
export function generateTestKey(): string {
  return generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs8", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } }).privateKey;
}
