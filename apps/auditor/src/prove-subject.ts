import {
  hashesEqual,
  ledgerLeafHash,
  openNote,
  parseCheckpoint,
  treeRoot,
  type Hash,
  type NoteVerifierKey,
} from '#audit';
import {
  buildSubjectProof,
  leafRecordOf,
  originOfPartition,
  type BundleRecord,
  type ProofPartition,
  type SubjectProof,
} from '#audit-bundle';
import type { Ledger } from '#ledger';
import { sealedTopics } from './sealed-topics.js';

/**
 * `ledger prove <sub>`: every record of the user-events topic keyed by the subject, with an RFC 6962
 * inclusion proof against the latest signed checkpoint of its partition whose root the partition's
 * records give; records after it are listed unsealed. Reads the whole topic (a proof needs every
 * leaf up to the checkpoint's size), keeping 32 bytes per record.
 */
export async function proveSubject(
  ledger: Ledger,
  subject: string,
  options: { origin: string; key: NoteVerifierKey },
): Promise<SubjectProof> {
  await ledger.requireTopics();
  const userEvents = sealedTopics(ledger.topics).find((s) => s.role === 'user-events')!;
  const notes = await checkpointNotes(ledger);
  const leaves = new Map<number, Hash[]>();
  const records = new Map<number, BundleRecord[]>();
  await ledger.scanRaw([userEvents.topic], (record) => {
    const list = leaves.get(record.partition) ?? [];
    list.push(ledgerLeafHash(leafRecordOf(record)));
    leaves.set(record.partition, list);
    if (record.key?.toString('utf8') === subject) {
      records.set(record.partition, [...(records.get(record.partition) ?? []), record]);
    }
  });
  const partitions: ProofPartition[] = [...records.keys()]
    .sort((a, b) => a - b)
    .map((partition) => {
      const leafHashes = leaves.get(partition)!;
      const origin = originOfPartition(options.origin, userEvents.role, partition);
      return {
        role: userEvents.role,
        topic: userEvents.topic,
        partition,
        leafHashes,
        records: records.get(partition)!,
        checkpointNote: latestMatching(notes.get(origin) ?? [], leafHashes, options.key),
      };
    });
  return buildSubjectProof(subject, options.origin, options.key, partitions, new Date());
}

/** The checkpoints topic's notes by origin (the record key), in publication order. */
async function checkpointNotes(ledger: Ledger): Promise<Map<string, string[]>> {
  const notes = new Map<string, string[]>();
  const topic = ledger.topics.checkpoints;
  if (!(await ledger.hasTopics([topic]))) return notes;
  const read: { offset: bigint; origin: string; note: string }[] = [];
  await ledger.scanRaw([topic], (record) => {
    read.push({
      offset: BigInt(record.offset),
      origin: record.key?.toString('utf8') ?? '',
      note: record.value?.toString('utf8') ?? '',
    });
  });
  for (const { origin, note } of read.sort((a, b) => (a.offset < b.offset ? -1 : 1))) {
    notes.set(origin, [...(notes.get(origin) ?? []), note]);
  }
  return notes;
}

/** The latest note signed by the key whose root the leaves give (one that does not is never proven against). */
function latestMatching(notes: readonly string[], leaves: readonly Hash[], key: NoteVerifierKey): string | undefined {
  for (const note of [...notes].reverse()) {
    try {
      const checkpoint = parseCheckpoint(openNote(note, key).text);
      if (
        checkpoint.size <= leaves.length &&
        hashesEqual(treeRoot(leaves.slice(0, checkpoint.size)), checkpoint.rootHash)
      )
        return note;
    } catch {
      // Not a checkpoint of this key: `ledger verify` reports it; a proof just does not use it.
    }
  }
  return undefined;
}
