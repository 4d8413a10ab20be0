import type { MigrationInterface, QueryRunner } from 'typeorm';
import { migratedSchemaOf } from '../../schema-name.js';

/**
 * The cutover phase changes of each target, for the dashboard's timeline. Created empty: a
 * projection made before it holds none until it is rebuilt (`ledger project --replay`), since the
 * control topic's offsets are already past those facts.
 */
export class CutoverChanges1764520000000 implements MigrationInterface {
  name = 'CutoverChanges1764520000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = migratedSchemaOf(queryRunner);
    await queryRunner.query(`
      create table ${s}.cutover_change (
        target_kind text not null,
        target_realm text not null,
        sequence integer not null,
        event_id uuid not null,
        from_phase text not null,
        to_phase text not null,
        decided_by text not null,
        operator text,
        reason text not null,
        override boolean not null,
        decided_at timestamptz not null,
        criteria jsonb not null,
        primary key (target_kind, target_realm, sequence)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = migratedSchemaOf(queryRunner);
    await queryRunner.query(`drop table ${s}.cutover_change`);
  }
}
