import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Criterion } from '#domain';

/**
 * One cutover phase change of a target (`CutoverPhaseChanged` on the control topic): who decided,
 * why, whether it overrode a criterion, and the criteria as they stood. The dashboard's phase
 * timeline; the control topic stays the record, this is its projection (replay rebuilds it).
 */
@Entity({ name: 'cutover_change' })
export class CutoverChange {
  @PrimaryColumn({ name: 'target_kind', type: 'text' })
  targetKind!: string;

  @PrimaryColumn({ name: 'target_realm', type: 'text' })
  targetRealm!: string;

  @PrimaryColumn({ type: 'integer' })
  sequence!: number;

  @Column({ name: 'event_id', type: 'uuid' })
  eventId!: string;

  @Column({ name: 'from_phase', type: 'text' })
  fromPhase!: string;

  @Column({ name: 'to_phase', type: 'text' })
  toPhase!: string;

  @Column({ name: 'decided_by', type: 'text' })
  decidedBy!: string;

  @Column({ type: 'text', nullable: true })
  operator!: string | null;

  @Column({ type: 'text' })
  reason!: string;

  @Column({ type: 'boolean' })
  override!: boolean;

  @Column({ name: 'decided_at', type: 'timestamptz' })
  decidedAt!: Date;

  @Column({ type: 'jsonb' })
  criteria!: Criterion[];
}
