/**
 * The app's side of the record: `record()` only queues (it never waits, never throws), and a
 * background loop appends the queue in batches, in order. The posted check run is never delayed
 * or changed by the store.
 *
 * When the store fails, the batch stays queued and is retried with backoff; every failed attempt
 * is counted in `provenance_gate_audit_write_failures_total`. The queue is bounded: past its
 * capacity new records are dropped and counted. Either way the outage is written into the chain
 * itself: the first append after it starts with a `gap` record saying when the store was away,
 * why, and what was dropped (how many, when, for which pull requests).
 */
import { resolve } from "node:path";
import { Counter, Gauge, register } from "prom-client";
import { draft, isoMillis, type AuditDraft } from "./record.js";
import { auditTarget, openAuditStore, type AuditStore } from "./store.js";

/** What the app needs: somewhere to hand a record. */
export interface AuditRecorder {
  record(draft: AuditDraft | undefined): void;
}

interface Log {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

export interface AuditWriterOptions {
  /** Records kept while the store is away (default 10,000). */
  capacity?: number;
  /** Records per append (default 500). */
  batchSize?: number;
  /** Wait before retry `attempt` (1, 2, …); default 250 ms doubling to 30 s. */
  retryDelayMs?: (attempt: number) => number;
  log?: Log;
  now?: () => Date;
}

const SUBJECTS_NAMED = 20;

const failures = metric(
  () => new Counter({ name: "provenance_gate_audit_write_failures_total", help: "Failed attempts to append records to the audit store (each is retried)." }),
  "provenance_gate_audit_write_failures_total",
);
const dropped = metric(
  () => new Counter({ name: "provenance_gate_audit_records_dropped_total", help: "Audit records dropped because the queue was full while the store was away." }),
  "provenance_gate_audit_records_dropped_total",
);
const depth = metric(
  () => new Gauge({ name: "provenance_gate_audit_queue_depth", help: "Audit records waiting to be written." }),
  "provenance_gate_audit_queue_depth",
);

interface Outage {
  since: string;
  failures: number;
  reason: string | undefined;
  dropped: number;
  droppedFrom?: string;
  droppedUntil?: string;
  subjects: Set<string>;
}

export class AuditWriter implements AuditRecorder {
  private readonly queue: AuditDraft[] = [];
  private store: AuditStore | undefined;
  private opening: Promise<AuditStore> | undefined;
  private outage: Outage | undefined;
  private running: Promise<void> | undefined;
  private scheduled = false;
  private attempt = 0;
  private closed = false;
  private readonly capacity: number;
  private readonly batchSize: number;
  private readonly retryDelayMs: (attempt: number) => number;
  private readonly now: () => Date;

  constructor(
    private readonly open: () => Promise<AuditStore>,
    private readonly options: AuditWriterOptions = {},
  ) {
    this.capacity = options.capacity ?? 10_000;
    this.batchSize = options.batchSize ?? 500;
    this.retryDelayMs = options.retryDelayMs ?? ((attempt) => Math.min(30_000, 250 * 2 ** (attempt - 1)));
    this.now = options.now ?? (() => new Date());
  }

  /** Queues a record; returns at once. */
  record(d: AuditDraft | undefined): void {
    if (!d || this.closed) return;
    if (this.queue.length >= this.capacity) {
      const outage = this.openOutage();
      outage.dropped += 1;
      outage.droppedFrom ??= d.at;
      outage.droppedUntil = d.at;
      if (d.repository) outage.subjects.add(`${d.repository}${d.pull_request === null ? "" : `#${d.pull_request}`}`);
      dropped.inc();
      return;
    }
    this.queue.push(d);
    depth.set(this.queue.length);
    this.schedule();
  }

  /** Records not yet written. */
  get pending(): number {
    return this.queue.length;
  }

  /** Waits until everything queued is written; false if that takes longer than `timeoutMs`. */
  async flush(timeoutMs = 10_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.queue.length > 0 || this.running || this.scheduled) {
      if (Date.now() >= deadline) return false;
      await new Promise((r) => setTimeout(r, 10));
    }
    return true;
  }

  /** Flushes (bounded), then closes the store; later records are ignored. */
  async close(timeoutMs = 10_000): Promise<boolean> {
    const done = await this.flush(timeoutMs);
    this.closed = true;
    await this.store?.close().catch(() => undefined);
    this.store = undefined;
    return done;
  }

  /**
   * Opens the store (running its migrations) without waiting for a first record: the app calls
   * it at start-up. A store that is away is only logged here; records wait in the queue.
   */
  start(): Promise<void> {
    return this.connect().then(
      () => undefined,
      (error: unknown) => this.options.log?.warn({ err: error }, "provenance-gate: the audit store is not available yet; records will be queued"),
    );
  }

  private connect(): Promise<AuditStore> {
    if (this.store) return Promise.resolve(this.store);
    this.opening ??= this.open().then(
      (store) => {
        this.opening = undefined;
        if (this.closed) {
          void store.close().catch(() => undefined);
          throw new Error("the audit writer is closed");
        }
        this.store = store;
        return store;
      },
      (error: unknown) => {
        this.opening = undefined;
        throw error;
      },
    );
    return this.opening;
  }

  /** After the current event-loop turn: a synchronous store never runs inside the caller's call. */
  private schedule(): void {
    if (this.running || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.running = this.drain().finally(() => {
        this.running = undefined;
        if (this.queue.length > 0 && !this.closed) this.schedule();
      });
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0 && !this.closed) {
      const batch = this.queue.slice(0, this.batchSize);
      const outage = this.outage;
      const reportedDrops = outage?.dropped ?? 0;
      try {
        const store = await this.connect();
        await store.append(outage ? [this.gapRecord(outage), ...batch] : batch);
      } catch (error) {
        await this.failed(error);
        continue;
      }
      this.queue.splice(0, batch.length);
      depth.set(this.queue.length);
      this.attempt = 0;
      // Drops while this append ran (the queue was still full) are left for the next gap record.
      if (outage) this.outage = outage.dropped === reportedDrops ? undefined : { ...outage, failures: 0, dropped: outage.dropped - reportedDrops, subjects: new Set() };
    }
  }

  private async failed(error: unknown): Promise<void> {
    failures.inc();
    const outage = this.openOutage();
    outage.failures += 1;
    outage.reason = error instanceof Error ? error.message : String(error);
    this.attempt += 1;
    this.options.log?.warn(
      { err: error, pending: this.queue.length, attempt: this.attempt },
      "provenance-gate: could not write to the audit store; will retry",
    );
    // A handle that keeps failing is reopened (a replaced file, a restarted server).
    if (this.attempt % 3 === 0 && this.store) {
      await this.store.close().catch(() => undefined);
      this.store = undefined;
    }
    await new Promise((r) => setTimeout(r, this.retryDelayMs(this.attempt)).unref());
  }

  private openOutage(): Outage {
    this.outage ??= { since: isoMillis(this.now()), failures: 0, reason: undefined, dropped: 0, subjects: new Set() };
    return this.outage;
  }

  private gapRecord(outage: Outage): AuditDraft {
    const at = isoMillis(this.now());
    const parts = [
      outage.failures > 0
        ? `The audit store could not be written from ${outage.since} to ${at} (${outage.failures} failed attempt${outage.failures === 1 ? "" : "s"}; last error: ${outage.reason ?? "unknown"}).`
        : `The audit queue was full from ${outage.since} to ${at}.`,
    ];
    if (outage.dropped > 0) {
      const subjects = [...outage.subjects];
      const named = subjects.slice(0, SUBJECTS_NAMED).join(", ") + (subjects.length > SUBJECTS_NAMED ? `, and ${subjects.length - SUBJECTS_NAMED} more` : "");
      parts.push(
        `${outage.dropped} record${outage.dropped === 1 ? " was" : "s were"} dropped (queue full), made between ${outage.droppedFrom} and ${outage.droppedUntil}${named ? `, for ${named}` : ""}; their check runs on GitHub still show those results.`,
      );
    } else {
      parts.push("No record was lost: the records queued meanwhile follow, written late (their `at` is when each result was posted).");
    }
    return draft({ at, kind: "gap", dropped: outage.dropped, note: parts.join(" ") });
  }
}

// ── one writer per store per process ──────────────────────────────────────────────────────────

const shared = new Map<string, AuditWriter>();

/** The writer for the store the environment names (`DATABASE_URL`, else `PROVENANCE_DB`); one per store. */
export function auditWriterFromEnv(env: NodeJS.ProcessEnv = process.env, log?: Log): AuditWriter {
  const target = auditTarget(env);
  const key = target.kind === "postgres" ? target.url : target.path === ":memory:" ? target.path : resolve(target.path);
  let writer = shared.get(key);
  if (!writer) {
    writer = new AuditWriter(() => openAuditStore(target), { log });
    shared.set(key, writer);
    void writer.start();
  }
  return writer;
}

/** Flushes every writer (bounded): for a clean stop, and for the demo before it reads the store. */
export async function flushAuditWriters(timeoutMs = 10_000): Promise<boolean> {
  const results = await Promise.all([...shared.values()].map((w) => w.flush(timeoutMs)));
  return results.every(Boolean);
}

/** Flushes and closes every writer; the next `auditWriterFromEnv` starts afresh. */
export async function closeAuditWriters(timeoutMs = 10_000): Promise<boolean> {
  const writers = [...shared.values()];
  shared.clear();
  const results = await Promise.all(writers.map((w) => w.close(timeoutMs)));
  return results.every(Boolean);
}

function metric<T>(create: () => T, name: string): T {
  return (register.getSingleMetric(name) as T | undefined) ?? create();
}
