import type { CutoverPhase, CutoverState } from './cutover.js';
import { CutoverRefusedError } from './cutover-refused-error.js';

/**
 * Why a user would need attention if the team went back to Cognito: something the user (or an
 * operator) did in the target that Cognito does not know about.
 */
export type RollbackAttention =
  | 'created-in-target'
  | 'password-changed-in-target'
  | 'mfa-added-in-target'
  | 'mfa-reenrolled-in-target'
  | 'federation-relinked-in-target'
  | 'disabled-in-target'
  | 'deleted-in-target';

/** What each reason means for the user after a rollback, for reports. */
export const rollbackAttentionMeaning: Readonly<Record<RollbackAttention, string>> = {
  'created-in-target': 'Cognito has no such user (no export in the ledger)',
  'password-changed-in-target': 'chose a new password in the target (reset): Cognito still holds the old one',
  'mfa-added-in-target': 'set up MFA in the target only: Cognito would let them in with the password alone',
  'mfa-reenrolled-in-target': "the authenticator now holds the target's secret: Cognito's code may be gone from it",
  'federation-relinked-in-target':
    "provider linked at first login in the target (matched by e-mail): Cognito's link may be another account",
  'disabled-in-target': 'disabled in the target but enabled in Cognito: Cognito would let them in again',
  'deleted-in-target': 'deleted in the target but enabled in Cognito: Cognito would let them in again',
};

/** One user as the projection (and the reconciler's journal) knows them. */
export interface RollbackUserRow {
  readonly sub: string;
  /** Cognito's view; null (with `enabledInCognito` false) when the ledger holds no export of the user. */
  readonly username: string | null;
  readonly inCognito: boolean;
  readonly enabledInCognito: boolean;
  readonly mfaInCognito: boolean;
  /** How the target got a password for them, every way recorded (`PasswordMigrated.via`). */
  readonly passwordVia: readonly ('jit' | 'reset')[];
  readonly mfaEnrolledInTarget: boolean;
  /** Providers bound at first login in the target; pre-links copied Cognito's own identities. */
  readonly relinkedProviders: readonly string[];
  /** The target account as last seen by the reconciler; null when it never had to look. */
  readonly targetAccount: 'enabled' | 'disabled' | 'deleted' | null;
}

/**
 * The reasons, in a fixed order, that a user needs attention on a rollback; empty when Cognito
 * would serve them as the target does. A JIT-migrated password is the one Cognito checked, so it
 * needs nothing.
 */
export function rollbackAttentionOf(user: RollbackUserRow): RollbackAttention[] {
  const reasons: RollbackAttention[] = [];
  if (!user.inCognito) reasons.push('created-in-target');
  if (user.passwordVia.includes('reset')) reasons.push('password-changed-in-target');
  if (user.mfaEnrolledInTarget) reasons.push(user.mfaInCognito ? 'mfa-reenrolled-in-target' : 'mfa-added-in-target');
  if (user.relinkedProviders.length > 0) reasons.push('federation-relinked-in-target');
  if (user.enabledInCognito && user.targetAccount === 'disabled') reasons.push('disabled-in-target');
  if (user.enabledInCognito && user.targetAccount === 'deleted') reasons.push('deleted-in-target');
  return reasons;
}

export interface RollbackUser {
  readonly sub: string;
  readonly username: string | null;
  readonly reasons: readonly RollbackAttention[];
}

export interface RollbackReport {
  readonly phase: CutoverPhase;
  /** Users needing attention per reason (a user counts under each of their reasons). */
  readonly counts: Readonly<Record<RollbackAttention, number>>;
  readonly users: readonly RollbackUser[];
}

/**
 * The users whose state would need attention if the team went back to Cognito now. There is no
 * report once Cognito is retired: nothing is left to go back to.
 */
export function rollbackReport(cutover: CutoverState, rows: Iterable<RollbackUserRow>): RollbackReport {
  if (cutover.phase === 'retired')
    throw new CutoverRefusedError('Cognito is retired: there is nothing to roll back to');
  const counts = Object.fromEntries(Object.keys(rollbackAttentionMeaning).map((reason) => [reason, 0])) as Record<
    RollbackAttention,
    number
  >;
  const users: RollbackUser[] = [];
  for (const row of rows) {
    const reasons = rollbackAttentionOf(row);
    if (reasons.length === 0) continue;
    for (const reason of reasons) counts[reason]++;
    users.push({ sub: row.sub, username: row.username, reasons });
  }
  return { phase: cutover.phase, counts, users };
}
