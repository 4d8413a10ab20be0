import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { MigrationStatus, UserMigrationState } from '#domain';

/**
 * One row per Cognito user: the derived state columns analysts filter on, and the full domain
 * state (`state`) that the next facts are folded into. Every value follows from the ledger alone
 * (no wall-clock column), so a replay reproduces each row byte for byte. The indexes are the
 * migration's: some are on expressions.
 */
@Entity({ name: 'migration_user' })
export class MigrationUser {
  @PrimaryColumn({ type: 'text' })
  sub!: string;

  @Column({ name: 'pool_id', type: 'text', nullable: true })
  poolId!: string | null;

  /** The JIT bridge finds users by username, login name, e-mail, phone or target id (indexes: see the migration). */
  @Column({ type: 'text', nullable: true })
  username!: string | null;

  /** Lower-cased. */
  @Column({ type: 'text', nullable: true })
  email!: string | null;

  @Column({ name: 'phone_number', type: 'text', nullable: true })
  phoneNumber!: string | null;

  @Column({ type: 'boolean', nullable: true })
  enabled!: boolean | null;

  @Column({ name: 'source_status', type: 'text', nullable: true })
  sourceStatus!: string | null;

  @Column({ type: 'text' })
  status!: MigrationStatus;

  @Column({ type: 'boolean' })
  active!: boolean;

  @Column({ name: 'mfa_required', type: 'boolean' })
  mfaRequired!: boolean;

  @Column({ name: 'mfa_reenrolled_at', type: 'timestamptz', nullable: true })
  mfaReenrolledAt!: Date | null;

  @Column({ name: 'mfa_methods', type: 'text', array: true })
  mfaMethods!: string[];

  @Column({ name: 'expected_providers', type: 'text', array: true })
  expectedProviders!: string[];

  @Column({ name: 'rebound_providers', type: 'text', array: true })
  reboundProviders!: string[];

  /** `kind/realm` of the target the user was first imported into. */
  @Column({ type: 'text', nullable: true })
  target!: string | null;

  @Column({ name: 'target_user_id', type: 'text', nullable: true })
  targetUserId!: string | null;

  @Column({ name: 'login_name', type: 'text', nullable: true })
  loginName!: string | null;

  @Column({ name: 'needs_password_migration', type: 'boolean', nullable: true })
  needsPasswordMigration!: boolean | null;

  @Column({ type: 'text', nullable: true })
  treatment!: string | null;

  /** `UserImported.requiredActions`; null for rows projected before the column (a replay fills it). */
  @Column({ name: 'required_actions', type: 'text', array: true, nullable: true })
  requiredActions!: string[] | null;

  @Column({ name: 'last_import_failure', type: 'text', nullable: true })
  lastImportFailure!: string | null;

  @Column({ name: 'exported_at', type: 'timestamptz', nullable: true })
  exportedAt!: Date | null;

  @Column({ name: 'imported_at', type: 'timestamptz', nullable: true })
  importedAt!: Date | null;

  @Column({ name: 'import_failed_at', type: 'timestamptz', nullable: true })
  importFailedAt!: Date | null;

  @Column({ name: 'password_migrated_via', type: 'text', nullable: true })
  passwordMigratedVia!: 'jit' | 'reset' | null;

  @Column({ name: 'password_migrated_at', type: 'timestamptz', nullable: true })
  passwordMigratedAt!: Date | null;

  @Column({ name: 'migrated_at', type: 'timestamptz', nullable: true })
  migratedAt!: Date | null;

  @Column({ name: 'resets_sent', type: 'integer' })
  resetsSent!: number;

  @Column({ name: 'last_reset_at', type: 'timestamptz', nullable: true })
  lastResetAt!: Date | null;

  @Column({ name: 'source_updated_at', type: 'timestamptz', nullable: true })
  sourceUpdatedAt!: Date | null;

  @Column({ type: 'jsonb' })
  state!: UserMigrationState;

  /** TargetDisagreementFound facts not resolved yet (the ledger-vs-target reconciliation). */
  @Column({ name: 'open_disagreements', type: 'integer', default: 0 })
  openDisagreements!: number;
}
