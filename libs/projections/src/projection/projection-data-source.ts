import type { DataSource } from 'typeorm';
import { openPostgres } from '../postgres-data-source.js';
import { migrateSchema } from '../schema-migrations.js';

/**
 * A data source on one projection schema, which is created when missing and brought up to date by
 * the projection's migrations first (the projector, replays and benchmarks open it this way).
 */
export async function openProjectionDataSource(databaseUrl: string, schema: string): Promise<DataSource> {
  await migrateSchema(databaseUrl, 'projection', schema);
  return openPostgres({ url: databaseUrl, schema, application: `projector:${schema}`, maxConnections: 6 });
}
