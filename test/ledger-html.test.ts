/**
 * `ledger --format html` in a real browser (headless Debian Chromium through playwright-core):
 * the page renders without any network, its numbers are the JSON's, and a file row opens to its
 * commits and evidence. LEDGER_SCREENSHOT=docs/ledger.png also saves a screenshot.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run, type CliIO } from "../src/cli/main.js";
import type { Ledger } from "../src/ledger/model.js";
import { GIT_ENV } from "./helpers/git-repo.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
let root: string;
let browser: Browser;
let ledger: Ledger;
let page: string;

async function cli(dir: string, ...argv: string[]): Promise<string> {
  let stdout = "";
  const io: CliIO = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: () => true }, cwd: dir, env: { ...GIT_ENV } };
  expect(await run(["ledger", ...argv], io)).toBe(0);
  return stdout;
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "ledger-html-"));
  const dir = join(root, "repo");
  execFileSync("bash", [new URL("../scripts/ledger-example-repo.sh", import.meta.url).pathname, dir], { env: GIT_ENV });
  ledger = JSON.parse(await cli(dir, "--format", "json")) as Ledger;
  page = join(root, "ledger.html");
  writeFileSync(page, await cli(dir, "--format", "html"));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  rmSync(root, { recursive: true, force: true });
});

describe("ledger HTML page", () => {
  it("renders offline with the JSON's numbers, and a file row opens to its commits and evidence", async () => {
    const context = await browser.newContext({ viewport: { width: 1180, height: 900 }, offline: true });
    const tab = await context.newPage();
    const requests: string[] = [];
    tab.on("request", (r) => requests.push(r.url()));
    const errors: string[] = [];
    tab.on("pageerror", (e) => errors.push(String(e)));
    await tab.goto(pathToFileURL(page).href);

    expect(requests).toEqual([pathToFileURL(page).href]);
    expect(errors).toEqual([]);
    const total = (key: string) => tab.locator(`[data-total="${key}"]`).innerText();
    expect(await total("files")).toBe(String(ledger.totals.files));
    expect(await total("ai_files")).toBe(String(ledger.totals.ai_files));
    expect(await total("mixed_files")).toBe(String(ledger.totals.mixed_files));
    expect(await total("lines")).toBe(String(ledger.totals.lines));
    expect(await total("ai_lines")).toBe(String(ledger.totals.ai_lines));
    for (const [tool, n] of Object.entries(ledger.totals.by_tool)) {
      expect(await tab.locator(`[data-tool-lines="${tool}"]`).innerText()).toBe(String(n));
    }
    for (const [name, c] of Object.entries(ledger.totals.by_class)) {
      const row = tab.locator(`#by-class [data-class="${name}"]`);
      expect(await row.getAttribute("data-ai-lines")).toBe(String(c.ai_lines));
      expect(await row.locator(".bar-num").innerText()).toContain(`${c.ai_lines} / ${c.lines}`);
    }
    expect(await tab.locator('#by-folder [data-folder="evals/tasks"]').getAttribute("data-ai-lines")).toBe("15");

    const touched = ledger.files.filter((f) => f.status !== "human");
    expect(await tab.locator("tr.file").count()).toBe(touched.length);
    for (const f of touched) {
      const row = tab.locator(`tr.file[data-path="${f.path}"]`);
      expect(await row.getAttribute("data-ai-lines")).toBe(f.ai_lines === null ? "" : String(f.ai_lines));
    }

    const train = tab.locator('tr.file[data-path="data/train.csv"]');
    const detail = tab.locator(`#${await train.getAttribute("aria-controls")}`);
    expect(await detail.isVisible()).toBe(false);
    await train.click();
    expect(await train.getAttribute("aria-expanded")).toBe("true");
    expect(await detail.isVisible()).toBe(true);
    const text = await detail.innerText();
    const commit = ledger.files.find((f) => f.path === "data/train.csv")!.commits[0];
    expect(text).toContain(commit.sha.slice(0, 12));
    expect(text).toContain("6 lines (lines 3–8)");
    expect(text).toContain(commit.evidence[0]);

    if (process.env.LEDGER_SCREENSHOT) {
      await tab.locator('tr.file[data-path="evals/tasks/gen.yaml"]').click();
      await tab.screenshot({ path: resolve(process.env.LEDGER_SCREENSHOT), fullPage: true });
    }
    await context.close();
  }, 60_000);
});
