import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Where each partition resumes, written in the same transaction as the rows its records produced,
 * with the Kafka cluster id and topic id the offset counts in.
 */
@Entity({ name: 'projection_offset' })
export class ProjectionOffset {
  @PrimaryColumn({ type: 'text' })
  topic!: string;

  @PrimaryColumn({ type: 'integer' })
  partition!: number;

  @Column({ name: 'next_offset', type: 'bigint' })
  nextOffset!: string;

  @Column({ name: 'cluster_id', type: 'text', nullable: true })
  clusterId!: string | null;

  @Column({ name: 'topic_id', type: 'text', nullable: true })
  topicId!: string | null;
}
