import pg from 'pg';
import { initialCursor, type EventCursor } from './event-cursor.js';
import { WatcherBusyError } from './watcher-busy-error.js';

/** The cursor of one realm, held by one watcher at a time. */
export interface CursorLease {
  load(): Promise<EventCursor>;
  save(cursor: EventCursor, eventsRead: number): Promise<void>;
  release(): Promise<void>;
}

/**
 * Keeps each realm's event cursor in PostgreSQL (table `<schema>.event_cursor`).
 *
 * Why PostgreSQL and not Kafka: the cursor is bookkeeping about reading Keycloak, not a migration
 * fact, so it stays out of the immutable ledger; it is one row rewritten on every page, which a
 * table does in place while a topic would need compaction and a read of its tail at each start.
 * Why it is still consistent with the ledger: facts are published (acks=all) before the cursor
 * moves past the events that proved them. A crash in between re-reads those events after the
 * restart, and their facts, already in the ledger with the same deterministic ids, are skipped
 * (the watcher folds the ledger before it applies a page). So nothing is missed and nothing is
 * recorded twice.
 *
 * One watcher per realm: a session-level advisory lock, held for the whole run, makes a second
 * one fail at start instead of racing the first over the same events. Hand-written SQL: one table
 * and one upsert, which a migration framework would only wrap.
 */
export class EventCursorStore {
  constructor(
    private readonly databaseUrl: string,
    private readonly schema: string,
  ) {}

  /** Locks `source` (the Keycloak URL and realm) for this watcher; WatcherBusyError when another holds it. */
  async lease(source: string): Promise<CursorLease> {
    const client = new pg.Client({ connectionString: this.databaseUrl });
    await client.connect();
    try {
      const table = `${pg.escapeIdentifier(this.schema)}.event_cursor`;
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${pg.escapeIdentifier(this.schema)}`);
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${table} (
           source text PRIMARY KEY,
           event_time bigint NOT NULL,
           recent jsonb NOT NULL,
           events_read bigint NOT NULL DEFAULT 0,
           updated_at timestamptz NOT NULL DEFAULT now()
         )`,
      );
      const lock = await client.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked',
        [`watcher:${source}`],
      );
      if (!lock.rows[0]?.locked) throw new WatcherBusyError(source);
      return new PostgresCursorLease(client, table, source);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
  }
}

class PostgresCursorLease implements CursorLease {
  constructor(
    private readonly client: pg.Client,
    private readonly table: string,
    private readonly source: string,
  ) {}

  async load(): Promise<EventCursor> {
    const { rows } = await this.client.query<{ event_time: string; recent: Record<string, number> }>(
      `SELECT event_time, recent FROM ${this.table} WHERE source = $1`,
      [this.source],
    );
    const row = rows[0];
    return row ? { time: Number(row.event_time), recent: row.recent } : initialCursor;
  }

  async save(cursor: EventCursor, eventsRead: number): Promise<void> {
    await this.client.query(
      `INSERT INTO ${this.table} (source, event_time, recent, events_read, updated_at)
       VALUES ($1, $2, $3, $4, now())
       ON CONFLICT (source) DO UPDATE SET event_time = EXCLUDED.event_time, recent = EXCLUDED.recent,
         events_read = ${this.table}.events_read + EXCLUDED.events_read, updated_at = now()`,
      [this.source, cursor.time, JSON.stringify(cursor.recent), eventsRead],
    );
  }

  async release(): Promise<void> {
    // Ending the session releases the advisory lock.
    await this.client.end();
  }
}
