import type { DataSource } from 'typeorm';
import { doneStatuses, projectDoneDate, type MigrationMeasurements, type ReconcilerPolicy } from '#domain';
import { quoteIdentifier } from '../schema-name.js';
import { CriteriaCounters } from './criteria-counters.js';
import { migratedViaMeasure } from './progress-contributions.js';

/**
 * How a user migrated: their password by JIT (`PasswordMigrated` via the bridge) or by a forced
 * reset (`ResetSent`, then the password set in the target), or, for a federated-only Cognito
 * user, by every provider re-bound (`FederationRebound`): the domain's `summarizeUserMigration`.
 */
export const migrationRoutes = ['jit', 'reset', 'federation'] as const;
export type MigrationRoute = (typeof migrationRoutes)[number];

/** One day (UTC) of the burn-down by route: what happened that day, and the running totals. */
export interface RouteBurnDownDay {
  readonly day: string;
  readonly exported: number;
  readonly jit: number;
  readonly reset: number;
  readonly federation: number;
  readonly exportedTotal: number;
  readonly jitTotal: number;
  readonly resetTotal: number;
  readonly federationTotal: number;
  /** Exported so far and not migrated yet: the burn-down's `remaining`. */
  readonly notYetMigrated: number;
}

/**
 * The projected done date with the numbers it rests on (the domain's `projectDoneDate`):
 * `reached` when the active-migrated threshold already holds, `window-rate` when it is projected
 * at the observation window's migration rate, `no-rate` when nobody migrated within the window.
 */
export interface DoneProjection {
  readonly projectedDoneAt: string | null;
  readonly basis: 'reached' | 'window-rate' | 'no-rate';
  readonly active: number;
  readonly activeMigrated: number;
  /** The policy's `done.activeMigratedShare`. */
  readonly thresholdShare: number;
  /** Active users still to migrate before the threshold holds (0 once it does). */
  readonly needed: number;
  readonly windowDays: number;
  readonly migratedInWindow: number;
  /** Users migrated per day within the window: the rate the date is projected at. */
  readonly perDay: number;
}

export interface RouteBurnDown {
  readonly days: readonly RouteBurnDownDay[];
  readonly projection: DoneProjection;
}

/**
 * The burn-down split by how users migrated, from the daily counters (`daily_progress`'s
 * `exported` and `migrated-via:…`, kept by the projector with the user rows), with the projected
 * done date and its basis from the criteria counters (`CriteriaCounters`): a few rows per day,
 * whatever the number of users. The migrated totals add up to the burn-down's
 * (`GET /api/metrics/burn-down`): both count each user once, on the UTC day of their `migratedAt`.
 */
export class RouteBurnDownQueries {
  private readonly criteria: CriteriaCounters;

  constructor(
    private readonly db: DataSource,
    private readonly schema: string,
  ) {
    this.criteria = new CriteriaCounters(db, schema);
  }

  async burnDown(policy: ReconcilerPolicy, now: Date): Promise<RouteBurnDown> {
    const [days, measured] = await Promise.all([this.days(), this.criteria.measurements(policy, now)]);
    return { days, projection: doneProjection(measured, policy, now) };
  }

  async days(): Promise<RouteBurnDownDay[]> {
    const measure = (route: MigrationRoute) => migratedViaMeasure(route === 'federation' ? null : route);
    const rows: Record<string, string>[] = await this.db.query(
      `with daily as (
         select day,
           coalesce(sum(count) filter (where measure = 'exported'), 0) as exported,
           coalesce(sum(count) filter (where measure = $1), 0) as jit,
           coalesce(sum(count) filter (where measure = $2), 0) as reset,
           coalesce(sum(count) filter (where measure = $3), 0) as federation
         from ${quoteIdentifier(this.schema)}.daily_progress
        where measure = any($4::text[])
        group by day
       )
       select to_char(day, 'YYYY-MM-DD') as day, exported, jit, reset, federation,
         sum(exported) over w as exported_total, sum(jit) over w as jit_total,
         sum(reset) over w as reset_total, sum(federation) over w as federation_total
       from daily window w as (order by day) order by day`,
      [measure('jit'), measure('reset'), measure('federation'), ['exported', ...migrationRoutes.map(measure)]],
    );
    return rows.map(routeDayOf);
  }

  /**
   * The same days counted from the user rows (one scan of all of them): the reference the
   * counters are held equal to (apps/projector's dashboard-counters spec).
   */
  async recount(): Promise<RouteBurnDownDay[]> {
    const users = `${quoteIdentifier(this.schema)}.migration_user`;
    const rows: Record<string, string>[] = await this.db.query(
      `with happened as (
         select v.day, v.measure, count(*) as n
           from ${users} u cross join lateral (values
             ((u.exported_at at time zone 'UTC')::date, 'exported'),
             (case when u.status = any($1::text[]) then (u.migrated_at at time zone 'UTC')::date end,
              coalesce(u.password_migrated_via, 'federation'))
           ) as v(day, measure)
          where v.day is not null
          group by v.day, v.measure
       ), daily as (
         select day,
           coalesce(sum(n) filter (where measure = 'exported'), 0) as exported,
           coalesce(sum(n) filter (where measure = 'jit'), 0) as jit,
           coalesce(sum(n) filter (where measure = 'reset'), 0) as reset,
           coalesce(sum(n) filter (where measure = 'federation'), 0) as federation
         from happened group by day
       )
       select to_char(day, 'YYYY-MM-DD') as day, exported, jit, reset, federation,
         sum(exported) over w as exported_total, sum(jit) over w as jit_total,
         sum(reset) over w as reset_total, sum(federation) over w as federation_total
       from daily window w as (order by day) order by day`,
      [doneStatuses],
    );
    return rows.map(routeDayOf);
  }
}

function routeDayOf(r: Record<string, string>): RouteBurnDownDay {
  const day = {
    day: r.day!,
    exported: Number(r.exported),
    jit: Number(r.jit),
    reset: Number(r.reset),
    federation: Number(r.federation),
    exportedTotal: Number(r.exported_total),
    jitTotal: Number(r.jit_total),
    resetTotal: Number(r.reset_total),
    federationTotal: Number(r.federation_total),
  };
  return { ...day, notYetMigrated: day.exportedTotal - day.jitTotal - day.resetTotal - day.federationTotal };
}

/** `projectDoneDate` and the figures it is computed from, so the page can say what the date rests on. */
export function doneProjection(measured: MigrationMeasurements, policy: ReconcilerPolicy, now: Date): DoneProjection {
  const at = projectDoneDate(measured, policy, now);
  const thresholdShare = policy.done.activeMigratedShare;
  const needed = Math.max(0, Math.ceil(thresholdShare * measured.active) - measured.activeMigrated);
  const windowDays = policy.observationWindowDays;
  return {
    projectedDoneAt: at === null ? null : at.toISOString(),
    basis: needed === 0 ? 'reached' : at === null ? 'no-rate' : 'window-rate',
    active: measured.active,
    activeMigrated: measured.activeMigrated,
    thresholdShare,
    needed,
    windowDays,
    migratedInWindow: measured.migratedInWindow,
    perDay: windowDays === 0 ? 0 : Math.round((100 * measured.migratedInWindow) / windowDays) / 100,
  };
}
