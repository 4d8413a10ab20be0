import { DataSource, MigrationExecutor, type MigrationInterface } from 'typeorm';
import { BridgeDailyTraffic1764500000000 } from './bridge-traffic/1764500000000-bridge-daily-traffic.js';
import { EventCursor1764500000002 } from './event-cursor/1764500000002-event-cursor.js';
import { projectionMigrations } from './projection/migrations/index.js';
import { initializeDataSource } from './postgres-data-source.js';
import { ResetJournal1764500000001 } from './reset-journal/1764500000001-reset-journal.js';
import { quoteIdentifier } from './schema-name.js';

/**
 * Every set of tables the product creates in PostgreSQL, and the migrations that make each. A set
 * lives in one schema, which configuration names (PROJECTION_SCHEMA, RECONCILER_SCHEMA,
 * WATCHER_SCHEMA; replays and tests choose their own), and keeps its own migrations table there:
 * the bridge's daily traffic shares the projection schema but is not rebuilt by a replay, so its
 * history is not the projection's.
 */
export const schemaKinds = {
  /** The projector's tables and the analysts' views (apps/projector writes them). */
  projection: {
    migrations: projectionMigrations,
    // The names projection schemas were created with: they must not change.
    migrationsTable: 'typeorm_migrations',
    lockKey: (schema: string) => `projection-schema:${schema}`,
  },
  /** `bridge_daily_traffic`, in the projection schema: written by bridges of earlier versions, no longer read. */
  'bridge-traffic': {
    migrations: [BridgeDailyTraffic1764500000000],
    migrationsTable: 'typeorm_migrations_bridge_traffic',
    lockKey: (schema: string) => `bridge-traffic-schema:${schema}`,
  },
  /** `reset_attempt`, the send journal (apps/reconciler writes it). */
  'reset-journal': {
    migrations: [ResetJournal1764500000001],
    migrationsTable: 'typeorm_migrations_reset_journal',
    lockKey: (schema: string) => `reset-journal-schema:${schema}`,
  },
  /** `event_cursor` (apps/watcher writes it). */
  'event-cursor': {
    migrations: [EventCursor1764500000002],
    migrationsTable: 'typeorm_migrations_event_cursor',
    lockKey: (schema: string) => `event-cursor-schema:${schema}`,
  },
} as const satisfies Record<
  string,
  {
    migrations: readonly (new () => MigrationInterface)[];
    migrationsTable: string;
    lockKey: (schema: string) => string;
  }
>;

export type SchemaKind = keyof typeof schemaKinds;

/**
 * The one migration runner: brings `schema` up to date with the migrations of `kind`, creating
 * the schema when missing, never with `synchronize`. Under an advisory lock (per kind and schema,
 * so two processes starting at once do not both migrate) and in one transaction, on one
 * connection of its own. Tables an earlier version created by hand are adopted: those migrations
 * say `create table if not exists`. Returns the names of the migrations it applied.
 */
export async function migrateSchema(
  database: string | DataSource,
  kind: SchemaKind,
  schema: string,
): Promise<string[]> {
  const { migrations, migrationsTable, lockKey } = schemaKinds[kind];
  const url = typeof database === 'string' ? database : databaseUrlOf(database);
  const application = `migrate:${kind}:${schema}`;
  const dataSource = new DataSource({
    type: 'postgres',
    url,
    schema,
    migrations: [...migrations],
    migrationsTableName: migrationsTable,
    migrationsTransactionMode: 'all',
    synchronize: false,
    extra: { max: 1, application_name: application },
  });
  await initializeDataSource(dataSource, url, application);
  try {
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query(`select pg_advisory_lock(hashtext($1))`, [lockKey(schema)]);
      try {
        await runner.query(`create schema if not exists ${quoteIdentifier(schema)}`);
        const executor = new MigrationExecutor(dataSource, runner);
        executor.transaction = 'all';
        return (await executor.executePendingMigrations()).map((m) => m.name);
      } finally {
        await runner.query(`select pg_advisory_unlock(hashtext($1))`, [lockKey(schema)]);
      }
    } finally {
      await runner.release();
    }
  } finally {
    await dataSource.destroy();
  }
}

function databaseUrlOf(dataSource: DataSource): string {
  const { url } = dataSource.options as { url?: string };
  if (!url) throw new Error('the data source was not opened with a database URL');
  return url;
}
