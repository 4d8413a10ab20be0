import type { MigrationInterface, QueryRunner } from 'typeorm';
import { migratedSchemaOf } from '../../schema-name.js';

/**
 * The completion metrics, federation progress and burn-down computed straight from the user rows:
 * the definitions analysts query. The API serves the same numbers from maintained counters
 * (`progress_counter`, `daily_progress`). What each figure counts is defined in libs/domain
 * (done-definition.ts); test/done-definition.int.spec.ts holds these views equal to it over
 * generated ledgers. docs/projections.md documents each column.
 */
export class AnalystViews1764400000001 implements MigrationInterface {
  name = 'AnalystViews1764400000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = migratedSchemaOf(queryRunner);
    await queryRunner.query(`
      create view ${s}.completion_metrics as
      select
        count(*) as users,
        count(*) filter (where status = 'migrated') as migrated,
        count(*) filter (where status = 'imported') as imported,
        count(*) filter (where status = 'exported') as exported,
        count(*) filter (where status = 'import-failed') as import_failed,
        count(*) filter (where status = 'disabled') as disabled,
        count(*) filter (where status = 'unexported') as unexported,
        count(*) filter (where active) as active,
        count(*) filter (where active and status = 'migrated') as active_migrated,
        round(100.0 * count(*) filter (where status = 'migrated') / nullif(count(*), 0), 2) as pct_migrated,
        round(
          100.0 * count(*) filter (where active and status = 'migrated') / nullif(count(*) filter (where active), 0),
          2
        ) as pct_active_migrated,
        count(*) filter (where mfa_required) as mfa_required,
        count(*) filter (where mfa_required and mfa_reenrolled_at is not null) as mfa_reenrolled,
        count(*) filter (where password_migrated_via = 'jit') as password_via_jit,
        count(*) filter (where password_migrated_via = 'reset') as password_via_reset,
        coalesce(sum(resets_sent), 0) as resets_sent,
        count(*) filter (where resets_sent > 0) as users_reset
      from ${s}.migration_user`);
    await queryRunner.query(`
      create view ${s}.federation_progress as
      select provider, count(*) as expected, count(*) filter (where provider = any (u.rebound_providers)) as rebound
      from ${s}.migration_user u, unnest(u.expected_providers) as provider
      group by provider`);
    await queryRunner.query(`
      create view ${s}.burn_down as
      with milestones as (
        select (exported_at at time zone 'UTC')::date as day, 'exported' as measure
          from ${s}.migration_user where exported_at is not null
        union all
        select (imported_at at time zone 'UTC')::date, 'imported'
          from ${s}.migration_user where imported_at is not null
        union all
        select (migrated_at at time zone 'UTC')::date, 'migrated'
          from ${s}.migration_user where migrated_at is not null
        union all
        select (mfa_reenrolled_at at time zone 'UTC')::date, 'mfa-reenrolled'
          from ${s}.migration_user where mfa_reenrolled_at is not null
        union all
        select ((r.value ->> 'at')::timestamptz at time zone 'UTC')::date, 'resets-sent'
          from ${s}.migration_user u, jsonb_each(u.state -> 'resets') as r
      ),
      daily as (
        select day,
          count(*) filter (where measure = 'exported') as exported,
          count(*) filter (where measure = 'imported') as imported,
          count(*) filter (where measure = 'migrated') as migrated,
          count(*) filter (where measure = 'mfa-reenrolled') as mfa_reenrolled,
          count(*) filter (where measure = 'resets-sent') as resets_sent
        from milestones group by day
      )
      select day, exported, imported, migrated, mfa_reenrolled, resets_sent,
        sum(exported) over w as exported_total,
        sum(imported) over w as imported_total,
        sum(migrated) over w as migrated_total,
        sum(exported) over w - sum(migrated) over w as remaining
      from daily
      window w as (order by day)`);
    await queryRunner.query(`
      create view ${s}.user_list as
      select sub, pool_id, username, email, phone_number, enabled, source_status, status, active, mfa_required,
        mfa_reenrolled_at, mfa_methods, expected_providers, rebound_providers, target, target_user_id, login_name,
        needs_password_migration, treatment, last_import_failure, exported_at, imported_at, import_failed_at,
        password_migrated_via, password_migrated_at, migrated_at, resets_sent, last_reset_at, source_updated_at
      from ${s}.migration_user`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = migratedSchemaOf(queryRunner);
    for (const view of ['user_list', 'burn_down', 'federation_progress', 'completion_metrics']) {
      await queryRunner.query(`drop view ${s}.${view}`);
    }
  }
}
