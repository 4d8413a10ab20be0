import type { LoginOutcome } from './login-outcome.js';

/** What the target does with a password Cognito has just judged. */
export interface JitMigrationDecision {
  /** Store this password as the user's own in the target, and record PasswordMigrated (via jit). */
  readonly migrate: boolean;
  /** Keycloak required actions the target adds to the user along with the password. */
  readonly requiredActions: readonly string[];
}

const noMigration: JitMigrationDecision = { migrate: false, requiredActions: [] };

/**
 * A challenge after ADMIN_USER_PASSWORD_AUTH means the password was accepted, not that the person
 * passed the second factor. So the password moves, and the second factor is re-established in
 * the target: MFA users re-enrol (TOTP secrets cannot be exported), a temporary password
 * (NEW_PASSWORD_REQUIRED) is replaced at once, as Cognito itself would have required.
 */
export function decideJitMigration(
  outcome: LoginOutcome,
  user: { readonly mfaRequired: boolean },
): JitMigrationDecision {
  if (outcome.kind !== 'valid' && outcome.kind !== 'valid-with-challenge') return noMigration;
  const actions = new Set<string>();
  if (user.mfaRequired) actions.add('CONFIGURE_TOTP');
  if (outcome.kind === 'valid-with-challenge') {
    if (outcome.challenge === 'NEW_PASSWORD_REQUIRED') actions.add('UPDATE_PASSWORD');
    else if (outcome.challenge !== 'DEVICE_SRP_AUTH' && outcome.challenge !== 'DEVICE_PASSWORD_VERIFIER') {
      actions.add('CONFIGURE_TOTP');
    }
  }
  return { migrate: true, requiredActions: [...actions].sort() };
}
