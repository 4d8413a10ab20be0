import type { MigrationInterface, QueryRunner } from 'typeorm';
import { migratedSchemaOf } from '../../schema-name.js';

/**
 * Each user's open disagreements with the target (TargetDisagreementFound not resolved): the
 * reconciler's `target-disagreements` criterion sums them. Rows projected before these facts
 * existed hold none, so the default is exact for them.
 */
export class TargetDisagreements1764490000000 implements MigrationInterface {
  name = 'TargetDisagreements1764490000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = migratedSchemaOf(queryRunner);
    await queryRunner.query(`alter table ${s}.migration_user add column open_disagreements integer not null default 0`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = migratedSchemaOf(queryRunner);
    await queryRunner.query(`alter table ${s}.migration_user drop column open_disagreements`);
  }
}
