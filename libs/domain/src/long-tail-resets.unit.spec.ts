import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import { planLongTailResets, type ResetCandidate } from './long-tail-resets.js';
import { parseReconcilerPolicy } from './reconciler-policy.js';

const policy = parseReconcilerPolicy(
  { longTail: { afterDays: 30 }, resets: { reminderAfterDays: [7, 14], maxPerUser: 4 } },
  'test',
);
const now = new Date('2025-06-01T00:00:00Z');
const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000);
const user = (overrides: Partial<ResetCandidate>): ResetCandidate => ({
  sub: 'u1',
  status: 'imported',
  importedAt: daysAgo(31),
  resetsSent: 0,
  lastResetAt: null,
  ...overrides,
});

/** Given this user at `now`, then this plan. */
const cases: [given: string, candidate: ResetCandidate, due: { attempt: number } | null, skipped?: string][] = [
  ['imported 31 days ago, never reset', user({}), { attempt: 1 }],
  ['imported 29 days ago', user({ importedAt: daysAgo(29) }), null],
  ['imported exactly 30 days ago', user({ importedAt: daysAgo(30) }), { attempt: 1 }],
  ['migrated long ago', user({ status: 'migrated' }), null],
  ['never imported', user({ status: 'exported', importedAt: null }), null],
  ['one reset 6 days ago (first reminder after 7)', user({ resetsSent: 1, lastResetAt: daysAgo(6) }), null],
  ['one reset 7 days ago', user({ resetsSent: 1, lastResetAt: daysAgo(7) }), { attempt: 2 }],
  ['two resets, last 13 days ago (second reminder after 14)', user({ resetsSent: 2, lastResetAt: daysAgo(13) }), null],
  [
    'three resets, last 14 days ago (last interval repeats)',
    user({ resetsSent: 3, lastResetAt: daysAgo(14) }),
    { attempt: 4 },
  ],
  [
    'one reset 7 days ago, imported more recently than afterDays (the policy grew since)',
    user({ importedAt: daysAgo(20), resetsSent: 1, lastResetAt: daysAgo(7) }),
    { attempt: 2 },
  ],
  ['four resets: the maximum', user({ resetsSent: 4, lastResetAt: daysAgo(400) }), null],
  ['disabled in Cognito since import', user({ status: 'disabled' }), null, 'disabled-in-cognito'],
  ['disabled, not yet long tail', user({ status: 'disabled', importedAt: daysAgo(3) }), null],
];

describe('long-tail resets', () => {
  for (const [given, candidate, due, skipped] of cases) {
    it(`given a user ${given}, then ${due ? `attempt ${due.attempt} is due` : skipped ? `it is skipped (${skipped})` : 'nothing is due'}`, () => {
      const plan = planLongTailResets([candidate], policy, now);
      assert.deepEqual(
        plan.due.map((d) => d.attempt),
        due ? [due.attempt] : [],
      );
      assert.deepEqual(
        plan.skipped.map((s) => s.reason),
        skipped ? [skipped] : [],
      );
    });
  }

  it('gives a reason naming the rule', () => {
    const [first] = planLongTailResets([user({})], policy, now).due;
    assert.equal(first!.reason, 'no login 30 days after import');
    const [reminder] = planLongTailResets([user({ resetsSent: 1, lastResetAt: daysAgo(8) })], policy, now).due;
    assert.equal(reminder!.reason, 'reminder 1 of 3: no login 7 days after reset 1');
  });

  it('when the clock moves on, then the same user becomes due', () => {
    const candidate = user({ importedAt: new Date('2025-05-10T00:00:00Z') });
    assert.equal(planLongTailResets([candidate], policy, new Date('2025-06-08T23:59:59Z')).due.length, 0);
    assert.equal(planLongTailResets([candidate], policy, new Date('2025-06-09T00:00:00Z')).due.length, 1);
  });
});
