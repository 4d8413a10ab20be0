import type { DataSource } from 'typeorm';
import { doneStatuses } from '#domain';
import { quoteIdentifier } from '../schema-name.js';

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
 * Cohorts over `migration_user` in two scans (one for the scalar splits, one for the providers, a
 * user expecting several): unlike the completion counters they aggregate every row, so the page
 * reads them less often.
 */
export class CohortQueries {
  constructor(
    private readonly db: DataSource,
    private readonly schema: string,
  ) {}

  async cohorts(): Promise<Cohort[]> {
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
    return rows.map((r) => ({ kind: r.kind, value: r.value, users: Number(r.users), migrated: Number(r.migrated) }));
  }
}
