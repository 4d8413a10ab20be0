import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import { evolveCutover, initialCutover } from './cutover.js';
import { measureUsers, type CriteriaUserRow } from './done-criteria.js';
import { doneStatus } from './done-status.js';
import { parseReconcilerPolicy } from './reconciler-policy.js';

const policy = parseReconcilerPolicy(
  { observationWindowDays: 10, done: { activeMigratedShare: 0.5, remainingResetDaysAgo: 14 } },
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
  importedAt: daysAgo(30),
  lastResetAt: null,
  openDisagreements: 0,
  ...overrides,
});
const quietBridge = { cognitoAuthCallsPerDay: 1, errorRate: 0.001 };

describe('doneStatus', () => {
  const measured = measureUsers(
    [row({ status: 'migrated', migratedAt: daysAgo(2) }), row({}), row({}), row({})],
    policy,
    now,
  );

  it('measures the first phase from the first import and names what blocks leaving it', () => {
    const status = doneStatus(initialCutover, measured, quietBridge, policy, now);
    const window = status.criteria.find((c) => c.id === 'observation-window')!;
    assert.equal(window.value, 30);
    assert.equal(status.readiness.next, 'target-writes');
    assert.deepEqual(status.readiness.blocking, []);
    // One more user of four reaches the 50 % share; one migrated in ten days: ten days from now.
    assert.equal(status.projectedDoneAt?.toISOString(), '2025-06-11T00:00:00.000Z');
  });

  it('measures a later phase from its decision, and needs every criterion to leave cognito-read-only', () => {
    const cutover = evolveCutover(initialCutover, {
      target: { kind: 'keycloak', realm: 'r' },
      sequence: 1,
      from: 'parallel-run',
      to: 'cognito-read-only',
      by: 'operator',
      operator: 'alice',
      reason: 'test',
      override: true,
      decidedAt: daysAgo(3).toISOString(),
      criteria: [],
    });
    const status = doneStatus(cutover, measured, quietBridge, policy, now);
    assert.equal(status.criteria.find((c) => c.id === 'observation-window')!.value, 3);
    assert.equal(status.readiness.criteria.length, status.criteria.length);
    assert.deepEqual(
      status.readiness.blocking.map((c) => c.id),
      status.criteria.filter((c) => !c.met).map((c) => c.id),
    );
    assert.ok(status.readiness.blocking.some((c) => c.id === 'active-migrated-share'));
  });
});
