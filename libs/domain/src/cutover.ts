import type { CutoverPhaseChangedData, CutoverPhaseName } from '#events';
import { CutoverRefusedError } from './cutover-refused-error.js';
import { criterionIds, type Criterion, type CriterionId } from './done-criteria.js';
import type { ReconcilerPolicy } from './reconciler-policy.js';

export type CutoverPhase = CutoverPhaseName;

export const cutoverPhases: readonly CutoverPhase[] = [
  'parallel-run',
  'target-writes',
  'cognito-read-only',
  'retire-ready',
  'retired',
];

/**
 * What must hold before leaving each phase. Early phases only need the target to have run
 * cleanly for the observation window; leaving Cognito read-only (and retiring it) needs every
 * "done" criterion, since from then on the long tail can only come back through a reset.
 */
const everyDoneCriterion: readonly CriterionId[] = criterionIds;

export const criteriaToLeave: Readonly<Record<Exclude<CutoverPhase, 'retired'>, readonly CriterionId[]>> = {
  'parallel-run': ['observation-window', 'bridge-error-rate'],
  'target-writes': ['observation-window', 'bridge-error-rate'],
  'cognito-read-only': everyDoneCriterion,
  'retire-ready': everyDoneCriterion,
};

export interface CutoverState {
  readonly phase: CutoverPhase;
  /** When the current phase began; null while still in the first phase, which began with the migration. */
  readonly since: Date | null;
  /** Phase changes so far: the next one is `changes + 1`. */
  readonly changes: number;
  readonly last: CutoverPhaseChangedData | null;
}

export const initialCutover: CutoverState = { phase: 'parallel-run', since: null, changes: 0, last: null };

/** Folds the ledger's phase changes (in control-topic order) into the current phase. */
export function evolveCutover(state: CutoverState, change: CutoverPhaseChangedData): CutoverState {
  // A change already folded (the same fact delivered again) moves nothing.
  if (change.sequence <= state.changes) return state;
  return { phase: change.to, since: new Date(change.decidedAt), changes: change.sequence, last: change };
}

export interface PhaseReadiness {
  readonly phase: CutoverPhase;
  readonly next: CutoverPhase | null;
  /** The criteria the current phase needs before the next one, as evaluated. */
  readonly criteria: readonly Criterion[];
  /** Those of them not met. */
  readonly blocking: readonly Criterion[];
}

export function phaseReadiness(state: CutoverState, criteria: readonly Criterion[]): PhaseReadiness {
  const next = nextPhase(state.phase);
  if (state.phase === 'retired') return { phase: state.phase, next, criteria: [], blocking: [] };
  const needed = new Set(criteriaToLeave[state.phase]);
  const relevant = criteria.filter((c) => needed.has(c.id));
  return { phase: state.phase, next, criteria: relevant, blocking: relevant.filter((c) => !c.met) };
}

type Target = CutoverPhaseChangedData['target'];

/**
 * The reconciler's own decision: the next phase when every criterion of the current one holds and
 * the policy lets it go that far without an operator; otherwise null (stay).
 */
export function decideAutomaticAdvance(
  state: CutoverState,
  criteria: readonly Criterion[],
  policy: ReconcilerPolicy,
  target: Target,
  now: Date,
): CutoverPhaseChangedData | null {
  const readiness = phaseReadiness(state, criteria);
  if (readiness.next === null || readiness.blocking.length > 0) return null;
  if (cutoverPhases.indexOf(readiness.next) > cutoverPhases.indexOf(policy.automaticUpTo)) return null;
  return change(state, readiness, target, now, {
    to: readiness.next,
    by: 'reconciler',
    operator: null,
    reason: `every criterion of ${state.phase} held`,
    override: false,
  });
}

export interface OperatorCommand {
  readonly action: 'advance' | 'rollback';
  readonly operator: string;
  readonly reason: string;
  /** Advance although a criterion is not met; recorded in the decision. */
  readonly override: boolean;
}

/**
 * An operator's advance or rollback. Advancing past a failing criterion needs an explicit
 * override; retiring Cognito never takes one (it cannot be undone), and nothing rolls back from
 * retired: the source is gone.
 */
export function decideOperatorChange(
  state: CutoverState,
  command: OperatorCommand,
  criteria: readonly Criterion[],
  target: Target,
  now: Date,
): CutoverPhaseChangedData {
  if (command.reason.trim() === '') throw new CutoverRefusedError('an operator decision needs a reason');
  const readiness = phaseReadiness(state, criteria);
  if (command.action === 'rollback') {
    if (state.phase === 'retired')
      throw new CutoverRefusedError('Cognito is retired: there is no phase to roll back to');
    const previous = previousPhase(state.phase);
    if (previous === null) throw new CutoverRefusedError(`${state.phase} is the first phase: nothing to roll back to`);
    return change(state, readiness, target, now, {
      to: previous,
      by: 'operator',
      ...fromCommand(command),
      override: false,
    });
  }
  if (readiness.next === null) throw new CutoverRefusedError('Cognito is retired: there is no next phase');
  const failing = readiness.blocking.map((c) => c.id);
  if (failing.length > 0 && readiness.next === 'retired') {
    throw new CutoverRefusedError(`retiring Cognito cannot be overridden; not met: ${failing.join(', ')}`);
  }
  if (failing.length > 0 && !command.override) {
    throw new CutoverRefusedError(
      `${state.phase} -> ${readiness.next} is blocked by ${failing.join(', ')}; advance with an override to decide anyway`,
    );
  }
  return change(state, readiness, target, now, {
    to: readiness.next,
    by: 'operator',
    ...fromCommand(command),
    override: failing.length > 0,
  });
}

function fromCommand(command: OperatorCommand): { operator: string; reason: string } {
  return { operator: command.operator, reason: command.reason.trim() };
}

function change(
  state: CutoverState,
  readiness: PhaseReadiness,
  target: Target,
  now: Date,
  decision: Pick<CutoverPhaseChangedData, 'to' | 'by' | 'operator' | 'reason' | 'override'>,
): CutoverPhaseChangedData {
  return {
    target,
    sequence: state.changes + 1,
    from: state.phase,
    ...decision,
    decidedAt: now.toISOString(),
    criteria: readiness.criteria.map((c) => ({ ...c })),
  };
}

export function nextPhase(phase: CutoverPhase): CutoverPhase | null {
  return cutoverPhases[cutoverPhases.indexOf(phase) + 1] ?? null;
}

function previousPhase(phase: CutoverPhase): CutoverPhase | null {
  const index = cutoverPhases.indexOf(phase);
  return index > 0 ? cutoverPhases[index - 1]! : null;
}
