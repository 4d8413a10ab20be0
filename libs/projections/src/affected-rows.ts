import type { DataSource } from 'typeorm';

/**
 * Runs an insert, update or delete and returns how many rows it changed. `DataSource.query`
 * answers an update with `[rows, count]` but an insert with its rows; the query runner's
 * structured result carries the count for every statement.
 */
export async function affectedRows(db: DataSource, sql: string, parameters: readonly unknown[]): Promise<number> {
  const runner = db.createQueryRunner();
  try {
    const result = await runner.query(sql, [...parameters], true);
    return result.affected ?? 0;
  } finally {
    await runner.release();
  }
}
