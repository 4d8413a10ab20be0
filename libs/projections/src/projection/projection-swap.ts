import type { DataSource } from 'typeorm';

/**
 * Puts a replayed projection in place of the live one, in one transaction: readers see the old
 * projection or the new one, never a mix. Only what the replay schema holds (the projector's
 * tables, views and migrations table) replaces the objects of the same name in the live schema;
 * tables other apps keep there (the bridge's daily traffic, a reconciler journal) stay.
 */
export async function replaceProjection(dataSource: DataSource, live: string, replay: string): Promise<void> {
  await dataSource.transaction(async (manager) => {
    // The lock the projector's migrations take: no projector migrates the live schema meanwhile.
    await manager.query(`select pg_advisory_xact_lock(hashtext($1))`, [`projection-schema:${live}`]);
    await manager.query(`create schema if not exists "${live}"`);
    const objects = (await manager.query(
      `select c.relname as name, c.relkind as kind from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = $1 and c.relkind in ('r', 'v') order by c.relkind desc, c.relname`,
      [replay],
    )) as { name: string; kind: 'r' | 'v' }[];
    // Views first: they depend on the tables.
    for (const { name, kind } of objects) {
      await manager.query(`drop ${kind === 'v' ? 'view' : 'table'} if exists "${live}"."${name}" cascade`);
    }
    for (const { name, kind } of objects) {
      await manager.query(`alter ${kind === 'v' ? 'view' : 'table'} "${replay}"."${name}" set schema "${live}"`);
    }
    await manager.query(`drop schema "${replay}" cascade`);
  });
}
