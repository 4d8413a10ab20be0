export { ImporterModule, type ImporterSettings } from './importer.module.js';
export { ImportRun, type ImportRunOptions, type ImportProgress, type ImportReport } from './import-run.js';
export { UserImport, IMPORTER_SOURCE, type ImportTarget, type ImportTally, type ImportOptions } from './user-import.js';
export { mapUser, keycloakUserId } from './map-user.js';
export { loginPolicyOf, type LoginPolicy } from '#domain';
