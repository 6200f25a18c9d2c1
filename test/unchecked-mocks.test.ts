/**
 * A GitHub mock answers only under the schema check: every file runs test/helpers/unchecked-mocks.ts,
 * whose afterEach fails a test in which nock served GitHub's API with no check installed.
 */
import nock from "nock";
import { afterEach, describe, expect, test } from "vitest";
import { installGitHubSchemaCheck } from "./helpers/github-schema.js";
import { takeUncheckedExchanges } from "./helpers/unchecked-mocks.js";

const PULL = { number: 1, state: "open", head: { sha: "1".repeat(40) }, base: { ref: "main" } };

afterEach(() => {
  nock.cleanAll();
});

describe("a GitHub mock served with no schema check installed", () => {
  test("is reported", async () => {
    nock("https://api.github.com").get("/repos/acme/models/pulls/1").reply(200, PULL);
    await fetch("https://api.github.com/repos/acme/models/pulls/1");
    // Taken here, so this file's own guard passes: it would fail the test otherwise.
    expect(takeUncheckedExchanges()).toEqual(["GET api.github.com/repos/acme/models/pulls/1"]);
  });

  test("is not, once a check is installed, nor a mock of another host", async () => {
    const schema = installGitHubSchemaCheck();
    nock("https://api.github.com").get("/repos/acme/models/pulls/1").reply(200, PULL);
    nock("http://sandbox.local").get("/repos/acme/models/pulls/1").reply(200, PULL);
    await fetch("https://api.github.com/repos/acme/models/pulls/1");
    schema.stop();
    await fetch("http://sandbox.local/repos/acme/models/pulls/1");
    expect(schema.problems()).toEqual([]);
    expect(takeUncheckedExchanges()).toEqual([]);
  });
});
