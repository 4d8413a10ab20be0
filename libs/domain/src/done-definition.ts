import { migrationStatuses, type MigrationStatus, type UserMigrationSummary } from './user-migration-summary.js';

/*
 * What "done" means, defined once. A user is done (migrated) when the target holds their
 * credentials (summarizeUserMigration decides the status); the migration is done when the
 * criteria of done-criteria.ts hold over the active users. Everything else that counts users
 * derives from or is checked against these definitions:
 * - the projector's completion counters (progress-contributions) add up `userCompletionOf`;
 * - the reconciler's aggregate query computes `measureUsers` (done-criteria) in SQL, with the
 *   statuses below as parameters;
 * - the analysts' SQL views (completion_metrics, federation_progress) count the same columns.
 * The property test `test/done-definition.int.spec.ts` projects generated ledgers with the real
 * projector into PostgreSQL and holds all of them equal to these functions.
 */

/** The statuses in which a user counts as migrated: the target holds their credentials. */
export const doneStatuses = ['migrated'] as const satisfies readonly MigrationStatus[];

export function isDone(status: MigrationStatus): boolean {
  return (doneStatuses as readonly MigrationStatus[]).includes(status);
}

/**
 * The statuses in which a forced reset can be due: in the target with the password still only in
 * Cognito (`imported`), or imported and disabled in Cognito since (`disabled`: due, then skipped
 * and recorded as such). A store may pre-filter its rows by them; planLongTailResets decides.
 */
export const resetCandidateStatuses = ['imported', 'disabled'] as const satisfies readonly MigrationStatus[];

export function isResetCandidate(status: MigrationStatus): boolean {
  return (resetCandidateStatuses as readonly MigrationStatus[]).includes(status);
}

/** Federated in Cognito: at least one identity provider was linked. */
export function isFederated(expectedProviders: readonly string[]): boolean {
  return expectedProviders.length > 0;
}

/** Every provider Cognito had linked is bound in the target (none expected: trivially). */
export function isFederationRebound(
  expectedProviders: readonly string[],
  reboundProviders: readonly string[],
): boolean {
  return expectedProviders.every((provider) => reboundProviders.includes(provider));
}

/** One user as the completion figures see them: the summary's fields they count. */
export type CompletionSubject = Pick<
  UserMigrationSummary,
  | 'status'
  | 'active'
  | 'mfaRequired'
  | 'mfaReenrolledAt'
  | 'expectedProviders'
  | 'reboundProviders'
  | 'passwordMigratedVia'
  | 'resetsSent'
  | 'openDisagreements'
>;

/** What one user adds to each completion figure. */
export interface UserCompletion {
  readonly status: MigrationStatus;
  readonly active: boolean;
  readonly migrated: boolean;
  /** Active (enabled in Cognito) and migrated: the numerator of the main criterion. */
  readonly activeMigrated: boolean;
  readonly mfaRequired: boolean;
  readonly mfaReenrolled: boolean;
  /** Per provider Cognito had linked: whether it is re-bound in the target. */
  readonly providers: readonly { readonly provider: string; readonly rebound: boolean }[];
  readonly passwordVia: 'jit' | 'reset' | null;
  readonly resetsSent: number;
  readonly openDisagreements: number;
}

export function userCompletionOf(user: CompletionSubject): UserCompletion {
  const migrated = isDone(user.status);
  return {
    status: user.status,
    active: user.active,
    migrated,
    activeMigrated: user.active && migrated,
    mfaRequired: user.mfaRequired,
    // A re-enrolment counts only for a user who had MFA in Cognito: enrolling anew is not "re-".
    mfaReenrolled: user.mfaRequired && user.mfaReenrolledAt !== null,
    providers: user.expectedProviders.map((provider) => ({
      provider,
      rebound: user.reboundProviders.includes(provider),
    })),
    passwordVia: user.passwordMigratedVia,
    resetsSent: user.resetsSent,
    openDisagreements: user.openDisagreements,
  };
}

/** The completion figures over every user of a ledger (not only the active ones): what the dashboards show. */
export interface CompletionFigures {
  readonly users: number;
  readonly byStatus: Readonly<Record<MigrationStatus, number>>;
  readonly migrated: number;
  readonly active: number;
  readonly activeMigrated: number;
  readonly mfaRequired: number;
  readonly mfaReenrolled: number;
  /** Per provider, sorted by name: users Cognito had linked to it, and those of them re-bound. */
  readonly federation: readonly { readonly provider: string; readonly expected: number; readonly rebound: number }[];
  readonly passwordVia: { readonly jit: number; readonly reset: number };
  readonly resets: { readonly sent: number; readonly users: number };
  readonly disagreements: { readonly open: number; readonly users: number };
}

export function completionFigures(users: Iterable<CompletionSubject>): CompletionFigures {
  const byStatus = Object.fromEntries(migrationStatuses.map((s) => [s, 0])) as Record<MigrationStatus, number>;
  const federation = new Map<string, { expected: number; rebound: number }>();
  let count = 0;
  let migrated = 0;
  let active = 0;
  let activeMigrated = 0;
  let mfaRequired = 0;
  let mfaReenrolled = 0;
  const passwordVia = { jit: 0, reset: 0 };
  const resets = { sent: 0, users: 0 };
  const disagreements = { open: 0, users: 0 };
  for (const user of users) {
    const c = userCompletionOf(user);
    count++;
    byStatus[c.status]++;
    if (c.migrated) migrated++;
    if (c.active) active++;
    if (c.activeMigrated) activeMigrated++;
    if (c.mfaRequired) mfaRequired++;
    if (c.mfaReenrolled) mfaReenrolled++;
    for (const { provider, rebound } of c.providers) {
      const figures = federation.get(provider) ?? { expected: 0, rebound: 0 };
      figures.expected++;
      if (rebound) figures.rebound++;
      federation.set(provider, figures);
    }
    if (c.passwordVia !== null) passwordVia[c.passwordVia]++;
    if (c.resetsSent > 0) {
      resets.sent += c.resetsSent;
      resets.users++;
    }
    if (c.openDisagreements > 0) {
      disagreements.open += c.openDisagreements;
      disagreements.users++;
    }
  }
  return {
    users: count,
    byStatus,
    migrated,
    active,
    activeMigrated,
    mfaRequired,
    mfaReenrolled,
    federation: [...federation]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([provider, f]) => ({ provider, ...f })),
    passwordVia,
    resets,
    disagreements,
  };
}
