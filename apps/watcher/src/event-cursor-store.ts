import { leaseEventCursor } from '#projections';
import { initialCursor, type EventCursor } from './event-cursor.js';
import { WatcherBusyError } from './watcher-busy-error.js';

/** The cursor of one realm, held by one watcher at a time. */
export interface CursorLease {
  load(): Promise<EventCursor>;
  save(cursor: EventCursor, eventsRead: number): Promise<void>;
  release(): Promise<void>;
}

/**
 * Keeps each realm's event cursor in PostgreSQL (table `<schema>.event_cursor`, libs/projections'
 * EventCursorPosition and its lease).
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
 * One watcher per realm: the lease is a session-level advisory lock, held for the whole run, so a
 * second watcher fails at start instead of racing the first over the same events.
 */
export class EventCursorStore {
  constructor(
    private readonly databaseUrl: string,
    private readonly schema: string,
  ) {}

  /** Locks `source` (the Keycloak URL and realm) for this watcher; WatcherBusyError when another holds it. */
  async lease(source: string): Promise<CursorLease> {
    const lease = await leaseEventCursor(this.databaseUrl, this.schema, source);
    if (!lease) throw new WatcherBusyError(source);
    return {
      load: async () => {
        const stored = await lease.load();
        return stored ? { time: stored.eventTime, recent: stored.recent } : initialCursor;
      },
      save: (cursor, eventsRead) => lease.save({ eventTime: cursor.time, recent: cursor.recent }, eventsRead),
      release: () => lease.release(),
    };
  }
}
