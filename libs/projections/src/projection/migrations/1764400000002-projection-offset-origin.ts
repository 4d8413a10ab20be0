import type { MigrationInterface, QueryRunner } from 'typeorm';
import { migratedSchemaOf } from '../../schema-name.js';

/**
 * An offset means something only in the topic it was read from: each stored offset records the
 * Kafka cluster id and topic id it counts in, so that offsets of another cluster, or of topics
 * deleted and created again, are refused instead of skipping or waiting for records. Rows stored
 * before this migration have none; the projector checks them against the partitions' ends and
 * records the ids on its next start.
 */
export class ProjectionOffsetOrigin1764400000002 implements MigrationInterface {
  name = 'ProjectionOffsetOrigin1764400000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = migratedSchemaOf(queryRunner);
    await queryRunner.query(`alter table ${s}.projection_offset add column cluster_id text, add column topic_id text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = migratedSchemaOf(queryRunner);
    await queryRunner.query(`alter table ${s}.projection_offset drop column topic_id, drop column cluster_id`);
  }
}
