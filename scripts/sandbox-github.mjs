#!/usr/bin/env node
// Try a deployment without GitHub: the project's sandbox (a local GitHub stand-in) plays GitHub
// for a server started exactly as docs/install.md says. It writes the app's credentials for that
// "GitHub" into DIR (app.pem and .env), waits until the server at APP_URL is ready, then plays the
// demo story's pull request against it over signed webhooks.
//
//   node scripts/sandbox-github.mjs DIR [APP_URL=http://127.0.0.1:3000] [SANDBOX_PORT=3999]
//   (in DIR, in another shell)  node <install>/lib/server.js
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Sandbox } from "../lib/sandbox/sandbox.js";
import { DEMO_REPO, runDemoStory, setUpDemoRepo } from "../lib/sandbox/story.js";
import { isoSeconds, virtualClock } from "../lib/sandbox/clock.js";

const [dirArg, appUrl = "http://127.0.0.1:3000", sandboxPort = "3999"] = process.argv.slice(2);
if (!dirArg) {
  console.error("usage: node scripts/sandbox-github.mjs DIR [APP_URL] [SANDBOX_PORT]");
  process.exit(2);
}
const dir = resolve(dirArg);
const sandbox = await Sandbox.start({ port: Number(sandboxPort), clock: virtualClock(isoSeconds(new Date(Date.now() - 120_000))) });
const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048, publicKeyEncoding: { type: "spki", format: "pem" }, privateKeyEncoding: { type: "pkcs1", format: "pem" } });
const secret = randomBytes(32).toString("hex");
writeFileSync(join(dir, "app.pem"), privateKey, { mode: 0o600 });
writeFileSync(
  join(dir, ".env"),
  [`APP_ID=${sandbox.appId}`, `PRIVATE_KEY_PATH=${join(dir, "app.pem")}`, `WEBHOOK_SECRET=${secret}`, `GHE_HOST=${new URL(sandbox.url).host}`, "GHE_PROTOCOL=http", ""].join("\n"),
  { mode: 0o600 },
);
console.log(`sandbox GitHub at ${sandbox.url} (app id ${sandbox.appId}); credentials written to ${dir}/.env and ${dir}/app.pem`);
console.log(`waiting for ${appUrl}/readyz …`);
const deadline = Date.now() + 300_000;
for (;;) {
  const r = await fetch(`${appUrl}/readyz`).catch(() => undefined);
  if (r?.status === 200) break;
  if (Date.now() > deadline) {
    console.error(`the app at ${appUrl} did not become ready: ${r ? `${r.status} ${await r.text()}` : "no answer"}`);
    process.exit(1);
  }
  await new Promise((res) => setTimeout(res, 1000));
}
console.log(`ready: ${await (await fetch(`${appUrl}/readyz`)).text()}`);
sandbox.setWebhook(`${appUrl}/api/github/webhooks`, secret);
setUpDemoRepo(sandbox);
const steps = await runDemoStory(sandbox, DEMO_REPO, (s) => console.log(`${String(s.step).padStart(2)} ${s.actor.padEnd(6)}${s.action}\n     → ${s.conclusion ?? "no check"}${s.ok ? "" : `  ✘ expected ${s.expected}`}`));
await sandbox.close();
const ok = steps.every((s) => s.ok);
console.log(ok ? "✔ every step ended as expected" : "✘ some steps ended differently");
process.exit(ok ? 0 : 1);
