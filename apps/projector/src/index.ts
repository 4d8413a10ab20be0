export { ProjectorModule, type ProjectorSettings } from './projector.module.js';
export {
  projectorSections,
  projectUntilCaughtUp,
  serveProjector,
  replayProjections,
  formatCompletion,
  formatRunSummary,
  type CaughtUpReport,
  type ReplayReport,
  type ProjectorOptions,
  type ProjectorRuntimeConfig,
} from './projector-app.js';
export { Projector, type ProjectionRunSummary, type PartitionLagView } from './projector.js';
export { ProjectionQueries, type CompletionMetrics, type BurnDownDay } from './projection-queries.js';
export {
  projectionSnapshot,
  firstDifferences,
  type ProjectionSnapshot,
  type RowDifference,
} from './projection-digest.js';
export { openProjectionDataSource } from './projection-data-source.js';
