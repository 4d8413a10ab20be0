import type { MigrationInterface, QueryRunner } from 'typeorm';
import { doneStatuses } from '#domain';
import { migratedSchemaOf } from '../../schema-name.js';

/**
 * The counters behind `/api/metrics/cohorts` and `/api/cutover/status`, which aggregated every
 * user on each call (4.9 s and 0.86 s at 300,000 users): the cohort and criteria measures in
 * `progress_counter`, the clock-dependent counts per day in `criteria_daily`, and the indexes
 * that count the one day a cutoff falls into (partial: only rows that have the instant). The
 * counters of a projection made before them are built here from its rows, so no replay is needed.
 */
export class DashboardCounters1764530000001 implements MigrationInterface {
  name = 'DashboardCounters1764530000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = migratedSchemaOf(queryRunner);
    await queryRunner.query(`
      create table ${s}.criteria_daily (
        day date not null,
        measure text not null,
        count bigint not null,
        primary key (day, measure)
      )`);
    await queryRunner.query(
      `create index migration_user_last_reset_at on ${s}.migration_user (last_reset_at) where last_reset_at is not null`,
    );
    await queryRunner.query(
      `create index migration_user_migrated_at on ${s}.migration_user (migrated_at) where migrated_at is not null`,
    );
    await queryRunner.query(
      `create index migration_user_jit_password_at on ${s}.migration_user (password_migrated_at)
        where password_migrated_via = 'jit'`,
    );
    await queryRunner.query(
      `create index migration_user_imported_at on ${s}.migration_user (imported_at) where imported_at is not null`,
    );
    await recountDashboardCounters((sql, parameters) => queryRunner.query(sql, parameters), s);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = migratedSchemaOf(queryRunner);
    await queryRunner.query(
      `delete from ${s}.progress_counter where measure like 'cohort%' or measure like 'criteria:%'`,
    );
    await queryRunner.query(`drop table ${s}.criteria_daily`);
    for (const index of ['last_reset_at', 'migrated_at', 'jit_password_at', 'imported_at']) {
      await queryRunner.query(`drop index ${s}.migration_user_${index}`);
    }
  }
}

/**
 * Sets the cohort and criteria counters of the projection in `s` (quoted) to a recount of its
 * user rows: what `addCohortContribution` and `addCriteriaContribution` add up, as GROUP BYs.
 * The projector's counters spec holds the maintained counters equal to it.
 */
export async function recountDashboardCounters(
  query: (sql: string, parameters?: unknown[]) => Promise<unknown>,
  s: string,
): Promise<void> {
  await query(`delete from ${s}.progress_counter where measure like 'cohort%' or measure like 'criteria:%'`);
  await query(`delete from ${s}.criteria_daily`);
  await query(
    `with cohort as (
       select c.kind, c.value, u.status = any($1::text[]) as done
         from ${s}.migration_user u cross join lateral (values
           ('cognito-status', coalesce(u.source_status, 'unknown')),
           ('mfa', case when not u.mfa_required then 'not-required'
                        when u.mfa_reenrolled_at is null then 'needs-re-enrolment' else 're-enrolled' end),
           ('import', case when u.status = 'import-failed' then 'failed: ' || coalesce(u.last_import_failure, 'no reason given')
                           when u.imported_at is not null then 'imported' else 'not-imported' end)
         ) as c(kind, value)
       union all
       select 'provider', p.provider || case when p.provider = any(u.rebound_providers) then ' rebound' else ' not rebound yet' end,
              u.status = any($1::text[])
         from ${s}.migration_user u cross join lateral unnest(u.expected_providers) as p(provider)
     )
     insert into ${s}.progress_counter (measure, dimension, count)
     select 'cohort:' || kind, value, count(*) from cohort group by kind, value
     union all
     select 'cohort-migrated:' || kind, value, count(*) from cohort where done group by kind, value`,
    [doneStatuses],
  );
  await query(
    `insert into ${s}.progress_counter (measure, dimension, count)
     select v.measure, '', v.count from (
       select
         count(*) filter (where active) as active,
         count(*) filter (where active and status = any($1::text[])) as active_migrated,
         count(*) filter (where active and mfa_required) as mfa_required,
         count(*) filter (where active and mfa_required and mfa_reenrolled_at is not null) as mfa_reenrolled,
         count(*) filter (where active and cardinality(expected_providers) > 0) as federated,
         count(*) filter (where active and cardinality(expected_providers) > 0
                            and expected_providers <@ rebound_providers) as federated_rebound,
         count(*) filter (where active and not status = any($1::text[])) as remaining,
         coalesce(sum(open_disagreements) filter (where open_disagreements > 0), 0) as open_disagreements
       from ${s}.migration_user
     ) t cross join lateral (values
       ('criteria:active', t.active), ('criteria:active-migrated', t.active_migrated),
       ('criteria:mfa-required', t.mfa_required), ('criteria:mfa-reenrolled', t.mfa_reenrolled),
       ('criteria:federated', t.federated), ('criteria:federated-rebound', t.federated_rebound),
       ('criteria:remaining', t.remaining), ('criteria:open-disagreements', t.open_disagreements)
     ) as v(measure, count)
     where v.count > 0`,
    [doneStatuses],
  );
  await query(
    `insert into ${s}.criteria_daily (day, measure, count)
     select day, measure, count(*) from (
       select (last_reset_at at time zone 'UTC')::date as day, 'remaining-last-reset' as measure
         from ${s}.migration_user where active and not status = any($1::text[]) and last_reset_at is not null
       union all
       select (migrated_at at time zone 'UTC')::date, 'active-migrated'
         from ${s}.migration_user where active and status = any($1::text[]) and migrated_at is not null
       union all
       select (password_migrated_at at time zone 'UTC')::date, 'jit-password'
         from ${s}.migration_user where password_migrated_via = 'jit' and password_migrated_at is not null
     ) d group by day, measure`,
    [doneStatuses],
  );
}
