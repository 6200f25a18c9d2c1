/**
 * One evaluation of a pull request at a time, per process. Two evaluations in flight could finish
 * in either order, and the older one — say, one that read bob's approval before he requested
 * changes — would overwrite the newer result on the same commit. So a call that arrives while
 * one runs waits, and all such calls share a single re-run that starts afterwards and reads
 * everything afresh; it takes the newest call's arguments.
 *
 * Replicas do not share this: two replicas can still race on one pull request (see docs/security.md).
 */
interface Slot<R> {
  running: Promise<R>;
  next?: { promise: Promise<R>; args: () => Promise<R> };
}

export class OneAtATime<R> {
  readonly #slots = new Map<string, Slot<R>>();

  run(key: string, task: () => Promise<R>): Promise<R> {
    const slot = this.#slots.get(key);
    if (!slot) return this.#start(key, task);
    if (slot.next) {
      slot.next.args = task;
      return slot.next.promise;
    }
    const next = { args: task, promise: undefined as unknown as Promise<R> };
    // Runs after the current one settles, whichever way, with the newest arguments.
    next.promise = slot.running.then(
      () => this.#advance(key),
      () => this.#advance(key),
    );
    slot.next = next;
    return next.promise;
  }

  #start(key: string, task: () => Promise<R>): Promise<R> {
    const running = task();
    const slot: Slot<R> = { running };
    this.#slots.set(key, slot);
    const clear = () => {
      if (this.#slots.get(key) === slot && !slot.next) this.#slots.delete(key);
    };
    running.then(clear, clear);
    return running;
  }

  #advance(key: string): Promise<R> {
    const slot = this.#slots.get(key)!;
    const next = slot.next!;
    this.#slots.delete(key);
    return this.#start(key, next.args);
  }
}
