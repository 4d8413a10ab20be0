import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import { defaultReconcilerPolicy, projectDoneDate, type MigrationMeasurements } from '#domain';
import { doneProjection } from './route-burn-down.js';

const now = new Date('2026-11-30T12:00:00Z');
const policy = {
  ...defaultReconcilerPolicy,
  observationWindowDays: 10,
  done: { ...defaultReconcilerPolicy.done, activeMigratedShare: 0.9 },
};
const measured = (activeMigrated: number, migratedInWindow: number): MigrationMeasurements => ({
  active: 1000,
  activeMigrated,
  mfaRequired: 0,
  mfaReenrolled: 0,
  federated: 0,
  federatedRebound: 0,
  remaining: 1000 - activeMigrated,
  remainingResetLongAgo: 0,
  migratedInWindow,
  firstImportedAt: null,
  openDisagreements: 0,
});

describe('the projected done date and its basis', () => {
  it('given a rate within the window, projects at it and says how many are still needed', () => {
    const projection = doneProjection(measured(600, 50), policy, now);
    assert.equal(projection.basis, 'window-rate');
    assert.equal(projection.needed, 300);
    assert.equal(projection.perDay, 5);
    // The domain's date, not a second computation of it.
    assert.equal(projection.projectedDoneAt, projectDoneDate(measured(600, 50), policy, now)!.toISOString());
    assert.equal(projection.projectedDoneAt, '2027-01-29T12:00:00.000Z');
  });

  it('given nobody migrated within the window, has no date and says why', () => {
    const projection = doneProjection(measured(600, 0), policy, now);
    assert.deepEqual([projection.basis, projection.projectedDoneAt, projection.needed], ['no-rate', null, 300]);
  });

  it('given the threshold holds, is reached now with nobody needed', () => {
    const projection = doneProjection(measured(900, 0), policy, now);
    assert.deepEqual(
      [projection.basis, projection.projectedDoneAt, projection.needed],
      ['reached', now.toISOString(), 0],
    );
  });
});
