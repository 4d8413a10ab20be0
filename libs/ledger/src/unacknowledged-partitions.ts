import { partitionOfKey } from './key-partition.js';

/** A record as sent: its topic, its key (the partitioner's input) and its event id. */
export interface SentRecord {
  readonly topic: string;
  readonly key: string;
  readonly id: string;
}

/** What a produce call reported: one entry per topic-partition the brokers acknowledged. */
export interface Acknowledgement {
  readonly topicName: string;
  readonly partition: number;
  readonly errorCode: number;
}

/**
 * The records of `sent` whose partition (the producer's key partitioner over the topic's
 * `partitionsOf(topic)` partitions) has no error-free acknowledgement in `acknowledged`, by
 * `topic/partition`. Empty when every record's partition was acknowledged. Pure: the publisher's
 * check that a resolved send did write everything it was given.
 */
export function unacknowledgedPartitions(
  sent: readonly SentRecord[],
  acknowledged: readonly Acknowledgement[],
  partitionsOf: (topic: string) => number,
): Map<string, string[]> {
  const acked = new Set(
    acknowledged.filter((entry) => entry.errorCode === 0).map((entry) => `${entry.topicName}/${entry.partition}`),
  );
  const missing = new Map<string, string[]>();
  for (const record of sent) {
    const key = `${record.topic}/${partitionOfKey(record.key, partitionsOf(record.topic))}`;
    if (acked.has(key)) continue;
    const ids = missing.get(key) ?? [];
    ids.push(record.id);
    missing.set(key, ids);
  }
  return missing;
}
