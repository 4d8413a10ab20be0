import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Where the watcher stands in one Keycloak realm's user events (schema WATCHER_SCHEMA): the event
 * time it read up to and the ids of the events read at the latest times (Keycloak's event times
 * are not unique). Bookkeeping about reading Keycloak, not a migration fact, so it stays out of
 * the ledger; one row rewritten on every page.
 */
@Entity({ name: 'event_cursor' })
export class EventCursorPosition {
  /** The Keycloak URL and realm. */
  @PrimaryColumn({ type: 'text' })
  source!: string;

  /** Milliseconds since the epoch, as Keycloak stamps its events. */
  @Column({ name: 'event_time', type: 'bigint' })
  eventTime!: string;

  @Column({ type: 'jsonb' })
  recent!: Record<string, number>;

  @Column({ name: 'events_read', type: 'bigint', default: 0 })
  eventsRead!: string;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
