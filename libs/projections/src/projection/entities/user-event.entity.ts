import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Every fact about a user, for the per-user history. Keyed by sub, id and content hash: a redelivered
 * or re-published fact is stored once, while two versions of one fact (same id, other content,
 * e.g. an import first `created`, then `matched` on a re-run) both stay visible.
 */
@Entity({ name: 'user_event' })
export class UserEvent {
  @PrimaryColumn({ type: 'text' })
  sub!: string;

  @PrimaryColumn({ name: 'event_id', type: 'uuid' })
  eventId!: string;

  @PrimaryColumn({ name: 'content_hash', type: 'text' })
  contentHash!: string;

  @Column({ type: 'text' })
  type!: string;

  @Column({ type: 'timestamptz' })
  time!: Date;

  @Column({ type: 'text' })
  source!: string;

  @Column({ name: 'correlation_id', type: 'text' })
  correlationId!: string;

  @Column({ type: 'text' })
  topic!: string;

  @Column({ type: 'integer' })
  partition!: number;

  @Column({ type: 'bigint' })
  offset!: string;

  @Column({ type: 'jsonb' })
  data!: unknown;
}
