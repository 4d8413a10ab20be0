import type { Logger } from 'pino';
import { evolveCutover, initialCutover } from '#domain';
import { isEventOf, type LedgerEventOf, type PoolSettings } from '#events';
import { KeycloakUnavailableError, type IdentityProviderRepresentation } from '#keycloak';
import type { EventBatch, Ledger, LedgerPublisher } from '#ledger';
import { emptyTally, type ImportTally, type ImportTarget, type UserImport } from './user-import.js';

/** The user facts UserImport.learn reads; the others are not even decoded. */
const relevant: ReadonlySet<string> = new Set([
  'UserExported',
  'UserImported',
  'UserImportRevised',
  'UserUpdatedInTarget',
  'SourceChangeRejected',
]);
const exportRunStarted: ReadonlySet<string> = new Set(['ExportRunStarted']);
const phaseChanges: ReadonlySet<string> = new Set(['CutoverPhaseChanged']);
/** How long the cutover phase read from the ledger is trusted by a following run before it is read again. */
const PHASE_FRESH_MS = 30_000;

export interface ImportRunOptions {
  /**
   * Kafka consumer group; its committed offsets say where reading resumes. Whether a user is
   * already imported does not depend on it: that is read from the ledger and the target.
   */
  readonly groupId: string;
  /** Keep importing facts as they arrive; otherwise stop once the ledger, as it was at the start, is imported. */
  readonly follow: boolean;
  /** Identity providers the realm must have (created when missing). */
  readonly identityProviders?: readonly IdentityProviderRepresentation[];
  readonly onProgress?: (progress: ImportProgress) => void;
  /** Ends a following run. */
  readonly signal?: AbortSignal;
}

export interface ImportProgress {
  /** Ledger records read (of every type) and how many there were to read when the run began. */
  readonly records: number;
  readonly totalRecords: number;
  readonly tally: ImportTally;
}

export interface ImportReport extends ImportTally {
  readonly realm: string;
  /** Users settled by this run: created + matched + revised + failed + already imported. */
  readonly users: number;
  readonly groupsCreated: number;
  readonly partialImportRequests: number;
  /** Times Keycloak was unavailable and a call was retried. */
  readonly keycloakRetries: number;
  readonly durationMs: number;
}

/**
 * The importer as a ledger consumer: reads UserExported facts of the user topic in Kafka batches,
 * imports them and publishes what happened before the batch's offsets are committed, so a crash
 * at any point re-delivers the batch and the re-delivery records the same facts.
 *
 * While Keycloak is unavailable, each call retries for a while (see KeycloakRealm); after that
 * the batch fails, the consumer restarts from the last committed offset and tries again: the
 * import pauses and nothing is skipped. Any other error stops the run.
 */
export class ImportRun {
  private keycloakRetries = 0;
  private phaseReadAt = 0;

  constructor(
    private readonly ledger: Ledger,
    private readonly userImport: UserImport,
    private readonly target: ImportTarget,
    private readonly logger: Logger,
  ) {}

  /** Counts a retry of a Keycloak call; wired to KeycloakRealm's `onRetry`. */
  noteRetry(failure: KeycloakUnavailableError, delayMs: number): void {
    this.keycloakRetries++;
    this.logger.warn({ operation: failure.operation, retryInMs: delayMs }, 'Keycloak unavailable; retrying');
  }

  async run(options: ImportRunOptions): Promise<ImportReport> {
    const began = Date.now();
    // Only `export` creates the ledger's topics: a wrong prefix or an unreachable broker is refused here.
    await this.ledger.requireTopics();
    const topic = this.ledger.topics.userEvents;
    await this.userImport.prepare(await this.latestPool(), options.identityProviders ?? []);
    await this.learnLedger();
    await this.readPhase();

    const remaining = new Map<number, bigint>();
    let totalRecords = 0;
    for (const lag of await this.ledger.lag(options.groupId, [topic])) {
      if (lag.next < lag.end) remaining.set(lag.partition, lag.end);
      totalRecords += Number(lag.end - lag.next);
    }
    const tally = emptyTally();
    const requestsBefore = this.target.writer.requests;
    const groupsBefore = this.target.groups.created;
    let records = 0;

    if (options.follow || remaining.size > 0) {
      const publisher = await this.ledger.publisher();
      try {
        await this.consumeUntilDone(options, publisher, remaining, (batch, batchTally) => {
          records += batch.events.length;
          for (const key of Object.keys(tally) as (keyof ImportTally)[]) tally[key] += batchTally[key];
          options.onProgress?.({ records, totalRecords, tally: { ...tally } });
        });
      } finally {
        await publisher.close();
      }
    }
    return {
      realm: this.userImport.realmName,
      users: tally.created + tally.matched + tally.revised + tally.failed + tally.alreadyImported,
      ...tally,
      groupsCreated: this.target.groups.created - groupsBefore,
      partialImportRequests: this.target.writer.requests - requestsBefore,
      keycloakRetries: this.keycloakRetries,
      durationMs: Date.now() - began,
    };
  }

  private async consumeUntilDone(
    options: ImportRunOptions,
    publisher: LedgerPublisher,
    remaining: Map<number, bigint>,
    progress: (batch: EventBatch, tally: ImportTally) => void,
  ): Promise<void> {
    let finish!: (error?: unknown) => void;
    const done = new Promise<void>((resolve, reject) => {
      finish = (error) => (error === undefined ? resolve() : reject(error as Error));
    });
    const consumer = await this.ledger.consume({
      groupId: options.groupId,
      topics: [this.ledger.topics.userEvents],
      handleBatch: async (batch) => {
        const facts = batch.events
          .map((e) => e.event)
          .filter((e): e is LedgerEventOf<'UserExported'> => isEventOf(e, 'UserExported'));
        const deletions = batch.events
          .map((e) => e.event)
          .filter((e): e is LedgerEventOf<'UserDeletedInSource'> => isEventOf(e, 'UserDeletedInSource'));
        try {
          if (Date.now() - this.phaseReadAt > PHASE_FRESH_MS) await this.readPhase();
          const imported = await this.userImport.importUsers(facts);
          const deleted = await this.userImport.applyDeletions(deletions);
          const events = [...imported.events, ...deleted.events];
          const tally = imported.tally;
          for (const key of Object.keys(tally) as (keyof ImportTally)[]) tally[key] += deleted.tally[key];
          await publisher.publish(events);
          // Only once published: a batch that fails before is retried and must decide afresh.
          this.userImport.learn(events);
          progress(batch, tally);
        } catch (error) {
          if (error instanceof KeycloakUnavailableError) {
            this.logger.warn(
              { partition: batch.partition, reason: error.message },
              'import paused: the batch will be retried',
            );
          } else {
            finish(error);
          }
          throw error;
        }
        const end = remaining.get(batch.partition);
        if (end !== undefined && BigInt(batch.nextOffset) >= end) remaining.delete(batch.partition);
        if (!options.follow && remaining.size === 0) finish();
      },
    });
    const onAbort = () => finish();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      // A consumer that stopped for good would otherwise leave this run waiting forever.
      await Promise.race([done, consumer.failed]);
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      await consumer.stop();
    }
  }

  /** Everything the ledger holds about users and their imports, up to now. */
  private async learnLedger(): Promise<void> {
    // An invalid record is the consumers' dead-letter business; the scan names it in a warning and goes on.
    await this.ledger.scanEvents([this.ledger.topics.userEvents], relevant, (event) => this.userImport.learn([event]));
  }

  /** The realm's cutover phase: who wins when Cognito changes a user (docs/importer-mapping.md). */
  private async readPhase(): Promise<void> {
    let state = initialCutover;
    await this.ledger.scanEvents([this.ledger.topics.controlEvents], phaseChanges, (event) => {
      if (isEventOf(event, 'CutoverPhaseChanged') && event.data.target.realm === this.userImport.realmName)
        state = evolveCutover(state, event.data);
    });
    this.userImport.phase = state.phase;
    this.phaseReadAt = Date.now();
  }

  /** The pool of the latest export run in the ledger; its settings shape the realm and the usernames. */
  private async latestPool(): Promise<PoolSettings | undefined> {
    let latest: LedgerEventOf<'ExportRunStarted'> | undefined;
    await this.ledger.scanEvents([this.ledger.topics.controlEvents], exportRunStarted, (event) => {
      if (isEventOf(event, 'ExportRunStarted') && (!latest || event.data.startedAt >= latest.data.startedAt))
        latest = event;
    });
    return latest?.data.pool;
  }
}
