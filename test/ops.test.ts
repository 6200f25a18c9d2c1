/**
 * Operating the app (SPEC §7.2) in-process: fail-fast configuration, readiness checks, metrics,
 * the drain, and the real server (`startServer`, what `node lib/server.js` runs) against the
 * sandbox as GitHub. test/production.test.ts runs the same server from a clean clone.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer, request as httpRequest } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { pino } from "pino";
import { register } from "prom-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { StartupError } from "../src/app/env.js";
import { applyDotEnv, checkConfiguration } from "../src/ops/config.js";
import { Drain, NotAcceptingDeliveries, trackDeliveries } from "../src/ops/drain.js";
import { describeFailure, GitHubCheck } from "../src/ops/github-check.js";
import { githubMetrics, operationOf } from "../src/ops/github-metrics.js";
import { addQueueDepthSource, reconciledTotal } from "../src/ops/metrics.js";
import { addReadinessCheck, readiness } from "../src/ops/readiness.js";
import { opsHandler } from "../src/ops/routes.js";
import { redisCheck } from "../src/ops/redis-check.js";
import { startServer, type Running } from "../src/ops/start.js";
import { Sandbox } from "../src/sandbox/sandbox.js";
import { testPrivateKey } from "./helpers/keys.js";

// The metrics live in the process's registry, and a test worker runs other files before this one
// (vitest runs files without isolation): the file counts from zero, as in a process of its own.
beforeAll(() => register.resetMetrics());

const KEY = testPrivateKey();
const SECRET = "0a1b2c3d4e5f60718293";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "provenance-gate-ops-"));
  writeFileSync(join(dir, "app.pem"), KEY);
  writeFileSync(join(dir, "garbage.pem"), "-----BEGIN RSA PRIVATE KEY-----\nnot a key\n-----END RSA PRIVATE KEY-----\n");
  mkdirSync(join(dir, "a-directory.pem"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function startupError(env: NodeJS.ProcessEnv): string {
  try {
    checkConfiguration(env, dir);
  } catch (error) {
    expect(error).toBeInstanceOf(StartupError);
    const message = (error as Error).message;
    expect(message.split("\n")).toHaveLength(1);
    return message;
  }
  throw new Error("expected a StartupError");
}

describe("fail-fast configuration", () => {
  const empty = mkdtempSync(join(tmpdir(), "provenance-gate-empty-"));
  afterAll(() => rmSync(empty, { recursive: true, force: true }));

  it("opens the setup wizard only without any credentials and outside production", () => {
    expect(checkConfiguration({}, empty)).toEqual({ kind: "setup" });
    expect(() => checkConfiguration({ NODE_ENV: "production" }, empty)).toThrow(
      /^cannot start: APP_ID and the private key are not set, and in production \(NODE_ENV=production\) the setup wizard stays closed/,
    );
  });

  it("refuses an APP_ID without a key", () => {
    expect(() => checkConfiguration({ APP_ID: "12", WEBHOOK_SECRET: SECRET }, empty)).toThrow(
      /^cannot start: APP_ID is set but no private key is\. Set PRIVATE_KEY_PATH to the app's \.pem file/,
    );
  });

  it("starts the app with a numeric APP_ID, a readable key and a real secret", () => {
    expect(checkConfiguration({ APP_ID: " 123 ", PRIVATE_KEY_PATH: "app.pem", WEBHOOK_SECRET: SECRET }, dir)).toEqual({ kind: "app", appId: 123, privateKey: KEY });
    expect(checkConfiguration({ APP_ID: "7", PRIVATE_KEY: KEY.replace(/\n/g, "\\n"), WEBHOOK_SECRET: SECRET }, empty)).toMatchObject({ kind: "app", appId: 7 });
  });

  it.each([
    [{ APP_ID: "abc", PRIVATE_KEY_PATH: "app.pem" }, 'cannot start: APP_ID must be the GitHub App\'s numeric id, not "abc".'],
    [{ APP_ID: "12x", PRIVATE_KEY_PATH: "app.pem" }, 'cannot start: APP_ID must be the GitHub App\'s numeric id, not "12x".'],
    [{ APP_ID: "0", PRIVATE_KEY_PATH: "app.pem" }, 'cannot start: APP_ID must be the GitHub App\'s numeric id, not "0".'],
    [{ PRIVATE_KEY_PATH: "app.pem" }, /^cannot start: a private key is set but APP_ID is not/],
    [{ APP_ID: "12" }, /^cannot start: cannot read the private key \(the \.pem file in the working directory\): More than one file found/],
    [{ APP_ID: "12", PRIVATE_KEY_PATH: "missing.pem" }, /^cannot start: cannot read the private key \(PRIVATE_KEY_PATH=missing\.pem\): Private key does not exists at path/],
    [{ APP_ID: "12", PRIVATE_KEY_PATH: "a-directory.pem" }, /^cannot start: cannot read the private key \(PRIVATE_KEY_PATH=a-directory\.pem\): EISDIR/],
    [{ APP_ID: "12", PRIVATE_KEY_PATH: "garbage.pem" }, /^cannot start: the private key \(PRIVATE_KEY_PATH=garbage\.pem\) is not a PEM private key: .*Download a new key/],
    [{ APP_ID: "12", PRIVATE_KEY: "hello" }, /^cannot start: cannot read the private key \(PRIVATE_KEY\): The contents of "env.PRIVATE_KEY" could not be validated/],
    [{ APP_ID: "12", PRIVATE_KEY_PATH: "app.pem", GHE_HOST: "https://ghe.example.com" }, /^cannot start: GHE_HOST must be a host name/],
    [{ APP_ID: "12", PRIVATE_KEY_PATH: "app.pem", GHE_PROTOCOL: "ftp" }, 'cannot start: GHE_PROTOCOL must be https or http, not "ftp".'],
    [{ APP_ID: "12", PRIVATE_KEY_PATH: "app.pem", WEBHOOK_SECRET: "development" }, /refuses to start: WEBHOOK_SECRET is Probot's public development default/],
  ] as const)("refuses %j in one line", (env, expected) => {
    const message = startupError({ WEBHOOK_SECRET: SECRET, ...env });
    if (typeof expected === "string") expect(message).toBe(expected);
    else expect(message).toMatch(expected);
  });

  it("reads .env from the working directory the way Probot does (its values win)", () => {
    const d = mkdtempSync(join(tmpdir(), "provenance-gate-dotenv-"));
    writeFileSync(join(d, ".env"), `APP_ID=99\nPRIVATE_KEY="${KEY.replace(/\n/g, "\\n")}"\nWEBHOOK_SECRET=${SECRET}\n`);
    const env: NodeJS.ProcessEnv = { APP_ID: "1" };
    applyDotEnv(env, d);
    expect(checkConfiguration(env, d)).toMatchObject({ kind: "app", appId: 99 });
    applyDotEnv(env, empty); // no .env: nothing changes
    expect(env.APP_ID).toBe("99");
    mkdirSync(join(empty, ".env"));
    expect(() => applyDotEnv({}, empty)).toThrow(/^cannot start: cannot read .*\.env: EISDIR/);
    rmSync(d, { recursive: true, force: true });
  });
});

describe("readiness checks", () => {
  const removers: Array<() => void> = [];
  afterEach(() => {
    for (const remove of removers.splice(0)) remove();
  });

  it("is ready when every check is, and names each failing check's reason", async () => {
    removers.push(addReadinessCheck("a", () => null));
    expect(await readiness()).toEqual({ ready: true, checks: { a: "ok" } });
    removers.push(addReadinessCheck("store", async () => "Redis does not answer PING"));
    removers.push(
      addReadinessCheck("broken", () => {
        throw new Error("boom");
      }),
    );
    removers.push(addReadinessCheck("slow", () => new Promise<null>(() => undefined)));
    expect(await readiness(50)).toEqual({ ready: false, checks: { a: "ok", store: "Redis does not answer PING", broken: "boom", slow: "no answer within 50 ms" } });
  });

  it("removes a check only if it is still the registered one", async () => {
    const removeOld = addReadinessCheck("x", () => "old");
    removers.push(addReadinessCheck("x", () => null));
    removeOld();
    expect((await readiness()).checks).toEqual({ x: "ok" });
  });
});

describe("the GitHub readiness check", () => {
  const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:4"), { status: 500, cause: new Error("connect ECONNREFUSED") });
  const rejected = Object.assign(new Error("A JSON web token could not be decoded"), { status: 401, response: { status: 401 } });

  it("is ready while GET /app answered within the fresh window", async () => {
    let now = 1_000_000;
    let answer: unknown;
    const check = new GitHubCheck({ probe: async () => { if (answer) throw answer; }, freshMs: 60_000, now: () => now });
    expect(check.reachable()).toBe("GitHub has not answered GET /app yet");
    expect(await check.probe()).toEqual({ ok: true });
    expect([check.reachable(), check.credentials()]).toEqual([null, null]);
    answer = refused;
    now += 30_000;
    await check.probe();
    expect(check.reachable()).toBeNull(); // the last good answer is still fresh
    now += 31_000;
    expect(check.reachable()).toBe("GitHub has not answered GET /app for 61 s: no answer: connect ECONNREFUSED 127.0.0.1:4");
    answer = rejected;
    await check.probe();
    expect(check.credentials()).toBe("GitHub rejected the app's credentials (401: A JSON web token could not be decoded); check APP_ID and the private key");
    expect(check.reachable()).toBeNull();
  });

  it("gives each kind of failure its reason", () => {
    expect(describeFailure(Object.assign(new Error("aborted"), { status: 500, cause: { name: "TimeoutError" } }), 10_000).reason).toBe("no answer within 10000 ms");
    expect(describeFailure(Object.assign(new Error("Server Error"), { status: 502, response: {} }), 1).reason).toBe("GitHub answered 502: Server Error");
    expect(describeFailure(Object.assign(new Error("Not Found"), { status: 404, response: {} }), 1)).toMatchObject({ rejected: true });
  });

  it("probes on a timer until stopped", async () => {
    let probes = 0;
    const check = new GitHubCheck({ probe: async () => void probes++, intervalMs: 10 });
    await check.start();
    await new Promise((resolve) => setTimeout(resolve, 60));
    check.stop();
    const seen = probes;
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(seen).toBeGreaterThanOrEqual(3);
    expect(probes).toBe(seen);
  });
});

describe("GitHub request metrics", () => {
  it("names operations by route template or GraphQL operation, never by URL", () => {
    expect(operationOf({ method: "get", url: "/repos/{owner}/{repo}/pulls/{pull_number}" })).toBe("GET /repos/{owner}/{repo}/pulls/{pull_number}");
    expect(operationOf({ method: "POST", url: "https://ghe.example.com/api/v3/app/installations/{installation_id}/access_tokens" })).toBe(
      "POST /app/installations/{installation_id}/access_tokens",
    );
    expect(operationOf({ method: "POST", url: "/graphql", query: "query PullRequestSnapshot($owner: String!) { x }" })).toBe("graphql PullRequestSnapshot");
    expect(operationOf({ method: "POST", url: "/graphql", query: "{ viewer { login } }" })).toBe("graphql anonymous");
    expect(operationOf({ url: "/app?x=1" })).toBe("GET /app");
  });

  it("counts answers and failures by status and keeps the rate-limit gauge", async () => {
    let wrapped: ((request: (o: unknown) => unknown, options: unknown) => Promise<unknown>) | undefined;
    githubMetrics({ hook: { wrap: (_name, wrapper) => void (wrapped = wrapper) } });
    const ok = { status: 200, headers: { "x-ratelimit-remaining": "4990", "x-ratelimit-resource": "graphql" } };
    await wrapped!(async () => ok, { method: "POST", url: "/graphql", query: "query Probe { x }" });
    const notFound = Object.assign(new Error("Not Found"), { status: 404, response: { status: 404, headers: { "x-ratelimit-remaining": "4999" } } });
    await expect(wrapped!(async () => Promise.reject(notFound), { method: "GET", url: "/repos/{owner}/{repo}" })).rejects.toBe(notFound);
    const refused = Object.assign(new Error("connect ECONNREFUSED"), { status: 500 });
    await expect(wrapped!(async () => Promise.reject(refused), { method: "GET", url: "/app" })).rejects.toBe(refused);
    const text = await register.metrics();
    expect(text).toContain('provenance_gate_github_requests_total{operation="graphql Probe",status="200"} 1');
    expect(text).toContain('provenance_gate_github_requests_total{operation="GET /repos/{owner}/{repo}",status="404"} 1');
    expect(text).toContain('provenance_gate_github_requests_total{operation="GET /app",status="network_error"} 1');
    expect(text).toContain('provenance_gate_rate_limit_remaining{resource="graphql"} 4990');
    expect(text).toContain('provenance_gate_rate_limit_remaining{resource="core"} 4999');
  });
});

describe("the drain", () => {
  it("waits for the work in flight, then runs the shutdown hooks", async () => {
    const d = new Drain();
    const order: string[] = [];
    let finish!: () => void;
    d.track(new Promise<void>((resolve) => (finish = resolve)).then(() => void order.push("work")));
    d.onShutdown("store", () => void order.push("store closed"));
    d.onShutdown("broken", () => {
      throw new Error("already closed");
    });
    expect([d.size, d.readiness()]).toEqual([1, null]);
    const drained = d.drain(5_000);
    expect(d.readiness()).toBe("shutting down: finishing the work in flight");
    setTimeout(finish, 20);
    expect(await drained).toEqual({ abandoned: 0, hookErrors: ["broken: already closed"] });
    expect(order).toEqual(["work", "store closed"]);
  });

  it("gives up at the bound and says how much work it left", async () => {
    const d = new Drain();
    d.track(new Promise(() => undefined));
    const started = Date.now();
    expect(await d.drain(50)).toEqual({ abandoned: 1, hookErrors: [] });
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("refuses deliveries with 503 once draining, and tracks the ones before", async () => {
    const d = new Drain();
    let release!: () => void;
    const webhooks = { verifyAndReceive: (_event: unknown) => new Promise<void>((resolve) => (release = resolve)) };
    trackDeliveries(webhooks, d);
    const first = webhooks.verifyAndReceive({ id: "1" });
    expect(d.size).toBe(1);
    const drained = d.drain(5_000);
    const refused = await webhooks.verifyAndReceive({ id: "2" }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(NotAcceptingDeliveries);
    expect(refused).toMatchObject({ status: 503, errors: [{ status: 503 }] });
    release();
    await first;
    expect((await drained).abandoned).toBe(0);
  });
});

describe("the Redis readiness check (REDIS_URL)", () => {
  it("answers while Redis does, names it without the password when it does not, and recovers", async () => {
    const port = await freePort();
    const start = () => spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
    const { check, close } = redisCheck(`redis://:hunter2@127.0.0.1:${port}/0`);
    const waitFor = async (want: (r: string | null) => boolean) => {
      let last = await check();
      for (let i = 0; i < 100 && !want(last); i++) {
        await new Promise((r) => setTimeout(r, 100));
        last = await check();
      }
      return last;
    };
    try {
      expect(await check()).toMatch(new RegExp(`^Redis at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${port}/0 does not answer: .*ECONNREFUSED`));
      let server = start();
      try {
        expect(await waitFor((r) => r === null)).toBeNull();
        server.kill("SIGKILL");
        expect(await waitFor((r) => r !== null)).toMatch(/^Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+\/0 does not answer/);
        server = start(); // back: ready again without a restart of the app
        expect(await waitFor((r) => r === null)).toBeNull();
      } finally {
        server.kill("SIGKILL");
      }
    } finally {
      await close();
    }
  });
});

/** GET (or HEAD) on a local server: status, content type and body. */
function get(url: string, method = "GET"): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (c: string) => (body += c)).on("end", () => resolve({ status: res.statusCode!, type: String(res.headers["content-type"]), body }));
    });
    req.on("error", reject).end();
  });
}

describe("the operations routes", () => {
  it("serve health, readiness and metrics and pass other requests on", async () => {
    const passed: string[] = [];
    const server = createHttpServer(async (req, res) => {
      if (!(await opsHandler(req, res))) {
        passed.push(`${req.method} ${req.url}`);
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const remove = addReadinessCheck("store", () => "PostgreSQL does not answer");
    addQueueDepthSource("test", () => 3);
    reconciledTotal.inc({ reason: "missing_run" });
    try {
      expect(await get(`${base}/healthz`)).toEqual({ status: 200, type: "application/json", body: '{"status":"ok"}' });
      expect(await get(`${base}/readyz`)).toEqual({ status: 503, type: "application/json", body: JSON.stringify({ status: "not ready", checks: { store: "PostgreSQL does not answer" } }) });
      remove();
      expect(await get(`${base}/readyz?verbose`)).toMatchObject({ status: 200, body: '{"status":"ready","checks":{}}' });
      const metrics = await get(`${base}/metrics`);
      expect(metrics.type).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(metrics.body).toContain("provenance_gate_queue_depth 3");
      expect(metrics.body).toContain('provenance_gate_reconciled_total{reason="missing_run"} 1');
      for (const name of ["evaluations_total", "evaluation_seconds", "github_requests_total", "webhook_deliveries_total", "rate_limit_remaining"]) {
        expect(metrics.body).toContain(`# TYPE provenance_gate_${name} `);
      }
      expect(await get(`${base}/healthz`, "HEAD")).toMatchObject({ status: 200, body: "" });
      await get(`${base}/healthz`, "POST");
      await get(`${base}/other`);
      expect(passed).toEqual(["POST /healthz", "GET /other"]);
    } finally {
      server.close();
    }
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

describe("the server (startServer) against the sandbox as GitHub", () => {
  let sandbox: Sandbox;
  let running: Running;
  let base: string;
  const lines: Array<Record<string, unknown>> = [];
  const raw: string[] = [];
  const secret = randomBytes(20).toString("hex");

  beforeAll(async () => {
    sandbox = await Sandbox.start();
    const port = await freePort();
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString("utf8").split("\n").filter(Boolean)) {
          raw.push(line);
          lines.push(JSON.parse(line) as Record<string, unknown>);
        }
        done();
      },
    });
    const env: NodeJS.ProcessEnv = {
      APP_ID: String(sandbox.appId),
      PRIVATE_KEY: KEY,
      WEBHOOK_SECRET: secret,
      GHE_HOST: new URL(sandbox.url).host,
      GHE_PROTOCOL: "http",
      PORT: String(port),
      HOST: "127.0.0.1",
      // These tests follow one delivery; the reconciler's start-up pass would evaluate alongside it.
      RECONCILE_INTERVAL_MS: "0",
    };
    // The app's entry (src/index.ts) checks WEBHOOK_SECRET in the process environment.
    Object.assign(process.env, env);
    running = await startServer({ env, cwd: dir, log: pino({ level: "info", name: "probot" }, sink) });
    base = `http://127.0.0.1:${port}`;
    sandbox.setWebhook(`${base}/api/github/webhooks`, secret);
  });
  afterAll(async () => {
    await running?.server.stop().catch(() => undefined);
    await sandbox?.close();
  });

  it("is live and ready once GitHub answered GET /app", async () => {
    expect((await get(`${base}/healthz`)).status).toBe(200);
    expect(await get(`${base}/readyz`)).toMatchObject({ status: 200, body: JSON.stringify({ status: "ready", checks: { credentials: "ok", github: "ok", shutdown: "ok" } }) });
  });

  it("writes one JSON line per evaluation with the delivery, the duration and the publish outcome; no secret", async () => {
    sandbox.createRepo({
      repo: "acme/models",
      files: { ".provenance.yml": 'version: 1\nclasses:\n  eval: ["evals/**"]\nrules:\n  - name: review\n    classes: [eval]\n' },
      collaborators: { alice: "write", bob: "write" },
    });
    const { head_sha, delivery } = await sandbox.openPullRequest("acme/models", {
      author: "alice",
      head: "feature",
      commits: [{ message: "Add a task\n\nCo-authored-by: Claude <noreply@anthropic.com>", author: "alice", files: ["evals/task.yaml"] }],
    });
    await sandbox.waitForIdle();
    const evaluations = lines.filter((l) => l.msg === "provenance-gate evaluation");
    expect(evaluations).toHaveLength(1);
    expect(evaluations[0]).toMatchObject({
      delivery_id: delivery!.id,
      event: "pull_request.opened",
      repository: "acme/models",
      pr: 1,
      head_sha,
      conclusion: "action_required",
      publish: "created",
    });
    expect(typeof evaluations[0]!.duration_ms).toBe("number");
    const all = raw.join("\n");
    expect(all).not.toContain(secret);
    expect(all).not.toContain("PRIVATE KEY");
    expect(all).not.toMatch(/ghs_[A-Za-z0-9]{8}/);

    const metrics = (await get(`${base}/metrics`)).body;
    expect(metrics).toContain('provenance_gate_evaluations_total{conclusion="action_required"} 1');
    expect(metrics).toContain('provenance_gate_webhook_deliveries_total{event="pull_request"} 1');
    expect(metrics).toContain("provenance_gate_evaluation_seconds_count 1");
    expect(metrics).toMatch(/provenance_gate_github_requests_total\{operation="GET \/app",status="200"\} [1-9]/);
    expect(metrics).toMatch(/provenance_gate_github_requests_total\{operation="POST \/repos\/\{owner\}\/\{repo\}\/check-runs",status="201"\} 1/);
  });

  it("drains on shutdown: not ready, finishes the delivery in flight, then stops listening", async () => {
    sandbox.http.latencyMs = 300; // the evaluation is still running when the shutdown starts
    const pushing = sandbox.pushCommits("acme/models", 1, [{ message: "More", author: "alice", files: ["evals/task2.yaml"] }]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const stopping = running.shutdown("SIGTERM");
    expect((await get(`${base}/readyz`).catch((e: Error) => ({ status: 0, body: e.message }))).status).not.toBe(200);
    const { head_sha } = await pushing;
    expect(await stopping).toBe(0);
    expect(lines.find((l) => l.signal === "SIGTERM")).toMatchObject({ in_flight: 1, msg: "provenance-gate: shutting down; finishing the work in flight" });
    expect(sandbox.latestCheckRun("acme/models", head_sha)?.conclusion).toBe("action_required");
    expect(lines.filter((l) => l.msg === "provenance-gate evaluation").at(-1)).toMatchObject({ event: "pull_request.synchronize", head_sha, publish: "created" });
    await expect(get(`${base}/healthz`)).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe("the server (startServer) signalled before GitHub first answers", () => {
  it("hands its shutdown over as soon as it listens, and a shutdown then drains and ends the start", async () => {
    // A GitHub that accepts connections and never answers: the first GET /app hangs.
    const held: import("node:net").Socket[] = [];
    const silent = createServer((socket) => void held.push(socket)).listen(0, "127.0.0.1");
    await new Promise((resolve) => silent.once("listening", resolve));
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      APP_ID: "1",
      PRIVATE_KEY: KEY,
      WEBHOOK_SECRET: randomBytes(20).toString("hex"),
      GHE_HOST: `127.0.0.1:${(silent.address() as { port: number }).port}`,
      GHE_PROTOCOL: "http",
      PORT: String(port),
      HOST: "127.0.0.1",
      RECONCILE_INTERVAL_MS: "0",
    };
    Object.assign(process.env, { WEBHOOK_SECRET: env.WEBHOOK_SECRET });
    let handedOver: ((signal: string) => Promise<number>) | undefined;
    let started = false;
    const starting = startServer({ env, cwd: dir, log: pino({ level: "silent" }), onListening: (shutdown) => (handedOver = shutdown) }).then((r) => {
      started = true;
      return r;
    });
    try {
      const deadline = Date.now() + 20_000;
      while (held.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      // Listening and asking GitHub, not started yet: a signal now must already drain.
      expect(held.length).toBe(1);
      expect(started).toBe(false);
      expect(handedOver).toBeDefined();
      expect((await get(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      expect(await handedOver!("SIGTERM")).toBe(0);
      // The unanswered probe is abandoned, so the start ends instead of waiting out its timeout.
      const running = await starting;
      expect(running.shutdown).toBe(handedOver);
    } finally {
      for (const socket of held) socket.destroy();
      silent.close();
    }
  }, 30_000);
});
