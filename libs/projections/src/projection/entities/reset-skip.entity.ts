import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A reset the reconciler was due to send and must not (`ResetSkipped` on the control topic), one
 * row per user, target and attempt: the long-tail pipeline's "skipped" with the reason. The
 * control topic stays the record; this is its projection (a replay rebuilds it).
 */
@Entity({ name: 'reset_skip' })
export class ResetSkip {
  @PrimaryColumn({ type: 'text' })
  sub!: string;

  /** `kind/realm`. */
  @PrimaryColumn({ type: 'text' })
  target!: string;

  @PrimaryColumn({ type: 'integer' })
  attempt!: number;

  @Column({ name: 'event_id', type: 'uuid' })
  eventId!: string;

  /** `disabled-in-cognito`, `disabled-in-target`, `deleted-in-target` or `no-email`. */
  @Column({ type: 'text' })
  reason!: string;

  @Column({ name: 'skipped_at', type: 'timestamptz' })
  skippedAt!: Date;
}
