import type { LoginOutcome } from './login-outcome.js';

/** What the target does with a password Cognito has just judged. */
export interface JitMigrationDecision {
  /** Store this password as the user's own in the target (PasswordMigrated follows once the target confirms it holds it). */
  readonly migrate: boolean;
  /** Keycloak required actions the target adds to the user along with the password. */
  readonly requiredActions: readonly string[];
}

/** What the import decided for the user (UserImported), as far as the bridge needs it. */
export interface ImportedTreatment {
  /** `UserImported.treatment`: `password-via-bridge`, `reset-required`, `federated-only`, ... */
  readonly treatment: string;
  readonly needsPasswordMigration: boolean;
  /** The import's required actions; null when the projection predates the column (replay fills it). */
  readonly requiredActions: readonly string[] | null;
}

/** The user as the ledger knows them when the bridge is asked about them. */
export interface JitMigrationSubject {
  /** Cognito's Enabled flag at the latest export. */
  readonly enabled: boolean;
  /** Cognito's UserStatus at the latest export. */
  readonly sourceStatus: string;
  /** The export saw a second factor (`hadMfaInCognito`). */
  readonly mfaRequired: boolean;
  /** Null when the user was not imported (the plugin and FusionAuth contracts create users themselves). */
  readonly imported: ImportedTreatment | null;
}

/**
 * Why the bridge answers without asking Cognito: the ledger already says this user's password
 * must not move, whatever Cognito would say (cognito-local, for one, checks only the password).
 */
export type JitRefusal =
  /** Disabled at Cognito, or imported disabled (archived). */
  | 'disabled'
  /** RESET_REQUIRED or COMPROMISED: the password was invalidated; the user gets a reset, never this password. */
  | 'reset-required'
  /** EXTERNAL_PROVIDER: no password exists; the user signs in through their identity provider. */
  | 'federated-only'
  /** Any other treatment that keeps the password out of the bridge (needsPasswordMigration false). */
  | 'not-migratable';

/** The importer's treatment names (apps/importer/src/import-mapping.ts) that the bridge must tell apart. */
const resetTreatments: ReadonlySet<string> = new Set(['reset-required', 'compromised-password']);
const resetStatuses: ReadonlySet<string> = new Set(['RESET_REQUIRED', 'COMPROMISED']);
/**
 * UNCONFIRMED users: Cognito answers UserNotConfirmedException only for the right password, so
 * the bridge can verify it after all; the user keeps it and confirms the address in the target
 * (VERIFY_EMAIL, the import's own required action for them).
 */
const verificationTreatment = 'confirm-email-then-reset';

/**
 * Before Cognito is asked: the ledger's treatment of the user decides whether their password may
 * move at all. Undefined: ask Cognito.
 */
export function refusalBeforeCognito(user: JitMigrationSubject): JitRefusal | undefined {
  const imported = user.imported;
  if (!user.enabled || imported?.treatment === 'archived' || user.sourceStatus === 'ARCHIVED') return 'disabled';
  if (imported ? resetTreatments.has(imported.treatment) : resetStatuses.has(user.sourceStatus))
    return 'reset-required';
  if (imported ? imported.treatment === 'federated-only' : user.sourceStatus === 'EXTERNAL_PROVIDER')
    return 'federated-only';
  if (imported && !bridgeMigratesPassword(imported)) return 'not-migratable';
  return undefined;
}

/**
 * Whether the bridge may move this imported user's password: those the import left for the
 * bridge, and unconfirmed users once Cognito has proved their password. The watcher uses the same
 * rule to tell a password the bridge stored from one the user chose.
 */
export function bridgeMigratesPassword(imported: {
  readonly treatment: string;
  readonly needsPasswordMigration: boolean;
}): boolean {
  return imported.needsPasswordMigration || imported.treatment === verificationTreatment;
}

const noMigration: JitMigrationDecision = { migrate: false, requiredActions: [] };

/**
 * After Cognito has judged the password. A challenge after ADMIN_USER_PASSWORD_AUTH means the
 * password was accepted, not that the person passed the second factor; UserNotConfirmedException
 * likewise only comes for the right password. So the password moves, and the rest is
 * re-established in the target with the import's required actions for this user, applying the
 * import's own rules to what Cognito's answer shows now: MFA re-enrolment (TOTP secrets cannot
 * be exported) for a user who had a factor, a new password for a temporary one
 * (NEW_PASSWORD_REQUIRED), confirming the address for an unconfirmed sign-up.
 */
export function decideJitMigration(outcome: LoginOutcome, user: JitMigrationSubject): JitMigrationDecision {
  if (refusalBeforeCognito(user) !== undefined) return noMigration;
  if (outcome.kind !== 'valid' && outcome.kind !== 'valid-with-challenge' && outcome.kind !== 'not-confirmed')
    return noMigration;
  const actions = new Set<string>(importRequiredActions(user));
  if (outcome.kind === 'not-confirmed') actions.add('VERIFY_EMAIL');
  if (outcome.kind === 'valid-with-challenge') {
    if (outcome.challenge === 'NEW_PASSWORD_REQUIRED') actions.add('UPDATE_PASSWORD');
    else if (outcome.challenge !== 'DEVICE_SRP_AUTH' && outcome.challenge !== 'DEVICE_PASSWORD_VERIFIER') {
      actions.add('CONFIGURE_TOTP');
    }
  }
  return { migrate: true, requiredActions: [...actions].sort() };
}

/**
 * The required actions the import set on the user; for a user it did not record them for (not
 * imported, or projected before they were kept), the import's rule applied to the export.
 */
export function importRequiredActions(user: JitMigrationSubject): readonly string[] {
  if (user.imported?.requiredActions) return user.imported.requiredActions;
  const status = user.sourceStatus;
  return [
    // Federated-only users never get CONFIGURE_TOTP from the import: they have no password to pair it with.
    ...(user.mfaRequired && status !== 'EXTERNAL_PROVIDER' ? ['CONFIGURE_TOTP'] : []),
    ...(status === 'UNCONFIRMED' ? ['VERIFY_EMAIL'] : []),
    ...(status === 'FORCE_CHANGE_PASSWORD' || resetStatuses.has(status) ? ['UPDATE_PASSWORD'] : []),
  ];
}
