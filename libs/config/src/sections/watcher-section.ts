import { section } from '../section.js';
import { integer, schemaName } from '../setting-rules.js';

/** The watcher (apps/watcher): how it follows the target realm's user events and how often it reconciles. */
export interface WatcherConfig {
  /** PostgreSQL schema of the watcher's event cursor (table `event_cursor`). */
  readonly schema: string;
  /** Pause between two polls of the event store while following. */
  readonly pollIntervalMs: number;
  /** Time between two reconciliation passes while following (reads every pending user's credentials and links). */
  readonly reconcileIntervalMs: number;
  /** Events per request to Keycloak. */
  readonly pageSize: number;
  /**
   * How far before the cursor each poll reads again. Keycloak stamps an event when it is built
   * and saves it when the request's transaction commits, so an event can appear after a later one.
   */
  readonly overlapMs: number;
  /** Users whose credentials and links are read at once during a reconciliation pass. */
  readonly reconcileConcurrency: number;
}

export const watcherSection = section(
  {
    WATCHER_SCHEMA: schemaName.default('watcher'),
    WATCHER_POLL_INTERVAL_MS: integer(100).default(5000),
    WATCHER_RECONCILE_INTERVAL_MS: integer(1000).default(900_000),
    WATCHER_PAGE_SIZE: integer(10, 10_000).default(500),
    WATCHER_OVERLAP_MS: integer(0, 3_600_000).default(10_000),
    WATCHER_RECONCILE_CONCURRENCY: integer(1, 16).default(4),
  },
  (v): WatcherConfig => ({
    schema: v.WATCHER_SCHEMA,
    pollIntervalMs: v.WATCHER_POLL_INTERVAL_MS,
    reconcileIntervalMs: v.WATCHER_RECONCILE_INTERVAL_MS,
    pageSize: v.WATCHER_PAGE_SIZE,
    overlapMs: v.WATCHER_OVERLAP_MS,
    reconcileConcurrency: v.WATCHER_RECONCILE_CONCURRENCY,
  }),
);
