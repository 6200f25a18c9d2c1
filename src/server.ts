#!/usr/bin/env node
/**
 * `npm start` / `node lib/server.js` / the container's command: the Probot server with the app
 * (src/ops/start.ts). A bad configuration is one line on stderr and exit 1; SIGTERM and SIGINT
 * drain (finish the evaluations in flight, at most 25 s) and exit 0.
 */
import { startServer } from "./ops/start.js";

try {
  // Installed as soon as the server listens: deliveries can arrive before GitHub first answers.
  await startServer({
    onListening: (shutdown) => {
      for (const signal of ["SIGTERM", "SIGINT"] as const) {
        process.once(signal, () => void shutdown(signal).then((code) => process.exit(code)));
      }
    },
  });
} catch (error) {
  console.error(`provenance-gate: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
