/**
 * The production install, end to end and slow (a real `npm ci`): a clean clone of the committed
 * tree, the Dockerfile's build steps, its runtime file set, `node lib/server.js` with GitHub
 * unreachable (live 200, ready 503, metrics, the image's health check, SIGTERM → exit 0), the
 * fail-fast cases, and `npm pack` installed globally from the tarball. Every child process has a
 * timeout, so the file cannot hang. It tests HEAD: commit before running it.
 */
import { spawn, spawnSync, type SpawnSyncReturns } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..");
// Where no prebuilt better-sqlite3 can be downloaded, npm ci compiles it: minutes on a busy machine.
const NPM_TIMEOUT_MS = 900_000;
const dockerfile = readFileSync(join(ROOT, "Dockerfile"), "utf8");

let work: string;
let clone: string;
let runtime: string;
const timings: Record<string, number> = {};

/** Runs a command to completion (or its timeout); throws with its output when it fails. */
function sh(command: string, cwd: string, label = command): SpawnSyncReturns<string> {
  const started = performance.now();
  const r = spawnSync("bash", ["-c", command], {
    cwd,
    encoding: "utf8",
    timeout: NPM_TIMEOUT_MS,
    // The npm cache makes a clean install fast where the registry was seen before; CI has network.
    env: { ...process.env, npm_config_prefer_offline: "true", npm_config_update_notifier: "false", NODE_ENV: "" },
  });
  timings[label] = Math.round(performance.now() - started);
  if (r.status !== 0) throw new Error(`${command} failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
  return r;
}

/** The Dockerfile's build-stage RUN lines, runtime COPY sources, command and health check. */
function dockerSteps() {
  const lines = dockerfile.split("\n").filter((l) => !l.startsWith("#"));
  return {
    run: lines.filter((l) => l.startsWith("RUN ")).map((l) => l.slice(4)),
    copied: lines.filter((l) => l.startsWith("COPY --from=build")).map((l) => /\/app\/(\S+)\s+\S+$/.exec(l)![1]!),
    cmd: JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)![1]!) as string[],
    healthcheck: JSON.parse(/^HEALTHCHECK .* CMD (\[.*\])$/m.exec(dockerfile)![1]!) as string[],
    env: Object.fromEntries([.../^ENV (.*)$/m.exec(dockerfile)![1]!.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1]!, m[2]!])),
  };
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "provenance-gate-production-"));
  clone = join(work, "clone");
  const head = spawnSync("git", ["rev-parse", "HEAD"], { cwd: ROOT, encoding: "utf8" }).stdout.trim();
  sh(`git clone --quiet "${ROOT}" clone && git -C clone checkout --quiet ${head}`, work, "git clone");
  // Exactly the Dockerfile's build stage (COPY . . is the clone).
  for (const step of dockerSteps().run) sh(step, clone);
  // Exactly its runtime stage's files.
  runtime = join(work, "runtime");
  mkdirSync(runtime);
  for (const path of dockerSteps().copied) cpSync(join(clone, path), join(runtime, path), { recursive: true });
}, NPM_TIMEOUT_MS + 120_000);

afterAll(() => {
  console.log(`production path timings (ms): ${JSON.stringify(timings)}`);
  if (work) rmSync(work, { recursive: true, force: true });
});

function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => res(port));
    });
  });
}

const KEY = generateKeyPairSync("rsa", { modulusLength: 2048, publicKeyEncoding: { type: "spki", format: "pem" }, privateKeyEncoding: { type: "pkcs1", format: "pem" } }).privateKey;

/** `node lib/server.js` as the image runs it (its command and environment), GitHub unreachable, on a port of its own. */
async function startRuntime(extra: Record<string, string> = {}) {
  const [port, closed] = [await freePort(), await freePort()];
  const steps = dockerSteps();
  const env = {
    PATH: process.env.PATH,
    ...steps.env,
    HOST: "127.0.0.1",
    PORT: String(port),
    APP_ID: "12345",
    PRIVATE_KEY: KEY,
    WEBHOOK_SECRET: "3f9a1c7e5b2d8046",
    GHE_HOST: `127.0.0.1:${closed}`,
    GHE_PROTOCOL: "http",
    ...extra,
  };
  const child = spawn(steps.cmd[0]!, steps.cmd.slice(1), { cwd: runtime, env, stdio: ["ignore", "pipe", "pipe"] });
  const killer = setTimeout(() => child.kill("SIGKILL"), 90_000);
  let output = "";
  child.stdout.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr.on("data", (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((res) => child.on("exit", (code) => res(code)));
  return {
    base: `http://127.0.0.1:${port}`,
    env,
    child,
    exited,
    output: () => output,
    /** Whatever the test left running ends here. */
    kill() {
      clearTimeout(killer);
      child.kill("SIGKILL");
    },
  };
}

describe("the Dockerfile", () => {
  it("builds once, drops devDependencies, runs lib/server.js as a non-root user and checks /healthz", () => {
    const steps = dockerSteps();
    expect(steps.run).toEqual(["npm ci --no-audit --no-fund", "npm prune --omit=dev --no-audit --no-fund"]);
    expect(steps.copied).toEqual(["package.json", "node_modules", "lib"]);
    expect(steps.cmd).toEqual(["node", "lib/server.js"]);
    expect(steps.env).toEqual({ NODE_ENV: "production", HOST: "0.0.0.0", PORT: "3000" });
    expect(dockerfile).toMatch(/^FROM node:20-bookworm-slim AS build$/m);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^STOPSIGNAL SIGTERM$/m);
    expect(steps.healthcheck.join(" ")).toContain("/healthz");
  });

  it("leaves no compiler in the runtime, and prepare does not need one", () => {
    expect(existsSync(join(runtime, "node_modules/typescript"))).toBe(false);
    expect(existsSync(join(runtime, "node_modules/ioredis"))).toBe(true);
    expect(existsSync(join(runtime, "lib/server.js"))).toBe(true);
    // What `npm ci --omit=dev` runs as `prepare` in a clone without devDependencies.
    const r = sh("node scripts/prepare.mjs", clone);
    expect(r.stdout).toMatch(/no TypeScript compiler .* using the lib\/ built beforehand/);
  });
});

describe("node lib/server.js in production with GitHub unreachable", () => {
  it("is live, not ready (saying why), serves metrics, passes the image's health check and drains on SIGTERM", async () => {
    const steps = dockerSteps();
    const { base, env, child, exited, output, kill } = await startRuntime();
    try {
      const started = performance.now();
      let live: Response | undefined;
      while (!live && performance.now() - started < 60_000) {
        live = await fetch(`${base}/healthz`).catch(() => undefined);
        if (!live) await new Promise((r) => setTimeout(r, 200));
      }
      timings["start to live"] = Math.round(performance.now() - started);
      expect(live?.status, output()).toBe(200);

      // The first `GET /app` may still be under way when the server is live: wait until it has failed.
      let ready: Response;
      let body: { checks: Record<string, string> };
      const asked = performance.now();
      do {
        ready = await fetch(`${base}/readyz`);
        body = (await ready.json()) as { checks: Record<string, string> };
        if (body.checks.github?.includes(": ")) break;
        await new Promise((r) => setTimeout(r, 200));
      } while (performance.now() - asked < 15_000);
      expect(ready.status).toBe(503);
      expect(body.checks.github).toMatch(/^GitHub has not answered GET \/app yet: no answer: connect ECONNREFUSED/);
      expect(body.checks.credentials).toBe("ok");

      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics).toMatch(/provenance_gate_github_requests_total\{operation="GET \/app",status="network_error"\} [1-9]/);
      for (const name of ["evaluations_total", "evaluation_seconds", "webhook_deliveries_total", "queue_depth", "reconciled_total", "rate_limit_remaining"]) {
        expect(metrics).toContain(`# TYPE provenance_gate_${name} `);
      }

      const health = spawnSync(steps.healthcheck[0]!, steps.healthcheck.slice(1), { env: { ...env }, timeout: 10_000 });
      expect(health.status).toBe(0);

      const stopping = performance.now();
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      timings["SIGTERM to exit"] = Math.round(performance.now() - stopping);
      expect(output()).toContain("provenance-gate: stopped cleanly");
      expect(output()).not.toContain("PRIVATE KEY");
      expect(output()).not.toContain(env.WEBHOOK_SECRET);
    } finally {
      kill();
    }
  }, 120_000);
});

describe.skipIf(!process.env.TEST_REDIS_URL && !process.env.CI)("node lib/server.js in production with REDIS_URL", () => {
  it("loads the store driver from the runtime install (no \"Cannot find package 'ioredis'\"), reports the store ready, and drains on SIGTERM", async () => {
    const { base, child, exited, output, kill } = await startRuntime({ REDIS_URL: process.env.TEST_REDIS_URL ?? "" });
    try {
      let checks: Record<string, string> | undefined;
      const started = performance.now();
      while (!checks?.store && performance.now() - started < 60_000) {
        checks = await fetch(`${base}/readyz`).then(
          async (r) => ((await r.json()) as { checks: Record<string, string> }).checks,
          () => undefined,
        );
        if (!checks?.store) await new Promise((r) => setTimeout(r, 200));
      }
      expect(output()).not.toMatch(/Cannot find package/);
      expect(checks?.store, output()).toBe("ok");
      // The store answers before the server has finished starting (its first GET /app): SIGTERM
      // drains only from then on.
      const starting = performance.now();
      while (!/provenance-gate: not ready yet/.test(output()) && performance.now() - starting < 15_000) await new Promise((r) => setTimeout(r, 100));
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
    } finally {
      kill();
    }
  }, 120_000);
});

describe("a bad configuration fails fast: one line, exit 1, no setup-mode server", () => {
  const serve = (env: Record<string, string>, cwd = runtime) =>
    spawnSync(process.execPath, ["lib/server.js"], {
      cwd,
      env: { PATH: process.env.PATH, NODE_ENV: "production", PORT: "1", WEBHOOK_SECRET: "3f9a1c7e5b2d8046", ...env },
      encoding: "utf8",
      timeout: 30_000,
    });

  it.each([
    ["no credentials in production", {}, /^provenance-gate: cannot start: APP_ID and the private key are not set/],
    ["a missing key file", { APP_ID: "12345", PRIVATE_KEY_PATH: "/nonexistent/app.pem" }, /^provenance-gate: cannot start: cannot read the private key \(PRIVATE_KEY_PATH=\/nonexistent\/app\.pem\)/],
    ["an unreadable key path", { APP_ID: "12345", PRIVATE_KEY_PATH: "/" }, /^provenance-gate: cannot start: cannot read the private key \(PRIVATE_KEY_PATH=\/\): EISDIR/],
    ["a file that is no key", { APP_ID: "12345", PRIVATE_KEY_PATH: "package.json" }, /^provenance-gate: cannot start: the private key \(PRIVATE_KEY_PATH=package\.json\) is not a PEM private key/],
    ["a malformed APP_ID", { APP_ID: "my-app", PRIVATE_KEY: KEY }, /^provenance-gate: cannot start: APP_ID must be the GitHub App's numeric id, not "my-app"\.\n$/],
    ["APP_ID without a key", { APP_ID: "12345" }, /^provenance-gate: cannot start: APP_ID is set but no private key is/],
    ["Probot's development secret", { APP_ID: "12345", PRIVATE_KEY: KEY, WEBHOOK_SECRET: "development" }, /^provenance-gate: Provenance Gate refuses to start: WEBHOOK_SECRET is Probot's public development default/],
  ])("%s", (_name, env, expected) => {
    const r = serve(env);
    expect(r.status, r.stdout + r.stderr).toBe(1);
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(expected);
    expect(r.stdout).not.toMatch(/Listening on/);
  });

  it("outside production, no credentials at all open the setup wizard (first-run registration) instead", async () => {
    const port = await freePort();
    const dir = mkdtempSync(join(work, "setup-"));
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "provenance-gate", type: "module" }));
    const child = spawn(process.execPath, [join(runtime, "lib/server.js")], {
      cwd: dir,
      env: { PATH: process.env.PATH, PORT: String(port), HOST: "127.0.0.1", NO_SMEE_SETUP: "true", LOG_LEVEL: "warn" },
      stdio: "ignore",
    });
    const killer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    try {
      let page: Response | undefined;
      for (let i = 0; i < 150 && !page; i++) {
        page = await fetch(`http://127.0.0.1:${port}/probot`).catch(() => undefined);
        if (!page) await new Promise((r) => setTimeout(r, 200));
      }
      expect(page?.status).toBe(200);
      expect(await page!.text()).toMatch(/Register GitHub App/);
    } finally {
      clearTimeout(killer);
      child.kill("SIGKILL");
    }
  }, 60_000);
});

describe("npm pack, installed globally from the tarball", () => {
  it("gives working provenance-gate and provenance-gate-server commands", () => {
    sh("npm pack --silent", clone, "npm pack");
    const tarball = readdirSync(clone).find((f) => f.endsWith(".tgz"))!;
    expect(tarball).toMatch(/^provenance-gate-\d+\.\d+\.\d+\.tgz$/);
    const prefix = join(work, "global");
    sh(`npm install -g --no-audit --no-fund --prefix "${prefix}" "${join(clone, tarball)}"`, work, "npm install -g");
    const help = spawnSync(join(prefix, "bin/provenance-gate"), ["--help"], { encoding: "utf8", timeout: 30_000 });
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/^Usage: provenance-gate <command>/m);
    const server = spawnSync(join(prefix, "bin/provenance-gate-server"), [], {
      cwd: work,
      env: { PATH: process.env.PATH, APP_ID: "x" },
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(server.status).toBe(1);
    expect(server.stderr).toBe('provenance-gate: cannot start: APP_ID must be the GitHub App\'s numeric id, not "x".\n');
  }, 2 * NPM_TIMEOUT_MS);
});
