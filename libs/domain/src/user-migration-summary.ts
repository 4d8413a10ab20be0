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
  /** The user's address now (lower-cased): Cognito's, or the target's once the target holds a newer one or won a conflict. */
  readonly currentEmail: string | null;
  /** The account is usable now: enabled where the user signs in, and deleted nowhere. */
  readonly currentlyEnabled: boolean | null;
  /** Confirmed gone from the Cognito pool. */
  readonly deletedInSource: boolean;
  /** Removed from the target by the deletion policy `delete`. */
  readonly deletedInTarget: boolean;
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
  const current = currentAccountOf(state);
  const status: MigrationStatus =
    migratedAt !== null
      ? 'migrated'
      : profile?.enabled === false || current.deletedInSource || current.enabled === false
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
    // Deleted in Cognito or not usable now: not a user the migration still has to carry over.
    active: profile !== null && current.enabled === true && !current.deletedInSource,
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
    currentEmail: current.email,
    currentlyEnabled: current.enabled,
    deletedInSource: current.deletedInSource,
    deletedInTarget: current.deletedInTarget,
  };
}

/**
 * E-mail and enabled as they are now. Before writes move, the target follows Cognito, so the
 * latest of the export and the target's updates is current. Once the target kept a value against
 * a Cognito change (SourceChangeRejected), the target is the system of record for the user: the
 * export no longer moves them, the target's kept and updated values do. Latest by time; every
 * input is a set of facts, so the answer is the same in any delivery order.
 */
function currentAccountOf(state: UserMigrationState): {
  email: string | null;
  enabled: boolean | null;
  deletedInSource: boolean;
  deletedInTarget: boolean;
} {
  const profile = state.profile;
  const updates = Object.values(state.targetUpdates ?? {});
  const rejections = Object.values(state.rejectedSourceChanges ?? {});
  const emails: { value: string | null; at: string }[] = [];
  const enabled: { value: boolean; at: string }[] = [];
  if (rejections.length === 0 && profile !== null) {
    const at = profile.exportedAt ?? '';
    emails.push({ value: profile.email, at });
    enabled.push({ value: profile.enabled, at });
  }
  for (const u of updates) {
    if (u.email !== undefined) emails.push({ value: u.email, at: u.at });
    if (u.enabled !== undefined) enabled.push({ value: u.enabled, at: u.at });
  }
  for (const r of rejections) {
    emails.push({ value: r.keptEmail, at: r.at });
    enabled.push({ value: r.keptEnabled, at: r.at });
  }
  const deletedInTarget = updates.some((u) => u.deleted === true);
  const deletedInSource = state.sourceDeletion !== undefined;
  const born = state.bornInTarget;
  if (born !== undefined) {
    emails.push({ value: born.email, at: born.at });
    enabled.push({ value: true, at: born.at });
  }
  const email = latestValue(emails);
  const isEnabled = latestValue(enabled);
  return {
    email: email === undefined ? null : email,
    enabled: deletedInTarget ? false : isEnabled === undefined ? null : isEnabled,
    deletedInSource,
    deletedInTarget,
  };
}

/** The value of the latest entry; equal times: the larger JSON form, any fixed order would do. */
function latestValue<V>(entries: readonly { value: V; at: string }[]): V | undefined {
  let kept: { value: V; at: string } | undefined;
  for (const e of entries) {
    if (
      kept === undefined ||
      e.at > kept.at ||
      (e.at === kept.at && JSON.stringify(e.value) > JSON.stringify(kept.value))
    )
      kept = e;
  }
  return kept?.value;
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
