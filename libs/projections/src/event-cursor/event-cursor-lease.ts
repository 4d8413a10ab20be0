import type { DataSource, QueryRunner } from 'typeorm';
import { selectColumns } from '../entity-columns.js';
import { openPostgres } from '../postgres-data-source.js';
import { migrateSchema } from '../schema-migrations.js';
import { quoteIdentifier } from '../schema-name.js';
import { EventCursorPosition } from './event-cursor-position.entity.js';

/** Where a watcher stands: the event time read up to, and the ids read at the latest times. */
export interface StoredEventCursor {
  readonly eventTime: number;
  readonly recent: Readonly<Record<string, number>>;
}

/** One source's cursor (`event_cursor`), held by one watcher at a time until `release()`. */
export interface EventCursorLease {
  /** Undefined before the first save. */
  load(): Promise<StoredEventCursor | undefined>;
  save(cursor: StoredEventCursor, eventsRead: number): Promise<void>;
  release(): Promise<void>;
}

/**
 * Leases the cursor of `source` (the Keycloak URL and realm) in `schema`, which is created or
 * brought up to date first; undefined when another watcher holds it. The lease is a session-level
 * advisory lock on a connection of its own, held until `release()` closes that connection: a
 * second watcher fails at start instead of racing the first over the same events.
 */
export async function leaseEventCursor(
  databaseUrl: string,
  schema: string,
  source: string,
): Promise<EventCursorLease | undefined> {
  await migrateSchema(databaseUrl, 'event-cursor', schema);
  const db = await openPostgres({ url: databaseUrl, application: 'watcher', maxConnections: 1 });
  let runner: QueryRunner | undefined;
  try {
    runner = db.createQueryRunner();
    await runner.connect();
    const [lock] = (await runner.query('select pg_try_advisory_lock(hashtextextended($1, 0)) as locked', [
      `watcher:${source}`,
    ])) as { locked: boolean }[];
    if (!lock?.locked) {
      await close(db, runner);
      return undefined;
    }
    return new PostgresEventCursorLease(db, runner, `${quoteIdentifier(schema)}.event_cursor`, source);
  } catch (error) {
    await close(db, runner).catch(() => undefined);
    throw error;
  }
}

async function close(db: DataSource, runner: QueryRunner | undefined): Promise<void> {
  await runner?.release();
  // Closing the pool ends the session, which releases the advisory lock.
  await db.destroy();
}

class PostgresEventCursorLease implements EventCursorLease {
  constructor(
    private readonly db: DataSource,
    private readonly runner: QueryRunner,
    private readonly table: string,
    private readonly source: string,
  ) {}

  async load(): Promise<StoredEventCursor | undefined> {
    const [row] = (await this.runner.query(
      `select ${selectColumns(EventCursorPosition, ['eventTime', 'recent'])} from ${this.table} where source = $1`,
      [this.source],
    )) as Pick<EventCursorPosition, 'eventTime' | 'recent'>[];
    return row ? { eventTime: Number(row.eventTime), recent: row.recent } : undefined;
  }

  async save(cursor: StoredEventCursor, eventsRead: number): Promise<void> {
    await this.runner.query(
      `insert into ${this.table} (source, event_time, recent, events_read, updated_at)
       values ($1, $2, $3, $4, now())
       on conflict (source) do update set event_time = excluded.event_time, recent = excluded.recent,
         events_read = ${this.table}.events_read + excluded.events_read, updated_at = now()`,
      [this.source, cursor.eventTime, JSON.stringify(cursor.recent), eventsRead],
    );
  }

  async release(): Promise<void> {
    await close(this.db, this.runner);
  }
}
