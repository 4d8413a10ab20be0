import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import type { CutoverPhaseChangedData } from '#events';
import {
  decideAutomaticAdvance,
  decideOperatorChange,
  evolveCutover,
  initialCutover,
  phaseReadiness,
  type CutoverState,
} from './cutover.js';
import { CutoverRefusedError } from './cutover-refused-error.js';
import { criterionIds, type Criterion, type CriterionId } from './done-criteria.js';
import { parseReconcilerPolicy } from './reconciler-policy.js';

const policy = parseReconcilerPolicy({}, 'test');
const target = { kind: 'keycloak' as const, realm: 'r' };
const now = new Date('2025-06-01T00:00:00Z');
const ids: readonly CriterionId[] = criterionIds;
/** Every criterion met, except the ones named. */
const criteria = (...failing: CriterionId[]): Criterion[] =>
  ids.map((id) => ({ id, value: 1, threshold: 1, comparison: 'at-least', unit: 'share', met: !failing.includes(id) }));

/** Given these past phase changes... */
function given(...changes: Partial<CutoverPhaseChangedData>[]): CutoverState {
  return changes.reduce<CutoverState>(
    (state, change, i) =>
      evolveCutover(state, {
        target,
        sequence: i + 1,
        from: state.phase,
        to: 'target-writes',
        by: 'reconciler',
        operator: null,
        reason: 'r',
        override: false,
        decidedAt: '2025-05-01T00:00:00.000Z',
        criteria: [],
        ...change,
      }),
    initialCutover,
  );
}

const operator = (action: 'advance' | 'rollback', override = false) => ({
  action,
  operator: 'alice',
  reason: 'change board 42',
  override,
});

describe('cutover phases', () => {
  it('given no phase change, then the cutover is in parallel run', () => {
    assert.equal(given().phase, 'parallel-run');
  });

  it('given the same change twice, then it is folded once', () => {
    const once = given({ to: 'target-writes' });
    const change = once.last!;
    assert.equal(evolveCutover(once, change), once);
  });

  it('given parallel run, when its criteria hold, then the reconciler advances to target writes with the criteria', () => {
    const decision = decideAutomaticAdvance(given(), criteria(), policy, target, now);
    assert.equal(decision?.from, 'parallel-run');
    assert.equal(decision?.to, 'target-writes');
    assert.equal(decision?.by, 'reconciler');
    assert.equal(decision?.sequence, 1);
    assert.deepEqual(
      decision?.criteria.map((c) => c.id),
      ['bridge-error-rate', 'observation-window'],
    );
  });

  it('given parallel run, when the observation window has not passed, then the reconciler stays', () => {
    assert.equal(decideAutomaticAdvance(given(), criteria('observation-window'), policy, target, now), null);
  });

  it('given Cognito read-only, when a done criterion fails, then the reconciler stays and names the blocker', () => {
    const state = given({ to: 'target-writes' }, { to: 'cognito-read-only' });
    assert.equal(decideAutomaticAdvance(state, criteria('mfa-reenrolled-share'), policy, target, now), null);
    assert.deepEqual(
      phaseReadiness(state, criteria('mfa-reenrolled-share')).blocking.map((c) => c.id),
      ['mfa-reenrolled-share'],
    );
  });

  it('given retire-ready with everything met, then the reconciler never retires on its own', () => {
    const state = given({ to: 'target-writes' }, { to: 'cognito-read-only' }, { to: 'retire-ready' });
    assert.equal(decideAutomaticAdvance(state, criteria(), policy, target, now), null);
  });

  it('given a failing criterion, when an operator advances without override, then it is refused', () => {
    assert.throws(
      () => decideOperatorChange(given(), operator('advance'), criteria('bridge-error-rate'), target, now),
      (e: unknown) => e instanceof CutoverRefusedError && /blocked by bridge-error-rate/.test(e.message),
    );
  });

  it('given a failing criterion, when an operator advances with override, then the override and reason are recorded', () => {
    const decision = decideOperatorChange(
      given(),
      operator('advance', true),
      criteria('bridge-error-rate'),
      target,
      now,
    );
    assert.equal(decision.to, 'target-writes');
    assert.equal(decision.by, 'operator');
    assert.equal(decision.operator, 'alice');
    assert.equal(decision.reason, 'change board 42');
    assert.equal(decision.override, true);
    assert.equal(decision.criteria.find((c) => c.id === 'bridge-error-rate')?.met, false);
  });

  it('given retire-ready with a failing criterion, when an operator overrides, then retiring is still refused', () => {
    const state = given({ to: 'target-writes' }, { to: 'cognito-read-only' }, { to: 'retire-ready' });
    assert.throws(
      () => decideOperatorChange(state, operator('advance', true), criteria('cognito-auth-calls-per-day'), target, now),
      CutoverRefusedError,
    );
    assert.equal(decideOperatorChange(state, operator('advance'), criteria(), target, now).to, 'retired');
  });

  it('given Cognito read-only, when an operator rolls back, then the previous phase is recorded with the reason', () => {
    const state = given({ to: 'target-writes' }, { to: 'cognito-read-only' });
    const decision = decideOperatorChange(state, operator('rollback'), criteria('active-migrated-share'), target, now);
    assert.equal(decision.from, 'cognito-read-only');
    assert.equal(decision.to, 'target-writes');
    assert.equal(decision.sequence, 3);
  });

  it('given retired, when an operator rolls back, then it is refused', () => {
    const state = given(
      { to: 'target-writes' },
      { to: 'cognito-read-only' },
      { to: 'retire-ready' },
      { to: 'retired' },
    );
    assert.throws(() => decideOperatorChange(state, operator('rollback'), criteria(), target, now), /retired/);
  });

  it('given parallel run, when an operator rolls back or gives no reason, then it is refused', () => {
    assert.throws(() => decideOperatorChange(given(), operator('rollback'), criteria(), target, now), /first phase/);
    assert.throws(
      () => decideOperatorChange(given(), { ...operator('advance'), reason: '  ' }, criteria(), target, now),
      /needs a reason/,
    );
  });
});
