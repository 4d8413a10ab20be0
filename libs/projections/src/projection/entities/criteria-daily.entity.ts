import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The done criteria's clock-dependent counts per UTC day (`criteriaDays`), kept up to date by each
 * batch like `daily_progress`: a cutoff's whole days are summed from here.
 */
@Entity({ name: 'criteria_daily' })
export class CriteriaDaily {
  @PrimaryColumn({ type: 'date' })
  day!: string;

  @PrimaryColumn({ type: 'text' })
  measure!: string;

  @Column({ type: 'bigint' })
  count!: string;
}
