import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { LoginOutcome } from '#domain';
import { BridgeTrafficCounts } from '#projections';

/** The counts of one UTC day, as the reconciler's `bridge-error-rate` criterion reads them. */
interface DayCounts {
  calls: number;
  unavailable: number;
}

export interface BridgeDailyTrafficOptions {
  readonly db: DataSource;
  /** The schema of the projector's `migration_user`, where the reconciler also looks. */
  readonly schema: string;
  readonly logger: Logger;
  /** How often the counts go to PostgreSQL; 0: only on `flush()` and `close()` (tests). */
  readonly flushEveryMs?: number;
  readonly now?: () => Date;
}

/**
 * Counts the bridge's Cognito AdminInitiateAuth calls per UTC day, and those that ended as
 * "temporarily unavailable", in `<schema>.bridge_daily_traffic` (libs/projections'
 * BridgeTrafficCounts). A login only adds to counters in
 * memory; one upsert per interval writes them, so the login latency does not depend on PostgreSQL.
 * Counts a flush could not write stay pending and go with the next one.
 */
export class BridgeDailyTraffic {
  private pending = new Map<string, DayCounts>();
  private flushing: Promise<void> = Promise.resolve();
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly counts: BridgeTrafficCounts;
  private readonly now: () => Date;

  private constructor(private readonly options: BridgeDailyTrafficOptions) {
    this.counts = new BridgeTrafficCounts(options.db, options.schema);
    this.now = options.now ?? (() => new Date());
    const every = options.flushEveryMs ?? 1000;
    if (every > 0) {
      this.timer = setInterval(() => void this.flush(), every);
      this.timer.unref();
    }
  }

  /** Creates the table, or brings it up to date, through libs/projections' migrations. */
  static async open(options: BridgeDailyTrafficOptions): Promise<BridgeDailyTraffic> {
    const traffic = new BridgeDailyTraffic(options);
    await traffic.counts.ensure();
    return traffic;
  }

  /** One Cognito call and how it ended. */
  record(outcome: LoginOutcome): void {
    const day = this.now().toISOString().slice(0, 10);
    const counts = this.pending.get(day) ?? { calls: 0, unavailable: 0 };
    counts.calls++;
    if (outcome.kind === 'temporarily-unavailable') counts.unavailable++;
    this.pending.set(day, counts);
  }

  /** Writes what is pending; one flush at a time, so two never add the same counts. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.write());
    return this.flushing;
  }

  /** Stops the timer and writes what is left; what still cannot be written is logged with its counts. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
    if (this.pending.size > 0) {
      this.options.logger.error({ counts: Object.fromEntries(this.pending) }, 'bridge traffic counts not recorded');
    }
  }

  private async write(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    try {
      await this.counts.add(batch);
    } catch (error) {
      // Back into the pending counts, added to whatever arrived meanwhile, for the next flush. Should
      // the upsert have committed with only its answer lost, those counts are added twice: a rate
      // read over days tolerates that rarer error better than counts silently dropped.
      for (const [day, counts] of batch) {
        const now = this.pending.get(day) ?? { calls: 0, unavailable: 0 };
        this.pending.set(day, { calls: now.calls + counts.calls, unavailable: now.unavailable + counts.unavailable });
      }
      const e = error as { name?: string; code?: string };
      this.options.logger.error(
        { err: e.name, code: e.code, days: batch.size },
        'bridge traffic flush failed; retrying',
      );
    }
  }
}
