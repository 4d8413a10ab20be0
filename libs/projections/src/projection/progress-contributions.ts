import type { UserMigrationState, UserMigrationSummary } from '#domain';

/** `measure\tdimension` -> amount, or `day\tmeasure` -> amount. */
export type Tally = Map<string, number>;

/**
 * What one user adds to the completion counters and to the daily milestones. A batch applies,
 * per user, (contribution after) - (contribution before), so counters stay exact whatever the
 * order and repetition of facts. The SQL views in the analyst-views migration define the same
 * numbers from the user rows; keep the two in step.
 */
export function addCounterContribution(tally: Tally, summary: UserMigrationSummary, sign: 1 | -1): void {
  const add = (measure: string, dimension = '', amount = 1) => bump(tally, `${measure}\t${dimension}`, sign * amount);
  add('users');
  add('status', summary.status);
  if (summary.active) add('active');
  if (summary.active && summary.status === 'migrated') add('active-migrated');
  if (summary.mfaRequired) add('mfa-required');
  if (summary.mfaRequired && summary.mfaReenrolledAt !== null) add('mfa-reenrolled');
  for (const provider of summary.expectedProviders) {
    add('federation-expected', provider);
    if (summary.reboundProviders.includes(provider)) add('federation-rebound', provider);
  }
  if (summary.passwordMigratedVia !== null) add('password-via', summary.passwordMigratedVia);
  if (summary.openDisagreements > 0) {
    add('disagreements-open', '', summary.openDisagreements);
    add('users-disagreeing');
  }
  if (summary.resetsSent > 0) {
    add('resets-sent', '', summary.resetsSent);
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
  add(summary.mfaReenrolledAt, 'mfa-reenrolled');
  for (const reset of Object.values(state.resets)) add(reset.at, 'resets-sent');
}

function bump(tally: Tally, key: string, amount: number): void {
  const next = (tally.get(key) ?? 0) + amount;
  if (next === 0) tally.delete(key);
  else tally.set(key, next);
}
