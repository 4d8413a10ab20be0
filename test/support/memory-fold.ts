import { decodeRecord, type Ledger } from '#ledger';
import { MemoryProjection, type ProjectionDigest } from '#projection-fold';

/**
 * The projections of a ledger's topics folded in memory, as the auditor's verifier folds a bundle:
 * each partition's valid records in offset order (invalid ones are the projector's dead letters
 * of the consumer, never rows).
 */
export async function foldLedger(ledger: Ledger, topics: readonly string[]): Promise<ProjectionDigest> {
  const projection = new MemoryProjection();
  await ledger.scan(topics, (record) => {
    let event;
    try {
      event = decodeRecord(record);
    } catch {
      return;
    }
    projection.add({ event, record: { topic: record.topic, partition: record.partition, offset: record.offset } });
  });
  return projection.digest();
}
