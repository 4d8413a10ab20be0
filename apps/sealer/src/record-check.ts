import { HASH_SIZE, parseLedgerLeafText, prefixedLeafHash } from '#audit';
import { eventOfBinaryRecord } from '#events';

/**
 * Records to check, as their leaves: each record's leaf bytes prefixed with 0x00 (the RFC 6962
 * leaf prefix), back to back in one buffer. The leaf holds everything a record check needs (key,
 * headers in order, value), so a batch crosses to another thread as two transferable buffers
 * instead of thousands of cloned objects.
 */
export interface RecordBatch {
  readonly leaves: Uint8Array;
  /** Where each record's prefixed leaf ends in `leaves`. */
  readonly ends: Uint32Array;
}

export interface CheckedBatch {
  /** Each record's leaf hash, `HASH_SIZE` bytes each, in batch order. */
  readonly hashes: Uint8Array;
  /** The records that are not valid events: their index in the batch and why. */
  readonly problems: readonly (readonly [index: number, problem: string])[];
}

/**
 * What `ledger verify` checks of each record by itself, independent of every other record: its
 * leaf hash, and that it is a valid event of its version (upcasters, content hash, deterministic
 * id) keyed by its subject. Only the tree needs offset order, so batches can be checked anywhere.
 */
export function checkBatch(batch: RecordBatch): CheckedBatch {
  const { leaves, ends } = batch;
  const hashes = new Uint8Array(HASH_SIZE * ends.length);
  const problems: [number, string][] = [];
  let start = 0;
  for (let i = 0; i < ends.length; i++) {
    const prefixed = leaves.subarray(start, ends[i]);
    hashes.set(prefixedLeafHash(prefixed), HASH_SIZE * i);
    const problem = recordProblem(prefixed.subarray(1));
    if (problem !== undefined) problems.push([i, problem]);
    start = ends[i]!;
  }
  return { hashes, problems };
}

function recordProblem(leaf: Uint8Array): string | undefined {
  try {
    const { key, headers, value } = parseLedgerLeafText(leaf);
    const event = eventOfBinaryRecord(headers, value);
    if (key !== event.subject) return `key ${JSON.stringify(key)} is not the subject ${event.subject}`;
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
