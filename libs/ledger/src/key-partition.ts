import { Partitioners } from 'kafkajs';

/**
 * The partition the ledger's producer (kafkajs' default, Java-compatible murmur2 partitioner)
 * writes a record key to, among `partitions`: records with keys of one partition are read in the
 * order they were written, e.g. to stage a delivery order in a test.
 */
export function partitionOfKey(key: string, partitions: number): number {
  const partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({
    partitionId,
    leader: 0,
    partitionErrorCode: 0,
    replicas: [0],
    isr: [0],
  }));
  return Partitioners.DefaultPartitioner()({ topic: '', partitionMetadata, message: { key, value: null } });
}
