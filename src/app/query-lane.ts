/**
 * GraphQL queries do not wait a turn in the write queue. The throttling plugin sends every
 * GraphQL request (and, against GitHub Enterprise's `/api/graphql`, every POST) through the queue
 * it spaces a second apart, because a GraphQL request is a POST; GitHub asks for that second
 * between *mutative* requests (docs: "Best practices for using the REST API", "Pause between
 * mutative requests"), and a query changes nothing. Spaced like a write, each query of an
 * evaluation cost a second of wall time and pushed the check-run write behind it by a second more.
 * Queries still go through the plugin's `global` queue (10 in flight per installation) and its
 * rate-limit handling and retries; mutations and every REST write keep the spacing.
 *
 * The plugin runs each request as a job of its `retryLimiter` with its state as the first
 * argument; the limiter given here hands a query's job a state whose write queue lets it through.
 */
import Bottleneck from "bottleneck";

interface RequestOptions {
  method?: string;
  url?: string;
  query?: unknown;
}

/**
 * A GraphQL document that is one query and nothing else: it opens with `query` or `{` (after
 * comments) and names no mutation or subscription anywhere. Anything else keeps the spacing.
 */
export function isGraphQLQuery(options: RequestOptions): boolean {
  if (options.method !== "POST" || !/\/graphql$/.test(options.url ?? "") || typeof options.query !== "string") return false;
  const document = options.query;
  return /^(?:\s|#[^\n]*\n)*(?:query\b|\{)/.test(document) && !/\b(?:mutation|subscription)\b/.test(document);
}

type Task = (...args: never[]) => unknown;
/** A write queue that takes no turn: the job goes straight on to the `global` queue. */
const NO_TURN = { key: () => ({ schedule: (_options: object, task: Task) => Promise.resolve().then(() => task()) }) };

/** The plugin's retry limiter (one per client, as the plugin makes it), with queries let past the write queue. */
export function queryPassingRetryLimiter(): Pick<Bottleneck, "on"> & { schedule: (task: Task, ...args: unknown[]) => Promise<unknown> } {
  const limiter = new Bottleneck();
  return {
    schedule: (task, state, request, options) =>
      limiter.schedule(task as never, (isGraphQLQuery(options as RequestOptions) ? { ...(state as object), write: NO_TURN } : state) as never, request as never, options as never),
    // The plugin retries rate-limited requests from the limiter's "failed" event.
    on: limiter.on.bind(limiter),
  };
}
