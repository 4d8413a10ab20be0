// The one owner of PostgreSQL: every table the product creates, its migrations, its typed row and
// the queries over it. Apps reach PostgreSQL only through what this file exports.
export { openPostgres, type PostgresOptions } from './postgres-data-source.js';
export { DatabaseUnavailableError } from './database-unavailable-error.js';
export { migrateSchema, schemaKinds, type SchemaKind } from './schema-migrations.js';
export { dropSchemas, schemaExists } from './drop-schemas.js';
export { quoteIdentifier } from './schema-name.js';
export { entityColumns, selectColumns, type EntityColumn, type StoredRow } from './entity-columns.js';

// The projection schema (PROJECTION_SCHEMA), written by apps/projector.
export {
  BridgeTrafficObservation,
  CriteriaDaily,
  CutoverChange,
  DailyProgress,
  DeadLetter,
  ExportRun,
  IdTranslation,
  MigrationUser,
  ProgressCounter,
  ProjectionOffset,
  ResetSkip,
  UserEvent,
  projectionEntities,
} from './projection/entities/index.js';
export { openProjectionDataSource } from './projection/projection-data-source.js';
export { userRowOf, type MigrationUserRow } from './projection/migration-user-row.js';
export { addCounterContribution, addDailyContribution, type Tally } from './projection/progress-contributions.js';
export { addCohortContribution } from './projection/cohort-contributions.js';
export { addCriteriaContribution } from './projection/criteria-contributions.js';
export { addResetPipelineContribution } from './projection/reset-pipeline-contributions.js';
export {
  ProjectionStore,
  ProjectionTransaction,
  type BridgeTrafficRow,
  type ExportRunRow,
  type CutoverChangeRow,
  type DeadLetterRow,
  type ResetSkipRow,
  type HistoryRow,
  type OffsetOrigin,
  type TranslationRow,
} from './projection/projection-store.js';
export {
  ProjectionQueries,
  type BurnDownDay,
  type CompletionMetrics,
  userListColumns,
  type UserListPage,
  type UserListRow,
} from './projection/projection-queries.js';
export { queryInteger, queryText, userListFilter, type UserListFilter } from './projection/user-list-filter.js';
export { userListCursor, userListCursorSub } from './projection/user-list-cursor.js';
export {
  firstDifferences,
  projectionSnapshot,
  type PartitionOffsets,
  type ProjectionSnapshot,
  type RowDifference,
} from './projection/projection-digest.js';
export type { TableDigest } from './fold/projection-row-digest.js';
export { replaceProjection } from './projection/projection-swap.js';
export { MigrationUserLookup, type SignInUser } from './projection/migration-user-lookup.js';
export { ProjectionReader, type TargetedCandidate } from './projection/projection-reader.js';
export {
  RouteBurnDownQueries,
  doneProjection,
  migrationRoutes,
  type DoneProjection,
  type MigrationRoute,
  type RouteBurnDown,
  type RouteBurnDownDay,
} from './projection/route-burn-down.js';
export { ResetPipelineQueries, type ResetPipeline, type ResetSkips } from './projection/reset-pipeline.js';
export {
  StuckUserQueries,
  stuckKinds,
  stuckUserCursor,
  stuckUserPosition,
  type StuckKind,
  type StuckUserFilter,
  type StuckUserPage,
  type StuckUserPosition,
  type StuckUserRow,
} from './projection/stuck-users.js';
export { CohortQueries, cohortKinds, type Cohort, type CohortKind } from './projection/cohort-queries.js';
export { CriteriaCounters } from './projection/criteria-counters.js';
export {
  CutoverTimeline,
  type CutoverTarget,
  type CutoverTimelineEntry,
  type DashboardDoneStatus,
} from './projection/cutover-timeline.js';

// The bridge's daily counts of earlier versions, in the projection schema: no longer written or read.
export { BridgeTrafficDay } from './bridge-traffic/bridge-traffic-day.entity.js';

// The reconciler's send journal (RECONCILER_SCHEMA).
export { ResetAttempt, resetAttemptStates, type ResetAttemptState } from './reset-journal/reset-attempt.entity.js';
export { ResetJournal, type ResetAttemptRow } from './reset-journal/reset-journal.js';

// The watcher's event cursor (WATCHER_SCHEMA).
export { EventCursorPosition } from './event-cursor/event-cursor-position.entity.js';
export { leaseEventCursor, type EventCursorLease, type StoredEventCursor } from './event-cursor/event-cursor-lease.js';
