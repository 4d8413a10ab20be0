export { createEvent, dataschemaOf, type EventContext } from './create-event.js';
export { jitPasswordMigrated, JIT_BRIDGE_SOURCE } from './jit-password-migrated.js';
export { parseEvent } from './parse-event.js';
export { eventOfBinaryRecord, cloudEventAttributes } from './binary-content-mode.js';
export { InvalidEventError } from './invalid-event-error.js';
export { canonicalJson, contentHash } from './content-hash.js';
export { eventCatalog, isEventType, type EventType, type EventData } from './event-catalog.js';
export type { EventStream } from './event-definition.js';
export type { OlderVersion } from './versioning/older-version.js';
export { readableVersionsOf } from './versioning/upcast-to-current.js';
export { isEventOf, type LedgerEvent, type LedgerEventOf } from './ledger-event.js';
export type { UserExportedData, FederatedIdentity, CustomAttribute } from './catalog/user-exported.js';
export type { ExportRunStartedData, ExportRunCompletedData, PoolSettings } from './catalog/export-run.js';
export type { UserImportedData, UserImportFailedData, UserImportRevisedData } from './catalog/user-imported.js';
export type {
  PasswordMigratedData,
  MfaReenrolledData,
  FederationReboundData,
  ResetSentData,
} from './catalog/target-facts.js';
export type {
  CutoverPhaseName,
  EvaluatedCriterion,
  CutoverPhaseChangedData,
  ResetSkippedData,
} from './catalog/cutover.js';
export type {
  DisagreementField,
  TargetDisagreementFoundData,
  TargetDisagreementResolvedData,
} from './catalog/target-disagreement.js';
export type {
  BridgeTrafficObservedData,
  CognitoOutcomeCounts,
  UnavailableCauseCounts,
} from './catalog/bridge-traffic.js';
export type {
  UserDeletedInSourceData,
  UserUpdatedInTargetData,
  SourceChangeRejectedData,
  UserRegisteredInTargetData,
} from './catalog/source-sync.js';
