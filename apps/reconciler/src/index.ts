export { Reconciler, RECONCILER_SOURCE, type PassReport, type PassOptions, type ReconcilerDeps } from './reconciler.js';
export { MigrationStatusReader, type CriteriaReport, type MigrationStatusDeps } from './migration-status-reader.js';
export {
  openReconciler,
  openStatusReader,
  reconcilerSections,
  statusSections,
  type ReconcilerRuntimeConfig,
  type StatusRuntimeConfig,
  type ReconcilerRuntime,
  type ReconcilerRuntimeOptions,
  type StatusRuntime,
} from './reconciler-runtime.js';
export { loadPolicy } from './policy-file.js';
export { formatCriteriaReport } from './criteria-report.js';
export { formatRollbackReport } from './rollback-report-text.js';
export { ResetMailer, type TargetAccount } from './reset-mailer.js';
