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
