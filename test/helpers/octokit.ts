/**
 * The app's Octokit for tests over real HTTP, with one change: the throttling plugin keeps its
 * order (one write or GraphQL query at a time per installation) and its rate-limit handling, but
 * not GitHub's one-second spacing between writes, which would make every evaluation wait a
 * second or two for nothing the test checks. The spacing itself is measured in one place
 * (test/e2e.test.ts, "the shipped Octokit").
 */
import Bottleneck from "bottleneck";
import { GateOctokit } from "../../src/app/octokit.js";

type OctokitClass = typeof GateOctokit;

export function withoutWriteSpacing<O extends OctokitClass>(Octokit: O = GateOctokit as O): O {
  // As the plugin's own groups, without `minTime`; new groups per class, so tests share no queue.
  const write = new Bottleneck.Group({ maxConcurrent: 1 });
  const notifications = new Bottleneck.Group({ maxConcurrent: 1 });
  return Octokit.defaults((options: Record<string, any> = {}) => ({
    ...options,
    throttle: { ...(options.throttle ?? {}), write, notifications },
  })) as O;
}
