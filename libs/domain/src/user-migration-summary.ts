import { earliestOf, type DisagreementRecord, type ImportRecord, type UserMigrationState } from './user-migration.js';
import { hadMfaInCognito } from './cognito-mfa.js';

/**
 * Where a user stands, one value for counting:
 * - `migrated`: the target holds their credentials (password moved by JIT or reset, or a
 *   federated-only user whose every Cognito provider is re-bound); wins over everything else;
 * - `disabled`: disabled in Cognito and not migrated: nobody expects them to log in;
 * - `imported`: in the target, password still only in Cognito;
 * - `import-failed`: the target refused them and no import succeeded yet;
 * - `exported`: in the ledger, not yet in the target;
 * - `unexported`: target facts arrived but the export is not in the ledger (yet).
 */
export type MigrationStatus = 'migrated' | 'disabled' | 'imported' | 'import-failed' | 'exported' | 'unexported';

export const migrationStatuses: readonly MigrationStatus[] = [
  'migrated',
  'disabled',
  'imported',
  'import-failed',
  'exported',
  'unexported',
];

/** The flat, derived view of a user's state that the projections store and count. */
export interface UserMigrationSummary {
  readonly status: MigrationStatus;
  /** Enabled in Cognito: the users a migration has to carry over; "% of active" divides by them. */
  readonly active: boolean;
  readonly exportedAt: string | null;
  /** The first import into a target; its id is what downstream systems remap `sub` to. */
  readonly import: ImportRecord | null;
  readonly importedAt: string | null;
  readonly lastImportFailure: { readonly reason: string; readonly at: string } | null;
  readonly passwordMigratedVia: 'jit' | 'reset' | null;
  readonly passwordMigratedAt: string | null;
  readonly migratedAt: string | null;
  /** Cognito had MFA on for them; TOTP secrets cannot be exported, so they re-enrol in the target. */
  readonly mfaRequired: boolean;
  readonly mfaReenrolledAt: string | null;
  readonly mfaMethods: readonly string[];
  /** Providers Cognito had linked, and those already re-bound in the target; sorted. */
  readonly expectedProviders: readonly string[];
  readonly reboundProviders: readonly string[];
  readonly resetsSent: number;
  readonly lastResetAt: string | null;
  /** Disagreements with the target recorded and not resolved yet; the cutover waits for zero. */
  readonly openDisagreements: number;
}

export function summarizeUserMigration(state: UserMigrationState): UserMigrationSummary {
  const profile = state.profile;
  const open = openDisagreementsOf(state);
  // A claim the target contradicts does not count while the disagreement is open: a user whose
  // password the target does not hold is again a user whose password is still to migrate, and a
  // user the target does not have is again a user still to import.
  const gone = (target: string) => open.some((d) => d.field === 'exists' && d.target === target);
  const importRecord = earliest(Object.values(state.imports));
  const password = earliest(
    Object.values(state.passwordMigrations).filter(
      (p) => !gone(p.target) && !open.some((d) => d.field === 'password' && d.target === p.target && d.at >= p.at),
    ),
  );
  const inTarget = Object.values(state.imports).some((i) => !gone(i.target));
  const failure = latest(Object.values(state.importFailures));
  const bindings = Object.values(state.federationBindings);
  const expectedProviders = profile?.providers ?? [];
  const reboundProviders = [...new Set(bindings.map((b) => b.cognitoProvider))].sort();
  const mfa = Object.values(state.mfaReenrolments);
  const resets = Object.values(state.resets);

  const migratedAt =
    password?.at ?? (open.some((d) => d.field === 'exists') ? null : federatedOnlyMigratedAt(state, expectedProviders));
  const status: MigrationStatus =
    migratedAt !== null
      ? 'migrated'
      : profile?.enabled === false
        ? 'disabled'
        : importRecord !== null && inTarget
          ? 'imported'
          : failure !== null
            ? 'import-failed'
            : profile !== null
              ? 'exported'
              : 'unexported';

  return {
    status,
    active: profile?.enabled === true,
    exportedAt: state.firstExportedAt,
    import: importRecord,
    importedAt: importRecord?.at ?? null,
    lastImportFailure: failure && { reason: failure.reason, at: failure.at },
    passwordMigratedVia: password?.via ?? null,
    passwordMigratedAt: password?.at ?? null,
    migratedAt,
    mfaRequired: profile !== null && hadMfaInCognito(profile.mfa),
    mfaReenrolledAt: earliest(mfa)?.at ?? null,
    mfaMethods: [...new Set(mfa.map((m) => m.method))].sort(),
    expectedProviders,
    reboundProviders,
    resetsSent: resets.length,
    lastResetAt: resets.reduce<string | null>((last, r) => (last === null || r.at > last ? r.at : last), null),
    openDisagreements: open.length,
  };
}

/** Disagreements with the target that no TargetDisagreementResolved has closed. */
export function openDisagreementsOf(state: UserMigrationState): DisagreementRecord[] {
  const resolved = state.resolvedDisagreements ?? {};
  return Object.entries(state.targetDisagreements ?? {})
    .filter(([id]) => resolved[id] === undefined)
    .map(([, record]) => record);
}

/**
 * A Cognito `EXTERNAL_PROVIDER` user has no password to move: they are migrated once every
 * provider Cognito had linked is bound in the target, at the time the last one was.
 */
function federatedOnlyMigratedAt(state: UserMigrationState, expected: readonly string[]): string | null {
  if (state.profile?.sourceStatus !== 'EXTERNAL_PROVIDER' || expected.length === 0) return null;
  let last: string | null = null;
  for (const provider of expected) {
    const bound = earliest(Object.values(state.federationBindings).filter((b) => b.cognitoProvider === provider));
    if (bound === null) return null;
    if (last === null || bound.at > last) last = bound.at;
  }
  return last;
}

function earliest<R extends { readonly at: string }>(records: readonly R[]): R | null {
  return records.reduce<R | null>((kept, r) => (kept === null ? r : earliestOf(kept, r)), null);
}

function latest<R extends { readonly at: string }>(records: readonly R[]): R | null {
  return records.reduce<R | null>((kept, r) => (kept === null ? r : earliestOf(kept, r) === kept ? r : kept), null);
}
