import { createEvent } from './create-event.js';
import type { LedgerEventOf } from './ledger-event.js';

/** The JIT password bridge: the context in which every `PasswordMigrated` `via: jit` happened. */
export const JIT_BRIDGE_SOURCE = 'urn:cognito-migration-ledger:bridge';

/**
 * `PasswordMigrated` (`via: jit`) for a password the target holds since `storedAt` (its credential's
 * creation time). Two paths record this one fact: the bridge on the target's confirmation of the
 * store, and the watcher's reconciliation pass when that confirmation was lost. Both build it
 * here from what the target says, so the event carries the same id and the same bytes whichever
 * path records it, and however often.
 */
export function jitPasswordMigrated(sub: string, realm: string, storedAt: Date): LedgerEventOf<'PasswordMigrated'> {
  return createEvent(
    'PasswordMigrated',
    { sub, target: { kind: 'keycloak', realm }, via: 'jit' },
    { source: JIT_BRIDGE_SOURCE, correlationId: sub, time: storedAt },
  );
}
