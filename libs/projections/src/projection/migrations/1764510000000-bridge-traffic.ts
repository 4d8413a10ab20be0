import type { MigrationInterface, QueryRunner } from 'typeorm';
import { migratedSchemaOf } from '../../schema-name.js';

/**
 * The bridge's traffic as recorded in the ledger (BridgeTrafficObservation), from which the
 * bridge criteria are computed. A schema projected before these facts existed held none of them,
 * so an empty table is exact for it. The older `bridge_daily_traffic`, which bridges wrote
 * directly, is left where it is and no longer read.
 */
export class BridgeTraffic1764510000000 implements MigrationInterface {
  name = 'BridgeTraffic1764510000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = migratedSchemaOf(queryRunner);
    await queryRunner.query(`
      create table ${s}.bridge_traffic (
        event_id uuid primary key,
        realm text not null,
        instance uuid not null,
        interval_start timestamptz not null,
        interval_end timestamptz not null,
        complete boolean not null,
        cognito_calls integer not null,
        unavailable integer not null,
        counts jsonb not null
      )`);
    await queryRunner.query(`create index bridge_traffic_interval_end on ${s}.bridge_traffic (interval_end)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`drop table ${migratedSchemaOf(queryRunner)}.bridge_traffic`);
  }
}
