/**
 * `git log` read as a stream (SPEC §8: `detect` streams): commits come out while git's output is
 * still arriving, from chunks cut anywhere — inside a field, inside a UTF-8 character.
 */
import { describe, expect, it } from "vitest";
import { LOG_FORMAT, parseLog } from "../src/load/git/parse.js";
import { parseLogStream, streamLog } from "../src/load/git/stream-log.js";
import { GitError } from "../src/load/git/index.js";
import { GIT_ENV, TestRepo } from "./helpers/git-repo.js";

function record(i: number): string {
  const sha = i.toString(16).padStart(40, "0");
  return [sha, "", "Zoë", "zoe@acme.example", "Zoë", "zoe@acme.example", "2026-11-20T10:00:00Z", `Änderung ${i}\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n`].join("\0");
}

describe("parseLogStream", () => {
  it("yields each commit before the next one has arrived", async () => {
    let released!: () => void;
    const secondMayCome = new Promise<void>((resolve) => (released = resolve));
    async function* source() {
      yield Buffer.from(`${record(1)}\0`);
      // A parser that waited for the whole output would never get past this point.
      await secondMayCome;
      yield Buffer.from(`\n${record(2)}\0`);
    }
    const seen: string[] = [];
    for await (const c of parseLogStream(source())) {
      seen.push(c.sha);
      if (seen.length === 1) released();
    }
    expect(seen).toEqual([record(1).slice(0, 40), record(2).slice(0, 40)]);
  });

  it.each([1, 2, 3, 7, 64])("reads the same commits as parseLog from chunks of %i bytes", async (size) => {
    const text = `${[1, 2, 3].map(record).join("\0")}`;
    const bytes = Buffer.from(text);
    async function* source() {
      for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
    }
    const streamed = [];
    for await (const c of parseLogStream(source())) streamed.push(c);
    expect(streamed).toEqual(parseLog(text));
    expect(streamed[0].author.name).toBe("Zoë");
  });

  it("rejects output whose fields do not line up", async () => {
    async function* source() {
      yield Buffer.from("abc\0def\0");
    }
    await expect(async () => {
      for await (const _ of parseLogStream(source())) void _;
    }).rejects.toThrow(GitError);
  });
});

describe("streamLog", () => {
  it("runs git log and turns its failure into one GitError line", async () => {
    const repo = new TestRepo();
    try {
      repo.write("a", "1").commit("one");
      repo.write("a", "2").commit("two");
      const subjects: string[] = [];
      for await (const c of streamLog({ cwd: repo.dir, env: GIT_ENV, args: ["--reverse", "HEAD"] })) subjects.push(c.message);
      expect(subjects).toEqual(["one", "two"]);
      expect(LOG_FORMAT).toContain("%B");
      await expect(async () => {
        for await (const _ of streamLog({ cwd: repo.dir, env: GIT_ENV, args: ["nope"] })) void _;
      }).rejects.toThrow(/^git log: .*nope/);
    } finally {
      repo.remove();
    }
  });
});
