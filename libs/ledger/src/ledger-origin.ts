import { Admin } from '@platformatic/kafka';

/** The Kafka cluster and topic incarnations a ledger's records come from, with each partition's end. */
export interface LedgerOrigin {
  readonly clusterId: string;
  readonly topics: ReadonlyMap<string, TopicOrigin>;
}

export interface TopicOrigin {
  /** Kafka's topic id: a topic deleted and created again under the same name gets a new one. */
  readonly topicId: string;
  /** Partition -> one past its last record. */
  readonly ends: ReadonlyMap<number, bigint>;
}

/**
 * The cluster id and topic ids of the topics. kafkajs speaks Metadata only up to v6, which has no
 * topic ids (they came with v10), so this one read goes through @platformatic/kafka's admin;
 * everything else stays on kafkajs.
 */
export async function readTopicIds(
  brokers: readonly string[],
  clientId: string,
  topics: readonly string[],
  timeoutMs: number,
): Promise<{ clusterId: string; topicIds: ReadonlyMap<string, string> }> {
  const admin = new Admin({
    clientId,
    bootstrapBrokers: [...brokers],
    connectTimeout: timeoutMs,
    timeout: timeoutMs,
    retries: 1,
    autocreateTopics: false,
  });
  try {
    const metadata = await admin.metadata({ topics: [...topics], autocreateTopics: false });
    return {
      clusterId: metadata.id,
      topicIds: new Map([...metadata.topics].map(([topic, m]) => [topic, m.id])),
    };
  } finally {
    await admin.close().catch(() => undefined);
  }
}
