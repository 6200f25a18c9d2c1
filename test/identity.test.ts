import { describe, expect, it } from "vitest";
import { noreplyLogin, resolveIdentity } from "../src/shared/identity.js";
import { identity } from "../src/load/git/parse.js";
import { noreplyLogin as evaluatorNoreplyLogin } from "../src/evaluate/trailers.js";

describe("one identity resolver for both loaders", () => {
  it.each([
    ["1234+alice@users.noreply.github.com", "alice"],
    ["ALICE@USERS.NOREPLY.GITHUB.COM", "ALICE"],
    ["41898282+github-actions[bot]@users.noreply.github.com", "github-actions[bot]"],
    // `+` is allowed after the numeric id: the older form has no id at all.
    ["a+b@users.noreply.github.com", "a+b"],
    ["alice@users.noreply.github.com.evil.example", undefined],
    ["alice@acme.example", undefined],
  ])("%s → %s", (email, login) => {
    expect(noreplyLogin(email)).toBe(login);
    expect(evaluatorNoreplyLogin(email)).toBe(login?.toLowerCase());
  });

  it("the git loader and the GitHub loader agree on an address GitHub has no account for", () => {
    for (const email of ["7+Copilot@users.noreply.github.com", "noreply@github.com", "bob@acme.example", "1+claude[bot]@users.noreply.github.com"]) {
      expect(identity("N", email)).toEqual(resolveIdentity("N", email, null));
    }
  });

  it("GitHub's own account wins over the address", () => {
    expect(resolveIdentity("Bob", "bob@acme.example", { login: "bob", type: "User" })).toEqual({ login: "bob", name: "Bob", email: "bob@acme.example", type: "User" });
  });
});
