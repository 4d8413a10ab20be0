import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The JIT bridge's Cognito `AdminInitiateAuth` calls of one UTC day, and those of them that ended
 * "temporarily unavailable", as bridges of earlier versions counted them in the projection schema.
 * No longer written or read: the bridge records its traffic as `BridgeTrafficObserved` facts and
 * the criteria are computed from their projection (`BridgeTrafficObservation`), which a replay
 * rebuilds. The table, and its migrations tracked apart (`typeorm_migrations_bridge_traffic`),
 * stay in the schemas that have them; this entity describes it there.
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
