/**
 * Any error while loading or evaluating becomes a readable report for the `failure` check run:
 * what failed (the request and GitHub's answer), and what the author can do about it.
 */
import { IncompleteDataError } from "../load/pull-request-data.js";
import type { EvaluationErrorReport } from "../report/check-run.js";

const RETRY = "Click Re-evaluate on this check run, or push a new commit.";

interface RequestErrorLike {
  name: string;
  status: number;
  message: string;
  request?: { method?: string; url?: string };
}

interface GraphqlErrorLike {
  name: string;
  errors: Array<{ type?: string; message?: string; path?: Array<string | number> }>;
}

export function describeError(error: unknown): EvaluationErrorReport {
  if (error instanceof IncompleteDataError) {
    return { kind: "incomplete", message: error.message, remedy: error.remedy };
  }
  if (isRequestError(error)) {
    const where = error.request?.method && error.request.url ? ` to ${error.request.method} ${apiPath(error.request.url)}` : "";
    return {
      kind: "github-api",
      message: `GitHub answered HTTP ${error.status}${where}: ${firstLine(error.message)}`,
      remedy: remedyForStatus(error.status),
    };
  }
  if (isGraphqlError(error)) {
    const messages = error.errors.map((e) => `${e.type ? `${e.type}: ` : ""}${e.message ?? "unknown error"}${e.path ? ` (at ${e.path.join(".")})` : ""}`);
    return {
      kind: "github-graphql",
      message: `GitHub's GraphQL API returned errors: ${messages.join("; ")}`,
      remedy: `If the app lacks access, check that the installation includes this repository. ${RETRY}`,
    };
  }
  const e = error instanceof Error ? error : new Error(String(error));
  return {
    kind: "internal",
    message: `${e.name}: ${firstLine(e.message)}`,
    remedy: `${RETRY} If it keeps failing, report it to whoever runs Provenance Gate (the app's log has the details).`,
  };
}

function remedyForStatus(status: number): string {
  if (status === 401 || status === 403) {
    return `The app may lack a permission it needs (checks: write; contents, metadata, pull requests, merge queues, members: read), or GitHub rate-limited it. An organisation owner can accept the requested permissions in the installation settings. ${RETRY}`;
  }
  if (status === 404) {
    return `Something the evaluation needs was not found, or the installation cannot see it (is this repository included in the installation?). ${RETRY}`;
  }
  if (status === 422) return `GitHub rejected the request as invalid; the pull request may have changed meanwhile. ${RETRY}`;
  if (status >= 500) return `GitHub had a temporary problem. ${RETRY}`;
  return RETRY;
}

function isRequestError(error: unknown): error is RequestErrorLike {
  return typeof error === "object" && error !== null && (error as { name?: unknown }).name === "HttpError" && typeof (error as { status?: unknown }).status === "number";
}

function isGraphqlError(error: unknown): error is GraphqlErrorLike {
  return typeof error === "object" && error !== null && (error as { name?: unknown }).name === "GraphqlResponseError" && Array.isArray((error as { errors?: unknown }).errors);
}

function apiPath(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.pathname;
  } catch {
    return url;
  }
}

function firstLine(text: string): string {
  const line = text.split("\n")[0] ?? "";
  return line.length > 500 ? `${line.slice(0, 499)}…` : line;
}
