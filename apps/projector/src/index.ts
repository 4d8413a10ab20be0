export { ProjectorModule, type ProjectorSettings } from './projector.module.js';
export {
  projectorSections,
  projectorServeSections,
  projectorPublicUrl,
  projectUntilCaughtUp,
  serveProjector,
  replayProjections,
  formatCompletion,
  formatRunSummary,
  type CaughtUpReport,
  type ReplayReport,
  type ProjectorOptions,
  type ProjectorRuntimeConfig,
  type ProjectorServeConfig,
} from './projector-app.js';
export { Projector, type ProjectionRunSummary, type PartitionLagView } from './projector.js';
