/**
 * GitHub's REST answer types, as Octokit derives them from GitHub's OpenAPI description
 * (`@octokit/openapi-types`, through Probot's Octokit), so the sandbox's answers are typed against
 * GitHub's and a field GitHub lacks, or a value of the wrong type, fails to compile.
 */
import type { ProbotOctokit } from "probot";

type Rest = InstanceType<typeof ProbotOctokit>["rest"];

/** The `data` of an operation's answer, e.g. `GitHubData<"pulls", "get">`. */
export type GitHubData<G extends keyof Rest, O extends keyof Rest[G]> = Rest[G][O] extends (...args: never[]) => Promise<{ data: infer D }> ? D : never;

type CheckRun = GitHubData<"checks", "get">;
export type CheckRunStatus = CheckRun["status"];
export type CheckRunConclusion = NonNullable<CheckRun["conclusion"]>;

/** An item of a list operation's answer. */
export type GitHubItem<G extends keyof Rest, O extends keyof Rest[G]> = GitHubData<G, O> extends Array<infer I> ? I : never;

/**
 * Some of a GitHub type's fields, each with GitHub's type all the way down: what the sandbox fills
 * in. Used with `satisfies`, so an unknown field is an error and the builder keeps its own type.
 */
export type Subset<T> = T extends Array<infer E> ? Array<Subset<E>> : T extends object ? { [K in keyof T]?: Subset<T[K]> } : T;
