/**
 * Replicas as separate OS processes: the code built once per test file (`tsc` with the build
 * config, into a directory of its own, as test/cli-bin.test.ts does), then `node lib/server.js`
 * per replica against one sandbox (src/bench/server-process.ts). Only the store they are given
 * (Redis, PostgreSQL) is shared; deliveries go to the replica the test names, as a load balancer
 * would send them.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFileSync, existsSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Sandbox } from "../../src/sandbox/sandbox.js";
import { throwawayPrivateKey } from "../../src/sandbox/probot-runner.js";
import { startServerProcess, type ServerProcess } from "../../src/bench/server-process.js";

export { metricValue, type ServerProcess } from "../../src/bench/server-process.js";

const ROOT = resolve(import.meta.dirname, "../..");

/** Builds lib/ into a fresh directory; returns the path of its `lib/server.js` and a clean-up. */
export function buildServer(): { serverJs: string; remove(): void } {
  const out = mkdtempSync(join(tmpdir(), "provenance-gate-server-build-"));
  const r = spawnSync(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", join(ROOT, "tsconfig.build.json"), "--outDir", join(out, "lib")], { encoding: "utf8" });
  const serverJs = join(out, "lib/server.js");
  // tsc emits despite type errors elsewhere; a missing entry is what stops the test.
  if (!existsSync(serverJs)) throw new Error(`the build did not produce lib/server.js:\n${r.stdout}\n${r.stderr}`);
  copyFileSync(join(ROOT, "package.json"), join(out, "package.json"));
  symlinkSync(join(ROOT, "node_modules"), join(out, "node_modules"), "dir");
  return { serverJs, remove: () => rmSync(out, { recursive: true, force: true }) };
}

export interface ProcessCluster {
  secret: string;
  start(name: string, env?: Record<string, string>): Promise<ServerProcess>;
  /** Stops every replica still running (SIGTERM). */
  stopAll(): Promise<void>;
}

/** Replicas of one app (one key, one webhook secret) against `sb`, from the build `serverJs`. */
export function processCluster(sb: Sandbox, serverJs: string): ProcessCluster {
  const secret = randomBytes(24).toString("hex");
  const privateKey = throwawayPrivateKey();
  const running = new Set<ServerProcess>();
  return {
    secret,
    async start(name, env = {}) {
      const replica = await startServerProcess({ serverJs, sandbox: sb, privateKey, secret, name, env });
      running.add(replica);
      void replica.exited.then(() => running.delete(replica));
      return replica;
    },
    async stopAll() {
      await Promise.all([...running].map((r) => r.stop()));
    },
  };
}
