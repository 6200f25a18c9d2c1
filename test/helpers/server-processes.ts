/**
 * Replicas as separate OS processes: the code built once per test run (test/helpers/built-lib.ts),
 * then `node lib/server.js` per replica against one sandbox (src/bench/server-process.ts). Only
 * the store they are given (Redis, PostgreSQL) is shared; deliveries go to the replica the test
 * names, as a load balancer would send them.
 */
import { randomBytes } from "node:crypto";
import type { Sandbox } from "../../src/sandbox/sandbox.js";
import { startServerProcess, type ServerProcess } from "../../src/bench/server-process.js";
import { builtLib } from "./built-lib.js";
import { testPrivateKey } from "./keys.js";

export { metricValue, type ServerProcess } from "../../src/bench/server-process.js";

export interface ProcessCluster {
  secret: string;
  start(name: string, env?: Record<string, string>): Promise<ServerProcess>;
  /** Stops every replica still running (SIGTERM). */
  stopAll(): Promise<void>;
}

/** Replicas of one app (one key, one webhook secret) against `sb`, from the run's build of lib/. */
export function processCluster(sb: Sandbox): ProcessCluster {
  const { serverJs } = builtLib();
  const secret = randomBytes(24).toString("hex");
  const privateKey = testPrivateKey("pkcs8");
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
