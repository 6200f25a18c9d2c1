/**
 * The floor the app's cost is read against: a bare Probot app, Probot's own client without
 * throttling, that posts one completed check run per `pull_request` webhook and reads nothing.
 */
import { ProbotOctokit, type Probot } from "probot";
import { CHECK_NAME } from "../model/check-name.js";

export const FloorOctokit = ProbotOctokit.defaults((options: { throttle?: object } = {}) => ({
  ...options,
  throttle: { ...(options.throttle ?? {}), enabled: false },
}));

export function floorApp(app: Probot): void {
  app.on(["pull_request.opened", "pull_request.synchronize"], async (context) => {
    await context.octokit.rest.checks.create(
      context.repo({
        name: CHECK_NAME,
        head_sha: context.payload.pull_request.head.sha,
        status: "completed" as const,
        conclusion: "success" as const,
        output: { title: "Floor", summary: "A bare app's one write." },
      }),
    );
  });
}
