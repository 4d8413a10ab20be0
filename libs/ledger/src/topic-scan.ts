import { randomUUID } from 'node:crypto';
import type { Admin, Kafka, KafkaMessage } from 'kafkajs';
import { topicOffsets } from './topic-offsets.js';
import { headersToStrings, type LedgerRecord } from './cloudevents-kafka-binding.js';

/** Where a scan stopped: the next offset of each `topic/partition`; give it back to continue from there. */
export type ScanPosition = ReadonlyMap<string, bigint>;

/**
 * Reads topics from `from` (default: the first offset) up to the end they had when the scan
 * began, then stops, and returns that end. Used to learn what the ledger already holds (exporter
 * resume, the watcher, which then only reads what is new), to read facts back in tests and
 * audits. kafkajs has no manual partition assignment, so a throw-away consumer group is used, its
 * start offsets set before it joins, and deleted afterwards.
 */
export async function scanTopics(
  kafka: Kafka,
  topics: readonly string[],
  onRecord: (record: LedgerRecord) => void | Promise<void>,
  from: ScanPosition = new Map(),
): Promise<ScanPosition> {
  return scanMessages(
    kafka,
    topics,
    (topic, partition, message) =>
      onRecord({
        topic,
        partition,
        offset: message.offset,
        key: message.key,
        value: message.value,
        headers: headersToStrings(message.headers),
      }),
    from,
  );
}

/** `scanTopics` handing over kafkajs's messages as they arrive (for RawLedgerRecord readers). */
export async function scanMessages(
  kafka: Kafka,
  topics: readonly string[],
  onMessage: (topic: string, partition: number, message: KafkaMessage) => void | Promise<void>,
  from: ScanPosition = new Map(),
): Promise<ScanPosition> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const partitions = await partitionRanges(admin, topics, from);
    const end: ScanPosition = new Map([...partitions].map(([key, range]) => [key, range.end]));
    const remaining = new Map([...partitions].filter(([, range]) => range.end > range.start));
    if (remaining.size === 0) return end;
    const groupId = `ledger-scan-${randomUUID()}`;
    for (const topic of topics) {
      const starts = [...remaining]
        .filter(([key, range]) => key.startsWith(`${topic}/`) && range.start > range.low)
        .map(([key, range]) => ({ partition: Number(key.slice(topic.length + 1)), offset: String(range.start) }));
      if (starts.length > 0) await admin.setOffsets({ groupId, topic, partitions: starts });
    }
    const consumer = kafka.consumer({
      groupId,
      maxWaitTimeInMs: 100,
      sessionTimeout: 30000,
      allowAutoTopicCreation: false,
    });
    await consumer.connect();
    try {
      await new Promise<void>((resolve, reject) => {
        // An onRecord failure ends the scan with that failure. Thrown to kafkajs, it would be
        // retried: the batch read again (its records handed over twice) and the scan never ending.
        let failed = false;
        const fail = (error: unknown) => {
          failed = true;
          reject(error);
        };
        consumer.on(consumer.events.CRASH, ({ payload }) => {
          if (!payload.restart) fail(payload.error);
        });
        consumer
          .subscribe({ topics: [...topics], fromBeginning: true })
          .then(
            () =>
              consumer.run({
                autoCommit: false,
                eachBatch: async ({ batch }) => {
                  const key = `${batch.topic}/${batch.partition}`;
                  const range = remaining.get(key);
                  if (failed || range === undefined) return;
                  for (const message of batch.messages) {
                    const offset = BigInt(message.offset);
                    if (offset >= range.end) break;
                    if (offset < range.start) continue;
                    try {
                      await onMessage(batch.topic, batch.partition, message);
                    } catch (error) {
                      fail(error);
                      return;
                    }
                    if (offset + 1n >= range.end) remaining.delete(key);
                  }
                  if (remaining.size === 0) resolve();
                },
              }),
            reject,
          )
          .catch(reject);
      });
    } finally {
      await consumer.disconnect();
      await admin.deleteGroups([groupId]).catch(() => undefined);
    }
    return end;
  } finally {
    await admin.disconnect();
  }
}

interface PartitionRange {
  readonly low: bigint;
  readonly start: bigint;
  readonly end: bigint;
}

async function partitionRanges(
  admin: Admin,
  topics: readonly string[],
  from: ScanPosition,
): Promise<Map<string, PartitionRange>> {
  const ranges = new Map<string, PartitionRange>();
  for (const topic of topics) {
    for (const partition of await topicOffsets(admin, topic)) {
      const key = `${topic}/${partition.partition}`;
      const low = BigInt(partition.low);
      const start = from.get(key) ?? low;
      ranges.set(key, { low, start: start > low ? start : low, end: BigInt(partition.high) });
    }
  }
  return ranges;
}
