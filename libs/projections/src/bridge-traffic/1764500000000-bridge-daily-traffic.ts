import type { MigrationInterface, QueryRunner } from 'typeorm';
import { migratedSchemaOf } from '../schema-name.js';

/**
 * The bridge's daily Cognito call counts (BridgeTrafficDay). Bridges before this migration created
 * the table by hand at start: `if not exists` adopts theirs with its counts.
 */
export class BridgeDailyTraffic1764500000000 implements MigrationInterface {
  name = 'BridgeDailyTraffic1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = migratedSchemaOf(queryRunner);
    await queryRunner.query(`
      create table if not exists ${s}.bridge_daily_traffic (
        day date primary key,
        cognito_calls bigint not null default 0,
        unavailable bigint not null default 0
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`drop table ${migratedSchemaOf(queryRunner)}.bridge_daily_traffic`);
  }
}
