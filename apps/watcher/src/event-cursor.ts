/**
 * How far the watcher has read a realm's event store. Keycloak orders events by time only and
 * `first`/`max` offsets shift when old events expire, so the position is a time plus the ids of
 * the events read within the overlap before it (reference keycloak-local.md §5, "durable cursor").
 */
export interface EventCursor {
  /** Epoch milliseconds of the newest event read. */
  readonly time: number;
  /** Id -> time of the events read at or after `time - overlapMs`: re-read by the next poll, never applied again. */
  readonly recent: Readonly<Record<string, number>>;
}

/** What the cursor needs of an event: user events and admin events both have these. */
export interface StoredEvent {
  readonly id: string;
  /** Epoch milliseconds. */
  readonly time: number;
}

/** A realm never read: from the oldest event the store still keeps. */
export const initialCursor: EventCursor = { time: 0, recent: {} };

/** Where the next poll starts reading: the overlap before the cursor, for events saved late. */
export function readFrom(cursor: EventCursor, overlapMs: number): number {
  return Math.max(0, cursor.time - overlapMs);
}

/** Pure: the events of a page not read before. */
export function unseen<E extends StoredEvent>(cursor: EventCursor, page: readonly E[]): E[] {
  return page.filter((event) => !Object.hasOwn(cursor.recent, event.id));
}

/** Pure: the cursor after a page was applied; ids older than the overlap are dropped. */
export function advance(cursor: EventCursor, page: readonly StoredEvent[], overlapMs: number): EventCursor {
  const time = Math.max(cursor.time, ...page.map((e) => e.time));
  const recent: Record<string, number> = {};
  for (const [id, at] of Object.entries(cursor.recent)) if (at >= time - overlapMs) recent[id] = at;
  for (const event of page) if (event.time >= time - overlapMs) recent[event.id] = event.time;
  return { time, recent };
}
