/**
 * The write queue's own behaviour (src/app/spaced-queue.ts): jobs a spacing apart, the best
 * priority at each slot, and a waiting job keeping the process alive.
 */
import { describe, expect, it } from "vitest";
import { SpacedQueues } from "../src/app/spaced-queue.js";

/** Timers that keep the event loop alive (an unref'd one is not listed). */
const liveTimers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;

describe("SpacedQueues", () => {
  it("a job that joins while the spacing runs out keeps the process alive until it has run", async () => {
    const queues = new SpacedQueues(300);
    const q = queues.key("installation:1");
    await q.schedule({}, async () => "first");
    // Past the first job's end: the queue has set its clean-up timer.
    await new Promise((resolve) => setImmediate(resolve));
    // The queue is idle, its clean-up timer alone must not hold the process.
    const idle = liveTimers();
    const second = q.schedule({}, async () => "second");
    expect(liveTimers()).toBe(idle + 1);
    await expect(second).resolves.toBe("second");
  });

  it("starts jobs a spacing apart, and at each slot the best priority first", async () => {
    const queues = new SpacedQueues(100);
    const q = queues.key("installation:2");
    const started: [string, number][] = [];
    const t0 = performance.now();
    const job = (name: string) => async () => {
      started.push([name, performance.now() - t0]);
    };
    const a = q.schedule({}, job("a"));
    const b = q.schedule({}, job("b"));
    const urgent = q.schedule({ priority: 1 }, job("urgent"));
    await Promise.all([a, b, urgent]);
    expect(started.map(([name]) => name)).toEqual(["a", "urgent", "b"]);
    expect(started[1][1] - started[0][1]).toBeGreaterThanOrEqual(95);
    expect(started[2][1] - started[1][1]).toBeGreaterThanOrEqual(95);
  });
});
