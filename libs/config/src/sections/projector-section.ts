import { section } from '../section.js';
import { integer, nonEmpty, port } from '../setting-rules.js';
import { sharedVariables } from './shared-variables.js';

/** The projector (apps/projector): where its projections live and where its query API listens. */
export interface ProjectorConfig {
  /** The PostgreSQL schema of the projections; replays and tests use a schema of their own. */
  readonly schema: string;
  readonly host: string;
  readonly port: number;
  /** Only assigns partitions: the projector keeps its offsets in PostgreSQL, never in the group. */
  readonly groupId: string;
  /** Readiness fails while more facts than this wait to be projected: reads would be that stale. */
  readonly readyMaxLag: number;
  /**
   * Kafka's session timeout for the group: how long the partitions of an instance that died
   * without leaving (SIGKILL, a lost machine) wait before the other instances take them over.
   */
  readonly sessionTimeoutMs: number;
}

export const projectorSection = section(
  {
    PROJECTION_SCHEMA: sharedVariables.PROJECTION_SCHEMA,
    PROJECTOR_HOST: nonEmpty.default('127.0.0.1'),
    PROJECTOR_PORT: port.default(18070),
    PROJECTOR_GROUP_ID: nonEmpty.default('projector'),
    PROJECTOR_READY_MAX_LAG: integer(0).default(10_000),
    // The broker refuses less than its group.min.session.timeout.ms (6 s by default).
    PROJECTOR_SESSION_TIMEOUT_MS: integer(6000, 300_000).default(30_000),
  },
  (v): ProjectorConfig => ({
    schema: v.PROJECTION_SCHEMA,
    host: v.PROJECTOR_HOST,
    port: v.PROJECTOR_PORT,
    groupId: v.PROJECTOR_GROUP_ID,
    readyMaxLag: v.PROJECTOR_READY_MAX_LAG,
    sessionTimeoutMs: v.PROJECTOR_SESSION_TIMEOUT_MS,
  }),
);
