import type { EvaluatedCriterion } from '#events';
import type { ReconcilerPolicy } from './reconciler-policy.js';
import { isDone, isFederated, isFederationRebound } from './done-definition.js';
import type { MigrationStatus, UserMigrationSummary } from './user-migration-summary.js';

const DAY_MS = 86_400_000;

/** Every "done" criterion, in the order reports list them. */
export const criterionIds = [
  'active-migrated-share',
  'mfa-reenrolled-share',
  'federation-rebound-share',
  'cognito-auth-calls-per-day',
  'bridge-error-rate',
  'remaining-users-reset',
  'target-disagreements',
  'observation-window',
] as const;

export type CriterionId = (typeof criterionIds)[number];

export type Criterion = EvaluatedCriterion & { readonly id: CriterionId };

/** What the bridge saw over the observation window; null where nothing measures it. */
export interface BridgeTraffic {
  readonly cognitoAuthCallsPerDay: number | null;
  readonly errorRate: number | null;
}

/**
 * The counts the criteria rest on, over every user of the projection. A store computes them in
 * one aggregate query; `measureUsers` is the same definition over rows in memory.
 */
export interface MigrationMeasurements {
  /** Enabled in Cognito. */
  readonly active: number;
  readonly activeMigrated: number;
  /** Active users who had MFA in Cognito, and those of them re-enrolled in the target. */
  readonly mfaRequired: number;
  readonly mfaReenrolled: number;
  /** Active users Cognito had federated, and those of them with every provider re-bound. */
  readonly federated: number;
  readonly federatedRebound: number;
  /** Active users not migrated yet, and those of them whose last reset is older than `remainingResetDaysAgo`. */
  readonly remaining: number;
  readonly remainingResetLongAgo: number;
  /** Active users migrated within the observation window (the current migration rate). */
  readonly migratedInWindow: number;
  readonly firstImportedAt: Date | null;
  /** Disagreements between the ledger and the target recorded and not resolved, over every user. */
  readonly openDisagreements: number;
}

/** One user as the projection holds them: the columns the criteria count. */
export interface CriteriaUserRow {
  readonly status: MigrationStatus;
  readonly active: boolean;
  readonly mfaRequired: boolean;
  readonly mfaReenrolledAt: Date | null;
  readonly expectedProviders: readonly string[];
  readonly reboundProviders: readonly string[];
  readonly migratedAt: Date | null;
  readonly importedAt: Date | null;
  readonly lastResetAt: Date | null;
  readonly openDisagreements: number;
}

/** A user's summary as the criteria count it: what the projection's `migration_user` row holds. */
export function criteriaRowOf(summary: UserMigrationSummary): CriteriaUserRow {
  const at = (iso: string | null) => (iso === null ? null : new Date(iso));
  return {
    status: summary.status,
    active: summary.active,
    mfaRequired: summary.mfaRequired,
    mfaReenrolledAt: at(summary.mfaReenrolledAt),
    expectedProviders: summary.expectedProviders,
    reboundProviders: summary.reboundProviders,
    migratedAt: at(summary.migratedAt),
    importedAt: at(summary.importedAt),
    lastResetAt: at(summary.lastResetAt),
    openDisagreements: summary.openDisagreements,
  };
}

/** The instants the counts depend on: both follow from the policy and the clock. */
export function measurementCutoffs(policy: ReconcilerPolicy, now: Date): { resetBefore: Date; windowStart: Date } {
  return {
    resetBefore: new Date(now.getTime() - policy.done.remainingResetDaysAgo * DAY_MS),
    windowStart: new Date(now.getTime() - policy.observationWindowDays * DAY_MS),
  };
}

/**
 * One pass over the users; the definition the SQL aggregate of the reconciler's store mirrors
 * (held equal by test/done-definition.int.spec.ts). Counts only active users, but for the
 * first import and the open disagreements: a disabled user's disagreement still blocks the cutover.
 */
export function measureUsers(
  users: Iterable<CriteriaUserRow>,
  policy: ReconcilerPolicy,
  now: Date,
): MigrationMeasurements {
  const { resetBefore, windowStart } = measurementCutoffs(policy, now);
  let active = 0;
  let activeMigrated = 0;
  let mfaRequired = 0;
  let mfaReenrolled = 0;
  let federated = 0;
  let federatedRebound = 0;
  let remaining = 0;
  let remainingResetLongAgo = 0;
  let migratedInWindow = 0;
  let firstImportedAt: Date | null = null;
  let openDisagreements = 0;
  for (const user of users) {
    openDisagreements += user.openDisagreements;
    if (user.importedAt !== null && (firstImportedAt === null || user.importedAt < firstImportedAt)) {
      firstImportedAt = user.importedAt;
    }
    if (!user.active) continue;
    active++;
    const migrated = isDone(user.status);
    if (migrated) {
      activeMigrated++;
      if (user.migratedAt !== null && user.migratedAt >= windowStart) migratedInWindow++;
    } else {
      remaining++;
      if (user.lastResetAt !== null && user.lastResetAt <= resetBefore) remainingResetLongAgo++;
    }
    if (user.mfaRequired) {
      mfaRequired++;
      if (user.mfaReenrolledAt !== null) mfaReenrolled++;
    }
    if (isFederated(user.expectedProviders)) {
      federated++;
      if (isFederationRebound(user.expectedProviders, user.reboundProviders)) federatedRebound++;
    }
  }
  return {
    active,
    activeMigrated,
    mfaRequired,
    mfaReenrolled,
    federated,
    federatedRebound,
    remaining,
    remainingResetLongAgo,
    migratedInWindow,
    firstImportedAt,
    openDisagreements,
  };
}

/**
 * Every "done" criterion: its value, threshold and whether it is met. A share over nobody (no MFA
 * users at all) is 1; a value nothing measures is null and never met: the cutover must not be
 * decided on a number nobody has.
 */
export function evaluateDoneCriteria(
  measured: MigrationMeasurements,
  bridge: BridgeTraffic,
  policy: ReconcilerPolicy,
  phaseSince: Date | null,
  now: Date,
): Criterion[] {
  const { done } = policy;
  const daysInPhase = phaseSince === null ? null : round((now.getTime() - phaseSince.getTime()) / DAY_MS, 2);
  return [
    atLeast(
      'active-migrated-share',
      share(measured.activeMigrated, measured.active),
      done.activeMigratedShare,
      'share',
    ),
    atLeast(
      'mfa-reenrolled-share',
      share(measured.mfaReenrolled, measured.mfaRequired),
      done.mfaReenrolledShare,
      'share',
    ),
    atLeast(
      'federation-rebound-share',
      share(measured.federatedRebound, measured.federated),
      done.federationReboundShare,
      'share',
    ),
    atMost('cognito-auth-calls-per-day', bridge.cognitoAuthCallsPerDay, done.cognitoAuthCallsPerDay, 'calls/day'),
    atMost('bridge-error-rate', bridge.errorRate, done.bridgeErrorRate, 'share'),
    atMost('remaining-users-reset', measured.remaining - measured.remainingResetLongAgo, 0, 'users'),
    // A ledger the target contradicts cannot decide a cutover: every disagreement is resolved first.
    atMost('target-disagreements', measured.openDisagreements, 0, 'disagreements'),
    atLeast('observation-window', daysInPhase, policy.observationWindowDays, 'days'),
  ];
}

/**
 * When the active-migrated threshold will be reached at the rate of the observation window;
 * `now` when it already is, null when nothing migrated in the window (no rate to project from).
 */
export function projectDoneDate(measured: MigrationMeasurements, policy: ReconcilerPolicy, now: Date): Date | null {
  const needed = Math.ceil(policy.done.activeMigratedShare * measured.active) - measured.activeMigrated;
  if (needed <= 0) return now;
  if (measured.migratedInWindow === 0 || policy.observationWindowDays === 0) return null;
  const perDay = measured.migratedInWindow / policy.observationWindowDays;
  return new Date(now.getTime() + Math.ceil((needed / perDay) * DAY_MS));
}

function share(part: number, whole: number): number {
  return whole === 0 ? 1 : round(part / whole, 4);
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.floor(value * f) / f;
}

function atLeast(id: CriterionId, value: number | null, threshold: number, unit: string): Criterion {
  return { id, value, threshold, comparison: 'at-least', unit, met: value !== null && value >= threshold };
}

function atMost(id: CriterionId, value: number | null, threshold: number, unit: string): Criterion {
  return { id, value, threshold, comparison: 'at-most', unit, met: value !== null && value <= threshold };
}
