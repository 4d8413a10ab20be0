import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import {
  evaluateDoneCriteria,
  measureUsers,
  projectDoneDate,
  type CriteriaUserRow,
  type Criterion,
} from './done-criteria.js';
import { parseReconcilerPolicy } from './reconciler-policy.js';

const policy = parseReconcilerPolicy(
  { observationWindowDays: 10, done: { activeMigratedShare: 0.75, remainingResetDaysAgo: 14 } },
  'test',
);
const now = new Date('2025-06-01T00:00:00Z');
const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000);
const row = (overrides: Partial<CriteriaUserRow>): CriteriaUserRow => ({
  status: 'imported',
  active: true,
  mfaRequired: false,
  mfaReenrolledAt: null,
  expectedProviders: [],
  reboundProviders: [],
  migratedAt: null,
  importedAt: daysAgo(60),
  lastResetAt: null,
  openDisagreements: 0,
  ...overrides,
});
const byId = (criteria: Criterion[]) => Object.fromEntries(criteria.map((c) => [c.id, c]));
const quietBridge = { cognitoAuthCallsPerDay: 1, errorRate: 0.001 };

describe('done criteria', () => {
  const users = [
    row({ status: 'migrated', migratedAt: daysAgo(2), mfaRequired: true, mfaReenrolledAt: daysAgo(2) }),
    row({ status: 'migrated', migratedAt: daysAgo(30), expectedProviders: ['Google'], reboundProviders: ['Google'] }),
    row({
      status: 'migrated',
      migratedAt: daysAgo(5),
      expectedProviders: ['Google', 'SAML'],
      reboundProviders: ['Google'],
    }),
    row({ lastResetAt: daysAgo(20), mfaRequired: true }),
    row({ status: 'disabled', active: false, lastResetAt: null }),
  ];

  it('given these users, then the counts follow the definitions', () => {
    assert.deepEqual(measureUsers(users, policy, now), {
      active: 4,
      activeMigrated: 3,
      mfaRequired: 2,
      mfaReenrolled: 1,
      federated: 2,
      federatedRebound: 1,
      remaining: 1,
      remainingResetLongAgo: 1,
      migratedInWindow: 2,
      firstImportedAt: daysAgo(60),
      openDisagreements: 0,
    });
  });

  it('given these users, when evaluated after 12 days in the phase, then each criterion has value, threshold and verdict', () => {
    const criteria = byId(
      evaluateDoneCriteria(measureUsers(users, policy, now), quietBridge, policy, daysAgo(12), now),
    );
    assert.deepEqual(criteria['active-migrated-share'], {
      id: 'active-migrated-share',
      value: 0.75,
      threshold: 0.75,
      comparison: 'at-least',
      unit: 'share',
      met: true,
    });
    assert.equal(criteria['mfa-reenrolled-share']!.value, 0.5);
    assert.equal(criteria['mfa-reenrolled-share']!.met, false);
    assert.equal(criteria['federation-rebound-share']!.value, 0.5);
    assert.equal(criteria['remaining-users-reset']!.value, 0);
    assert.equal(criteria['remaining-users-reset']!.met, true);
    assert.equal(criteria['observation-window']!.value, 12);
    assert.equal(criteria['observation-window']!.met, true);
    assert.equal(criteria['cognito-auth-calls-per-day']!.met, true);
  });

  it('given a remaining user reset only 10 days ago, then remaining-users-reset fails', () => {
    const measured = measureUsers([row({ lastResetAt: daysAgo(10) })], policy, now);
    const criteria = byId(evaluateDoneCriteria(measured, quietBridge, policy, daysAgo(12), now));
    assert.equal(criteria['remaining-users-reset']!.value, 1);
    assert.equal(criteria['remaining-users-reset']!.met, false);
  });

  it('given users the target contradicts, when evaluated, then target-disagreements counts every open one and fails', () => {
    const measured = measureUsers(
      [
        ...users,
        row({ status: 'migrated', openDisagreements: 1 }),
        row({ status: 'disabled', active: false, openDisagreements: 2 }),
      ],
      policy,
      now,
    );
    const criteria = byId(evaluateDoneCriteria(measured, quietBridge, policy, daysAgo(12), now));
    assert.deepEqual(criteria['target-disagreements'], {
      id: 'target-disagreements',
      value: 3,
      threshold: 0,
      comparison: 'at-most',
      unit: 'disagreements',
      met: false,
    });
    const clean = byId(evaluateDoneCriteria(measureUsers(users, policy, now), quietBridge, policy, daysAgo(12), now));
    assert.equal(clean['target-disagreements']!.met, true);
  });

  it('given no bridge measurement, then the bridge criteria are unmeasured and not met', () => {
    const criteria = byId(
      evaluateDoneCriteria(
        measureUsers(users, policy, now),
        { cognitoAuthCallsPerDay: null, errorRate: null },
        policy,
        null,
        now,
      ),
    );
    assert.equal(criteria['bridge-error-rate']!.value, null);
    assert.equal(criteria['bridge-error-rate']!.met, false);
    assert.equal(criteria['observation-window']!.met, false);
  });

  it('given nobody with MFA or federation, then those shares are 1 (nothing left to do)', () => {
    const criteria = byId(evaluateDoneCriteria(measureUsers([row({})], policy, now), quietBridge, policy, null, now));
    assert.equal(criteria['mfa-reenrolled-share']!.value, 1);
    assert.equal(criteria['federation-rebound-share']!.met, true);
  });

  it('projects the done date from the window rate, and null without a rate', () => {
    // 100 active, 50 migrated, 10 in the 10-day window: 1 a day, 25 more needed for 75 %.
    const measured = { ...measureUsers([], policy, now), active: 100, activeMigrated: 50, migratedInWindow: 10 };
    assert.equal(projectDoneDate(measured, policy, now)!.toISOString(), '2025-06-26T00:00:00.000Z');
    assert.equal(projectDoneDate({ ...measured, migratedInWindow: 0 }, policy, now), null);
    assert.equal(projectDoneDate({ ...measured, activeMigrated: 80 }, policy, now), now);
  });
});
