import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import { PolicyError } from './policy-error.js';
import { defaultReconcilerPolicy, parseReconcilerPolicy } from './reconciler-policy.js';

describe('reconciler policy', () => {
  it('given an empty document, then every default applies', () => {
    const policy = parseReconcilerPolicy({}, 'policy.yaml');
    assert.deepEqual(policy, defaultReconcilerPolicy);
    assert.equal(policy.longTail.afterDays, 45);
    assert.deepEqual(policy.resets.reminderAfterDays, [14, 30]);
    assert.equal(policy.resets.maxPerUser, 3);
    assert.equal(policy.done.activeMigratedShare, 0.95);
  });

  it('given a partial section, then the rest of the section keeps its defaults', () => {
    const policy = parseReconcilerPolicy({ resets: { maxPerUser: 2 } }, 'p.json');
    assert.equal(policy.resets.maxPerUser, 2);
    assert.equal(policy.resets.linkLifetimeHours, 72);
  });

  const invalid: [what: string, document: unknown, field: string][] = [
    ['long tail shorter than 30 days', { longTail: { afterDays: 10 } }, 'longTail.afterDays'],
    ['a share above 1', { done: { mfaReenrolledShare: 1.5 } }, 'done.mfaReenrolledShare'],
    ['a reminder interval of 0 days', { resets: { reminderAfterDays: [14, 0] } }, 'resets.reminderAfterDays[1]'],
    ['a misspelt field', { resets: { maxPerUsers: 2 } }, '(document)'],
    ['an unknown phase', { automaticUpTo: 'retired' }, 'automaticUpTo'],
  ];
  for (const [what, document, field] of invalid) {
    it(`given ${what}, then the error names the file and the field`, () => {
      assert.throws(
        () => parseReconcilerPolicy(document, 'ops/policy.yaml'),
        (error: unknown) => {
          assert.ok(error instanceof PolicyError);
          assert.equal(error.file, 'ops/policy.yaml');
          if (field !== '(document)') assert.equal(error.field, field);
          assert.match(error.message, /^ops\/policy\.yaml: /);
          return true;
        },
      );
    });
  }
});
