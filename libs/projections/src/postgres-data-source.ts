import { DataSource } from 'typeorm';
import { DatabaseUnavailableError } from './database-unavailable-error.js';
import { projectionEntities } from './projection/entities/index.js';

export interface PostgresOptions {
  readonly url: string;
  /** The projection schema: where the entities' repositories find the projector's tables. */
  readonly schema?: string;
  /** Shown in `pg_stat_activity`. */
  readonly application: string;
  readonly maxConnections?: number;
  /** How long to wait for a connection before a query fails; default: as long as it takes. */
  readonly connectTimeoutMs?: number;
}

/**
 * How every app reaches PostgreSQL: a TypeORM data source (a pg pool underneath). Repositories
 * for the projection's entities, `query()` for the set-based SQL the entities cannot express.
 * It creates nothing: `migrateSchema` does, for the schemas an app writes.
 */
export async function openPostgres(options: PostgresOptions): Promise<DataSource> {
  const dataSource = new DataSource({
    type: 'postgres',
    url: options.url,
    ...(options.schema !== undefined ? { schema: options.schema } : {}),
    entities: projectionEntities,
    synchronize: false,
    extra: {
      max: options.maxConnections ?? 4,
      application_name: options.application,
      ...(options.connectTimeoutMs !== undefined ? { connectionTimeoutMillis: options.connectTimeoutMs } : {}),
    },
  });
  await initializeDataSource(dataSource, options.url, options.application);
  return dataSource;
}

/**
 * `dataSource.initialize()`, where every command first meets the server: one that is not there,
 * or stops answering, is named (host, port, database, DATABASE_URL) instead of the driver's
 * `connect ECONNREFUSED …`.
 */
export async function initializeDataSource(dataSource: DataSource, url: string, application: string): Promise<void> {
  try {
    await dataSource.initialize();
  } catch (error) {
    throw DatabaseUnavailableError.of(error, url, `the first connection (${application})`) ?? error;
  }
}
