import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One `BridgeTrafficObserved` fact: what one bridge process saw of Cognito over one interval.
 * Keyed by the event id, so a fact delivered or published twice counts once. The reconciler's
 * `bridge-error-rate` and `cognito-auth-calls-per-day` criteria sum these rows; a replay rebuilds
 * them from the ledger like every other table of the projection.
 */
@Entity({ name: 'bridge_traffic' })
@Index('bridge_traffic_interval_end', ['intervalEnd'])
export class BridgeTrafficObservation {
  @PrimaryColumn({ name: 'event_id', type: 'uuid' })
  eventId!: string;

  /** The target's realm (the fact's subject is `keycloak/<realm>`). */
  @Column({ type: 'text' })
  realm!: string;

  /** The bridge process that observed it. */
  @Column({ type: 'uuid' })
  instance!: string;

  @Column({ name: 'interval_start', type: 'timestamptz' })
  intervalStart!: Date;

  @Column({ name: 'interval_end', type: 'timestamptz' })
  intervalEnd!: Date;

  /** false: the bridge shut down within the interval. */
  @Column({ type: 'boolean' })
  complete!: boolean;

  /** Every Cognito call of the interval, whatever its answer. */
  @Column({ name: 'cognito_calls', type: 'integer' })
  cognitoCalls!: number;

  /** Those that ended "temporarily unavailable". */
  @Column({ type: 'integer' })
  unavailable!: number;

  /** The fact's counts as recorded: `{outcomes, unavailable}` by kind and by cause. */
  @Column({ type: 'jsonb' })
  counts!: unknown;
}
