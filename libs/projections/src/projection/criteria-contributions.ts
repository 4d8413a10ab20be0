import { isDone, isFederated, isFederationRebound } from '#domain';
import type { MigrationUserRow } from './migration-user-row.js';
import { bump, type Tally } from './progress-contributions.js';

/** The `progress_counter` measures of the done criteria's counts that do not depend on the clock. */
export const criteriaMeasures = {
  active: 'criteria:active',
  activeMigrated: 'criteria:active-migrated',
  mfaRequired: 'criteria:mfa-required',
  mfaReenrolled: 'criteria:mfa-reenrolled',
  federated: 'criteria:federated',
  federatedRebound: 'criteria:federated-rebound',
  remaining: 'criteria:remaining',
  openDisagreements: 'criteria:open-disagreements',
} as const;

/**
 * The `criteria_daily` measures: the counts that depend on the clock, per UTC day of the instant
 * they are cut at. Whole days come from these rows; the one day a cutoff falls into is counted
 * from the user rows over an index, so the sum is exact to the millisecond.
 */
export const criteriaDays = {
  /** Active, not done, by the day of the last reset: `remainingResetLongAgo`. */
  remainingLastReset: 'remaining-last-reset',
  /** Active and done, by the day of `migrated_at`: `migratedInWindow`. */
  activeMigrated: 'active-migrated',
  /** Every user whose password moved by JIT, by the day it did: the bridge's calls without traffic facts. */
  jitPassword: 'jit-password',
} as const;

/** A user's row as the done criteria read it (`measureUsers` in libs/domain over the same fields). */
export type CriteriaSubject = Pick<
  MigrationUserRow,
  | 'status'
  | 'active'
  | 'mfaRequired'
  | 'mfaReenrolledAt'
  | 'expectedProviders'
  | 'reboundProviders'
  | 'migratedAt'
  | 'lastResetAt'
  | 'passwordMigratedVia'
  | 'passwordMigratedAt'
  | 'openDisagreements'
>;

/** The UTC day of an instant, as PostgreSQL's `(at at time zone 'UTC')::date` renders it. */
export function utcDay(at: string | Date): string {
  return new Date(at).toISOString().slice(0, 10);
}

/**
 * What one user adds to the done criteria's counters (libs/domain's `measureUsers`, one user at a
 * time): applied per batch as (after) - (before), like the completion counters, so that
 * `/api/cutover/status` reads counters instead of aggregating every user. `firstImportedAt` is a
 * minimum, not a sum: it is read over an index (`migration_user_imported_at`).
 */
export function addCriteriaContribution(counters: Tally, days: Tally, user: CriteriaSubject, sign: 1 | -1): void {
  const count = (measure: string, amount = 1) => bump(counters, `${measure}\t`, sign * amount);
  const onDay = (at: string | Date | null, measure: string) => {
    if (at !== null) bump(days, `${utcDay(at)}\t${measure}`, sign);
  };
  if (user.openDisagreements > 0) count(criteriaMeasures.openDisagreements, user.openDisagreements);
  if (user.passwordMigratedVia === 'jit') onDay(user.passwordMigratedAt, criteriaDays.jitPassword);
  if (!user.active) return;
  count(criteriaMeasures.active);
  if (isDone(user.status)) {
    count(criteriaMeasures.activeMigrated);
    onDay(user.migratedAt, criteriaDays.activeMigrated);
  } else {
    count(criteriaMeasures.remaining);
    onDay(user.lastResetAt, criteriaDays.remainingLastReset);
  }
  if (user.mfaRequired) {
    count(criteriaMeasures.mfaRequired);
    if (user.mfaReenrolledAt !== null) count(criteriaMeasures.mfaReenrolled);
  }
  if (isFederated(user.expectedProviders)) {
    count(criteriaMeasures.federated);
    if (isFederationRebound(user.expectedProviders, user.reboundProviders)) count(criteriaMeasures.federatedRebound);
  }
}
