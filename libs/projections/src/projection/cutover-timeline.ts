import type { DataSource } from 'typeorm';
import {
  doneStatus,
  evolveCutover,
  initialCutover,
  type CutoverState,
  type DoneStatus,
  type ReconcilerPolicy,
} from '#domain';
import { selectColumns } from '../entity-columns.js';
import { quoteIdentifier } from '../schema-name.js';
import { CutoverChange } from './entities/index.js';
import { CriteriaCounters } from './criteria-counters.js';
import { ProjectionReader } from './projection-reader.js';

/** The target whose cutover is asked for, as `CutoverPhaseChanged` names it. */
export interface CutoverTarget {
  readonly kind: 'keycloak';
  readonly realm: string;
}

const changeColumns = [
  'sequence',
  'eventId',
  'fromPhase',
  'toPhase',
  'decidedBy',
  'operator',
  'reason',
  'override',
  'decidedAt',
  'criteria',
] as const satisfies readonly (keyof CutoverChange)[];

/** One phase change as the API answers it. */
export type CutoverTimelineEntry = Pick<CutoverChange, (typeof changeColumns)[number]>;

/** The dashboard's done status: the domain's evaluation and the timeline of decisions behind the phase. */
export interface DashboardDoneStatus extends DoneStatus {
  readonly target: CutoverTarget;
  readonly timeline: readonly CutoverTimelineEntry[];
}

/**
 * The cutover as the projection holds it, and the "done" criteria evaluated by the domain's
 * `doneStatus`: the same evaluation `ledger status` makes (there from the control topic directly;
 * here from its projection, folded with `evolveCutover`). The counts come from the projector's
 * counters (`CriteriaCounters`), equal to `ProjectionReader.measurements` without its scan of
 * every user.
 */
export class CutoverTimeline {
  private readonly reader: ProjectionReader;
  private readonly counters: CriteriaCounters;

  constructor(
    private readonly db: DataSource,
    private readonly schema: string,
  ) {
    this.reader = new ProjectionReader(db, schema);
    this.counters = new CriteriaCounters(db, schema);
  }

  /** Every phase change of the target, in decision order. */
  async changes(target: CutoverTarget): Promise<CutoverTimelineEntry[]> {
    return this.db.query(
      `select ${selectColumns(CutoverChange, changeColumns)} from ${quoteIdentifier(this.schema)}.cutover_change
        where target_kind = $1 and target_realm = $2 order by sequence`,
      [target.kind, target.realm],
    );
  }

  async status(target: CutoverTarget, policy: ReconcilerPolicy, now: Date): Promise<DashboardDoneStatus> {
    const [timeline, measured, traffic] = await Promise.all([
      this.changes(target),
      this.counters.measurements(policy, now),
      this.reader.bridgeTraffic(policy, now, (since, until) => this.counters.jitPasswordMigrations(since, until)),
    ]);
    const cutover = timeline.reduce<CutoverState>(
      (state, c) =>
        evolveCutover(state, {
          target: { kind: target.kind, realm: target.realm },
          sequence: c.sequence,
          from: c.fromPhase as CutoverState['phase'],
          to: c.toPhase as CutoverState['phase'],
          by: c.decidedBy as 'reconciler' | 'operator',
          operator: c.operator,
          reason: c.reason,
          override: c.override,
          decidedAt: new Date(c.decidedAt).toISOString(),
          criteria: c.criteria,
        }),
      initialCutover,
    );
    return { target, timeline, ...doneStatus(cutover, measured, traffic, policy, now) };
  }
}
