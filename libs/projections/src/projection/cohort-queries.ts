import type { DataSource } from 'typeorm';
import { doneStatuses } from '#domain';
import { quoteIdentifier } from '../schema-name.js';
import { cohortMigratedMeasure, cohortUsersMeasure } from './cohort-contributions.js';

/** The ways the dashboard splits the users. */
export const cohortKinds = ['cognito-status', 'mfa', 'provider', 'import'] as const;
export type CohortKind = (typeof cohortKinds)[number];

/** Users of one cohort and how many of them are done (the domain's `doneStatuses`). */
export interface Cohort {
  readonly kind: CohortKind;
  /** `cognito-status`: Cognito's UserStatus; `mfa`: not-required / needs-re-enrolment / re-enrolled; `provider`: `<provider> rebound` / `<provider> not rebound yet` (of the users expected to use it); `import`: imported / not-imported / `failed: <the target's reason>`. */
  readonly value: string;
  readonly users: number;
  readonly migrated: number;
}

/**
 * The cohorts from the counters the projector keeps (`addCohortContribution`): a few dozen rows,
 * whatever the number of users. `recount` is the same split grouped over every user's row, the
 * reference the counters are held equal to.
 */
export class CohortQueries {
  constructor(
    private readonly db: DataSource,
    private readonly schema: string,
  ) {}

  async cohorts(): Promise<Cohort[]> {
    const counters = `${quoteIdentifier(this.schema)}.progress_counter`;
    const rows: { kind: CohortKind; value: string; users: string; migrated: string }[] = await this.db.query(
      `select substr(u.measure, length($1) + 1) as kind, u.dimension as value, u.count as users,
              coalesce(m.count, 0) as migrated
         from ${counters} u
         left join ${counters} m on m.measure = $2 || substr(u.measure, length($1) + 1) and m.dimension = u.dimension
        where starts_with(u.measure, $1)
        order by 1, 3 desc, 2`,
      [cohortUsersMeasure, cohortMigratedMeasure],
    );
    return rows.map(cohortOf);
  }

  /** The cohorts grouped over every user's row, in two scans (one for the scalar splits, one for the providers). */
  async recount(): Promise<Cohort[]> {
    const users = `${quoteIdentifier(this.schema)}.migration_user`;
    const rows: { kind: CohortKind; value: string; users: string; migrated: string }[] = await this.db.query(
      `select c.kind, c.value, count(*) as users, count(*) filter (where u.status = any($1::text[])) as migrated
         from ${users} u cross join lateral (values
           ('cognito-status', coalesce(u.source_status, 'unknown')),
           ('mfa', case when not u.mfa_required then 'not-required'
                        when u.mfa_reenrolled_at is null then 'needs-re-enrolment' else 're-enrolled' end),
           ('import', case when u.status = 'import-failed' then 'failed: ' || coalesce(u.last_import_failure, 'no reason given')
                           when u.imported_at is not null then 'imported' else 'not-imported' end)
         ) as c(kind, value)
        group by c.kind, c.value
       union all
       select 'provider', p.provider || case when p.provider = any(u.rebound_providers) then ' rebound' else ' not rebound yet' end,
              count(*), count(*) filter (where u.status = any($1::text[]))
         from ${users} u cross join lateral unnest(u.expected_providers) as p(provider)
        group by 2
       order by 1, 3 desc, 2`,
      [doneStatuses],
    );
    return rows.map(cohortOf);
  }
}

function cohortOf(r: { kind: CohortKind; value: string; users: string; migrated: string }): Cohort {
  return { kind: r.kind, value: r.value, users: Number(r.users), migrated: Number(r.migrated) };
}
