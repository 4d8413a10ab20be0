import { randomUUID } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';
import { topicOffsets } from './topic-offsets.js';
import { headersToStrings, type LedgerRecord } from './cloudevents-kafka-binding.js';

/**
 * Reads topics from the first offset up to the end they had when the scan began, then stops.
 * Used to learn what the ledger already holds (exporter resume), to read facts back in tests and
 * audits, and by replay. kafkajs has no manual partition assignment, so a throw-away consumer
 * group is used and deleted afterwards.
 */
export async function scanTopics(
  kafka: Kafka,
  topics: readonly string[],
  onRecord: (record: LedgerRecord) => void | Promise<void>,
): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const remaining = await endOffsets(admin, topics);
    if (remaining.size === 0) return 0;
    const groupId = `ledger-scan-${randomUUID()}`;
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100, sessionTimeout: 30000 });
    let count = 0;
    await consumer.connect();
    try {
      await new Promise<void>((resolve, reject) => {
        consumer
          .subscribe({ topics: [...topics], fromBeginning: true })
          .then(
            () =>
              consumer.run({
                autoCommit: false,
                eachBatch: async ({ batch }) => {
                  const key = `${batch.topic}/${batch.partition}`;
                  const end = remaining.get(key);
                  if (end === undefined) return;
                  for (const message of batch.messages) {
                    if (BigInt(message.offset) >= end) break;
                    count++;
                    await onRecord({
                      topic: batch.topic,
                      partition: batch.partition,
                      offset: message.offset,
                      key: message.key,
                      value: message.value,
                      headers: headersToStrings(message.headers),
                    });
                    if (BigInt(message.offset) + 1n >= end) remaining.delete(key);
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
    return count;
  } finally {
    await admin.disconnect();
  }
}

async function endOffsets(admin: Admin, topics: readonly string[]): Promise<Map<string, bigint>> {
  const ends = new Map<string, bigint>();
  for (const topic of topics) {
    for (const partition of await topicOffsets(admin, topic)) {
      if (BigInt(partition.high) > BigInt(partition.low))
        ends.set(`${topic}/${partition.partition}`, BigInt(partition.high));
    }
  }
  return ends;
}
