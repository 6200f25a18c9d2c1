/**
 * The app's private key in tests: one RSA key per test run (test/helpers/global-setup.ts makes
 * it), since no test verifies a signature with its own key and a 2048-bit key takes a few hundred
 * milliseconds of CPU to generate. Outside a run of the project's config, one per process.
 */
import { createPrivateKey } from "node:crypto";
import { inject } from "vitest";
import { generateTestKey } from "./global-setup.js";

let own: string | undefined;

/** The run's key, as `-----BEGIN RSA PRIVATE KEY-----` (pkcs1, as GitHub hands it out) or pkcs8. */
export function testPrivateKey(type: "pkcs1" | "pkcs8" = "pkcs1"): string {
  const pem = inject("testPrivateKey") ?? (own ??= generateTestKey());
  return createPrivateKey(pem).export({ type, format: "pem" }) as string;
}

declare module "vitest" {
  export interface ProvidedContext {
    testPrivateKey: string;
  }
}
