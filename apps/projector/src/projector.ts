import type { Logger } from 'pino';
import type { EventBatch, Ledger, LedgerConsumer, LedgerOrigin, StoredPosition } from '#ledger';
import type { OffsetOrigin, PartitionOffsets, ProjectionStore } from '#projections';
import type { BatchOutcome, BatchProjector } from './batch-projector.js';
import { ProjectionDatabaseFullError } from './projection-database-full-error.js';

export interface PartitionLagView {
  readonly topic: string;
  readonly partition: number;
  /** The next offset the projection will apply. */
  readonly next: string;
  /** One past the partition's last record. */
  readonly end: string;
  readonly lag: number;
}

/** What the projector reports to Prometheus; a no-op outside the HTTP app. */
export interface ProjectorObserver {
  batchProjected(topic: string, outcome: BatchOutcome, seconds: number): void;
  lagMeasured(lags: readonly PartitionLagView[]): void;
}

/** The Kafka consumer group the projector's instances share the partitions through. */
export interface ProjectorGroup {
  readonly id: string;
  readonly sessionTimeoutMs: number;
}

export interface ProjectionRunSummary {
  readonly events: number;
  readonly skipped: number;
  readonly deadLettered: number;
  readonly batches: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
}

export interface RunOptions {
  /** Stop once every partition reached these offsets; default: the partition ends when the run starts. */
  readonly until?: PartitionOffsets;
  /** The stored offsets `until` was read from (another schema's), checked against the ledger like this one's. */
  readonly untilPositions?: { readonly schema: string; readonly positions: readonly StoredPosition[] };
  /** Never apply records at or past `until` (a replay up to another schema's offsets). */
  readonly bounded?: boolean;
}

/**
 * Consumes every ledger topic in batches and hands each batch to the batch projector. The group
 * only assigns partitions: each partition resumes from the offset stored with the projection
 * (`startOffsets`), never from Kafka's committed offsets.
 */
export class Projector {
  private consumer: LedgerConsumer | undefined;
  private readonly positions = new Map<string, bigint>();
  private totals = { events: 0, skipped: 0, deadLettered: 0, batches: 0 };
  private waiting: { until: PartitionOffsets; resolve: () => void; reject: (error: Error) => void } | undefined;
  private origin: LedgerOrigin | undefined;

  constructor(
    private readonly ledger: Ledger,
    private readonly store: ProjectionStore,
    private readonly batches: BatchProjector,
    private readonly group: ProjectorGroup,
    private readonly observer: ProjectorObserver,
    private readonly logger: Logger,
  ) {}

  get topics(): string[] {
    return [this.ledger.topics.userEvents, this.ledger.topics.controlEvents];
  }

  /** Where each partition of the ledger ends now. */
  async partitionEnds(): Promise<Map<string, bigint>> {
    const lags = await this.ledger.lag(this.group.id, this.topics);
    return new Map(lags.map((l) => [`${l.topic}/${l.partition}`, l.end]));
  }

  async lag(): Promise<PartitionLagView[]> {
    const [ends, stored] = await Promise.all([this.partitionEnds(), this.store.offsets()]);
    const lags = [...ends].map(([key, end]) => {
      const cut = key.lastIndexOf('/');
      const next = stored.get(key) ?? 0n;
      return {
        topic: key.slice(0, cut),
        partition: Number(key.slice(cut + 1)),
        next: next.toString(),
        end: end.toString(),
        lag: Number(end > next ? end - next : 0n),
      };
    });
    this.observer.lagMeasured(lags);
    return lags;
  }

  /**
   * Before any record is read: the ledger's topics exist (else one error naming
   * KAFKA_TOPIC_PREFIX or KAFKA_BROKERS, in seconds), and the offsets stored in this schema (and
   * `other`, another schema's offsets to stop at) count in the cluster and topics the ledger
   * now has and lie within the partitions. Offsets of another Kafka, of topics since recreated or
   * beyond a partition's end would project nothing (or the wrong records) and report success.
   */
  async verify(other?: RunOptions['untilPositions']): Promise<LedgerOrigin> {
    const ownerOf = (schema: string) => `projection schema "${schema}"`;
    const origin = await this.ledger.verifyStoredPositions(
      ownerOf(this.store.schema),
      await this.store.positions(),
      this.topics,
    );
    if (other) await this.ledger.verifyStoredPositions(ownerOf(other.schema), other.positions, this.topics);
    await this.store.adoptOrigin(origin);
    this.origin = origin;
    return origin;
  }

  /** Keeps projecting new facts until `stop()`. Fails first if the ledger's topics do not exist or the offsets are not theirs. */
  async follow(): Promise<void> {
    await this.verify();
    await this.start(undefined);
  }

  /** Projects up to `until` (by default what the ledger holds now), then stops. */
  async run(options: RunOptions = {}): Promise<ProjectionRunSummary> {
    const started = performance.now();
    const origin = await this.verify(options.untilPositions);
    const until = options.until ?? endsOf(origin);
    for (const [key, offset] of await this.store.offsets()) this.positions.set(key, offset);
    if (!this.reached(until)) {
      const done = new Promise<void>((resolve, reject) => (this.waiting = { until, resolve, reject }));
      const consumer = await this.start(options.bounded ? until : undefined);
      // Other instances of the group (`project --follow`) may own some partitions: they store
      // their offsets in the same schema, and this run is done when the schema has reached
      // `until`, whoever projected it. Without this, a run beside a following instance would
      // wait for batches of partitions it is never given.
      const others = setInterval(() => void this.catchUpFromStore().catch(() => undefined), 1000);
      try {
        // A consumer that stopped for good would otherwise leave this run waiting forever.
        await Promise.race([done, consumer.failed]);
      } finally {
        clearInterval(others);
        await this.stop();
      }
    }
    const seconds = (performance.now() - started) / 1000;
    return {
      ...this.totals,
      seconds,
      eventsPerSecond: Math.round(this.totals.events / Math.max(seconds, 0.001)),
    };
  }

  async stop(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.stop();
  }

  private async start(bound: PartitionOffsets | undefined): Promise<LedgerConsumer> {
    this.consumer = await this.ledger.consume({
      groupId: this.group.id,
      sessionTimeoutMs: this.group.sessionTimeoutMs,
      topics: this.topics,
      startOffsets: async (topic, partition) => (await this.store.offsets()).get(`${topic}/${partition}`)?.toString(),
      handleBatch: (batch) => this.handle(batch, bound),
      // While one partition's batch waits on PostgreSQL, the next is decoded and validated.
      partitionsConsumedConcurrently: 3,
    });
    return this.consumer;
  }

  private async handle(batch: EventBatch, bound: PartitionOffsets | undefined): Promise<void> {
    const key = `${batch.topic}/${batch.partition}`;
    const started = performance.now();
    const outcome = await this.batches
      .project(batch, this.originOf(batch.topic), bound ? (bound.get(key) ?? 0n) : undefined)
      .catch((error: unknown) => {
        const full = ProjectionDatabaseFullError.of(error);
        if (full) {
          // A run that must end ends here, saying why; a following projector retries the batch.
          this.logger.error({ key }, full.message);
          this.waiting?.reject(full);
        }
        throw error;
      });
    this.totals.events += outcome.applied;
    this.totals.skipped += outcome.skipped;
    this.totals.deadLettered += outcome.deadLettered;
    this.totals.batches += 1;
    this.observer.batchProjected(batch.topic, outcome, (performance.now() - started) / 1000);
    const next = BigInt(batch.nextOffset);
    const reached = bound?.get(key);
    const position = reached !== undefined && reached < next ? reached : next;
    if (position > (this.positions.get(key) ?? -1n)) this.positions.set(key, position);
    if (outcome.deadLettered > 0) this.logger.warn({ key, deadLettered: outcome.deadLettered }, 'dead-lettered facts');
    if (this.waiting && this.reached(this.waiting.until)) this.waiting.resolve();
  }

  /** Takes the offsets stored by any instance, and ends a waiting run that they complete. */
  private async catchUpFromStore(): Promise<void> {
    for (const [key, offset] of await this.store.offsets()) {
      if (offset > (this.positions.get(key) ?? -1n)) this.positions.set(key, offset);
    }
    if (this.waiting && this.reached(this.waiting.until)) this.waiting.resolve();
  }

  private originOf(topic: string): OffsetOrigin {
    const topicId = this.origin?.topics.get(topic)?.topicId;
    if (this.origin === undefined || topicId === undefined)
      throw new Error(`${topic} was not verified before projecting`);
    return { clusterId: this.origin.clusterId, topicId };
  }

  private reached(until: PartitionOffsets): boolean {
    for (const [key, end] of until) if ((this.positions.get(key) ?? 0n) < end) return false;
    return true;
  }
}

function endsOf(origin: LedgerOrigin): PartitionOffsets {
  const ends = new Map<string, bigint>();
  for (const [topic, { ends: byPartition }] of origin.topics) {
    for (const [partition, end] of byPartition) ends.set(`${topic}/${partition}`, end);
  }
  return ends;
}
