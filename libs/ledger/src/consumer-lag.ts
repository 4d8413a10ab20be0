import type { Admin } from 'kafkajs';
import { groupOffsets, topicOffsets } from './topic-offsets.js';

/** Where a consumer group stands on one partition. */
export interface PartitionLag {
  readonly topic: string;
  readonly partition: number;
  /** The group's next offset to read: its committed offset, or the partition's first offset when it never committed. */
  readonly next: bigint;
  /** One past the partition's last record. */
  readonly end: bigint;
}

/** Lets a one-shot consumer stop once it has read what the topics held when it began. */
export async function consumerLag(admin: Admin, groupId: string, topics: readonly string[]): Promise<PartitionLag[]> {
  const lags: PartitionLag[] = [];
  const committed = await groupOffsets(admin, groupId, topics);
  for (const topic of topics) {
    const byPartition = new Map(
      (committed.find((c) => c.topic === topic)?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]),
    );
    for (const { partition, low, high } of await topicOffsets(admin, topic)) {
      const offset = byPartition.get(partition) ?? -1n;
      lags.push({ topic, partition, next: offset < 0n ? BigInt(low) : offset, end: BigInt(high) });
    }
  }
  return lags;
}
