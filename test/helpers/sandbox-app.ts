/**
 * One sandbox GitHub and the real app serving it, for every test of the calling file: started
 * before the first test, stopped after the last. The app runs as `npm start` would, except for
 * the write spacing (see octokit.ts). `restart()` plays a restart: a new app instance, with
 * nothing in memory but what GitHub holds.
 */
import { afterAll, beforeAll } from "vitest";
import { Sandbox } from "../../src/sandbox/sandbox.js";
import { startAppAgainstSandbox, type RunningApp, type StartAppOptions } from "../../src/sandbox/probot-runner.js";
import { GateOctokit } from "../../src/app/octokit.js";
import { testPrivateKey } from "./keys.js";
import { withoutWriteSpacing } from "./octokit.js";

export interface SandboxApp {
  readonly sb: Sandbox;
  readonly app: RunningApp;
  restart(): Promise<void>;
}

/** The app's options for sandbox tests: the given Octokit (default the shipped one), unspaced, and the run's key. */
export function testAppOptions(options: StartAppOptions = {}): StartAppOptions {
  return { privateKey: testPrivateKey("pkcs8"), ...options, Octokit: withoutWriteSpacing(options.Octokit ?? GateOctokit) };
}

export function startTestApp(sb: Sandbox, options: StartAppOptions = {}): Promise<RunningApp> {
  return startAppAgainstSandbox(sb, testAppOptions(options));
}

export function useSandboxApp(options: StartAppOptions = {}): SandboxApp {
  let sb: Sandbox | undefined;
  let app: RunningApp | undefined;
  beforeAll(async () => {
    sb = await Sandbox.start();
    app = await startTestApp(sb, options);
  });
  afterAll(async () => {
    await app?.stop();
    await sb?.close();
  });
  return {
    get sb() {
      if (!sb) throw new Error("the sandbox starts before the first test");
      return sb;
    },
    get app() {
      if (!app) throw new Error("the app starts before the first test");
      return app;
    },
    async restart() {
      await app?.stop();
      app = undefined;
      app = await startTestApp(this.sb, options);
    },
  };
}
