import { isDone } from '#domain';
import type { MigrationUserRow } from './migration-user-row.js';
import { bump, type Tally } from './progress-contributions.js';

/** The `progress_counter` measures of the cohorts: `cohort:<kind>` counts the users, `cohort-migrated:<kind>` the done ones. */
export const cohortUsersMeasure = 'cohort:';
export const cohortMigratedMeasure = 'cohort-migrated:';

/** A user's row as the cohorts read it. */
export type CohortSubject = Pick<
  MigrationUserRow,
  | 'sourceStatus'
  | 'status'
  | 'mfaRequired'
  | 'mfaReenrolledAt'
  | 'importedAt'
  | 'lastImportFailure'
  | 'expectedProviders'
  | 'reboundProviders'
>;

/** The cohorts one user belongs to: (kind, value) pairs, a user expecting several providers once per provider. */
export function cohortsOf(user: CohortSubject): [kind: string, value: string][] {
  const cohorts: [string, string][] = [
    ['cognito-status', user.sourceStatus ?? 'unknown'],
    ['mfa', !user.mfaRequired ? 'not-required' : user.mfaReenrolledAt === null ? 'needs-re-enrolment' : 're-enrolled'],
    [
      'import',
      user.status === 'import-failed'
        ? `failed: ${user.lastImportFailure ?? 'no reason given'}`
        : user.importedAt !== null
          ? 'imported'
          : 'not-imported',
    ],
  ];
  for (const provider of user.expectedProviders) {
    cohorts.push([
      'provider',
      `${provider}${user.reboundProviders.includes(provider) ? ' rebound' : ' not rebound yet'}`,
    ]);
  }
  return cohorts;
}

/**
 * What one user adds to the cohort counters, kept by the projector like the completion counters
 * (the change of each user's contribution per batch) so that `/api/metrics/cohorts` reads a few
 * dozen rows instead of grouping every user. `CohortQueries.recount` is the same split as one
 * GROUP BY over the rows; the projector's counters spec holds the two equal.
 */
export function addCohortContribution(tally: Tally, user: CohortSubject, sign: 1 | -1): void {
  const migrated = isDone(user.status);
  for (const [kind, value] of cohortsOf(user)) {
    bump(tally, `${cohortUsersMeasure}${kind}\t${value}`, sign);
    if (migrated) bump(tally, `${cohortMigratedMeasure}${kind}\t${value}`, sign);
  }
}
