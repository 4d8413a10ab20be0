import type { DataSource } from 'typeorm';
import { openPostgres } from './postgres-data-source.js';
import { quoteIdentifier } from './schema-name.js';

/**
 * Drops these schemas and everything in them, in one transaction (a replay's scratch schema, the
 * demo's namespace starting over). Never a real migration's live schemas: the next
 * `migrateSchema` would create them empty.
 */
export async function dropSchemas(database: string | DataSource, schemas: readonly string[]): Promise<void> {
  const db =
    typeof database === 'string'
      ? await openPostgres({ url: database, application: 'drop-schemas', maxConnections: 1 })
      : database;
  try {
    await db.transaction(async (manager) => {
      for (const schema of schemas) await manager.query(`drop schema if exists ${quoteIdentifier(schema)} cascade`);
    });
  } finally {
    if (typeof database === 'string') await db.destroy();
  }
}

/** Whether the schema exists (a live projection to compare a replay with). */
export async function schemaExists(db: DataSource, schema: string): Promise<boolean> {
  const found: unknown[] = await db.query(`select 1 from pg_namespace where nspname = $1`, [schema]);
  return found.length > 0;
}
