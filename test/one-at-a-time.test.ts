import { describe, expect, it } from "vitest";
import { OneAtATime } from "../src/app/one-at-a-time.js";

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe("OneAtATime", () => {
  it("runs one task per key at a time, and folds the calls that arrive meanwhile into one re-run with the newest arguments", async () => {
    const gate = new OneAtATime<string>();
    const first = deferred<string>();
    const started: string[] = [];
    const task = (name: string, result: Promise<string> = Promise.resolve(name)) => () => (started.push(name), result);

    const a = gate.run("pr#1", task("a", first.promise));
    const b = gate.run("pr#1", task("b"));
    const c = gate.run("pr#1", task("c"));
    await Promise.resolve();
    expect(started).toEqual(["a"]);

    first.resolve("a");
    expect(await a).toBe("a");
    expect(await b).toBe("c");
    expect(await c).toBe("c");
    expect(started).toEqual(["a", "c"]);
  });

  it("lets other keys run at the same time", async () => {
    const gate = new OneAtATime<string>();
    const slow = deferred<string>();
    const started: string[] = [];
    const one = gate.run("pr#1", () => (started.push("1"), slow.promise));
    const two = gate.run("pr#2", () => (started.push("2"), Promise.resolve("2")));
    expect(await two).toBe("2");
    expect(started).toEqual(["1", "2"]);
    slow.resolve("1");
    expect(await one).toBe("1");
  });

  it("still runs the queued call when the running one fails", async () => {
    const gate = new OneAtATime<string>();
    const failing = deferred<string>();
    const a = gate.run("pr#1", () => failing.promise);
    const b = gate.run("pr#1", () => Promise.resolve("b"));
    failing.reject(new Error("boom"));
    await expect(a).rejects.toThrow("boom");
    expect(await b).toBe("b");
    // And the key is free again afterwards.
    expect(await gate.run("pr#1", () => Promise.resolve("later"))).toBe("later");
  });
});
