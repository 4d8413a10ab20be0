import type { JitMigrationDecision, LoginOutcome, UnavailableCause } from '#domain';
import type { MigrationUser } from './migration-user.js';

/**
 * Everything a verify request can end in: Cognito's verdict, or the bridge's own answer given
 * without asking Cognito (limits, a user whose password already moved, the ledger down).
 */
export type BridgeOutcome =
  | Exclude<LoginOutcome, { kind: 'temporarily-unavailable' }>
  | { readonly kind: 'temporarily-unavailable'; readonly cause: UnavailableCause | 'ledger-unavailable' }
  /** Per-IP or per-user attempts spent, the user's wrong-password budget spent, or Cognito's pace full. */
  | { readonly kind: 'rate-limited'; readonly scope: 'ip' | 'user' | 'failures' | 'cognito-quota' }
  /** The target holds this user's password now; the bridge no longer vouches for any password of theirs. */
  | { readonly kind: 'already-migrated' };

export type BridgeOutcomeKind = BridgeOutcome['kind'];

export interface VerifyResult {
  readonly outcome: BridgeOutcome;
  readonly decision: JitMigrationDecision;
  /** Set when the login named a known user (never shown to callers for an unknown one). */
  readonly user: MigrationUser | undefined;
  readonly retryAfterSeconds: number | undefined;
}
