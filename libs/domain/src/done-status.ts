import { phaseReadiness, type CutoverState, type PhaseReadiness } from './cutover.js';
import {
  evaluateDoneCriteria,
  projectDoneDate,
  type BridgeTraffic,
  type Criterion,
  type MigrationMeasurements,
} from './done-criteria.js';
import type { ReconcilerPolicy } from './reconciler-policy.js';

/** Where a migration stands against its definition of done: what `ledger status` and the dashboard show. */
export interface DoneStatus {
  readonly cutover: CutoverState;
  readonly measured: MigrationMeasurements;
  readonly criteria: readonly Criterion[];
  readonly readiness: PhaseReadiness;
  /** When the active-migrated threshold is reached at the window's rate; null: no rate yet. */
  readonly projectedDoneAt: Date | null;
}

/**
 * The one evaluation of "done" from the measurements: the reconciler's status and the projector's
 * dashboard both call it, so they cannot disagree about a criterion.
 */
export function doneStatus(
  cutover: CutoverState,
  measured: MigrationMeasurements,
  traffic: BridgeTraffic,
  policy: ReconcilerPolicy,
  now: Date,
): DoneStatus {
  // The first phase began with the migration itself: its window runs from the first import.
  const since = cutover.since ?? measured.firstImportedAt;
  const criteria = evaluateDoneCriteria(measured, traffic, policy, since, now);
  return {
    cutover,
    measured,
    criteria,
    readiness: phaseReadiness(cutover, criteria),
    projectedDoneAt: projectDoneDate(measured, policy, now),
  };
}
