import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import fc from 'fast-check';
import { decideLoginName, type LoginNameClaim } from './login-name-claim.js';

const lower: LoginNameClaim = { sub: 'b0000000-0000-4000-8000-000000000002', loginName: 'user.19', holds: false };
const upper: LoginNameClaim = { sub: 'a0000000-0000-4000-8000-000000000001', loginName: 'USER.19', holds: false };

describe('login names that differ only in case', () => {
  it('a name nobody else claims is kept', () => {
    assert.deepEqual(decideLoginName(lower, [lower]), { loginName: 'user.19', heldBy: null });
  });

  it('none imported yet: the smallest sub keeps the name, the other signs in with its sub', () => {
    assert.deepEqual(decideLoginName(upper, [lower, upper]), { loginName: 'USER.19', heldBy: null });
    assert.deepEqual(decideLoginName(lower, [lower, upper]), { loginName: lower.sub, heldBy: upper.sub });
  });

  it('one already holds the name in the target: it keeps it, whatever its sub', () => {
    const holding = { ...lower, holds: true };
    assert.deepEqual(decideLoginName(lower, [holding, upper]), { loginName: 'user.19', heldBy: null });
    assert.deepEqual(decideLoginName(upper, [holding, upper]), { loginName: upper.sub, heldBy: lower.sub });
  });

  it('the decision does not depend on the order the claims arrive in', () => {
    const claim = fc.record({
      sub: fc.uuid(),
      loginName: fc.constantFrom('user.19', 'USER.19', 'User.19', 'other'),
      holds: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc
          .uniqueArray(claim, { minLength: 1, maxLength: 6, selector: (c) => c.sub })
          .chain((claims) => fc.tuple(fc.constant(claims), fc.shuffledSubarray(claims, { minLength: claims.length }))),
        ([claims, shuffled]) => {
          for (const user of claims) assert.deepEqual(decideLoginName(user, shuffled), decideLoginName(user, claims));
          // Exactly one claimant of each name keeps it.
          const keepers = claims.filter((c) => decideLoginName(c, claims).heldBy === null);
          assert.equal(keepers.length, new Set(claims.map((c) => c.loginName.toLowerCase())).size);
        },
      ),
      { numRuns: 300 },
    );
  });
});
