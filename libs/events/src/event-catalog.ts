import type { z } from 'zod';
import { bridgeTrafficObserved } from './catalog/bridge-traffic.js';
import { cutoverPhaseChanged, resetSkipped } from './catalog/cutover.js';
import { exportRunCompleted, exportRunStarted } from './catalog/export-run.js';
import { targetDisagreementFound, targetDisagreementResolved } from './catalog/target-disagreement.js';
import { federationRebound, mfaReenrolled, passwordMigrated, resetSent } from './catalog/target-facts.js';
import {
  sourceChangeRejected,
  userDeletedInSource,
  userRegisteredInTarget,
  userUpdatedInTarget,
} from './catalog/source-sync.js';
import { userExported } from './catalog/user-exported.js';
import { userImported, userImportFailed, userImportRevised } from './catalog/user-imported.js';

/** Every event type the ledger knows, by name. */
export const eventCatalog = {
  UserExported: userExported,
  UserImported: userImported,
  UserImportRevised: userImportRevised,
  UserImportFailed: userImportFailed,
  PasswordMigrated: passwordMigrated,
  MfaReenrolled: mfaReenrolled,
  FederationRebound: federationRebound,
  ResetSent: resetSent,
  ExportRunStarted: exportRunStarted,
  ExportRunCompleted: exportRunCompleted,
  CutoverPhaseChanged: cutoverPhaseChanged,
  ResetSkipped: resetSkipped,
  TargetDisagreementFound: targetDisagreementFound,
  TargetDisagreementResolved: targetDisagreementResolved,
  BridgeTrafficObserved: bridgeTrafficObserved,
  UserDeletedInSource: userDeletedInSource,
  UserUpdatedInTarget: userUpdatedInTarget,
  SourceChangeRejected: sourceChangeRejected,
  UserRegisteredInTarget: userRegisteredInTarget,
} as const;

export type EventType = keyof typeof eventCatalog;
export type EventData<T extends EventType> = z.infer<(typeof eventCatalog)[T]['schema']>;

export function isEventType(type: string): type is EventType {
  return Object.hasOwn(eventCatalog, type);
}
