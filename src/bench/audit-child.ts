/**
 * One process appending to the audit store through the app's writer, one record at a time (each
 * its own transaction, the most interleaving two processes can have): the concurrency test and
 * the bench run two of these at once against the same store.
 *
 * `node audit-child.js <sqlite path | postgres:// url> <count> <tag> [start-at epoch ms] [pause ms]`;
 * prints one JSON line. Both processes wait for the same start time, so their appends overlap; a
 * pause between records stands for webhooks arriving (0: as fast as the store takes them).
 */
import { sampleDraft } from "./audit-sample.js";
import { auditTarget, openAuditStore } from "../audit/store.js";
import { AuditWriter } from "../audit/writer.js";

async function main(): Promise<void> {
  const [db, countText, tag, startAt, pauseText] = process.argv.slice(2);
  const pause = Number(pauseText ?? 0);
  const count = Number(countText);
  const target = auditTarget({}, db);
  let failures = 0;
  const writer = new AuditWriter(() => openAuditStore(target), {
    batchSize: 1,
    retryDelayMs: () => 5,
    log: { warn: () => (failures += 1), info: () => undefined },
  });
  await writer.start();
  if (startAt) await new Promise((r) => setTimeout(r, Math.max(0, Number(startAt) - Date.now())));
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    writer.record(sampleDraft(tag, i));
    if (pause > 0) await new Promise((r) => setTimeout(r, pause));
  }
  const flushed = await writer.close(120_000);
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(JSON.stringify({ tag, count, flushed, failures, seconds, per_second: Math.round(count / seconds) }) + "\n");
  process.exitCode = flushed ? 0 : 1;
}

await main();
