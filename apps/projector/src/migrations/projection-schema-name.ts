import type { QueryRunner } from 'typeorm';

/** Migrations run in whichever schema the data source names, so that replays and tests get their own. */
export function projectionSchemaOf(queryRunner: QueryRunner): string {
  const schema = (queryRunner.connection.options as { schema?: string }).schema;
  if (!schema) throw new Error('the projection data source has no schema');
  return `"${schema.replaceAll('"', '""')}"`;
}
