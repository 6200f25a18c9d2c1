/**
 * The one test that runs the real binary: the run's build of lib/ (test/helpers/built-lib.ts),
 * started as `node <bin>` the way npm links it. Everything else drives `run()` in-process.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { builtLib } from "./helpers/built-lib.js";
import { GIT_ENV, TestRepo } from "./helpers/git-repo.js";
import { testPrivateKey } from "./helpers/keys.js";

const ROOT = resolve(import.meta.dirname, "..");
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string; bin: Record<string, string> };
let out: string;
let bin: string;
let repo: TestRepo;

beforeAll(() => {
  out = builtLib().root;
  bin = join(out, pkg.bin["provenance-gate"]);

  repo = new TestRepo();
  repo.write(".provenance.yml", 'version: 1\nclasses:\n  eval: ["evals/**"]\nrules:\n  - name: review\n    classes: [eval]\n');
  repo.write("evals/a.yaml", "1").commit("init");
  repo.git("checkout", "-q", "-b", "feature");
  repo.write("evals/a.yaml", "2").commit("Change\n\nCo-authored-by: Codex <noreply@openai.com>\n");
}, 120_000);

afterAll(() => {
  repo?.remove();
});

const runBin = (args: string[]) =>
  spawnSync(process.execPath, [bin, ...args], { cwd: repo.dir, env: { ...GIT_ENV, NO_COLOR: "1" } as NodeJS.ProcessEnv, encoding: "utf8" });

describe("the provenance-gate binary", () => {
  it("is the compiled CLI, with a node shebang", () => {
    expect(pkg.bin["provenance-gate"]).toBe("lib/cli/main.js");
    expect(existsSync(bin)).toBe(true);
    expect(readFileSync(bin, "utf8").split("\n")[0]).toBe("#!/usr/bin/env node");
  });

  it("prints its version", () => {
    const r = runBin(["--version"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${pkg.version}\n`);
  });

  it("exits 1 for a blocked branch and 0 once approved", () => {
    const blocked = runBin(["check"]);
    expect(blocked.stderr).toBe("");
    expect(blocked.status).toBe(1);
    expect(blocked.stdout).toMatch(/^✖ action required: Needs 1 independent approval/);
    expect(runBin(["check", "--approved-by", "bob"]).status).toBe(0);
  });

  it("exits 2 with one line and no stack for a bad flag", () => {
    const r = runBin(["evaluate", "--snapshot", "missing.json", "--bogus"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("provenance-gate: error: evaluate: Unknown option '--bogus' (see 'provenance-gate help evaluate')\n");
  });
});

describe("npm start (lib/server.js)", () => {
  it("refuses to start with Probot's development webhook secret, in one line", () => {
    const privateKey = testPrivateKey();
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? "", APP_ID: "1", PRIVATE_KEY: privateKey, WEBHOOK_SECRET: "development", PORT: "0", LOG_LEVEL: "fatal" };
    const r = spawnSync(process.execPath, [join(out, "lib/server.js")], { cwd: out, env, encoding: "utf8", timeout: 30_000 });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^provenance-gate: .*WEBHOOK_SECRET/);
  });
});
