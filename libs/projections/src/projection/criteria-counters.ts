import type { DataSource } from 'typeorm';
import { doneStatuses, measurementCutoffs, type MigrationMeasurements, type ReconcilerPolicy } from '#domain';
import { quoteIdentifier } from '../schema-name.js';
import { criteriaDays, criteriaMeasures } from './criteria-contributions.js';

/**
 * The done criteria's counts (`measureUsers` in libs/domain) from the counters the projector keeps
 * (`addCriteriaContribution`) instead of one aggregate over every user (`ProjectionReader.measurements`,
 * the reference they are held equal to). A clock-dependent count sums its whole days from
 * `criteria_daily` and counts the day its cutoff falls into from the user rows over an index: a
 * day's worth of rows at most, whatever the number of users.
 */
export class CriteriaCounters {
  constructor(
    private readonly db: DataSource,
    private readonly schema: string,
  ) {}

  private table(name: string): string {
    return `${quoteIdentifier(this.schema)}.${name}`;
  }

  async measurements(policy: ReconcilerPolicy, now: Date): Promise<MigrationMeasurements> {
    const { resetBefore, windowStart } = measurementCutoffs(policy, now);
    const users = this.table('migration_user');
    const days = this.table('criteria_daily');
    // `d($n)`: the UTC day of a cutoff; `start($n)`: the instant that day begins.
    const d = (n: number) => `($${n}::timestamptz at time zone 'UTC')::date`;
    const start = (n: number) => `(date_trunc('day', $${n}::timestamptz at time zone 'UTC') at time zone 'UTC')`;
    const rows: {
      counters: Record<string, string> | null;
      reset_long_ago: string;
      in_window: string;
      first: Date | null;
    }[] = await this.db.query(
      `select
           (select jsonb_object_agg(measure, count) from ${this.table('progress_counter')}
             where starts_with(measure, 'criteria:')) as counters,
           (select coalesce(sum(count), 0) from ${days} where measure = $4 and day < ${d(1)})
           + (select count(*) from ${users}
               where last_reset_at >= ${start(1)} and last_reset_at <= $1
                 and active and not status = any($3::text[])) as reset_long_ago,
           (select coalesce(sum(count), 0) from ${days} where measure = $5 and day > ${d(2)})
           + (select count(*) from ${users}
               where migrated_at >= $2 and migrated_at < ${start(2)} + interval '1 day'
                 and active and status = any($3::text[])) as in_window,
           (select min(imported_at) from ${users}) as first`,
      [resetBefore, windowStart, doneStatuses, criteriaDays.remainingLastReset, criteriaDays.activeMigrated],
    );
    const r = rows[0]!;
    const n = (measure: string) => Number(r.counters?.[measure] ?? 0);
    return {
      active: n(criteriaMeasures.active),
      activeMigrated: n(criteriaMeasures.activeMigrated),
      mfaRequired: n(criteriaMeasures.mfaRequired),
      mfaReenrolled: n(criteriaMeasures.mfaReenrolled),
      federated: n(criteriaMeasures.federated),
      federatedRebound: n(criteriaMeasures.federatedRebound),
      remaining: n(criteriaMeasures.remaining),
      remainingResetLongAgo: Number(r.reset_long_ago),
      migratedInWindow: Number(r.in_window),
      firstImportedAt: r.first,
      openDisagreements: n(criteriaMeasures.openDisagreements),
    };
  }

  /** Users whose password moved by JIT within [since, until]: the bridge's calls while it sent no traffic facts. */
  async jitPasswordMigrations(since: Date, until: Date): Promise<number> {
    const d = (n: number) => `($${n}::timestamptz at time zone 'UTC')::date`;
    const start = (n: number) => `(date_trunc('day', $${n}::timestamptz at time zone 'UTC') at time zone 'UTC')`;
    const rows: { jit: string }[] = await this.db.query(
      `select
         (select coalesce(sum(count), 0) from ${this.table('criteria_daily')}
           where measure = $3 and day > ${d(1)} and day < ${d(2)})
         + (select count(*) from ${this.table('migration_user')}
             where password_migrated_via = 'jit' and password_migrated_at >= $1 and password_migrated_at <= $2
               and (password_migrated_at < ${start(1)} + interval '1 day' or password_migrated_at >= ${start(2)})) as jit`,
      [since, until, criteriaDays.jitPassword],
    );
    return Number(rows[0]!.jit);
  }
}
