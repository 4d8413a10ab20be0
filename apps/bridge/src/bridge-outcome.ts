import type { JitMigrationDecision, LoginOutcome, UnavailableCause } from '#domain';
import type { MigrationUser } from './migration-user.js';

/**
 * Everything a verify request can end in: Cognito's verdict, or the bridge's own answer given
 * without asking Cognito (limits, the ledger's treatment of the user, an answer Cognito gave a
 * moment ago).
 */
export type BridgeOutcome =
  | Exclude<LoginOutcome, { kind: 'temporarily-unavailable' }>
  | { readonly kind: 'temporarily-unavailable'; readonly cause: UnavailableCause }
  /** Per-IP or per-user attempts spent, the user's wrong-password budget spent, or Cognito's pace full. */
  | { readonly kind: 'rate-limited'; readonly scope: 'ip' | 'user' | 'failures' | 'cognito-quota' }
  /** The ledger keeps this user's password out of the bridge: federated-only, or a treatment without one. */
  | { readonly kind: 'not-migratable'; readonly reason: 'federated-only' | 'treatment' };

export type BridgeOutcomeKind = BridgeOutcome['kind'];

export interface VerifyResult {
  readonly outcome: BridgeOutcome;
  readonly decision: JitMigrationDecision;
  /** Set when the login named a known user (never shown to callers for an unknown one). */
  readonly user: MigrationUser | undefined;
  readonly retryAfterSeconds: number | undefined;
}

/** What a confirmation that the target stored a user's password came to. */
export type StoreConfirmation =
  /** PasswordMigrated (jit) is in the ledger. */
  | { readonly kind: 'recorded'; readonly sub: string }
  /** The ledger does not know this sub. */
  | { readonly kind: 'unknown-user' }
  /** The target holds no password for this user (or the id is not this user's): nothing is recorded. */
  | { readonly kind: 'not-stored' }
  /** The target or the ledger could not be asked: nothing is recorded; the watcher's pass will find it. */
  | { readonly kind: 'temporarily-unavailable'; readonly cause: 'target-unavailable' | 'ledger-unavailable' };
