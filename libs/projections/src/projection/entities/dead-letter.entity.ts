import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A user fact the projector sent to the dead-letter topic (the domain refused it, or PostgreSQL
 * could not store it), keyed by where it lies in the ledger: the dashboard lists its user as
 * stuck, with the reason. The dead-letter topic holds the record itself.
 */
@Entity({ name: 'dead_letter' })
export class DeadLetter {
  @PrimaryColumn({ type: 'text' })
  topic!: string;

  @PrimaryColumn({ type: 'integer' })
  partition!: number;

  @PrimaryColumn({ type: 'bigint' })
  offset!: string;

  @Column({ type: 'text' })
  sub!: string;

  @Column({ name: 'event_id', type: 'uuid' })
  eventId!: string;

  @Column({ type: 'text' })
  type!: string;

  /** The fact's own time. */
  @Column({ type: 'timestamptz' })
  time!: Date;

  @Column({ type: 'text' })
  reason!: string;
}
