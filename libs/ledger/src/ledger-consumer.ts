import type { Consumer, EachBatchPayload, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { InvalidEventError, type LedgerEvent } from '#events';
import { decodeRecord, headersToStrings, type LedgerRecord } from './cloudevents-kafka-binding.js';
import { LedgerConsumerFailedError } from './ledger-consumer-failed-error.js';

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
   * assigned partition resumes. When given, no offsets are committed to Kafka. Asked once per
   * partition after each (re)assignment, before its first batch is handled; when it throws, the
   * batch is retried like a handler failure.
   */
  readonly startOffsets?: (topic: string, partition: number) => Promise<string | undefined>;
  /**
   * Batches of different partitions handled at once (default 1). Lets a consumer that waits on
   * its database decode the next partition's batch meanwhile; batches of one partition stay in order.
   */
  readonly partitionsConsumedConcurrently?: number;
  /**
   * Kafka's session timeout (default 30 s): a member silent that long is dropped from the group
   * and its partitions go to the others. Heartbeats go every third of it, at most every 3 s.
   */
  readonly sessionTimeoutMs?: number;
}

/**
 * Validating batch consumer. Unlike NestJS's built-in Kafka transport, a message that fails
 * validation does not stall its partition: it is written to the dead-letter topic with the reason,
 * the original bytes and where it came from, and consumption continues. A handler failure is
 * retried (the consumer restarts from the last resolved offset), so nothing is skipped; a failure
 * kafkajs does not retry stops the consumer and rejects `failed`.
 */
export class LedgerConsumer {
  /**
   * Rejects with a LedgerConsumerFailedError once the consumer stopped for good on a failure;
   * never resolves otherwise. A run that waits for the consumer races its own end with this.
   */
  readonly failed: Promise<never>;
  private fail: (error: LedgerConsumerFailedError) => void = () => undefined;
  /**
   * Partitions whose start offset was applied since the last (re)assignment. Replaced, not
   * cleared, at each group join, so a batch of the previous assignment still in flight marks the
   * old set, never the new one.
   */
  private positioned = new Set<string>();

  constructor(
    private readonly consumer: Consumer,
    private readonly deadLetterProducer: Producer,
    private readonly deadLetterTopic: string,
    private readonly options: ConsumeOptions,
    private readonly logger: Logger,
  ) {
    this.failed = new Promise<never>((_resolve, reject) => (this.fail = reject));
    // Nobody has to listen: the failure is logged where it happens, and an unawaited rejection must not end the process.
    this.failed.catch(() => undefined);
  }

  async start(): Promise<void> {
    await this.deadLetterProducer.connect();
    await this.consumer.connect();
    if (this.options.startOffsets) {
      // Synchronous on purpose: kafkajs does not wait for its event listeners, so the stored
      // offsets are read in the batch path (awaited, retried) rather than here.
      this.consumer.on(this.consumer.events.GROUP_JOIN, () => {
        this.positioned = new Set();
      });
    }
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      if (payload.restart) return;
      const failure = new LedgerConsumerFailedError(this.options.groupId, rootCause(payload.error));
      this.logger.error({ err: failure.message }, 'ledger consumer stopped');
      this.fail(failure);
    });
    await this.consumer.subscribe({ topics: [...this.options.topics], fromBeginning: true });
    await this.consumer.run({
      autoCommit: !this.options.startOffsets,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachBatch: (payload) => this.handle(payload),
    });
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
    await this.deadLetterProducer.disconnect();
  }

  /**
   * For a consumer that stores its own offsets: the first batch of a partition after an
   * assignment is handled only if it starts at the stored offset; otherwise the partition seeks
   * there and this batch is dropped (kafkajs then marks the rest of its fetch stale). Returns
   * whether the batch may be handled. Seeks at most once per assignment, so a stored offset
   * that falls on no record (a gap) cannot make it seek forever.
   */
  private async positionedAt(topic: string, partition: number, firstOffset: string): Promise<boolean> {
    const startOffsets = this.options.startOffsets;
    const positioned = this.positioned;
    const key = `${topic}/${partition}`;
    if (!startOffsets || positioned.has(key)) return true;
    let offset: string | undefined;
    try {
      offset = await startOffsets(topic, partition);
    } catch (error) {
      this.logger.warn(
        { topic, partition, err: error instanceof Error ? error.message : String(error) },
        'start offset not read; the batch will be retried',
      );
      throw error;
    }
    positioned.add(key);
    if (offset === undefined || BigInt(offset) === BigInt(firstOffset)) return true;
    this.consumer.seek({ topic, partition, offset });
    return false;
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
    if (!(await this.positionedAt(batch.topic, batch.partition, batch.messages[0]!.offset))) return;
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
        // The dead letter keeps the whole reason next to the bytes; the log line only names the
        // field, since a decoding error's text may quote the value (personal data).
        await this.deadLetter(
          record,
          (error as Error).message,
          error instanceof InvalidEventError
            ? { path: error.path, ...(error.eventType ? { eventType: error.eventType } : {}) }
            : { err: (error as Error).name },
        );
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

  /** `logged`: what the warning says about the reason (default: the reason itself). */
  private async deadLetter(
    record: LedgerRecord,
    reason: string,
    logged: Readonly<Record<string, string>> = { reason },
  ): Promise<void> {
    this.logger.warn(
      { topic: record.topic, partition: record.partition, offset: record.offset, ...logged },
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

/** kafkajs wraps the failure it gives up on (KafkaJSNumberOfRetriesExceeded, KafkaJSNonRetriableError); the first one is the story. */
function rootCause(error: unknown): unknown {
  let current = error;
  while (current instanceof Error && current.cause !== undefined && current.cause !== current) current = current.cause;
  return current;
}
