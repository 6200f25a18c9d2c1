#!/usr/bin/env node
/**
 * `npm start`: Probot's own `run()` (what `probot run` calls) with the app's Octokit, which
 * `probot run` offers no way to pass. Without credentials this starts Probot's setup wizard;
 * with them, loading the app checks the webhook secret first.
 */
import { run } from "probot";
import app from "./index.js";
import { GateOctokit } from "./app/octokit.js";

run(app, { Octokit: GateOctokit }).catch((error: unknown) => {
  console.error(`provenance-gate: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
