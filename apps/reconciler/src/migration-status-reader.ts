import type { DataSource } from 'typeorm';
import type { ReconcilerConfig } from '#config';
import {
  doneStatus,
  rollbackReport,
  type BridgeTraffic,
  type CutoverState,
  type DoneStatus,
  type ReconcilerPolicy,
  type RollbackReport,
} from '#domain';
import type { Ledger } from '#ledger';
import { ProjectionReader } from '#projections';
import { readCutover } from './cutover-log.js';

/** The same evaluation the dashboard serves (`doneStatus` in libs/domain). */
export type CriteriaReport = DoneStatus;

export interface MigrationStatusDeps {
  readonly ledger: Ledger;
  /** PostgreSQL, where the projections are (the projection schema) and the send journal. */
  readonly db: DataSource;
  readonly config: ReconcilerConfig;
  readonly policy: ReconcilerPolicy;
  readonly realm: string;
  /** Where bridge traffic comes from; by default what the ledger shows (see ProjectionReader). */
  readonly bridgeTraffic?: (policy: ReconcilerPolicy, now: Date) => Promise<BridgeTraffic>;
}

/**
 * What `ledger status` shows, read and never written: the cutover phase from the control topic,
 * the criteria from the projection, the rollback report. Neither Keycloak nor the send journal's
 * schema is touched; the reconciler's own pass evaluates through the same reader.
 */
export class MigrationStatusReader {
  readonly projection: ProjectionReader;
  readonly target: { kind: 'keycloak'; realm: string };

  constructor(private readonly deps: MigrationStatusDeps) {
    this.projection = new ProjectionReader(deps.db, deps.config.projectionSchema);
    this.target = { kind: 'keycloak', realm: deps.realm };
  }

  cutover(): Promise<CutoverState> {
    return readCutover(this.deps.ledger, this.target);
  }

  /** The criteria with values and thresholds, the phase, what blocks the next one, the projected done date. */
  async criteria(now: Date): Promise<CriteriaReport> {
    const { policy } = this.deps;
    const [cutover, measured, traffic] = await Promise.all([
      this.cutover(),
      this.projection.measurements(policy, now),
      (this.deps.bridgeTraffic ?? ((p, n) => this.projection.bridgeTraffic(p, n)))(policy, now),
    ]);
    return doneStatus(cutover, measured, traffic, policy, now);
  }

  /** The users needing attention if the team went back to Cognito; CutoverRefusedError once retired. */
  async rollbackReport(): Promise<RollbackReport> {
    const [cutover, rows] = await Promise.all([
      this.cutover(),
      this.projection.rollbackCandidates(this.deps.config.schema),
    ]);
    return rollbackReport(cutover, rows);
  }
}
