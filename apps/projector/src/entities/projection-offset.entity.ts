import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Where each partition resumes; written in the same transaction as the rows its records produced. */
@Entity({ name: 'projection_offset' })
export class ProjectionOffset {
  @PrimaryColumn({ type: 'text' })
  topic!: string;

  @PrimaryColumn({ type: 'integer' })
  partition!: number;

  @Column({ name: 'next_offset', type: 'bigint' })
  nextOffset!: string;
}
