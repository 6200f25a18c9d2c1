/**
 * `audit verify`: recompute the chain. The first record that does not hold is named: one whose
 * content no longer matches its hash (edited), one whose `prev_hash` is not the previous
 * record's hash (inserted, replaced or reordered), or a jump in `seq` (deleted).
 *
 * Anyone who can write to the store can also recompute every hash after an edit; what the
 * chain cannot reveal alone, an anchor can: a `seq` and `hash` printed by an earlier verify and
 * kept elsewhere (`--anchor SEQ:HASH`) must still be in the chain.
 */
import { GENESIS_HASH, recordHash, type AuditRecord } from "./record.js";

export interface Anchor {
  seq: number;
  hash: string;
}

export interface ChainProblem {
  seq: number;
  kind: "edited" | "relinked" | "gap" | "anchor";
  message: string;
}

export interface VerifyResult {
  /** Records that were checked and hold, before any problem. */
  records: number;
  /** The last record that holds. */
  head?: Anchor;
  problem?: ChainProblem;
}

export async function verifyChain(records: AsyncIterable<AuditRecord> | Iterable<AuditRecord>, anchors: readonly Anchor[] = []): Promise<VerifyResult> {
  const expected = new Map(anchors.map((a) => [a.seq, a.hash.toLowerCase()]));
  let previous: AuditRecord | undefined;
  let count = 0;
  const fail = (problem: ChainProblem): VerifyResult => ({ records: count, head: previous && { seq: previous.seq, hash: previous.hash }, problem });
  for await (const record of records) {
    const wanted = (previous?.seq ?? 0) + 1;
    if (record.seq !== wanted) {
      const missing = record.seq - wanted === 1 ? `record ${wanted} is missing` : `records ${wanted} to ${record.seq - 1} are missing`;
      return fail({ seq: record.seq, kind: "gap", message: `seq gap before record ${record.seq}: ${missing} (deleted?)` });
    }
    // The link first: an inserted or renumbered record breaks it, an edited one keeps it.
    const link = previous?.hash ?? GENESIS_HASH;
    if (record.prev_hash !== link) {
      return fail({
        seq: record.seq,
        kind: "relinked",
        message: previous
          ? `record ${record.seq} does not follow record ${previous.seq} (prev_hash is not its hash): a record was inserted, replaced or reordered before it`
          : `record 1 does not start the chain (prev_hash is not ${GENESIS_HASH.slice(0, 8)}…)`,
      });
    }
    if (recordHash(record) !== record.hash) {
      return fail({ seq: record.seq, kind: "edited", message: `record ${record.seq} does not match its hash: its content was changed after it was written` });
    }
    const anchored = expected.get(record.seq);
    if (anchored !== undefined && anchored !== record.hash) {
      return fail({ seq: record.seq, kind: "anchor", message: `record ${record.seq} is not the one anchored (hash ${record.hash.slice(0, 12)}…, anchor ${anchored.slice(0, 12)}…): the chain was rewritten from here or before` });
    }
    expected.delete(record.seq);
    previous = record;
    count += 1;
  }
  const [missingAnchor] = expected.keys();
  if (missingAnchor !== undefined) {
    return fail({ seq: missingAnchor, kind: "anchor", message: `anchored record ${missingAnchor} is not in the store (it ends at ${previous?.seq ?? 0}): records were removed from the end` });
  }
  return { records: count, head: previous && { seq: previous.seq, hash: previous.hash } };
}
