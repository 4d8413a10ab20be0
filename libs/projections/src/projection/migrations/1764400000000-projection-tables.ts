import type { MigrationInterface, QueryRunner } from 'typeorm';
import { migratedSchemaOf } from '../../schema-name.js';

export class ProjectionTables1764400000000 implements MigrationInterface {
  name = 'ProjectionTables1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = migratedSchemaOf(queryRunner);
    await queryRunner.query(`
      create table ${s}.migration_user (
        sub text primary key,
        pool_id text,
        username text,
        email text,
        phone_number text,
        enabled boolean,
        source_status text,
        status text not null,
        active boolean not null,
        mfa_required boolean not null,
        mfa_reenrolled_at timestamptz,
        mfa_methods text[] not null,
        expected_providers text[] not null,
        rebound_providers text[] not null,
        target text,
        target_user_id text,
        login_name text,
        needs_password_migration boolean,
        treatment text,
        last_import_failure text,
        exported_at timestamptz,
        imported_at timestamptz,
        import_failed_at timestamptz,
        password_migrated_via text,
        password_migrated_at timestamptz,
        migrated_at timestamptz,
        resets_sent integer not null,
        last_reset_at timestamptz,
        source_updated_at timestamptz,
        state jsonb not null
      )`);
    // The JIT bridge finds a user by any sign-in name in one query (username, login name, e-mail,
    // phone, sub or target id, OR-ed): each column needs its index for a bitmap OR. Every other
    // index would slow each batch down, so lists filter by status over the primary key instead.
    await queryRunner.query(`create index migration_user_username on ${s}.migration_user (lower(username))`);
    await queryRunner.query(`create index migration_user_login on ${s}.migration_user (lower(login_name))`);
    await queryRunner.query(`create index migration_user_email on ${s}.migration_user (email)`);
    await queryRunner.query(`create index migration_user_phone on ${s}.migration_user (phone_number)`);
    await queryRunner.query(`create index migration_user_target on ${s}.migration_user (target_user_id)`);
    await queryRunner.query(`
      create table ${s}.id_translation (
        cognito_sub text not null,
        target text not null,
        target_user_id text not null,
        imported_at timestamptz not null,
        primary key (cognito_sub, target)
      )`);
    await queryRunner.query(`create index id_translation_target_user on ${s}.id_translation (target, target_user_id)`);
    await queryRunner.query(`
      create table ${s}.progress_counter (
        measure text not null,
        dimension text not null,
        count bigint not null,
        primary key (measure, dimension)
      )`);
    await queryRunner.query(`
      create table ${s}.daily_progress (
        day date not null,
        measure text not null,
        count bigint not null,
        primary key (day, measure)
      )`);
    await queryRunner.query(`
      create table ${s}.projection_offset (
        topic text not null,
        partition integer not null,
        next_offset bigint not null,
        primary key (topic, partition)
      )`);
    await queryRunner.query(`
      create table ${s}.user_event (
        event_id uuid not null,
        content_hash text not null,
        sub text not null,
        type text not null,
        time timestamptz not null,
        source text not null,
        correlation_id text not null,
        topic text not null,
        partition integer not null,
        "offset" bigint not null,
        data jsonb not null,
        -- Led by sub: the one index serves both the duplicate check and a user's history.
        primary key (sub, event_id, content_hash)
      )`);
    await queryRunner.query(`
      create table ${s}.export_run (
        run_id uuid primary key,
        pool_id text not null,
        started_at timestamptz,
        completed_at timestamptz,
        users integer,
        digest text
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = migratedSchemaOf(queryRunner);
    for (const table of [
      'export_run',
      'user_event',
      'projection_offset',
      'daily_progress',
      'progress_counter',
      'id_translation',
      'migration_user',
    ]) {
      await queryRunner.query(`drop table ${s}.${table}`);
    }
  }
}
