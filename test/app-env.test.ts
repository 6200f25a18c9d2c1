import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { Probot } from "probot";
import { assertWebhookSecret, StartupError } from "../src/app/env.js";
import provenanceGateApp from "../src/index.js";
import { CHECK_NAME } from "../src/model/check-name.js";
import { testPrivateKey } from "./helpers/keys.js";

describe("start-up checks", () => {
  it.each([
    ["unset", {}],
    ["empty", { WEBHOOK_SECRET: "" }],
    ["Probot's development default", { WEBHOOK_SECRET: "development" }],
  ])("refuses to start when WEBHOOK_SECRET is %s", (_name, env) => {
    expect(() => assertWebhookSecret(env)).toThrow(StartupError);
    expect(() => assertWebhookSecret(env)).toThrow(/WEBHOOK_SECRET/);
  });

  it("accepts a real secret", () => {
    expect(() => assertWebhookSecret({ WEBHOOK_SECRET: "4f1c0e9a7b" })).not.toThrow();
  });

  describe("the default export, as `probot run` loads it", () => {
    const saved = process.env.WEBHOOK_SECRET;
    afterEach(() => {
      if (saved === undefined) delete process.env.WEBHOOK_SECRET;
      else process.env.WEBHOOK_SECRET = saved;
    });
    const privateKey = testPrivateKey();

    it("throws at load time without a real secret", async () => {
      process.env.WEBHOOK_SECRET = "development";
      const probot = new Probot({ appId: 1, privateKey });
      await expect(probot.load(provenanceGateApp)).rejects.toThrow(/refuses to start/);
    });

    it("loads with one", async () => {
      process.env.WEBHOOK_SECRET = "s3cr3t-value";
      const probot = new Probot({ appId: 1, privateKey, secret: "s3cr3t-value" });
      await expect(probot.load(provenanceGateApp)).resolves.toBeUndefined();
    });
  });
});

describe("app.yml", () => {
  const manifest = parse(readFileSync(new URL("../app.yml", import.meta.url), "utf8"));

  it("asks for exactly the permissions of SPEC §7", () => {
    expect(manifest.default_permissions).toEqual({
      checks: "write",
      contents: "read",
      metadata: "read",
      pull_requests: "read",
      merge_queues: "read",
      members: "read",
    });
  });

  it("subscribes to exactly the events the app handles", () => {
    expect([...manifest.default_events].sort()).toEqual(["check_run", "check_suite", "member", "membership", "merge_group", "organization", "pull_request", "pull_request_review", "push"]);
  });

  it("names the app and the constant check", () => {
    expect(manifest.name).toBe("Provenance Gate");
    expect(typeof manifest.description).toBe("string");
    expect(manifest.url).toMatch(/^https:\/\//);
    expect(CHECK_NAME).toBe("Provenance Gate");
  });
});
