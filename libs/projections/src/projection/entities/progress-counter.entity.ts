import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Completion counts kept up to date by each batch (the change of every user's contribution), so
 * that the metrics endpoint reads a few dozen rows instead of scanning every user.
 */
@Entity({ name: 'progress_counter' })
export class ProgressCounter {
  @PrimaryColumn({ type: 'text' })
  measure!: string;

  /** e.g. the status for `status`, the provider for `federation-expected`; '' when none. */
  @PrimaryColumn({ type: 'text' })
  dimension!: string;

  @Column({ type: 'bigint' })
  count!: string;
}
