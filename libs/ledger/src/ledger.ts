import { Kafka, logLevel, type Admin, type ConfigResourceTypes } from 'kafkajs';
import { pino, type Logger } from 'pino';
import type { KafkaConfig } from '#config';
import type { LedgerEvent } from '#events';
import type { LedgerRecord } from './cloudevents-kafka-binding.js';
import { isBrokerUnreachable } from './kafka-failure.js';
import { kafkaLogCreator } from './kafka-logging.js';
import { decodeOrSkip } from './decode-or-skip.js';
import { LedgerConsumer, type ConsumeOptions } from './ledger-consumer.js';
import { LedgerPublisher } from './ledger-publisher.js';
import { scanMessages, scanTopics, type ScanPosition } from './topic-scan.js';
import { rawRecordOf, type RawLedgerRecord } from './raw-ledger-record.js';
import { CheckpointPublisher } from './checkpoint-publisher.js';
import { consumerLag, type PartitionLag } from './consumer-lag.js';
import { LedgerTopicsMissingError } from './ledger-topics-missing-error.js';
import { LedgerUnavailableError } from './ledger-unavailable-error.js';
import { readTopicIds, type LedgerOrigin } from './ledger-origin.js';
import { assertStoredPositionsMatch, type StoredPosition } from './stored-position.js';
import { topicOffsets } from './topic-offsets.js';
import { replicationFor, topicSpecs, topicsWithPrefix, type LedgerTopics } from './ledger-topics.js';

export interface LedgerOptions {
  readonly kafka: KafkaConfig;
  /** Overrides the topics named by the configured prefix. */
  readonly topics?: LedgerTopics;
  /** Default: `info` on stdout; a process's composition root passes one at LOG_LEVEL. */
  readonly logger?: Logger;
  /** How long a connection attempt may take before the broker counts as unreachable. */
  readonly connectionTimeoutMs?: number;
}

/** kafkajs's `ConfigResourceTypes.TOPIC`: its CommonJS module does not expose that enum as an ES named export. */
const topicResource = 2 as ConfigResourceTypes;

export interface TopicReplication {
  readonly topic: string;
  readonly partitions: number;
  readonly replicas: number;
  readonly inSyncReplicas: number;
  readonly minInSyncReplicas: number;
}

/**
 * The one door to Kafka. kafkajs is unmaintained since 2023 and stays the product's client, so
 * only this library imports it; everything else sees ledger events, topics and offsets.
 */
export class Ledger {
  readonly topics: LedgerTopics;
  readonly logger: Logger;
  protected readonly kafka: Kafka;
  private readonly brokers: readonly string[];
  private readonly clientId: string;
  private readonly connectionTimeoutMs: number;

  constructor(options: LedgerOptions) {
    this.topics = options.topics ?? topicsWithPrefix(options.kafka.topicPrefix);
    this.logger = options.logger ?? pino({ level: 'info' });
    this.brokers = options.kafka.brokers;
    this.clientId = options.kafka.clientId;
    this.connectionTimeoutMs = options.connectionTimeoutMs ?? 3000;
    this.kafka = new Kafka({
      clientId: options.kafka.clientId,
      brokers: [...options.kafka.brokers],
      connectionTimeout: this.connectionTimeoutMs,
      logLevel: logLevel.WARN,
      logCreator: kafkaLogCreator(this.logger),
      retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 5000 },
    });
  }

  /** Succeeds once the broker answers a metadata request; otherwise a LedgerUnavailableError. */
  async probe(): Promise<void> {
    await this.withQuietAdmin(async (admin) => {
      await admin.describeCluster();
    });
  }

  /**
   * How each topic is replicated: its partitions, the fewest replicas and in-sync replicas any of
   * them has, and its `min.insync.replicas`.
   */
  async topicReplication(topics: readonly string[]): Promise<TopicReplication[]> {
    return this.withQuietAdmin(async (admin) => {
      const metadata = await admin.fetchTopicMetadata({ topics: [...topics] });
      const configs = await admin.describeConfigs({
        includeSynonyms: false,
        resources: topics.map((name) => ({
          type: topicResource,
          name,
          configNames: ['min.insync.replicas'],
        })),
      });
      return metadata.topics.map(({ name, partitions }) => {
        const entry = configs.resources
          .find((resource) => resource.resourceName === name)
          ?.configEntries.find((config) => config.configName === 'min.insync.replicas');
        return {
          topic: name,
          partitions: partitions.length,
          replicas: Math.min(...partitions.map((partition) => partition.replicas.length)),
          inSyncReplicas: Math.min(...partitions.map((partition) => partition.isr.length)),
          minInSyncReplicas: Number(entry?.configValue ?? Number.NaN),
        };
      });
    });
  }

  /** How many partitions each of the topics has. */
  async partitionCounts(topics: readonly string[]): Promise<ReadonlyMap<string, number>> {
    return this.withQuietAdmin(async (admin) => {
      const metadata = await admin.fetchTopicMetadata({ topics: [...topics] });
      return new Map(metadata.topics.map(({ name, partitions }) => [name, partitions.length]));
    });
  }

  /** How many brokers the cluster has registered and alive (the controller's view). */
  async brokerCount(): Promise<number> {
    return this.withQuietAdmin(async (admin) => (await admin.describeCluster()).brokers.length);
  }

  /**
   * What every command but `export` asks first: the broker answers and holds the topics (default:
   * the user and control topics), else one error naming KAFKA_BROKERS or KAFKA_TOPIC_PREFIX, in
   * seconds and without kafkajs's retry log. Never creates a topic: only `export` does.
   */
  async requireTopics(topics: readonly string[] = [this.topics.userEvents, this.topics.controlEvents]): Promise<void> {
    const existing = await this.withQuietAdmin(async (admin) => new Set(await admin.listTopics()));
    const missing = topics.filter((topic) => !existing.has(topic));
    if (missing.length > 0) throw new LedgerTopicsMissingError(missing, this.brokers);
  }

  /**
   * The cluster id, the topic ids and each partition's end: what a consumer that stores its own
   * offsets checks them against (`assertStoredPositionsMatch`). The topics must exist.
   */
  async origin(topics: readonly string[]): Promise<LedgerOrigin> {
    await this.requireTopics(topics);
    try {
      const ids = await readTopicIds(this.brokers, `${this.clientId}-origin`, topics, this.connectionTimeoutMs);
      const ends = await this.withQuietAdmin(async (admin) => {
        const byTopic = new Map<string, Map<number, bigint>>();
        for (const topic of topics) {
          byTopic.set(topic, new Map((await topicOffsets(admin, topic)).map((p) => [p.partition, BigInt(p.high)])));
        }
        return byTopic;
      });
      return {
        clusterId: ids.clusterId,
        topics: new Map(
          topics.map((topic) => [
            topic,
            { topicId: ids.topicIds.get(topic) ?? '', ends: ends.get(topic) ?? new Map() },
          ]),
        ),
      };
    } catch (error) {
      if (error instanceof LedgerUnavailableError) throw error;
      throw new LedgerUnavailableError(this.brokers, error);
    }
  }

  /**
   * For a consumer that stores its own offsets (`owner` names it in the error): the offsets must
   * count in the cluster and topics the ledger now has, and lie within the partitions; otherwise
   * a StoredPositionMismatchError. Returns the origin to store with the offsets it writes next.
   */
  async verifyStoredPositions(
    owner: string,
    stored: readonly StoredPosition[],
    topics: readonly string[],
  ): Promise<LedgerOrigin> {
    const origin = await this.origin(topics);
    assertStoredPositionsMatch(owner, stored, origin, this.brokers);
    return origin;
  }

  /**
   * An admin client of its own so that an unreachable broker fails in seconds and quietly: the
   * caller reports it, once, as a LedgerUnavailableError.
   */
  private async withQuietAdmin<T>(use: (admin: Admin) => Promise<T>): Promise<T> {
    const admin = new Kafka({
      clientId: `${this.clientId}-probe`,
      brokers: [...this.brokers],
      connectionTimeout: this.connectionTimeoutMs,
      // Something on the port that accepts connections but never answers must not hold the probe for 30 s.
      requestTimeout: this.connectionTimeoutMs,
      logLevel: logLevel.NOTHING,
      retry: { retries: 1, initialRetryTime: 200 },
    }).admin();
    try {
      await admin.connect();
      return await use(admin);
    } catch (error) {
      throw new LedgerUnavailableError(this.brokers, error);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  /** Creates the ledger's topics with explicit partitions and infinite retention; existing ones are kept. */
  async ensureTopics(userPartitions = 12): Promise<void> {
    const admin = this.kafka.admin();
    try {
      await admin.connect();
      const existing = new Set(await admin.listTopics());
      const missing = topicSpecs(this.topics, userPartitions).filter((spec) => !existing.has(spec.topic));
      if (missing.length > 0) {
        const { replicationFactor, minInSyncReplicas } = replicationFor((await admin.describeCluster()).brokers.length);
        await admin.createTopics({
          waitForLeaders: true,
          topics: missing.map((spec) => ({
            topic: spec.topic,
            numPartitions: spec.numPartitions,
            replicationFactor,
            configEntries: [...spec.configEntries, { name: 'min.insync.replicas', value: String(minInSyncReplicas) }],
          })),
        });
      }
    } catch (error) {
      throw new LedgerUnavailableError(this.brokers, error);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  /**
   * Whether every one of the topics exists. Read-only callers ask first: reading a missing topic
   * would let the broker auto-create it with its default (finite) retention.
   */
  async hasTopics(topics: readonly string[]): Promise<boolean> {
    const existing = await this.withQuietAdmin(async (admin) => new Set(await admin.listTopics()));
    return topics.every((topic) => existing.has(topic));
  }

  async publisher(): Promise<LedgerPublisher> {
    // Never creates a topic on first use, whatever the broker allows: only `export` creates topics.
    const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    try {
      await producer.connect();
    } catch (error) {
      throw new LedgerUnavailableError(this.brokers, error);
    }
    return new LedgerPublisher(producer, this.topics, (topics) => this.partitionCounts(topics));
  }

  /** A writer of signed checkpoints to the checkpoints topic (the sealer's only output). */
  async checkpointPublisher(): Promise<CheckpointPublisher> {
    const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    try {
      await producer.connect();
    } catch (error) {
      throw new LedgerUnavailableError(this.brokers, error);
    }
    return new CheckpointPublisher(producer, this.topics.checkpoints);
  }

  /** Starts a validating batch consumer; resolves once it runs. */
  async consume(options: ConsumeOptions): Promise<LedgerConsumer> {
    const consumer = new LedgerConsumer(
      this.kafka.consumer({
        groupId: options.groupId,
        allowAutoTopicCreation: false,
        maxWaitTimeInMs: 250,
        sessionTimeout: options.sessionTimeoutMs ?? 30_000,
        heartbeatInterval: Math.min(3000, Math.floor((options.sessionTimeoutMs ?? 30_000) / 3)),
        // A failing handler must never skip its batch: restart from the last resolved offset, forever.
        retry: { retries: 5, initialRetryTime: 300, maxRetryTime: 30000, restartOnFailure: async () => true },
      }),
      this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false }),
      this.topics.deadLetter,
      options,
      this.logger.child({ consumer: options.groupId }),
    );
    try {
      await consumer.start();
    } catch (error) {
      await consumer.stop().catch(() => undefined);
      throw new LedgerUnavailableError(this.brokers, error);
    }
    return consumer;
  }

  /**
   * For each partition of the topics: where the group would resume and where the partition ends
   * now. Topics that do not exist are named in a LedgerTopicsMissingError.
   */
  async lag(groupId: string, topics: readonly string[]): Promise<PartitionLag[]> {
    const admin = this.kafka.admin();
    try {
      await admin.connect();
      const existing = new Set(await admin.listTopics());
      const missing = topics.filter((topic) => !existing.has(topic));
      if (missing.length > 0) throw new LedgerTopicsMissingError(missing, this.brokers);
      return await consumerLag(admin, groupId, topics);
    } catch (error) {
      if (error instanceof LedgerTopicsMissingError) throw error;
      throw new LedgerUnavailableError(this.brokers, error);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  /**
   * Like `scan`, for readers that want valid events of some types: records of other types (by
   * their `ce_type` header) are not decoded, invalid ones are skipped with one warning naming
   * where they are (`decodeOrSkip`).
   */
  async scanEvents(
    topics: readonly string[],
    types: ReadonlySet<string>,
    onEvent: (event: LedgerEvent) => void | Promise<void>,
    from?: ScanPosition,
  ): Promise<ScanPosition> {
    return this.scan(
      topics,
      async (record) => {
        const type = record.headers.ce_type;
        if (type === undefined || !types.has(type)) return;
        const event = decodeOrSkip(record, this.logger);
        if (event !== undefined) await onEvent(event);
      },
      from,
    );
  }

  /**
   * Like `scan`, with each record as the broker holds it (key, ordered headers and value as bytes):
   * what a Merkle leaf is computed over. Nothing is decoded or validated.
   */
  async scanRaw(
    topics: readonly string[],
    onRecord: (record: RawLedgerRecord) => void | Promise<void>,
    from?: ScanPosition,
  ): Promise<ScanPosition> {
    try {
      return await scanMessages(
        this.kafka,
        topics,
        (topic, partition, message) => onRecord(rawRecordOf(topic, partition, message)),
        from,
      );
    } catch (error) {
      if (isBrokerUnreachable(error)) throw new LedgerUnavailableError(this.brokers, error);
      throw error;
    }
  }

  /**
   * Reads the given topics from `from` (default: the start) to their current end, and returns
   * that end: passing it to the next scan reads only what came since. A failure of `onRecord`
   * ends the scan with that failure.
   */
  async scan(
    topics: readonly string[],
    onRecord: (record: LedgerRecord) => void | Promise<void>,
    from?: ScanPosition,
  ): Promise<ScanPosition> {
    try {
      return await scanTopics(this.kafka, topics, onRecord, from);
    } catch (error) {
      if (isBrokerUnreachable(error)) {
        throw new LedgerUnavailableError(this.brokers, error);
      }
      throw error;
    }
  }
}
