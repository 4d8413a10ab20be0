import { Kafka, logLevel } from 'kafkajs';
import type { KafkaConfig } from '#config';

export interface RawRecord {
  readonly topic: string;
  readonly key: Buffer;
  readonly headers: Readonly<Record<string, string>>;
  readonly value: Buffer;
  /** Default: the partition the product's partitioner gives the key. */
  readonly partition?: number;
}

/**
 * For tests only: writes records exactly as given (key, headers and value bytes), in order per
 * topic, the way an earlier writer once wrote them (e.g. the golden records). The product only
 * publishes events it creates (LedgerPublisher), never bytes from elsewhere, so this lives in
 * test/support, not in libs/ledger. Same producer settings and partitioner as LedgerPublisher: a record
 * lands on the partition the product would put its key on.
 */
export async function publishRawRecords(kafka: KafkaConfig, records: readonly RawRecord[]): Promise<void> {
  const producer = new Kafka({
    clientId: 'test-raw-records',
    brokers: [...kafka.brokers],
    logLevel: logLevel.NOTHING,
  }).producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await producer.connect();
  try {
    const byTopic = new Map<
      string,
      { key: Buffer; value: Buffer; headers: Record<string, string>; partition?: number }[]
    >();
    for (const record of records) {
      const list = byTopic.get(record.topic) ?? [];
      list.push({
        key: record.key,
        value: record.value,
        headers: { ...record.headers },
        ...(record.partition === undefined ? {} : { partition: record.partition }),
      });
      byTopic.set(record.topic, list);
    }
    await producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    });
  } finally {
    await producer.disconnect();
  }
}
