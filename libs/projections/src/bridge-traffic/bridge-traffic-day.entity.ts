import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The JIT bridge's Cognito `AdminInitiateAuth` calls of one UTC day, and those of them that ended
 * "temporarily unavailable": what the reconciler's `bridge-error-rate` and
 * `cognito-auth-calls-per-day` criteria read. The table lives in the projection schema (where
 * the reconciler reads the projections) but is not projected from the ledger: failed calls are
 * not facts. Its migrations are tracked apart (`typeorm_migrations_bridge_traffic`), so a replay
 * neither creates nor replaces it, and it exists only once a bridge ran.
 */
@Entity({ name: 'bridge_daily_traffic' })
export class BridgeTrafficDay {
  @PrimaryColumn({ type: 'date' })
  day!: string;

  @Column({ name: 'cognito_calls', type: 'bigint', default: 0 })
  cognitoCalls!: string;

  @Column({ type: 'bigint', default: 0 })
  unavailable!: string;
}
