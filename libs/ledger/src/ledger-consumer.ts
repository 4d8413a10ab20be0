import type { Consumer, EachBatchPayload, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type { LedgerEvent } from '#events';
import { decodeRecord, headersToStrings, type LedgerRecord } from './cloudevents-kafka-binding.js';

export interface ConsumedEvent {
  readonly event: LedgerEvent;
  readonly record: LedgerRecord;
}

export interface EventBatch {
  readonly topic: string;
  readonly partition: number;
  /** The valid events of the batch, in offset order; invalid records are already dead-lettered. */
  readonly events: readonly ConsumedEvent[];
  /** The offset to resume from after this batch (one past its last record, valid or not). */
  readonly nextOffset: string;
  /** Sends a record the handler cannot apply to the dead-letter topic with the reason; the partition goes on. */
  deadLetter(record: LedgerRecord, reason: string): Promise<void>;
}

export interface ConsumeOptions {
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly handleBatch: (batch: EventBatch) => Promise<void>;
  /**
   * For consumers that store their offsets with their own writes (same transaction): where each
   * assigned partition resumes. When given, no offsets are committed to Kafka.
   */
  readonly startOffsets?: (topic: string, partition: number) => Promise<string | undefined>;
  /**
   * Batches of different partitions handled at once (default 1). Lets a consumer that waits on
   * its database decode the next partition's batch meanwhile; batches of one partition stay in order.
   */
  readonly partitionsConsumedConcurrently?: number;
}

/**
 * Validating batch consumer. Unlike NestJS's built-in Kafka transport, a message that fails
 * validation does not stall its partition: it is written to the dead-letter topic with the reason,
 * the original bytes and where it came from, and consumption continues. A handler failure is
 * retried (the consumer restarts from the last resolved offset), so nothing is skipped.
 */
export class LedgerConsumer {
  constructor(
    private readonly consumer: Consumer,
    private readonly deadLetterProducer: Producer,
    private readonly deadLetterTopic: string,
    private readonly options: ConsumeOptions,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    const { startOffsets } = this.options;
    await this.deadLetterProducer.connect();
    await this.consumer.connect();
    if (startOffsets) {
      this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
        void this.seekAssigned(payload.memberAssignment, startOffsets);
      });
    }
    await this.consumer.subscribe({ topics: [...this.options.topics], fromBeginning: true });
    await this.consumer.run({
      autoCommit: !startOffsets,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachBatch: (payload) => this.handle(payload),
    });
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
    await this.deadLetterProducer.disconnect();
  }

  private async seekAssigned(
    assignment: Record<string, number[]>,
    startOffsets: NonNullable<ConsumeOptions['startOffsets']>,
  ): Promise<void> {
    for (const [topic, partitions] of Object.entries(assignment)) {
      for (const partition of partitions) {
        const offset = await startOffsets(topic, partition);
        if (offset !== undefined) this.consumer.seek({ topic, partition, offset });
      }
    }
  }

  private async handle({
    batch,
    resolveOffset,
    heartbeat,
    commitOffsetsIfNecessary,
    isRunning,
    isStale,
  }: EachBatchPayload): Promise<void> {
    if (!isRunning() || isStale() || batch.messages.length === 0) return;
    const events: ConsumedEvent[] = [];
    for (const message of batch.messages) {
      const record: LedgerRecord = {
        topic: batch.topic,
        partition: batch.partition,
        offset: message.offset,
        key: message.key,
        value: message.value,
        headers: headersToStrings(message.headers),
      };
      try {
        events.push({ event: decodeRecord(record), record });
      } catch (error) {
        await this.deadLetter(record, (error as Error).message);
      }
    }
    const last = batch.messages[batch.messages.length - 1]!.offset;
    await this.options.handleBatch({
      topic: batch.topic,
      partition: batch.partition,
      events,
      nextOffset: (BigInt(last) + 1n).toString(),
      deadLetter: (record, reason) => this.deadLetter(record, reason),
    });
    resolveOffset(last);
    if (!this.options.startOffsets) await commitOffsetsIfNecessary();
    await heartbeat();
  }

  private async deadLetter(record: LedgerRecord, reason: string): Promise<void> {
    this.logger.warn(
      { topic: record.topic, partition: record.partition, offset: record.offset, reason },
      'dead-lettered a record',
    );
    await this.deadLetterProducer.send({
      topic: this.deadLetterTopic,
      acks: -1,
      messages: [
        {
          key: record.key,
          value: record.value,
          headers: {
            ...record.headers,
            'dlq-reason': reason,
            'dlq-source-topic': record.topic,
            'dlq-source-partition': String(record.partition),
            'dlq-source-offset': record.offset,
            'dlq-consumer-group': this.options.groupId,
          },
        },
      ],
    });
  }
}
