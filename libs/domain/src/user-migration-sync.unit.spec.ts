import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import {
  deletedInSource,
  exported,
  imported,
  sourceChangeRejected,
  sub,
  updatedInTarget,
} from '../../../test/support/user-facts.js';
import { planLongTailResets, resetCandidateOf } from './long-tail-resets.js';
import { parseReconcilerPolicy } from './reconciler-policy.js';
import type { UserFact } from './user-fact.js';
import { summarizeUserMigration } from './user-migration-summary.js';
import { userMigrationOf } from './user-migration.js';

/*
 * The parallel run's facts in the user's state: the e-mail and account state are the current
 * ones, in any delivery order, and the reconciler's reset rules read them.
 */

const summaryOf = (...facts: UserFact[]) => summarizeUserMigration(userMigrationOf(sub, facts));
const first = exported('2026-01-01T10:00:00Z');
const moved = exported('2026-02-01T10:00:00Z', {
  updatedAt: '2026-02-01T09:00:00.000Z',
  attributes: { email: 'Zoe.New@Example.com' },
});

describe('user state in the parallel run', () => {
  it('the current e-mail follows Cognito’s change once the target holds it, in any order', () => {
    const facts = [
      first,
      imported('2026-01-02T10:00:00Z'),
      moved,
      updatedInTarget('2026-02-01T10:05:00Z', moved.id, { email: 'Zoe.New@Example.com' }),
    ];
    assert.equal(summaryOf(...facts).currentEmail, 'zoe.new@example.com');
    assert.equal(summaryOf(...[...facts].reverse()).currentEmail, 'zoe.new@example.com');
  });

  it('after a rejected change the target’s kept e-mail stays current, also when later exports arrive', () => {
    const later = exported('2026-03-01T10:00:00Z', {
      updatedAt: '2026-03-01T09:00:00.000Z',
      attributes: { email: 'late@example.com' },
    });
    const s = summaryOf(
      first,
      imported('2026-01-02T10:00:00Z'),
      sourceChangeRejected('2026-02-01T10:05:00Z', moved.id, { email: 'zoe@example.com', enabled: true }),
      moved,
      later,
    );
    assert.equal(s.currentEmail, 'zoe@example.com');
    assert.equal(s.currentlyEnabled, true);
  });

  it('a user deleted in Cognito is disabled, not active, and the long-tail resets skip them with the reason', () => {
    const deleted = deletedInSource('2026-02-02T10:00:00Z', first.id);
    const s = summaryOf(
      first,
      imported('2026-01-02T10:00:00Z'),
      deleted,
      updatedInTarget('2026-02-02T10:01:00Z', deleted.id, { enabled: false }, 'source-deletion'),
    );
    assert.equal(s.deletedInSource, true);
    assert.equal(s.status, 'disabled');
    assert.equal(s.active, false);
    assert.equal(s.currentlyEnabled, false);
    const plan = planLongTailResets(
      [resetCandidateOf(sub, s)],
      parseReconcilerPolicy({}, 'test'),
      new Date('2026-06-01T00:00:00Z'),
    );
    assert.deepEqual(plan.due, []);
    assert.deepEqual(plan.skipped, [{ sub, attempt: 1, reason: 'disabled-in-cognito' }]);
  });

  it('a user the deletion policy removed from the target is deleted there and not enabled', () => {
    const deleted = deletedInSource('2026-02-02T10:00:00Z', first.id);
    const s = summaryOf(
      first,
      imported('2026-01-02T10:00:00Z'),
      deleted,
      updatedInTarget('2026-02-02T10:01:00Z', deleted.id, { deleted: true }, 'source-deletion'),
    );
    assert.equal(s.deletedInTarget, true);
    assert.equal(s.currentlyEnabled, false);
  });

  it('without sync facts nothing changes: the current values are the export’s', () => {
    const s = summaryOf(first, imported('2026-01-02T10:00:00Z'));
    assert.equal(s.currentEmail, 'zoe@example.com');
    assert.equal(s.currentlyEnabled, true);
    assert.equal(s.status, 'imported');
    assert.equal(s.deletedInSource, false);
  });
});
