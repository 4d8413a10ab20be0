import type { Logger } from 'pino';
import type pg from 'pg';
import type { LoginOutcome } from '#domain';

/** The counts of one UTC day, as the reconciler's `bridge-error-rate` criterion reads them. */
interface DayCounts {
  calls: number;
  unavailable: number;
}

export interface BridgeDailyTrafficOptions {
  readonly pool: pg.Pool;
  /** The schema of the projector's `migration_user`, where the reconciler also looks. */
  readonly schema: string;
  readonly logger: Logger;
  /** How often the counts go to PostgreSQL; 0: only on `flush()` and `close()` (tests). */
  readonly flushEveryMs?: number;
  readonly now?: () => Date;
}

/**
 * Counts the bridge's Cognito AdminInitiateAuth calls per UTC day, and those that ended as
 * "temporarily unavailable", in `<schema>.bridge_daily_traffic`. A login only adds to counters in
 * memory; one upsert per interval writes them, so the login latency does not depend on PostgreSQL.
 * Counts a flush could not write stay pending and go with the next one.
 */
export class BridgeDailyTraffic {
  private pending = new Map<string, DayCounts>();
  private flushing: Promise<void> = Promise.resolve();
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly table: string;
  private readonly now: () => Date;

  private constructor(private readonly options: BridgeDailyTrafficOptions) {
    this.table = `"${options.schema}".bridge_daily_traffic`;
    this.now = options.now ?? (() => new Date());
    const every = options.flushEveryMs ?? 1000;
    if (every > 0) {
      this.timer = setInterval(() => void this.flush(), every);
      this.timer.unref();
    }
  }

  /**
   * Creates the table when missing. By hand rather than as a TypeORM migration: the bridge talks
   * to PostgreSQL through a plain pg pool and owns nothing else there, and the one table is
   * additive, so `if not exists` at start is all the migration it needs.
   */
  static async open(options: BridgeDailyTrafficOptions): Promise<BridgeDailyTraffic> {
    const traffic = new BridgeDailyTraffic(options);
    await options.pool.query(`create schema if not exists "${options.schema}"`);
    await options.pool.query(`
      create table if not exists ${traffic.table} (
        day date primary key,
        cognito_calls bigint not null default 0,
        unavailable bigint not null default 0
      )`);
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
    const values: (string | number)[] = [];
    const rows = [...batch].map(([day, counts], i) => {
      values.push(day, counts.calls, counts.unavailable);
      return `($${i * 3 + 1}::date, $${i * 3 + 2}::bigint, $${i * 3 + 3}::bigint)`;
    });
    try {
      await this.options.pool.query(
        `insert into ${this.table} as t (day, cognito_calls, unavailable) values ${rows.join(', ')}
         on conflict (day) do update set cognito_calls = t.cognito_calls + excluded.cognito_calls,
                                         unavailable = t.unavailable + excluded.unavailable`,
        values,
      );
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
