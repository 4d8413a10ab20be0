import { openPostgres } from './postgres-data-source.js';
import { quoteIdentifier } from './schema-name.js';

/**
 * Drops these schemas and everything in them, in one transaction (the demo's namespace starting
 * over). Never for a real migration's schemas: the next `migrateSchema` creates them empty.
 */
export async function dropSchemas(databaseUrl: string, schemas: readonly string[]): Promise<void> {
  const db = await openPostgres({ url: databaseUrl, application: 'drop-schemas', maxConnections: 1 });
  try {
    await db.transaction(async (manager) => {
      for (const schema of schemas) await manager.query(`drop schema if exists ${quoteIdentifier(schema)} cascade`);
    });
  } finally {
    await db.destroy();
  }
}
