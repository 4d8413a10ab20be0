import { Column, Entity, PrimaryColumn } from 'typeorm';

/** How many users reached each milestone on each day (UTC), for burn-down charts. */
@Entity({ name: 'daily_progress' })
export class DailyProgress {
  @PrimaryColumn({ type: 'date' })
  day!: string;

  @PrimaryColumn({ type: 'text' })
  measure!: string;

  @Column({ type: 'bigint' })
  count!: string;
}
