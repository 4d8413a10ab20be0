import { createHash } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import type { StoredPosition } from '#ledger';
import { storedPositions } from './projection-store.js';

/** `topic/partition` -> offset. */
export type PartitionOffsets = ReadonlyMap<string, bigint>;

/** Every table that holds projected state, with the key that orders it; offsets are bookkeeping, not state. */
const stateTables = [
  { table: 'migration_user', key: `sub` },
  { table: 'id_translation', key: `cognito_sub || '/' || target` },
  { table: 'progress_counter', key: `measure || '/' || dimension` },
  { table: 'daily_progress', key: `day::text || '/' || measure` },
  { table: 'user_event', key: `event_id::text || '/' || content_hash` },
  { table: 'export_run', key: `run_id::text` },
  { table: 'bridge_traffic', key: `event_id::text` },
  { table: 'cutover_change', key: `target_kind || '/' || target_realm || '/' || sequence` },
  { table: 'reset_skip', key: `sub || '/' || target || '/' || attempt` },
  { table: 'dead_letter', key: `topic || '/' || partition || '/' || "offset"` },
  { table: 'criteria_daily', key: `day::text || '/' || measure` },
] as const;

export interface TableDigest {
  readonly table: string;
  readonly rows: number;
  readonly digest: string;
}

export interface ProjectionSnapshot {
  /** sha256 over the table digests: equal digests, equal projections. */
  readonly digest: string;
  readonly tables: readonly TableDigest[];
  /** The offsets the state was projected up to, read in the same snapshot. */
  readonly offsets: PartitionOffsets;
  /** The same offsets with the cluster and topic ids they count in. */
  readonly positions: readonly StoredPosition[];
}

export interface RowDifference {
  readonly table: string;
  readonly key: string;
  readonly left: unknown;
  readonly right: unknown;
}

/**
 * A deterministic digest of a projection schema: per table, sha256 over the md5 of each row's
 * text in key order. Rows render in UTC and ISO dates, so the digest does not depend on the
 * session's settings; every column follows from the ledger, so two schemas projected from the
 * same records have the same digest.
 */
export async function projectionSnapshot(dataSource: DataSource, schema: string): Promise<ProjectionSnapshot> {
  return inSnapshot(dataSource, async (manager) => {
    const tables: TableDigest[] = [];
    for (const { table, key } of stateTables) {
      const [row] = (await manager.query(
        `select count(*)::int as rows,
           encode(sha256(convert_to(coalesce(string_agg(md5(t::text), '' order by ${key}), ''), 'UTF8')), 'hex') as digest
         from "${schema}".${table} t`,
      )) as { rows: number; digest: string }[];
      tables.push({ table, rows: row!.rows, digest: row!.digest });
    }
    const positions = await storedPositions(manager, schema);
    const overall = createHash('sha256');
    for (const t of tables) overall.update(`${t.table}:${t.digest}\n`);
    return {
      digest: `sha256:${overall.digest('hex')}`,
      tables,
      offsets: new Map(positions.map((p) => [`${p.topic}/${p.partition}`, p.next])),
      positions,
    };
  });
}

/** The first rows (by key) that differ between two projection schemas of the same database. */
export async function firstDifferences(
  dataSource: DataSource,
  left: string,
  right: string,
  limit = 10,
): Promise<RowDifference[]> {
  return inSnapshot(dataSource, async (manager) => {
    const differences: RowDifference[] = [];
    for (const { table, key } of stateTables) {
      if (differences.length >= limit) break;
      const side = (schema: string) =>
        `select ${key} as k, md5(t::text) as h, to_jsonb(t) as row from "${schema}".${table} t`;
      const rows: { k: string; l: unknown; r: unknown }[] = await manager.query(
        `select coalesce(a.k, b.k) as k, a.row as l, b.row as r
         from (${side(left)}) a full join (${side(right)}) b on a.k = b.k
         where a.h is distinct from b.h
         order by 1 limit $1`,
        [limit - differences.length],
      );
      for (const row of rows) differences.push({ table, key: row.k, left: row.l, right: row.r });
    }
    return differences;
  });
}

async function inSnapshot<T>(dataSource: DataSource, work: (manager: EntityManager) => Promise<T>): Promise<T> {
  return dataSource.transaction('REPEATABLE READ', async (manager) => {
    await manager.query(`set local timezone to 'UTC'`);
    await manager.query(`set local datestyle to 'ISO, YMD'`);
    return work(manager);
  });
}
