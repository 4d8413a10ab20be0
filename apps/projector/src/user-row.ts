import type { UserMigrationState, UserMigrationSummary } from '#domain';

/** A `migration_user` row as the bulk upsert reads it (jsonb_to_recordset: snake_case keys, ISO times). */
export type UserRow = Record<string, unknown>;

export function userRowOf(state: UserMigrationState, summary: UserMigrationSummary): UserRow {
  const profile = state.profile;
  return {
    sub: state.sub,
    pool_id: profile?.poolId ?? null,
    username: profile?.username ?? null,
    email: profile?.email ?? null,
    phone_number: profile?.phoneNumber ?? null,
    enabled: profile?.enabled ?? null,
    source_status: profile?.sourceStatus ?? null,
    status: summary.status,
    active: summary.active,
    mfa_required: summary.mfaRequired,
    mfa_reenrolled_at: summary.mfaReenrolledAt,
    mfa_methods: summary.mfaMethods,
    expected_providers: summary.expectedProviders,
    rebound_providers: summary.reboundProviders,
    target: summary.import?.target ?? null,
    target_user_id: summary.import?.targetUserId ?? null,
    login_name: summary.import?.loginName ?? null,
    needs_password_migration: summary.import?.needsPasswordMigration ?? null,
    treatment: summary.import?.treatment ?? null,
    last_import_failure: summary.lastImportFailure?.reason ?? null,
    exported_at: summary.exportedAt,
    imported_at: summary.importedAt,
    import_failed_at: summary.lastImportFailure?.at ?? null,
    password_migrated_via: summary.passwordMigratedVia,
    password_migrated_at: summary.passwordMigratedAt,
    migrated_at: summary.migratedAt,
    resets_sent: summary.resetsSent,
    last_reset_at: summary.lastResetAt,
    source_updated_at: profile?.sourceUpdatedAt ?? null,
    state,
  };
}

/** The columns of `migration_user` with their SQL types, in table order. */
export const userColumns: readonly (readonly [string, string])[] = [
  ['sub', 'text'],
  ['pool_id', 'text'],
  ['username', 'text'],
  ['email', 'text'],
  ['phone_number', 'text'],
  ['enabled', 'boolean'],
  ['source_status', 'text'],
  ['status', 'text'],
  ['active', 'boolean'],
  ['mfa_required', 'boolean'],
  ['mfa_reenrolled_at', 'timestamptz'],
  ['mfa_methods', 'text[]'],
  ['expected_providers', 'text[]'],
  ['rebound_providers', 'text[]'],
  ['target', 'text'],
  ['target_user_id', 'text'],
  ['login_name', 'text'],
  ['needs_password_migration', 'boolean'],
  ['treatment', 'text'],
  ['last_import_failure', 'text'],
  ['exported_at', 'timestamptz'],
  ['imported_at', 'timestamptz'],
  ['import_failed_at', 'timestamptz'],
  ['password_migrated_via', 'text'],
  ['password_migrated_at', 'timestamptz'],
  ['migrated_at', 'timestamptz'],
  ['resets_sent', 'integer'],
  ['last_reset_at', 'timestamptz'],
  ['source_updated_at', 'timestamptz'],
  ['state', 'jsonb'],
];
