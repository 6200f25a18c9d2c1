/**
 * Graceful shutdown (SPEC §7.1): on SIGTERM stop taking deliveries, let the work in flight finish
 * within a bound, then exit. Webhook deliveries are tracked where Probot hands them to the
 * handlers (`verifyAndReceive`), which covers evaluations still running after the webhook was
 * answered 202; the shutdown tracks an evaluation the reconciler is running (`track()`).
 */
import { addQueueDepthSource } from "./metrics.js";

/** Kubernetes waits 30 s between SIGTERM and SIGKILL by default; leave room to exit cleanly. */
export const DRAIN_TIMEOUT_MS = 25_000;

export class Drain {
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly hooks: Array<{ name: string; close: () => unknown }> = [];
  private draining = false;

  get isDraining(): boolean {
    return this.draining;
  }

  get size(): number {
    return this.inFlight.size;
  }

  /** Counts `work` as in flight until it settles; returns it unchanged. */
  track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    const done = () => this.inFlight.delete(work);
    work.then(done, done);
    return work;
  }

  /** Runs after the work in flight has finished (or the bound passed): close stores, stop timers. */
  onShutdown(name: string, close: () => unknown): void {
    this.hooks.push({ name, close });
  }

  /** Readiness check "shutdown": a draining replica takes no new work. */
  readonly readiness = (): string | null => (this.draining ? "shutting down: finishing the work in flight" : null);

  /**
   * Stops taking work, waits for what is in flight (work started meanwhile included) up to
   * `timeoutMs`, then runs the shutdown hooks. `abandoned` is what was still running at the bound.
   */
  async drain(timeoutMs = DRAIN_TIMEOUT_MS): Promise<{ abandoned: number; hookErrors: string[] }> {
    this.draining = true;
    const deadline = Date.now() + timeoutMs;
    while (this.inFlight.size > 0 && Date.now() < deadline) {
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise((resolve) => (timer = setTimeout(resolve, deadline - Date.now())));
      await Promise.race([Promise.allSettled([...this.inFlight]), bound]);
      clearTimeout(timer);
    }
    const abandoned = this.inFlight.size;
    const hookErrors: string[] = [];
    for (const hook of this.hooks) {
      try {
        await hook.close();
      } catch (error) {
        hookErrors.push(`${hook.name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return { abandoned, hookErrors };
  }
}

/** The process's one drain: what the server's signal handler waits for. */
export const drain = new Drain();
addQueueDepthSource("deliveries_in_flight", () => drain.size);

/** What the webhook middleware turns into the HTTP answer (it reads `errors[0].status`). */
export class NotAcceptingDeliveries extends Error {
  override readonly name = "ServiceUnavailable";
  readonly status = 503;
  readonly errors = [this];
  constructor() {
    super("this replica is shutting down; GitHub can redeliver this delivery");
  }
}

interface ReceivingWebhooks {
  verifyAndReceive(event: unknown): Promise<void>;
}

/** Tracks every delivery Probot receives; refuses new ones (503) once the drain has begun. */
export function trackDeliveries(webhooks: ReceivingWebhooks, d: Drain = drain): void {
  const receive = webhooks.verifyAndReceive.bind(webhooks);
  webhooks.verifyAndReceive = (event: unknown) => {
    if (d.isDraining) return Promise.reject(new NotAcceptingDeliveries());
    return d.track(receive(event));
  };
}
