import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import fc from 'fast-check';
import { exported, sub } from '../../../test/support/user-facts.js';
import { summarizeUserMigration } from './user-migration-summary.js';
import { userMigrationOf } from './user-migration.js';

const updatedAt = '2025-06-01T00:00:00.000Z';

/**
 * Two export runs that saw the same Cognito `updatedAt` (a plain export, then `export --totp`, or
 * a change Cognito does not stamp), each fact possibly delivered several times, in any order.
 */
const twoExports = fc
  .record({
    earlierAt: fc.date({
      min: new Date('2026-01-01T00:00:00Z'),
      max: new Date('2026-06-01T00:00:00Z'),
      noInvalidDate: true,
    }),
    laterBy: fc.integer({ min: 1, max: 30 * 24 * 3600 * 1000 }),
    earlierTotp: fc.constantFrom(null, false, true),
    laterTotp: fc.constantFrom(null, false, true),
    earlierEnabled: fc.boolean(),
    laterEnabled: fc.boolean(),
  })
  .filter((f) => f.earlierTotp !== f.laterTotp || f.earlierEnabled !== f.laterEnabled)
  .chain((f) => {
    const earlier = exported(f.earlierAt.toISOString(), {
      updatedAt,
      enabled: f.earlierEnabled,
      mfa: { sms: false, totp: f.earlierTotp, preferred: f.earlierTotp ? 'SOFTWARE_TOKEN_MFA' : null },
    });
    const later = exported(new Date(f.earlierAt.getTime() + f.laterBy).toISOString(), {
      updatedAt,
      enabled: f.laterEnabled,
      mfa: { sms: false, totp: f.laterTotp, preferred: f.laterTotp ? 'SOFTWARE_TOKEN_MFA' : null },
    });
    return fc
      .tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }))
      .chain(([a, b]) =>
        fc.shuffledSubarray([...Array<typeof earlier>(a).fill(earlier), ...Array<typeof later>(b).fill(later)], {
          minLength: a + b,
          maxLength: a + b,
        }),
      )
      .map((delivery) => ({ earlier, later, delivery }));
  });

describe('user migration: the latest export wins', () => {
  it('of two exports with the same Cognito updatedAt, the later one in the ledger wins, in any delivery order', () => {
    fc.assert(
      fc.property(twoExports, ({ later, delivery }) => {
        const state = userMigrationOf(sub, delivery);
        assert.equal(state.profile?.contentHash, later.contenthash);
        assert.equal(state.profile?.mfa.totp, later.type === 'UserExported' ? later.data.mfa.totp : undefined);
      }),
      { numRuns: 500 },
    );
  });

  it('given a plain export, when `export --totp` later sees the same updatedAt, then MFA is required', () => {
    const plain = exported('2026-03-01T10:00:00Z', { updatedAt });
    const withTotp = exported('2026-03-01T11:00:00Z', {
      updatedAt,
      mfa: { sms: false, totp: true, preferred: 'SOFTWARE_TOKEN_MFA' },
    });
    for (const delivery of [
      [plain, withTotp],
      [withTotp, plain],
      [withTotp, plain, withTotp, plain],
    ]) {
      assert.equal(summarizeUserMigration(userMigrationOf(sub, delivery)).mfaRequired, true);
    }
  });

  it('given a later export with a newer Cognito updatedAt, then it wins whatever its hash', () => {
    const before = exported('2026-03-01T10:00:00Z', { updatedAt, enabled: true });
    const after = exported('2026-03-02T10:00:00Z', { updatedAt: '2025-07-01T00:00:00.000Z', enabled: false });
    assert.equal(userMigrationOf(sub, [after, before]).profile?.enabled, false);
    assert.equal(userMigrationOf(sub, [before, after]).profile?.enabled, false);
  });
});
