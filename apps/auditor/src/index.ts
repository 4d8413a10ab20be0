export { exportAuditBundle, type AuditExportOptions } from './export-audit-bundle.js';
export { proveSubject } from './prove-subject.js';
