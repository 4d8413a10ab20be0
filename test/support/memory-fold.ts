import { decodeRecord, type Ledger } from '#ledger';
import { MemoryProjection, type FoldedFact, type ProjectionDigest } from '#projection-fold';

/**
 * The projections of a ledger's topics folded in memory, as the auditor's verifier folds a bundle:
 * each partition's valid records in offset order (invalid ones are the projector's dead letters
 * of the consumer, never rows), in batches.
 */
export async function foldLedger(ledger: Ledger, topics: readonly string[], batch = 500): Promise<ProjectionDigest> {
  const partitions = new Map<string, FoldedFact[]>();
  await ledger.scan(topics, (record) => {
    let event;
    try {
      event = decodeRecord(record);
    } catch {
      return;
    }
    const name = `${record.topic}/${record.partition}`;
    let facts = partitions.get(name);
    if (!facts) partitions.set(name, (facts = []));
    facts.push({ event, record: { topic: record.topic, partition: record.partition, offset: record.offset } });
  });
  const projection = new MemoryProjection();
  for (const facts of partitions.values()) {
    facts.sort((a, b) => Number(BigInt(a.record.offset) - BigInt(b.record.offset)));
    for (let start = 0; start < facts.length; start += batch) projection.project(facts.slice(start, start + batch));
  }
  return projection.digest();
}
