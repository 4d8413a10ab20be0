import type { MigrationInterface, QueryRunner } from 'typeorm';
import { doneStatuses, resetCandidateStatuses } from '#domain';
import { migratedSchemaOf } from '../../schema-name.js';

/**
 * What the dashboard's long-tail reads scanned every user for (1.1 s, 2.3 s and 0.4 s at 300,000
 * users): the users migrated per day by route (`daily_progress`'s `migrated-via:…` measures) for
 * the burn-down by route; the pipeline's counters (`progress_counter`'s `pipeline:…`) and its
 * reset candidates per day of the instant their next reset counts from (`criteria_daily`'s
 * `reset-basis:…`), all built here from the rows of a projection made before them, so no replay
 * is needed; and a partial index on the failed imports for the stuck users' pages. Partial: it holds
 * only the failed imports, so it is written only when a row is or becomes one. An update that
 * changes `status` can no longer be HOT, but most such updates already change an indexed instant
 * (`imported_at`, `migrated_at`) and were not HOT before.
 */
export class LongTailCounters1764530000002 implements MigrationInterface {
  name = 'LongTailCounters1764530000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = migratedSchemaOf(queryRunner);
    await queryRunner.query(
      `create index migration_user_import_failed on ${s}.migration_user (sub) where status = 'import-failed'`,
    );
    await recountLongTailCounters((sql, parameters) => queryRunner.query(sql, parameters), s);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = migratedSchemaOf(queryRunner);
    await queryRunner.query(`delete from ${s}.daily_progress where measure like 'migrated-via:%'`);
    await queryRunner.query(`delete from ${s}.progress_counter where measure like 'pipeline:%'`);
    await queryRunner.query(`delete from ${s}.criteria_daily where measure like 'reset-basis:%'`);
    await queryRunner.query(`drop index ${s}.migration_user_import_failed`);
  }
}

/**
 * Sets the long-tail counters of the projection in `s` (quoted) to a recount of its user rows:
 * what `addDailyContribution` (`migratedViaMeasure`) and `addResetPipelineContribution` add up,
 * as GROUP BYs. The projector's counters spec holds the maintained counters equal to it.
 */
export async function recountLongTailCounters(
  query: (sql: string, parameters?: unknown[]) => Promise<unknown>,
  s: string,
): Promise<void> {
  await query(`delete from ${s}.daily_progress where measure like 'migrated-via:%'`);
  await query(`delete from ${s}.progress_counter where measure like 'pipeline:%'`);
  await query(`delete from ${s}.criteria_daily where measure like 'reset-basis:%'`);
  await query(
    `insert into ${s}.daily_progress (day, measure, count)
     select (migrated_at at time zone 'UTC')::date, 'migrated-via:' || coalesce(password_migrated_via, 'federation'), count(*)
       from ${s}.migration_user
      where status = any($1::text[]) and migrated_at is not null
      group by 1, 2`,
    [doneStatuses],
  );
  await query(
    `insert into ${s}.progress_counter (measure, dimension, count)
     select v.measure, '', v.count from (
       select coalesce(sum(resets_sent) filter (where resets_sent > 0), 0) as attempts,
              count(*) filter (where resets_sent > 0) as users,
              count(*) filter (where resets_sent > 0 and not status = any($1::text[])) as awaiting,
              count(*) filter (where password_migrated_via = 'reset' and status = any($1::text[])) as completed
         from ${s}.migration_user
     ) t cross join lateral (values
       ('pipeline:sent-attempts', t.attempts), ('pipeline:sent-users', t.users),
       ('pipeline:awaiting', t.awaiting), ('pipeline:completed', t.completed)
     ) as v(measure, count)
     where v.count > 0`,
    [doneStatuses],
  );
  await query(
    `insert into ${s}.criteria_daily (day, measure, count)
     select (b.at at time zone 'UTC')::date, 'reset-basis:' || b.basis || ':' || u.resets_sent || ':' || u.status, count(*)
       from ${s}.migration_user u cross join lateral (
         select case when u.resets_sent = 0 or u.last_reset_at is null then 'import' else 'reset' end as basis,
                case when u.resets_sent = 0 or u.last_reset_at is null then u.imported_at else u.last_reset_at end as at
       ) b
      where u.imported_at is not null and u.status = any($1::text[])
      group by 1, 2`,
    [resetCandidateStatuses],
  );
}
