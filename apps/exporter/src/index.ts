export { ExporterModule, type ExporterSettings } from './exporter.module.js';
export {
  PoolExport,
  EXPORTER_SOURCE,
  type ExportOptions,
  type ExportProgress,
  type ExportSummary,
} from './pool-export.js';
export { exportDigest } from './export-digest.js';
