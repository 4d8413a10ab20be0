import type { QueryRunner } from 'typeorm';

/** `"name"`, quoted for SQL (a double quote inside is doubled). */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * The schema a migration runs in, quoted: whichever schema the runner's data source names, so that
 * replays and tests get their own (see schema-migrations.ts).
 */
export function migratedSchemaOf(queryRunner: QueryRunner): string {
  const schema = (queryRunner.connection.options as { schema?: string }).schema;
  if (!schema) throw new Error('the migration data source has no schema');
  return quoteIdentifier(schema);
}
