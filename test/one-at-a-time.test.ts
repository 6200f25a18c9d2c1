import { describe, expect, it } from "vitest";
import { OneAtATime } from "../src/app/one-at-a-time.js";
import { EvaluationTurns } from "../src/app/evaluation.js";

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

describe("EvaluationTurns", () => {
  it("belongs to one app instance: a second instance does not wait for the first's evaluation", async () => {
    const first = new EvaluationTurns();
    const second = new EvaluationTurns();
    const held = deferred<never>();
    const started: string[] = [];
    void first.queue.run("acme/models#1", () => (started.push("first"), held.promise)).catch(() => undefined);
    const other = second.queue.run("acme/models#1", () => (started.push("second"), Promise.reject(new Error("ran"))));
    await expect(other).rejects.toThrow("ran");
    expect(started).toEqual(["first", "second"]);
    held.reject(new Error("done"));
  });

  it("remembers the pushers its own events named, and only those", () => {
    const turns = new EvaluationTurns();
    const target = { owner: "acme", repo: "models", number: 1 };
    turns.remember("acme/models#1", { ...target, pusher: "Mallory" });
    turns.remember("acme/models#1", target);
    expect(turns.remembered("acme/models#1")).toEqual({ pushers: ["mallory"] });
    expect(new EvaluationTurns().remembered("acme/models#1")).toEqual({});
  });
});
