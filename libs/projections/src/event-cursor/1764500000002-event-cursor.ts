import type { MigrationInterface, QueryRunner } from 'typeorm';
import { migratedSchemaOf } from '../schema-name.js';

/**
 * The watcher's event cursor (EventCursorPosition). Watchers before this migration created the
 * table by hand at each start: `if not exists` adopts theirs with its cursors.
 */
export class EventCursor1764500000002 implements MigrationInterface {
  name = 'EventCursor1764500000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = migratedSchemaOf(queryRunner);
    await queryRunner.query(`
      create table if not exists ${s}.event_cursor (
        source text primary key,
        event_time bigint not null,
        recent jsonb not null,
        events_read bigint not null default 0,
        updated_at timestamptz not null default now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`drop table ${migratedSchemaOf(queryRunner)}.event_cursor`);
  }
}
