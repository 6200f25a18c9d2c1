/**
 * Fail fast on a bad configuration (SPEC §7.2). Left to itself, Probot prints a stack trace for
 * an unreadable key and then serves its setup wizard, a server that looks healthy and receives no
 * webhooks. Here every problem is one line and the caller exits non-zero; only a clone with no
 * credentials at all, outside production, opens the wizard (the first-run registration).
 */
import { createPrivateKey } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseEnv } from "node:util";
import { getPrivateKey } from "@probot/get-private-key";
import { assertWebhookSecret, StartupError } from "../app/env.js";

export type StartMode = { kind: "setup" } | { kind: "app"; appId: number; privateKey: string };

const PREFIX = "cannot start:";

/** `.env` in the working directory, applied the way Probot's `run()` applies it (its values win). */
export function applyDotEnv(env: NodeJS.ProcessEnv, cwd: string): void {
  let text: string;
  try {
    text = readFileSync(join(cwd, ".env"), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw new StartupError(`${PREFIX} cannot read ${join(cwd, ".env")}: ${(error as Error).message}`);
  }
  Object.assign(env, parseEnv(text));
}

export function checkConfiguration(env: NodeJS.ProcessEnv, cwd: string): StartMode {
  const production = env.NODE_ENV === "production";
  const appIdText = env.APP_ID?.trim() ?? "";
  const privateKey = readPrivateKey(env, cwd);
  checkEnterpriseHost(env);

  if (appIdText === "" && privateKey === null) {
    if (!production) return { kind: "setup" };
    throw new StartupError(
      `${PREFIX} APP_ID and the private key are not set, and in production (NODE_ENV=production) the setup wizard stays closed. ` +
        "Set APP_ID, PRIVATE_KEY_PATH (or PRIVATE_KEY) and WEBHOOK_SECRET (docs/install.md).",
    );
  }
  if (!/^[1-9][0-9]*$/.test(appIdText)) {
    throw new StartupError(
      appIdText === ""
        ? `${PREFIX} a private key is set but APP_ID is not. Set APP_ID to the GitHub App's numeric id (its settings page, "App ID").`
        : `${PREFIX} APP_ID must be the GitHub App's numeric id, not ${JSON.stringify(env.APP_ID)}.`,
    );
  }
  if (privateKey === null) {
    throw new StartupError(`${PREFIX} APP_ID is set but no private key is. Set PRIVATE_KEY_PATH to the app's .pem file (or PRIVATE_KEY to its contents).`);
  }
  assertWebhookSecret(env);
  return { kind: "app", appId: Number(appIdText), privateKey };
}

/** The key the way Probot finds it (PRIVATE_KEY, PRIVATE_KEY_PATH, or the one .pem in the directory), checked to be a usable private key. */
function readPrivateKey(env: NodeJS.ProcessEnv, cwd: string): string | null {
  const source = env.PRIVATE_KEY ? "PRIVATE_KEY" : env.PRIVATE_KEY_PATH ? `PRIVATE_KEY_PATH=${env.PRIVATE_KEY_PATH}` : "the .pem file in the working directory";
  let key: string | null;
  try {
    key = getPrivateKey({ env, cwd });
  } catch (error) {
    const message = (error as Error).message.replace(/^\[@probot\/get-private-key\]\s*/, "");
    throw new StartupError(`${PREFIX} cannot read the private key (${source}): ${message}`);
  }
  if (key === null) return null;
  try {
    createPrivateKey(key);
  } catch (error) {
    throw new StartupError(`${PREFIX} the private key (${source}) is not a PEM private key: ${(error as Error).message}. Download a new key from the app's settings page.`);
  }
  return key;
}

/** Probot builds `<GHE_PROTOCOL>://<GHE_HOST>/api/v3`: a URL in GHE_HOST would make a URL nobody answers. */
function checkEnterpriseHost(env: NodeJS.ProcessEnv): void {
  const host = env.GHE_HOST?.trim();
  if (host && (host.includes("://") || host.includes("/"))) {
    throw new StartupError(`${PREFIX} GHE_HOST must be a host name such as github.example.com (optionally with :port), not ${JSON.stringify(env.GHE_HOST)}.`);
  }
  const protocol = env.GHE_PROTOCOL?.trim();
  if (protocol && protocol !== "https" && protocol !== "http") {
    throw new StartupError(`${PREFIX} GHE_PROTOCOL must be https or http, not ${JSON.stringify(env.GHE_PROTOCOL)}.`);
  }
}
