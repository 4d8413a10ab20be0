import type { MigrationInterface, QueryRunner } from 'typeorm';
import { doneStatuses } from '#domain';
import { migratedSchemaOf } from '../../schema-name.js';

/**
 * What the dashboard's long-tail reads scanned every user for (1.1 s and 0.4 s at 300,000 users):
 * the users migrated per day by route (`daily_progress`'s `migrated-via:…` measures, built here
 * from the rows of a projection made before them, so no replay is needed) for the burn-down by
 * route, and a partial index on the failed imports for the stuck users' pages. Partial: it holds
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
    await recountRouteDays((sql, parameters) => queryRunner.query(sql, parameters), s);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = migratedSchemaOf(queryRunner);
    await queryRunner.query(`delete from ${s}.daily_progress where measure like 'migrated-via:%'`);
    await queryRunner.query(`drop index ${s}.migration_user_import_failed`);
  }
}

/**
 * Sets the `migrated-via:…` days of the projection in `s` (quoted) to a recount of its user rows:
 * what `addDailyContribution` adds up (`migratedViaMeasure`), as a GROUP BY.
 */
export async function recountRouteDays(
  query: (sql: string, parameters?: unknown[]) => Promise<unknown>,
  s: string,
): Promise<void> {
  await query(`delete from ${s}.daily_progress where measure like 'migrated-via:%'`);
  await query(
    `insert into ${s}.daily_progress (day, measure, count)
     select (migrated_at at time zone 'UTC')::date, 'migrated-via:' || coalesce(password_migrated_via, 'federation'), count(*)
       from ${s}.migration_user
      where status = any($1::text[]) and migrated_at is not null
      group by 1, 2`,
    [doneStatuses],
  );
}
