import { Column, Entity, PrimaryColumn } from 'typeorm';

export const resetAttemptStates = ['intended', 'sent', 'recorded', 'skipped'] as const;
export type ResetAttemptState = (typeof resetAttemptStates)[number];

/**
 * The reconciler's send journal (schema RECONCILER_SCHEMA), one row per (user, target, attempt),
 * written *before* the e-mail is asked for: `intended` -> `sent` (Keycloak answered) ->
 * `recorded` (`ResetSent` is in the ledger), or `skipped`. The primary key makes the intent itself
 * once-only, so two passes (or two reconcilers) cannot both send one attempt.
 */
@Entity({ name: 'reset_attempt' })
export class ResetAttempt {
  @PrimaryColumn({ type: 'text' })
  sub!: string;

  /** `kind/realm`. */
  @PrimaryColumn({ type: 'text' })
  target!: string;

  @PrimaryColumn({ type: 'integer' })
  attempt!: number;

  @Column({ type: 'text' })
  reason!: string;

  @Column({ name: 'target_user_id', type: 'text', nullable: true })
  targetUserId!: string | null;

  @Column({ type: 'text' })
  state!: ResetAttemptState;

  /** Wall-clock time of the intent (not the reconciler's clock): compared with Keycloak's admin events. */
  @Column({ name: 'intended_at', type: 'timestamptz' })
  intendedAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
