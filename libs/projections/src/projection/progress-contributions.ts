import { userCompletionOf, type UserMigrationState, type UserMigrationSummary } from '#domain';

/** `measure\tdimension` -> amount, or `day\tmeasure` -> amount. */
export type Tally = Map<string, number>;

/**
 * What one user adds to the completion counters and to the daily milestones. A batch applies,
 * per user, (contribution after) - (contribution before), so counters stay exact whatever the
 * order and repetition of facts. What each counter counts is libs/domain's (userCompletionOf);
 * the SQL views in the analyst-views migration count the same from the user rows, and
 * test/done-definition.int.spec.ts holds all of them equal to the domain's completionFigures.
 */
export function addCounterContribution(tally: Tally, summary: UserMigrationSummary, sign: 1 | -1): void {
  const add = (measure: string, dimension = '', amount = 1) => bump(tally, `${measure}\t${dimension}`, sign * amount);
  const user = userCompletionOf(summary);
  add('users');
  add('status', user.status);
  if (user.active) add('active');
  if (user.activeMigrated) add('active-migrated');
  if (user.mfaRequired) add('mfa-required');
  if (user.mfaReenrolled) add('mfa-reenrolled');
  for (const { provider, rebound } of user.providers) {
    add('federation-expected', provider);
    if (rebound) add('federation-rebound', provider);
  }
  if (user.passwordVia !== null) add('password-via', user.passwordVia);
  if (user.openDisagreements > 0) {
    add('disagreements-open', '', user.openDisagreements);
    add('users-disagreeing');
  }
  if (user.resetsSent > 0) {
    add('resets-sent', '', user.resetsSent);
    add('users-reset');
  }
}

export function addDailyContribution(
  tally: Tally,
  state: UserMigrationState,
  summary: UserMigrationSummary,
  sign: 1 | -1,
): void {
  const add = (at: string | null, measure: string) => {
    if (at !== null) bump(tally, `${at.slice(0, 10)}\t${measure}`, sign);
  };
  add(summary.exportedAt, 'exported');
  add(summary.importedAt, 'imported');
  add(summary.migratedAt, 'migrated');
  // The same day split by route, for the burn-down by route (`RouteBurnDownQueries`): the route
  // is not a column of the daily counters, and counting it from the user rows reads all of them.
  add(summary.migratedAt, migratedViaMeasure(summary.passwordMigratedVia));
  add(summary.mfaReenrolledAt, 'mfa-reenrolled');
  for (const reset of Object.values(state.resets)) add(reset.at, 'resets-sent');
}

/**
 * The daily measure of a user migrated by `via` (their password's route, or none: every provider
 * re-bound). Its days add up to `migrated`'s: `migratedAt` is set exactly when the user is done.
 */
export function migratedViaMeasure(via: 'jit' | 'reset' | null): string {
  return `migrated-via:${via ?? 'federation'}`;
}

/** Adds `amount` under `key`; a key whose amount reaches zero is removed (no row of zero is written). */
export function bump(tally: Tally, key: string, amount: number): void {
  const next = (tally.get(key) ?? 0) + amount;
  if (next === 0) tally.delete(key);
  else tally.set(key, next);
}
