import type { MigrationInterface, QueryRunner } from 'typeorm';
import { migratedSchemaOf } from '../schema-name.js';

/**
 * The reconciler's send journal (ResetAttempt). Reconcilers before this migration created the
 * table by hand on their first pass: `if not exists` adopts theirs with its attempts.
 */
export class ResetJournal1764500000001 implements MigrationInterface {
  name = 'ResetJournal1764500000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = migratedSchemaOf(queryRunner);
    await queryRunner.query(`
      create table if not exists ${s}.reset_attempt (
        sub text not null,
        target text not null,
        attempt integer not null,
        reason text not null,
        target_user_id text,
        state text not null check (state in ('intended', 'sent', 'recorded', 'skipped')),
        intended_at timestamptz not null,
        updated_at timestamptz not null,
        primary key (sub, target, attempt)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`drop table ${migratedSchemaOf(queryRunner)}.reset_attempt`);
  }
}
