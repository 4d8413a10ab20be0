import type { MigrationInterface, QueryRunner } from 'typeorm';
import { migratedSchemaOf } from '../../schema-name.js';

/**
 * The required actions the import set on the user (`UserImported.requiredActions`): the JIT
 * bridge asks the target for exactly these along with a migrated password. Rows projected before
 * this column hold null until a replay; the bridge then applies the import's rule to the export.
 */
export class ImportRequiredActions1764480000000 implements MigrationInterface {
  name = 'ImportRequiredActions1764480000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = migratedSchemaOf(queryRunner);
    await queryRunner.query(`alter table ${s}.migration_user add column if not exists required_actions text[]`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = migratedSchemaOf(queryRunner);
    await queryRunner.query(`alter table ${s}.migration_user drop column if exists required_actions`);
  }
}
