import type { MigrationInterface, QueryRunner } from 'typeorm';
import { migratedSchemaOf } from '../../schema-name.js';

/**
 * The dashboard's long-tail pipeline and stuck users: every `ResetSkipped` of the control topic
 * (`reset_skip`), and every fact the projector sent to the dead-letter topic with its reason
 * (`dead_letter`). Created empty: a projection made before it holds neither until it is rebuilt
 * (`ledger project --replay`), since its offsets are already past those facts.
 */
export class ResetSkipsAndDeadLetters1764530000000 implements MigrationInterface {
  name = 'ResetSkipsAndDeadLetters1764530000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = migratedSchemaOf(queryRunner);
    await queryRunner.query(`
      create table ${s}.reset_skip (
        sub text not null,
        target text not null,
        attempt integer not null,
        event_id uuid not null,
        reason text not null,
        skipped_at timestamptz not null,
        primary key (sub, target, attempt)
      )`);
    await queryRunner.query(`
      create table ${s}.dead_letter (
        topic text not null,
        partition integer not null,
        "offset" bigint not null,
        sub text not null,
        event_id uuid not null,
        type text not null,
        time timestamptz not null,
        reason text not null,
        primary key (topic, partition, "offset")
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = migratedSchemaOf(queryRunner);
    await queryRunner.query(`drop table ${s}.dead_letter`);
    await queryRunner.query(`drop table ${s}.reset_skip`);
  }
}
