import type { UserMigrationState, UserMigrationSummary } from '#domain';
import type { StoredRow } from '../entity-columns.js';
import type { MigrationUser } from './entities/index.js';

/** A `migration_user` row as the bulk upsert sends it: keyed like the entity, times as ISO strings. */
export type MigrationUserRow = StoredRow<MigrationUser>;

/** The row of one user: the domain state and the columns derived from it (`summarizeUserMigration`). */
export function userRowOf(state: UserMigrationState, summary: UserMigrationSummary): MigrationUserRow {
  const profile = state.profile;
  return {
    sub: state.sub,
    poolId: profile?.poolId ?? null,
    // A user born in the target has no Cognito profile: its target username names it in reports.
    username: profile?.username ?? state.bornInTarget?.username ?? null,
    // Current values: the parallel run's sync facts move them after the export (the same when there are none).
    email: summary.currentEmail,
    phoneNumber: profile?.phoneNumber ?? null,
    enabled: summary.currentlyEnabled,
    sourceStatus: profile?.sourceStatus ?? null,
    status: summary.status,
    active: summary.active,
    mfaRequired: summary.mfaRequired,
    mfaReenrolledAt: summary.mfaReenrolledAt,
    mfaMethods: summary.mfaMethods,
    expectedProviders: summary.expectedProviders,
    reboundProviders: summary.reboundProviders,
    target: summary.import?.target ?? null,
    targetUserId: summary.import?.targetUserId ?? null,
    loginName: summary.import?.loginName ?? null,
    needsPasswordMigration: summary.import?.needsPasswordMigration ?? null,
    treatment: summary.import?.treatment ?? null,
    requiredActions: summary.import?.requiredActions ?? null,
    lastImportFailure: summary.lastImportFailure?.reason ?? null,
    exportedAt: summary.exportedAt,
    importedAt: summary.importedAt,
    importFailedAt: summary.lastImportFailure?.at ?? null,
    passwordMigratedVia: summary.passwordMigratedVia,
    passwordMigratedAt: summary.passwordMigratedAt,
    migratedAt: summary.migratedAt,
    resetsSent: summary.resetsSent,
    lastResetAt: summary.lastResetAt,
    sourceUpdatedAt: profile?.sourceUpdatedAt ?? null,
    state,
    openDisagreements: summary.openDisagreements,
  };
}
