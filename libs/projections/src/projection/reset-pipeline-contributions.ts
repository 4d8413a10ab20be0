import { isDone, isResetCandidate } from '#domain';
import { utcDay } from './criteria-contributions.js';
import type { MigrationUserRow } from './migration-user-row.js';
import { bump, type Tally } from './progress-contributions.js';

/** The `progress_counter` measures of the long-tail pipeline that are facts already projected. */
export const pipelineMeasures = {
  /** `ResetSent` facts (the sum of `resets_sent`). */
  sentAttempts: 'pipeline:sent-attempts',
  /** Users sent at least one reset. */
  sentUsers: 'pipeline:sent-users',
  /** Of them, those not done yet. */
  awaiting: 'pipeline:awaiting',
  /** Done users whose password was set through a reset e-mail. */
  completed: 'pipeline:completed',
} as const;

/**
 * Which rule of `planLongTailResets` a candidate is due by: `import` (never reset: due
 * `longTail.afterDays` after the import) or `reset` (a reminder: due some days after the last
 * reset, how many depending on the resets sent).
 */
export type ResetBasis = 'import' | 'reset';

/**
 * The `criteria_daily` measure of the reset candidates of one status, with `resetsSent` resets,
 * due by `basis`, by the UTC day of the instant the rule counts from. The policy's numbers are not
 * in it (they are read when the pipeline is asked): whole days before a cutoff are summed from
 * these rows, the cutoff's own day counted from the user rows over an index.
 */
export function resetBasisMeasure(basis: ResetBasis, resetsSent: number, status: string): string {
  return `reset-basis:${basis}:${resetsSent}:${status}`;
}

export type ResetPipelineSubject = Pick<
  MigrationUserRow,
  'status' | 'importedAt' | 'resetsSent' | 'lastResetAt' | 'passwordMigratedVia'
>;

/**
 * What one user adds to the long-tail pipeline's counters (`ResetPipelineQueries`), applied per
 * batch as (after) - (before) like the other counters. The candidate rule is `nextReset`'s in
 * libs/domain (long-tail-resets.ts): change one, change the other; the projector's counters spec
 * holds the counts equal to the reconciler's plan over the rows.
 */
export function addResetPipelineContribution(
  counters: Tally,
  days: Tally,
  user: ResetPipelineSubject,
  sign: 1 | -1,
): void {
  const count = (measure: string, amount = 1) => bump(counters, `${measure}\t`, sign * amount);
  if (user.resetsSent > 0) {
    count(pipelineMeasures.sentAttempts, user.resetsSent);
    count(pipelineMeasures.sentUsers);
    if (!isDone(user.status)) count(pipelineMeasures.awaiting);
  }
  if (user.passwordMigratedVia === 'reset' && isDone(user.status)) count(pipelineMeasures.completed);
  if (user.importedAt === null || !isResetCandidate(user.status)) return;
  const basis: ResetBasis = user.resetsSent === 0 || user.lastResetAt === null ? 'import' : 'reset';
  const at = basis === 'import' ? user.importedAt : user.lastResetAt!;
  bump(days, `${utcDay(at)}\t${resetBasisMeasure(basis, user.resetsSent, user.status)}`, sign);
}
