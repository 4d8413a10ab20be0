import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One export run of a pool, from its control events. */
@Entity({ name: 'export_run' })
export class ExportRun {
  @PrimaryColumn({ name: 'run_id', type: 'uuid' })
  runId!: string;

  @Column({ name: 'pool_id', type: 'text' })
  poolId!: string;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt!: Date | null;

  @Column({ type: 'integer', nullable: true })
  users!: number | null;

  @Column({ type: 'text', nullable: true })
  digest!: string | null;
}
