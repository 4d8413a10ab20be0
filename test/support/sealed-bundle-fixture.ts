import { formatCheckpoint, ledgerLeafHash, NoteSignerKey, signNote, treeRoot, type Hash } from '#audit';
import {
  AuditBundleWriter,
  leafRecordOf,
  originOfPartition,
  type BundleRecord,
  type CheckpointLine,
  type ProofPartition,
  type SealedRole,
} from '#audit-bundle';
import type { LedgerEvent } from '#events';
import { encodeEvent, partitionOfKey } from '#ledger';

/** A sealed ledger in memory, as the sealer would leave it: records per partition and signed checkpoints. */
export interface SealedLedgerFixture {
  readonly origin: string;
  readonly key: NoteSignerKey;
  readonly partitions: { role: SealedRole; topic: string; partition: number; records: BundleRecord[] }[];
  readonly checkpoints: CheckpointLine[];
}

/** The record the ledger's publisher writes for an event at `offset` (binary mode, headers in order). */
export function recordOf(event: LedgerEvent, offset: number): BundleRecord {
  const encoded = encodeEvent(event);
  return {
    offset: String(offset),
    key: Buffer.from(encoded.key),
    headers: Object.entries(encoded.headers).map(([name, value]) => [name, Buffer.from(value)] as const),
    value: Buffer.from(encoded.value),
  };
}

/** The signed note of a partition's checkpoint over its first `size` records. */
export function checkpointNote(
  key: NoteSignerKey,
  origin: string,
  role: SealedRole,
  partition: number,
  records: readonly BundleRecord[],
  size: number,
): string {
  const root = treeRoot(records.slice(0, size).map((r) => ledgerLeafHash(leafRecordOf(r))));
  return signNote(
    formatCheckpoint({ origin: originOfPartition(origin, role, partition), size, rootHash: root, extensions: [] }),
    key,
  );
}

/**
 * Spreads the events over `partitions` user-event partitions by key, as the publisher does, and
 * seals each partition every `every` records, leaving the records after the last multiple unsealed.
 */
export function sealedLedgerFixture(
  events: readonly LedgerEvent[],
  options: { partitions: number; every: number; key?: NoteSignerKey; origin?: string },
): SealedLedgerFixture {
  const key = options.key ?? NoteSignerKey.generate('ledger.example.com');
  const origin = options.origin ?? 'ledger.example.com/migration';
  const partitions = Array.from({ length: options.partitions }, (_, partition) => ({
    role: 'user-events' as SealedRole,
    topic: 'migration.user-events',
    partition,
    records: [] as BundleRecord[],
  }));
  partitions.push({ role: 'control-events', topic: 'migration.control-events', partition: 0, records: [] });
  for (const event of events) {
    const p = partitions[partitionOfKey(event.subject, options.partitions)]!;
    p.records.push(recordOf(event, p.records.length));
  }
  const checkpoints: CheckpointLine[] = [];
  // Interleaved as a sealer publishes them: round after round over the partitions.
  const rounds = Math.max(...partitions.map((p) => Math.floor(p.records.length / options.every)));
  for (let round = 1; round <= rounds; round++) {
    for (const p of partitions) {
      const size = round * options.every;
      if (size > p.records.length) continue;
      const note = checkpointNote(key, origin, p.role, p.partition, p.records, size);
      checkpoints.push({
        offset: String(checkpoints.length),
        origin: originOfPartition(origin, p.role, p.partition),
        note,
      });
    }
  }
  return { origin, key, partitions, checkpoints };
}

/** Writes the fixture as `ledger audit export` would. */
export async function writeFixtureBundle(fixture: SealedLedgerFixture, dir: string, verifier: string): Promise<void> {
  const writer = await AuditBundleWriter.create(
    dir,
    fixture.origin,
    fixture.key.verifier.toString(),
    fixture.partitions.map(({ role, topic, partition }) => ({ role, topic, partition })),
  );
  for (const p of fixture.partitions) for (const r of p.records) await writer.record(p.role, p.partition, r);
  for (const c of fixture.checkpoints) await writer.checkpoint(c);
  await writer.close(verifier, new Date('2026-03-01T00:00:00Z'));
}

/** What `ledger prove` reads of one partition: every leaf, the subject's records, the latest checkpoint. */
export function proofPartitionOf(fixture: SealedLedgerFixture, subject: string): ProofPartition[] {
  return fixture.partitions
    .filter((p) => p.role === 'user-events')
    .map((p) => {
      const origin = originOfPartition(fixture.origin, p.role, p.partition);
      const leafHashes: Hash[] = p.records.map((r) => ledgerLeafHash(leafRecordOf(r)));
      return {
        role: p.role,
        topic: p.topic,
        partition: p.partition,
        leafHashes,
        records: p.records.filter((r) => r.key?.toString('utf8') === subject),
        checkpointNote: fixture.checkpoints.filter((c) => c.origin === origin).at(-1)?.note,
      };
    })
    .filter((p) => p.records.length > 0);
}
