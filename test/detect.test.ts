/**
 * SPEC §3 detection, one table per kind of signal. Every mark has a twin that must not count:
 * the traps listed in the spec, and near misses of each rule.
 */
import { describe, expect, it } from "vitest";
import { AI_TOOLS, NOT_AI_ACCOUNTS, findCatalogueTool } from "../src/catalogue/ai-tools.js";
import { detectCommit, detectPullRequest, isAgentLogin, toolTrust } from "../src/evaluate/detect.js";
import { toolDisplayName } from "../src/catalogue/ai-tools.js";
import { messageLines, noreplyLogin, parseNamedAddress, parseTrailer } from "../src/evaluate/trailers.js";
import type { DeclaredTool, Policy } from "../src/model/policy.js";
import type { GitIdentity, SnapshotCommit, SnapshotPullRequest } from "../src/model/snapshot.js";
import { evaluate } from "../src/evaluate/evaluate.js";
import * as build from "./helpers/builders.js";

const SHA = "3f2a1bc0d4e5f60718293a4b5c6d7e8f90a1b2c3";
const NONE: Policy["ai"] = { labels: ["ai-assisted"], tools: {} };
const ALICE: GitIdentity = { login: "alice", name: "Alice", email: "alice@acme.example", type: "User" };

function person(spec: string, login: string | null = null): GitIdentity {
  const m = /^(.*?)\s*<(.*)>$/.exec(spec);
  return m ? { login, name: m[1], email: m[2] } : { login, name: spec, email: "" };
}

function commit(message: string, parts: { author?: GitIdentity; committer?: GitIdentity } = {}): SnapshotCommit {
  return { sha: SHA, message, author: parts.author ?? ALICE, committer: parts.committer ?? parts.author ?? ALICE };
}

function tool(id: string, t: Partial<Omit<DeclaredTool, "id">> = {}): DeclaredTool {
  return { id, emails: [], bots: [], trailers: [], ...t };
}

function config(tools: DeclaredTool[], labels = ["ai-assisted"]): Policy["ai"] {
  return { labels, tools: Object.fromEntries(tools.map((t) => [t.id, t])) };
}

const summary = (signals: { tool: string; kind: string }[]) => signals.map((s) => `${s.tool}:${s.kind}`);
const body = (...lines: string[]) => ["Fix the thing", "", "Longer explanation.", "", ...lines].join("\n");

describe("co-author trailers match the e-mail, not the display name", () => {
  it.each([
    ["model-named Claude", "Co-Authored-By: Claude Opus 4.6 (1M context) <noreply@anthropic.com>", ["claude-code:co-author-trailer"]],
    ["human at anthropic.com", "Co-authored-by: Ashwin Bhat <ashwin@anthropic.com>", []],
    ["address in another case", "co-authored-by: Whoever <NoReply@Anthropic.COM>", ["claude-code:co-author-trailer"]],
    ["tool name at a person's address", "Co-authored-by: Claude <claude@example.com>", []],
    ["Codex", "Co-authored-by: Codex <noreply@openai.com>", ["codex:co-author-trailer"]],
    ["human at openai.com", "Co-authored-by: Kazuhiro Sera <seratch@openai.com>", []],
    ["OpenHands", "Co-authored-by: OpenHands-Claude <openhands@all-hands.dev>", ["openhands:co-author-trailer"]],
    ["human at all-hands.dev", "Co-authored-by: Xingyao Wang <xingyao@all-hands.dev>", []],
    ["aider mailbox", "Co-authored-by: aider (openai/gpt-4.1) <noreply@aider.dev>", ["aider:co-author-trailer"]],
    ["aider's maintainer", "Co-authored-by: Paul Gauthier <paul@aider.chat>", []],
    ["Amp", "Co-authored-by: Amp <amp@ampcode.com>", ["amp:co-author-trailer"]],
    ["human at ampcode.com", "Co-authored-by: Tim Culverhouse <tfc@ampcode.com>", []],
    ["Copilot CLI no-reply", "Co-authored-by: Copilot <223556219+Copilot@users.noreply.github.com>", ["copilot:co-author-trailer"]],
    ["human no-reply", "Co-authored-by: Ross <14926097+RossTarrant@users.noreply.github.com>", []],
    ["claude[bot] on the shared id", "Co-authored-by: claude[bot] <41898282+claude[bot]@users.noreply.github.com>", ["claude-code:co-author-trailer"]],
    ["github-actions[bot] on the shared id", "Co-authored-by: github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>", []],
    ["dependabot co-author", "Co-authored-by: dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>", []],
    ["gemini-code-assist", "Co-authored-by: gemini-code-assist[bot] <176961590+gemini-code-assist[bot]@users.noreply.github.com>", ["gemini:co-author-trailer"]],
    ["gemini release robot", "Co-authored-by: gemini-cli-robot <224641728+gemini-cli-robot@users.noreply.github.com>", []],
    ["claude-flow, matched by name", "Co-Authored-By: claude-flow <ruv@ruv.net>", ["claude-flow:co-author-trailer"]],
    ["the same person under their own name", "Co-Authored-By: rUv <ruv@ruv.net>", []],
    ["Copilot Autofix, matched by name", "Co-authored-by: Copilot Autofix powered by AI <62310815+github-advanced-security[bot]@users.noreply.github.com>", ["copilot:co-author-trailer"]],
    ["code scanning without Autofix", "Co-authored-by: GitHub Advanced Security <62310815+github-advanced-security[bot]@users.noreply.github.com>", []],
    ["bare tool address", "Co-authored-by: cursoragent@cursor.com", ["cursor:co-author-trailer"]],
    ["bare name only", "Co-authored-by: Cursor", []],
    ["Signed-off-by is not a co-author trailer", "Signed-off-by: Claude <noreply@anthropic.com>", []],
  ])("%s", (_name, line, expected) => {
    expect(summary(detectCommit(commit(body(line)), NONE))).toEqual(expected);
  });

  it("reports a co-author matched by name and address once per tool, and both tools when they differ", () => {
    expect(summary(detectCommit(commit(body("Co-authored-by: Copilot Autofix powered by AI <175728472+Copilot@users.noreply.github.com>")), NONE))).toEqual([
      "copilot:co-author-trailer",
    ]);
    expect(summary(detectCommit(commit(body("Co-authored-by: claude-flow <noreply@anthropic.com>")), NONE))).toEqual([
      "claude-code:co-author-trailer",
      "claude-flow:co-author-trailer",
    ]);
  });
});

describe("generic assistance trailers: any value counts, the value names the tool", () => {
  it.each([
    ["Assisted-by: OpenAI GPT-5.4", "codex"],
    ["Generated-by: ChatGPT", "codex"],
    ["AI-assisted: Codex", "codex"],
    ["ai-assisted: yes", "yes"],
    ["Co-authored-by-AI: Claude <noreply@anthropic.com>", "claude-code"],
    ["Made-with: Cursor", "cursor"],
    ["Assisted-by: GitHub Copilot", "copilot"],
    ["Assisted-by: Gemini 3 Pro", "gemini"],
    ["Assisted-by: Claude Opus 5 (Mycroft) <noreply@anthropic.com>", "claude-code"],
    ["Generated-by: claude-flow v2", "claude-flow"],
    ["Assisted-by: Mycroft-7B (local)", "mycroft-7b"],
    ["Assisted-by: 🤖", "unspecified"],
    ["ASSISTED-BY:   Clamp 2", "clamp"],
  ])("%s → %s", (line, expected) => {
    const signals = detectCommit(commit(body(line)), NONE);
    expect(signals).toEqual([
      { tool: expected, kind: "assist-trailer", where: "commit 3f2a1bc", evidence: line.trim(), commit: SHA, decisive: true },
    ]);
  });

  it.each([
    ["Assisted-by: Claude in Cursor", ["claude-code", "cursor"]],
    ["Assisted-by: Claude Code, Codex and Gemini", ["claude-code", "codex", "gemini"]],
    ["Assisted-by: claude-flow and Claude Code", ["claude-flow", "claude-code"]],
    ["Assisted-by: OpenAI GPT-5.4 via ChatGPT", ["codex"]],
  ])("%s names every tool in it: %j", (line, tools) => {
    expect(detectCommit(commit(body(line)), NONE).map((s) => [s.tool, s.kind])).toEqual(tools.map((t) => [t, "assist-trailer"]));
  });

  it.each(["AI-assisted: no", "AI-assisted: None", "ai-assisted: FALSE", "AI-assisted: no.", "Assisted-by:", "Generated with: nothing"])(
    "%s is not a signal",
    (line) => {
      expect(detectCommit(commit(body(line)), NONE)).toEqual([]);
    },
  );
});

describe("trailer spellings as git parses them (SPEC §3)", () => {
  it.each([
    ["no space after the colon", "Co-Authored-By:Claude <noreply@anthropic.com>", ["claude-code:co-author-trailer"]],
    ["a generic trailer without the space", "Assisted-by:Claude Code", ["claude-code:assist-trailer"]],
    ["an address without angle brackets", "Co-authored-by: Claude noreply@anthropic.com", ["claude-code:co-author-trailer"]],
    ["a bare address without a space", "Co-authored-by:noreply@openai.com", ["codex:co-author-trailer"]],
    ["a person's address without brackets", "Co-authored-by: Ashwin Bhat ashwin@anthropic.com", []],
    ["space before the colon", "Co-authored-by : Codex <noreply@openai.com>", ["codex:co-author-trailer"]],
    ["a session trailer without the space", "Amp-Thread-ID:https://ampcode.com/threads/T-019fa965", ["amp:session-trailer"]],
    ["a link is not a trailer called https", "https://example.com/Assisted-by:Claude", []],
  ])("%s", (_name, line, expected) => {
    expect(summary(detectCommit(commit(body(line)), NONE))).toEqual(expected);
  });

  it("reads \\r\\n messages line by line, trailers in the middle of a squash body included", () => {
    const message = ["Squash of two commits", "", "* first", "", "Co-authored-by: Codex <noreply@openai.com>", "", "* second", "Made-with: Cursor", ""].join("\r\n");
    expect(summary(detectCommit(commit(message), NONE))).toEqual(["codex:co-author-trailer", "cursor:assist-trailer"]);
  });

  it("attributes a generic trailer to the declared tool and to every catalogue tool it also names", () => {
    const ai = config([tool("metacode", { trust: "internal", trailers: ["Assisted-by: MetaCode"] })]);
    expect(summary(detectCommit(commit(body("Assisted-by: MetaCode and Claude Code")), ai))).toEqual(["metacode:assist-trailer", "claude-code:assist-trailer"]);
    expect(summary(detectCommit(commit(body("Assisted-by:metacode")), ai))).toEqual(["metacode:assist-trailer"]);
    // A declared prefix that itself names a catalogue tool re-attributes it: not also claude-code.
    const own = config([tool("house-claude", { trailers: ["Assisted-by: Claude"] })]);
    expect(summary(detectCommit(commit(body("Assisted-by: Claude Code")), own))).toEqual(["house-claude:assist-trailer"]);
    // Two declared spellings of one tool's trailer make one signal; the longer prefix is what it said.
    const twice = config([tool("metacode", { trailers: ["Assisted-by: Meta", "assisted-by:metacode", "not a trailer"] })]);
    expect(summary(detectCommit(commit(body("Assisted-by: MetaCode, Codex")), twice))).toEqual(["metacode:assist-trailer", "codex:assist-trailer"]);
    // A declared tool named in the value counts too, even without a trailer of its own.
    const named = config([tool("metacode")]);
    expect(summary(detectCommit(commit(body("Assisted-by: Claude Code and MetaCode")), named))).toEqual(["claude-code:assist-trailer", "metacode:assist-trailer"]);
  });
});

describe("a generic trailer naming an internal and an external tool", () => {
  it("makes an external-ai rule apply, where attributing it to the internal tool alone missed it", () => {
    const p = build.policy({
      tools: { metacode: { id: "metacode", trust: "internal", emails: [], bots: [], trailers: ["Assisted-by: MetaCode"] } },
      rules: [build.rule({ name: "no-external-ai", classes: ["eval"], when: "external-ai", forbid: true })],
    });
    const snap = build.snapshot({ commits: [build.commit({ message: "Add tasks\n\nAssisted-by: MetaCode and Claude Code", files: ["evals/tasks/t1.yaml"] })] });
    const verdict = evaluate(p, snap);
    expect(verdict.rules.find((r) => r.name === "no-external-ai")?.status).toBe("forbidden");
    expect(verdict.conclusion).toBe("failure");
  });
});

describe("footers, session trailers and session links", () => {
  it.each([
    ["Claude Code footer", "🤖 Generated with [Claude Code](https://claude.ai/code)", ["claude-code:footer"]],
    ["newer Claude Code footer", "🤖 Generated with [Claude Code](https://claude.com/claude-code)", ["claude-code:footer"]],
    ["look-alike footer", "Generated with some plain stupid logic:", []],
    ["a person, not a tool", "Generated with Lucas Wang<lucas_wang@automodules.com>", []],
    ["Firebender footer", "🤖 Generated with [Firebender](https://firebender.com)", ["firebender:footer"]],
    ["Sisyphus footer", "Ultraworked with [Sisyphus](https://github.com/code-yeongyu/oh-my-openagent)", ["sisyphus:footer"]],
    ["Cursor footer", "Made with [Cursor](https://cursor.com)", ["cursor:footer"]],
    ["aider transcript", "# Aider chat conversation:", ["aider:footer"]],
    ["aider mentioned in prose", "We discussed the Aider chat conversation format.", []],
    ["Claude session trailer", "Claude-Session: https://claude.ai/code/session_01D7Dt36va8byNwUAbvQafbg", ["claude-code:session-trailer"]],
    ["empty session trailer", "Claude-Session:", []],
    ["Claude attribution trailer", "Claude-Generated-By: Claude Code (cli/claude-opus-4-5=100%)", ["claude-code:assist-trailer"]],
    ["Copilot session, lower-case key", "copilot-session: c4eabbcd-abb9-4c5d-a1f5-c98618623c5b", ["copilot:session-trailer"]],
    ["Copilot agent logs", "Agent-Logs-Url: https://github.com/o/r/sessions/8180b3b5", ["copilot:session-trailer"]],
    ["Amp thread", "Amp-Thread-ID: https://ampcode.com/threads/T-019fa965", ["amp:session-trailer"]],
    ["bare Claude session link", "https://claude.ai/code/session_01L763e4S7zBnzDqmYYEJS1A", ["claude-code:session-link"]],
    ["Claude docs link", "See https://claude.ai/code for details", []],
    ["Codex task link", "https://chatgpt.com/codex/tasks/task_i_68ff73bda0f4832496f3d1fa9103905f", ["codex:session-link"]],
    ["ChatGPT share link", "https://chatgpt.com/share/68ff73bd", []],
    ["Amp thread link", "Thread: https://ampcode.com/threads/T-019fa965-aa5f", ["amp:session-link"]],
    ["Cursor agent link", "https://cursor.com/agents/bc-1234-abcd", ["cursor:session-link"]],
    ["Cursor background-agent link", "https://cursor.com/background-agent?bcId=bc-1234", ["cursor:session-link"]],
    ["Devin session link", "https://app.devin.ai/sessions/0123abcd", ["devin:session-link"]],
    ["Jules task link", "https://jules.google.com/task/123456", ["jules:session-link"]],
    ["OpenHands conversation link", "https://app.all-hands.dev/conversations/abc123", ["openhands:session-link"]],
    ["Devin run marker in a squash body", "Link to Devin run: https://app.devin.ai/sessions/0123abcd", ["devin:footer", "devin:session-link"]],
  ])("%s", (_name, line, expected) => {
    expect(summary(detectCommit(commit(body(line)), NONE))).toEqual(expected);
  });

  it("does not report a link twice when its trailer already named the tool", () => {
    const signals = detectCommit(commit(body("Amp-Thread-ID: https://ampcode.com/threads/T-019fa965")), NONE);
    expect(summary(signals)).toEqual(["amp:session-trailer"]);
  });
});

describe("commit author and committer", () => {
  it.each<[string, GitIdentity, GitIdentity | undefined, string[]]>([
    ["Cursor Agent as author", person("Cursor Agent <cursoragent@cursor.com>"), ALICE, ["cursor:author"]],
    ["Cursor Agent as committer", ALICE, person("Cursor Agent <cursoragent@cursor.com>"), ["cursor:committer"]],
    ["Claude as author", person("Claude Opus 5 (1M context) <noreply@anthropic.com>"), ALICE, ["claude-code:author"]],
    ["Claude as committer only", ALICE, person("Claude <noreply@anthropic.com>"), []],
    ["Codex identity", person("Codex <codex@openai.com>"), undefined, ["codex:author"]],
    ["aider author suffix", person("Jane Doe (aider) <jane@example.com>"), person("Jane Doe <jane@example.com>"), ["aider:author"]],
    ["aider committer-only suffix", person("Jane Doe <jane@example.com>"), person("Jane Doe (aider) <jane@example.com>"), []],
    ["claude[bot] on the shared id", person("claude[bot] <41898282+claude[bot]@users.noreply.github.com>"), undefined, ["claude-code:author"]],
    ["github-actions[bot] on the shared id", person("github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>"), undefined, []],
    ["Copilot agent no-reply", person("copilot-swe-agent[bot] <198982749+Copilot@users.noreply.github.com>"), undefined, ["copilot:author"]],
    ["Devin", person("Devin AI <158243242+devin-ai-integration[bot]@users.noreply.github.com>"), undefined, ["devin:author"]],
    ["a human named Devin", person("Devin Lai <markauto75@gmail.com>"), undefined, []],
    ["Jules", person("google-labs-jules[bot] <161369871+google-labs-jules[bot]@users.noreply.github.com>"), undefined, ["jules:author"]],
    ["a human named Jules", person("Jules YZERD <newtonlormont@gmail.com>"), undefined, []],
    ["Kiro agent account", person("Kiro Agent <244629292+kiro-agent@users.noreply.github.com>"), undefined, ["kiro:author"]],
    ["an account that contains kiro", person("Xql.dev <205849173+KirobotDev@users.noreply.github.com>"), undefined, []],
    ["gemini-cli[bot] without an id", person("gemini-cli[bot] <gemini-cli[bot]@users.noreply.github.com>"), undefined, ["gemini:author"]],
    ["gemini release robot", person("gemini-cli-robot <gemini-cli-robot@google.com>"), undefined, []],
    ["dependabot", person("dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>"), person("GitHub <noreply@github.com>"), []],
    ["renovate", person("renovate[bot] <29139614+renovate[bot]@users.noreply.github.com>"), undefined, []],
    ["login from the API", person("Some Name <odd@example.com>", "copilot-swe-agent[bot]"), undefined, ["copilot:author"]],
    ["human login from the API", person("Some Name <odd@example.com>", "alice"), undefined, []],
    ["web-flow committer", ALICE, person("GitHub <noreply@github.com>", "web-flow"), []],
  ])("%s", (_name, author, committer, expected) => {
    expect(summary(detectCommit(commit("Change things", { author, committer }), NONE))).toEqual(expected);
  });

  it("quotes the identity as evidence", () => {
    const [signal] = detectCommit(commit("x", { author: person("Cursor Agent <cursoragent@cursor.com>"), committer: ALICE }), NONE);
    expect(signal.evidence).toBe("Cursor Agent <cursoragent@cursor.com>");
  });

  it("quotes the name or login when the identity has no e-mail", () => {
    const byName = detectCommit(commit("x", { author: { login: null, name: "Jane (aider)", email: "" } }), NONE);
    expect(byName.map((s) => s.evidence)).toEqual(["Jane (aider)"]);
    const byLogin = detectCommit(commit("x", { author: { login: "claude[bot]", name: "", email: "" } }), NONE);
    expect(byLogin.map((s) => s.evidence)).toEqual(["claude[bot]"]);
  });
});

describe("subject lines", () => {
  it.each([
    ["aider: Set a maximum timeout of 5 seconds", ["aider:subject-prefix"]],
    ["fix aider: handle prompts", []],
    ["Aider: release 0.9", []],
    ["fix: isolate Claude settings per action run", []],
    ["fix(copilot): explain review request denials", []],
    ["Keep Codex verification sandboxed", []],
    ["Merge vim cursor shape PR", []],
    ["terminal/snapshot: clamp decoded saved cursors", []],
  ])("%s", (subject, expected) => {
    expect(summary(detectCommit(commit(`${subject}\n\nBody.`), NONE))).toEqual(expected);
  });
});

describe("reading messages", () => {
  it("reads trailers from every line of a squash merge, with \\r\\n line ends", () => {
    const message = [
      "Squash (#12)",
      "",
      "* first change",
      "",
      "Co-Authored-By: Claude <noreply@anthropic.com>",
      "",
      "* second change",
      "",
      "Made-with: Cursor",
      "",
      "---------",
      "",
      "Co-authored-by: Bob <bob@acme.example>",
    ].join("\r\n");
    const signals = detectCommit(commit(message), NONE);
    expect(summary(signals)).toEqual(["claude-code:co-author-trailer", "cursor:assist-trailer"]);
    expect(signals.every((s) => !s.evidence.includes("\r"))).toBe(true);
  });

  it("splits a message committed with literal \\n escapes", () => {
    const message = "Fix lint\\n\\nCo-authored-by: openhands <openhands@all-hands.dev>";
    expect(summary(detectCommit(commit(message), NONE))).toEqual(["openhands:co-author-trailer"]);
  });

  it("reports every tool of a commit, once per distinct mark", () => {
    const message = body(
      "Co-Authored-By: Claude <noreply@anthropic.com>",
      "Co-Authored-By: Claude <noreply@anthropic.com>",
      "Co-authored-by: Codex <noreply@openai.com>",
    );
    const signals = detectCommit(commit(message, { author: person("Amp <amp@ampcode.com>") }), NONE);
    expect(summary(signals)).toEqual(["amp:author", "claude-code:co-author-trailer", "codex:co-author-trailer"]);
  });

  it("finds nothing in an ordinary commit", () => {
    expect(detectCommit(commit("Revert \"feat: spinner\"\n\nThis reverts commit 9d74e8c.\n\nCo-authored-by: Bob <bob@acme.example>"), NONE)).toEqual([]);
  });
});

describe("tools declared in .provenance.yml", () => {
  const ai = config([
    tool("metacode", { trust: "internal", emails: ["MetaCode@corp.example"], bots: ["metacode[bot]"], trailers: ["Assisted-by: MetaCode", "MetaCode-Run:"] }),
    tool("claude-internal", { emails: ["noreply@anthropic.com"] }),
  ]);

  it.each<[string, SnapshotCommit, string[]]>([
    ["declared e-mail as author", commit("x", { author: person("MC <metacode@corp.example>"), committer: ALICE }), ["metacode:declared-identity"]],
    ["declared e-mail as committer", commit("x", { committer: person("MC <METACODE@corp.example>") }), ["metacode:declared-identity"]],
    ["declared e-mail as co-author", commit(body("Co-authored-by: MC <metacode@corp.example>")), ["metacode:declared-identity"]],
    ["declared bot as author login", commit("x", { author: person("MC <x@corp.example>", "MetaCode[bot]"), committer: ALICE }), ["metacode:declared-identity"]],
    ["declared bot in a no-reply co-author", commit(body("Co-authored-by: mc <1+metacode[bot]@users.noreply.github.com>")), ["metacode:declared-identity"]],
    ["declared bot in a no-reply author", commit("x", { author: person("mc <1+metacode[bot]@users.noreply.github.com>"), committer: ALICE }), ["metacode:declared-identity"]],
    ["declared generic trailer", commit(body("assisted-by: metacode 3.1")), ["metacode:assist-trailer"]],
    ["declared own trailer", commit(body("MetaCode-Run: 42")), ["metacode:declared-identity"]],
    ["other value of the generic trailer", commit(body("Assisted-by: MetaBot")), ["metabot:assist-trailer"]],
    ["an undeclared address", commit(body("Co-authored-by: MC <metacode@other.example>")), []],
    ["re-attributed catalogue identity", commit(body("Co-Authored-By: Claude <noreply@anthropic.com>")), ["claude-internal:declared-identity"]],
    ["re-attributed identity as author", commit("x", { author: person("Claude <noreply@anthropic.com>"), committer: ALICE }), ["claude-internal:declared-identity"]],
    ["a declared trailer with no assistance", commit(body("Assisted-by: none")), []],
  ])("%s", (_name, c, expected) => {
    expect(summary(detectCommit(c, ai))).toEqual(expected);
  });

  it("ignores a blank declared trailer, which would otherwise match every line", () => {
    const blank = config([tool("blank", { trailers: ["  "] })]);
    expect(detectCommit(commit(body("Reviewed-by: Bob <bob@acme.example>")), blank)).toEqual([]);
  });

  it("gives nothing to a repository that declares nothing", () => {
    expect(detectCommit(commit(body("MetaCode-Run: 42"), { author: person("MC <metacode@corp.example>") }), NONE)).toEqual([]);
  });
});

function pr(over: Partial<SnapshotPullRequest> = {}): SnapshotPullRequest {
  return {
    number: 42,
    author: "alice",
    author_type: "User",
    base_ref: "main",
    head_ref: "fix-evals",
    head_sha: SHA,
    labels: [],
    body: "Fixes the eval loader.",
    last_push_at: "2026-11-20T10:00:00Z",
    ...over,
  };
}

describe("pull-request signals", () => {
  it.each<[string, Partial<SnapshotPullRequest>, Policy["ai"], string[]]>([
    ["configured label", { labels: ["AI-Assisted"] }, NONE, ["unspecified:label"]],
    ["label not configured", { labels: ["ai-assisted"] }, config([], ["generated"]), []],
    ["label naming a tool", { labels: ["copilot-made"] }, config([], ["copilot-made"]), ["copilot:label"]],
    ["label naming a declared tool", { labels: ["metacode"] }, config([tool("metacode")], ["metacode"]), ["metacode:label"]],
    ["agent PR author", { author: "copilot-swe-agent[bot]", author_type: "Bot" }, NONE, ["copilot:pr-author"]],
    ["agent PR author as gh prints it", { author: "app/google-labs-jules" }, NONE, ["jules:pr-author"]],
    ["declared bot PR author", { author: "metacode[bot]" }, config([tool("metacode", { bots: ["metacode[bot]"] })]), ["metacode:pr-author"]],
    ["dependency bot PR author", { author: "dependabot[bot]", author_type: "Bot" }, NONE, []],
    ["Claude Code footer", { body: "Summary\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)" }, NONE, ["claude-code:pr-body"]],
    ["look-alike footer", { body: "Generated with some script" }, NONE, []],
    ["Codex task link", { body: "https://chatgpt.com/codex/tasks/task_e_123" }, NONE, ["codex:pr-body"]],
    ["Copilot tips marker", { body: "Fixes #1\n<!-- START COPILOT CODING AGENT TIPS -->\n---\nTips" }, NONE, ["copilot:pr-body"]],
    ["Devin run", { body: "Link to Devin run: https://app.devin.ai/sessions/abc" }, NONE, ["devin:pr-body"]],
    ["Jules", { body: "---\n*PR created automatically by Jules for task [123](https://jules.google.com/task/123)*" }, NONE, ["jules:pr-body"]],
    ["OpenHands", { body: "Automatic fix generated by [OpenHands](https://github.com/All-Hands-AI/OpenHands/) 🙌" }, NONE, ["openhands:pr-body"]],
    ["Amp thread", { body: "Amp thread: https://ampcode.com/threads/T-abc" }, NONE, ["amp:pr-body"]],
    ["Cursor agent link", { body: '<a href="https://cursor.com/agents/bc-1a2b">Open in Cursor</a>' }, NONE, ["cursor:pr-body"]],
    ["Made with Cursor", { body: "Made with [Cursor](https://cursor.com)" }, NONE, ["cursor:pr-body"]],
    ["co-author trailer in the body", { body: "Co-authored-by: Claude <noreply@anthropic.com>" }, NONE, ["claude-code:pr-body"]],
    ["human co-author in the body", { body: "Co-authored-by: Ashwin <ashwin@anthropic.com>" }, NONE, []],
    ["session trailer in the body", { body: "Claude-Session: https://claude.ai/code/session_01abc" }, NONE, ["claude-code:pr-body"]],
    ["template prompt in the body", { body: "AI-assisted: yes/no\nAssisted-by: <tool>" }, NONE, []],
    ["declared trailer in the body", { body: "MetaCode-Run: 7" }, config([tool("metacode", { trailers: ["MetaCode-Run:"] })]), ["metacode:pr-body"]],
    ["a body that mentions tools", { body: "Adds Copilot and Claude support to the cursor handling." }, NONE, []],
    ["an empty body", { body: "" }, NONE, []],
  ])("%s", (_name, over, ai, expected) => {
    const signals = detectPullRequest(pr(over), ai);
    expect(summary(signals)).toEqual(expected);
    for (const s of signals) {
      expect(s.decisive).toBe(true);
      expect(s.commit).toBeUndefined();
    }
  });

  it("describes where each PR signal is and what matched", () => {
    const signals = detectPullRequest(
      pr({ labels: ["ai-assisted"], author: "Copilot", body: "Link to Devin run: https://app.devin.ai/sessions/x" }),
      NONE,
    );
    expect(signals).toEqual([
      { tool: "unspecified", kind: "label", where: "label ai-assisted", evidence: "ai-assisted", decisive: true },
      { tool: "copilot", kind: "pr-author", where: "pull request author", evidence: "Copilot", decisive: true },
      { tool: "devin", kind: "pr-body", where: "pull request body", evidence: "Link to Devin run: https://app.devin.ai/sessions/x", decisive: true },
    ]);
  });

  it.each([
    ["claude/fix-evals-x1y2", ["claude-code:branch-hint"]],
    ["Codex/update", ["codex:branch-hint"]],
    ["copilot/fix-12", ["copilot:branch-hint"]],
    ["cursor/bc-1", ["cursor:branch-hint"]],
    ["devin/1700000000-fix", ["devin:branch-hint"]],
    ["feature/claude-support", []],
    ["claude-support", []],
  ])("branch %s is only a hint", (head_ref, expected) => {
    const signals = detectPullRequest(pr({ head_ref }), NONE);
    expect(summary(signals)).toEqual(expected);
    for (const s of signals) expect(s).toMatchObject({ decisive: false, where: `branch ${head_ref}`, evidence: head_ref });
  });

  it("tolerates a hand-written snapshot with a null body and head ref", () => {
    const loose = { ...pr(), body: null, head_ref: null } as unknown as SnapshotPullRequest;
    expect(detectPullRequest(loose, NONE)).toEqual([]);
  });

  it("lists decisive signals before hints", () => {
    const signals = detectPullRequest(pr({ head_ref: "claude/x", labels: ["ai-assisted"] }), NONE);
    expect(signals.map((s) => s.decisive)).toEqual([true, false]);
  });
});

describe("isAgentLogin", () => {
  const ai = config([tool("metacode", { bots: ["MetaCode[bot]"] })]);
  it.each([
    ["copilot-swe-agent[bot]", true],
    ["Copilot", true],
    ["claude[bot]", true],
    ["CLAUDE[BOT]", true],
    ["devin-ai-integration[bot]", true],
    ["chatgpt-codex-connector[bot]", true],
    ["google-labs-jules[bot]", true],
    ["gemini-code-assist[bot]", true],
    ["app/copilot-swe-agent", true],
    ["metacode[bot]", true],
    ["claude", false],
    ["alice", false],
    ["KirobotDev", false],
    ["gemini-cli-robot", false],
    ...NOT_AI_ACCOUNTS.map((a) => [a, false] as [string, boolean]),
  ])("%s → %s", (login, expected) => {
    expect(isAgentLogin(login, ai)).toBe(expected);
  });

  it("knows declared bots only when given the config", () => {
    expect(isAgentLogin("metacode[bot]")).toBe(false);
    expect(isAgentLogin("metacode[bot]", ai)).toBe(true);
  });
});

describe("toolTrust and toolDisplayName", () => {
  const ai = config([tool("metacode", { trust: "internal" }), tool("claude-code", { trust: "internal" }), tool("other")]);
  it.each([
    ["metacode", ai, "internal"],
    ["claude-code", ai, "internal"],
    ["claude-code", NONE, "external"],
    ["other", ai, "external"],
    ["codex", ai, "external"],
    ["never-heard-of-it", NONE, "external"],
  ] as const)("%s is %s", (id, cfg, expected) => {
    expect(toolTrust(id, cfg)).toBe(expected);
  });

  it.each([
    ["claude-code", "Claude Code"],
    ["codex", "Codex"],
    ["copilot", "GitHub Copilot"],
    ["unspecified", "unspecified AI tool"],
    ["metacode", "metacode"],
  ])("%s reads as %s", (id, name) => {
    expect(toolDisplayName(id)).toBe(name);
  });
});

describe("the catalogue", () => {
  it("has unique lower-case slug ids and covers every tool of Appendix A", () => {
    const ids = AI_TOOLS.map((t) => t.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
    const appendixA = ["claude-code", "codex", "copilot", "cursor", "aider", "devin", "jules", "openhands", "amp", "gemini", "qwen-code",
      "kiro", "factory-droid", "warp", "cosine", "mentat", "engine-labs", "codeflash", "firebender", "claude-flow", "sisyphus"];
    expect(ids).toEqual(expect.arrayContaining(appendixA));
    expect(findCatalogueTool("codex")?.name).toBe("Codex");
    expect(findCatalogueTool("nope")).toBeUndefined();
  });

  it("writes e-mails and logins in lower case, so lookups can compare lower-cased input", () => {
    for (const t of AI_TOOLS) {
      for (const s of [...(t.emails ?? []), ...(t.committerEmails ?? []), ...(t.logins ?? [])]) expect(s).toBe(s.toLowerCase());
    }
  });

  it("names each agent handle once, in lower case, for a tool whose own account answers it", () => {
    const handles = AI_TOOLS.flatMap((t) => (t.requestMentions ?? []).map((h) => [h, t] as const));
    expect(new Set(handles.map(([h]) => h)).size).toBe(handles.length);
    for (const [h, t] of handles) {
      expect(h).toMatch(/^[a-z0-9][a-z0-9-]*$/);
      expect(t.logins?.length).toBeGreaterThan(0);
    }
    expect(handles.map(([h, t]) => `${h}:${t.id}`)).toEqual(expect.arrayContaining(["claude:claude-code", "copilot:copilot"]));
  });

  it("knows Copilot's account however the loaders spell it: `Copilot` (REST), `Copilot[bot]` (GraphQL's Bot)", () => {
    for (const login of ["Copilot", "Copilot[bot]", "copilot-swe-agent[bot]"]) expect(isAgentLogin(login)).toBe(true);
  });

  it("lists no dependency or release bot as an agent", () => {
    for (const account of NOT_AI_ACCOUNTS) expect(isAgentLogin(account)).toBe(false);
  });
});

describe("trailer parsing helpers", () => {
  it.each([
    ["Co-Authored-By: Claude <noreply@anthropic.com>", { key: "co-authored-by", value: "Claude <noreply@anthropic.com>" }],
    ["  Made-with :  Cursor  ", { key: "made-with", value: "Cursor" }],
    ["Claude-Session:", { key: "claude-session", value: "" }],
    ["https://claude.ai/code/session_x", undefined],
    ["just prose", undefined],
  ])("parseTrailer(%j)", (line, expected) => {
    expect(parseTrailer(line)).toEqual(expected);
  });

  it.each([
    ["Claude <NoReply@Anthropic.com>", { name: "Claude", email: "noreply@anthropic.com" }],
    ["a@b.example", { name: "", email: "a@b.example" }],
    ["claude-flow", { name: "claude-flow", email: "" }],
  ])("parseNamedAddress(%j)", (value, expected) => {
    expect(parseNamedAddress(value)).toEqual(expected);
  });

  it.each([
    ["41898282+claude[bot]@users.noreply.github.com", "claude[bot]"],
    ["github-actions[bot]@users.noreply.github.com", "github-actions[bot]"],
    ["198982749+Copilot@users.noreply.github.com", "copilot"],
    ["noreply@github.com", undefined],
  ])("noreplyLogin(%j)", (email, expected) => {
    expect(noreplyLogin(email)).toBe(expected);
  });

  it("splits on every kind of line end", () => {
    expect(messageLines("a\r\nb\rc\nd\\ne")).toEqual(["a", "b", "c", "d", "e"]);
  });
});

describe("long messages", () => {
  it("finds a trailer at the end of each of 250 long, tool-mentioning messages", () => {
    const long = body(...Array.from({ length: 200 }, (_, i) => `- line ${i}: Some prose mentioning Claude and cursor.`), "Co-authored-by: Codex <noreply@openai.com>");
    const commits = Array.from({ length: 250 }, (_, i) => ({ ...commit(long), sha: `${i}`.padStart(40, "0") }));
    const tools = commits.map((c) => detectCommit(c, NONE).map((s) => s.tool));
    expect(tools.every((t) => t.length === 1 && t[0] === "codex")).toBe(true);
  });
});
