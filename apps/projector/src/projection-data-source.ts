import { DataSource } from 'typeorm';
import { projectionEntities } from './entities/index.js';
import { projectionMigrations } from './migrations/index.js';

/**
 * A data source on one projection schema. The schema is created when missing and brought up to
 * date by the migrations (never `synchronize`), under an advisory lock so that two processes
 * starting at once do not both migrate.
 */
export async function openProjectionDataSource(databaseUrl: string, schema: string): Promise<DataSource> {
  const dataSource = new DataSource({
    type: 'postgres',
    url: databaseUrl,
    schema,
    entities: projectionEntities,
    migrations: projectionMigrations,
    migrationsTableName: 'typeorm_migrations',
    migrationsTransactionMode: 'all',
    synchronize: false,
    extra: { max: 6, application_name: `projector:${schema}` },
  });
  await dataSource.initialize();
  try {
    await migrateProjectionSchema(dataSource, schema);
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}

async function migrateProjectionSchema(dataSource: DataSource, schema: string): Promise<void> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query(`select pg_advisory_lock(hashtext($1))`, [`projection-schema:${schema}`]);
    try {
      await runner.query(`create schema if not exists "${schema}"`);
      await dataSource.runMigrations({ transaction: 'all' });
    } finally {
      await runner.query(`select pg_advisory_unlock(hashtext($1))`, [`projection-schema:${schema}`]);
    }
  } finally {
    await runner.release();
  }
}
