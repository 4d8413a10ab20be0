import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import fc from 'fast-check';
import {
  exported,
  federationRebound,
  identity,
  importFailed,
  imported,
  importRevised,
  mfaReenrolled,
  passwordMigrated,
  resetSent,
  sub,
} from '../../../test/support/user-facts.js';
import type { UserFact } from './user-fact.js';
import {
  evolveUserMigration,
  initialUserMigration,
  userMigrationOf,
  type UserMigrationState,
} from './user-migration.js';

// Few distinct times, so that facts often tie and the tie-break is exercised too.
const time = fc.constantFrom(
  '2026-01-01T00:00:00Z',
  '2026-01-02T00:00:00Z',
  '2026-01-02T00:00:00Z',
  '2026-02-01T12:30:00Z',
  '2026-03-01T00:00:00Z',
);

const fact: fc.Arbitrary<UserFact> = fc.oneof(
  fc
    .record({
      time,
      enabled: fc.boolean(),
      updatedAt: fc.constantFrom('2025-01-01T00:00:00.000Z', '2025-06-01T00:00:00.000Z'),
      status: fc.constantFrom('CONFIRMED', 'EXTERNAL_PROVIDER', 'RESET_REQUIRED'),
      sms: fc.boolean(),
      providers: fc.subarray(['Google', 'AcmeEntraID']),
    })
    .map((f) =>
      exported(f.time, {
        enabled: f.enabled,
        updatedAt: f.updatedAt,
        status: f.status,
        mfa: { sms: f.sms, totp: null, preferred: f.sms ? 'SMS_MFA' : null },
        identities: f.providers.map(identity),
      }),
    ),
  // One target id per realm: two different ids for one realm are a conflict, not a history.
  fc.record({ time, realm: fc.constantFrom('acme', 'globex') }).map((f) => imported(f.time, `kc-${f.realm}`, f.realm)),
  fc
    .record({
      time,
      realm: fc.constantFrom('acme', 'globex'),
      revision: fc.integer({ min: 1, max: 3 }),
      actions: fc.subarray(['CONFIGURE_TOTP', 'UPDATE_PASSWORD']),
    })
    .map((f) => importRevised(f.time, f.revision, f.actions, `kc-${f.realm}`, f.realm)),
  fc.record({ time, reason: fc.constantFrom('exists', 'invalid email') }).map((f) => importFailed(f.time, f.reason)),
  fc
    .record({ time, via: fc.constantFrom('jit' as const, 'reset' as const) })
    .map((f) => passwordMigrated(f.time, f.via)),
  fc
    .record({ time, method: fc.constantFrom('totp' as const, 'sms' as const) })
    .map((f) => mfaReenrolled(f.time, f.method)),
  fc
    .record({
      time,
      provider: fc.constantFrom('Google', 'AcmeEntraID'),
      via: fc.constantFrom('pre-linked' as const, 'first-login' as const),
    })
    .map((f) => federationRebound(f.time, f.provider, f.via)),
  fc.record({ time, attempt: fc.integer({ min: 1, max: 3 }) }).map((f) => resetSent(f.time, f.attempt)),
);

/** A history, and the same history delivered in another order with some facts delivered again. */
const redelivered = fc.array(fact, { minLength: 1, maxLength: 12 }).chain((history) =>
  fc
    .tuple(
      fc.shuffledSubarray(history, { minLength: history.length, maxLength: history.length }),
      fc.array(fc.tuple(fc.nat({ max: history.length - 1 }), fc.nat()), { maxLength: 6 }),
    )
    .map(([shuffled, repeats]) => {
      const delivery = [...shuffled];
      for (const [which, where] of repeats) delivery.splice(where % (delivery.length + 1), 0, history[which]!);
      return { history, delivery };
    }),
);

describe('user migration: order and duplication', () => {
  it('any interleaving and duplication of a user’s facts gives the same state', () => {
    fc.assert(
      fc.property(redelivered, ({ history, delivery }) => {
        assert.deepEqual(userMigrationOf(sub, delivery), userMigrationOf(sub, history));
      }),
      { numRuns: 500 },
    );
  });

  it('folding on from a stored (JSON round-tripped) state gives the same state as one fold', () => {
    fc.assert(
      fc.property(fc.array(fact, { maxLength: 12 }), fc.nat(), (history, cut) => {
        const split = cut % (history.length + 1);
        let state = JSON.parse(JSON.stringify(userMigrationOf(sub, history.slice(0, split)))) as UserMigrationState;
        for (const f of history.slice(split)) state = evolveUserMigration(state, f);
        assert.deepEqual(state, userMigrationOf(sub, history));
      }),
      { numRuns: 300 },
    );
  });

  it('starts empty', () => {
    assert.deepEqual(userMigrationOf(sub, []), initialUserMigration(sub));
  });
});
