/**
 * The write queue of the throttling plugin (every write of one installation, one at a time,
 * `spacingMs` apart; GraphQL queries pass it, see query-lane.ts), made so that priority counts
 * when a slot comes free. A Bottleneck limiter picks the job for the next slot as soon as the
 * previous one starts and then waits out the spacing, so a job queued in that second with a higher
 * priority still waits a slot more; here the next job is chosen when its slot is due. Jobs of
 * equal priority keep their order.
 */
interface Waiting {
  priority: number;
  seq: number;
  start: () => void;
}

interface Slot {
  waiting: Waiting[];
  lastStart: number;
  running: boolean;
  timer?: NodeJS.Timeout;
}

/** Bottleneck's default priority; lower runs first. */
const DEFAULT_PRIORITY = 5;

export class SpacedQueues {
  readonly #slots = new Map<string, Slot>();
  #seq = 0;

  constructor(readonly spacingMs: number) {}

  key(id: string) {
    return {
      schedule: <A extends unknown[], R>(options: { priority?: number }, task: (...args: A) => R | Promise<R>, ...args: A): Promise<R> =>
        new Promise<R>((resolve, reject) => {
          const slot = this.#slot(id);
          slot.waiting.push({
            priority: options.priority ?? DEFAULT_PRIORITY,
            seq: this.#seq++,
            start: () => {
              Promise.resolve()
                .then(() => task(...args))
                .then(resolve, reject)
                .finally(() => {
                  slot.running = false;
                  this.#pump(id, slot);
                });
            },
          });
          // A job joining an idle queue waits on its clean-up timer, unref'd while nothing waited:
          // it now keeps the process alive until the job has run.
          slot.timer?.ref();
          this.#pump(id, slot);
        }),
    };
  }

  #slot(id: string): Slot {
    let slot = this.#slots.get(id);
    if (!slot) {
      slot = { waiting: [], lastStart: Number.NEGATIVE_INFINITY, running: false };
      this.#slots.set(id, slot);
    }
    return slot;
  }

  #pump(id: string, slot: Slot): void {
    if (slot.running || slot.timer) return;
    const wait = slot.lastStart + this.spacingMs - performance.now();
    if (slot.waiting.length === 0 && wait <= 0) {
      // Forgotten once its spacing has passed: a later job would not have to wait anyway.
      this.#slots.delete(id);
      return;
    }
    if (wait > 0) {
      slot.timer = setTimeout(() => {
        slot.timer = undefined;
        this.#pump(id, slot);
      }, wait);
      // Only a waiting job keeps the process alive; the clean-up alone does not.
      if (slot.waiting.length === 0) slot.timer.unref();
      return;
    }
    // The best job now, not when the previous one started.
    let best = 0;
    for (let i = 1; i < slot.waiting.length; i++) {
      const w = slot.waiting[i];
      const b = slot.waiting[best];
      if (w.priority < b.priority || (w.priority === b.priority && w.seq < b.seq)) best = i;
    }
    const [next] = slot.waiting.splice(best, 1);
    slot.running = true;
    slot.lastStart = performance.now();
    next.start();
  }
}
