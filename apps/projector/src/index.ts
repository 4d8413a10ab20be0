export { ProjectorModule, type ProjectorSettings } from './projector.module.js';
export {
  projectUntilCaughtUp,
  serveProjector,
  replayProjections,
  formatCompletion,
  formatRunSummary,
  type CaughtUpReport,
  type ReplayReport,
  type ProjectorOptions,
} from './projector-app.js';
export { Projector, type ProjectionRunSummary, type PartitionLagView } from './projector.js';
