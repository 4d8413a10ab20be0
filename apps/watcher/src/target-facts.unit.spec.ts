import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import { decideTargetFacts } from './target-facts.js';
import { evidenceOf, observationOfStored, type TargetObservation } from './target-observation.js';
import type { WatchedUser } from './watch-list.js';

const realm = 'migration';
const target = { kind: 'keycloak', realm };
const t0 = new Date('2025-03-01T10:00:00Z');

const user = (overrides: Partial<WatchedUser> = {}): WatchedUser => ({
  sub: 'sub-1',
  targetUserId: 'kc-1',
  loginName: 'ada',
  requiredActions: [],
  importEventId: 'import-1',
  flaggedForMfa: false,
  mfaReenrolled: false,
  providers: [],
  cognitoProviderOf: {},
  reboundProviders: new Set(),
  needsPasswordMigration: true,
  treatment: 'password-via-bridge',
  passwordMigratedVia: new Set(),
  passwordFacts: [],
  exportedEnabled: null,
  disagreements: [],
  ...overrides,
});

const nothing: TargetObservation = {
  otpConfiguredAt: null,
  passwordChosenAt: null,
  passwordStoredAt: null,
  links: null,
  linksSeenAt: t0,
};

describe('decideTargetFacts', () => {
  const cases: { name: string; given: WatchedUser; when: TargetObservation; then: unknown[] }[] = [
    {
      name: 'a flagged user who configured OTP has re-enrolled TOTP',
      given: user({ flaggedForMfa: true }),
      when: { ...nothing, otpConfiguredAt: t0 },
      then: [{ type: 'MfaReenrolled', data: { sub: 'sub-1', target, method: 'totp' }, at: t0 }],
    },
    {
      name: 'an OTP of a user never flagged for MFA is no re-enrolment',
      given: user(),
      when: { ...nothing, otpConfiguredAt: t0 },
      then: [],
    },
    {
      name: 'a re-enrolment already recorded is not decided again',
      given: user({ flaggedForMfa: true, mfaReenrolled: true }),
      when: { ...nothing, otpConfiguredAt: t0 },
      then: [],
    },
    {
      name: 'each provider the user had at Cognito is rebound on its own; other providers are not',
      given: user({
        providers: ['google', 'AcmeEntraID'],
        cognitoProviderOf: { google: 'Google', AcmeEntraID: 'AcmeEntraID' },
        reboundProviders: new Set(['AcmeEntraID']),
      }),
      when: {
        ...nothing,
        links: [
          { identityProvider: 'google', userId: 'g-1', userName: 'ada' },
          { identityProvider: 'AcmeEntraID', userId: 'ada@acme.example', userName: 'ada' },
          { identityProvider: 'github', userId: 'gh-1', userName: 'ada' },
        ],
      },
      then: [
        {
          type: 'FederationRebound',
          data: {
            sub: 'sub-1',
            target,
            provider: 'google',
            cognitoProvider: 'Google',
            providerUserId: 'g-1',
            via: 'first-login',
          },
          at: t0,
        },
      ],
    },
    {
      name: 'a new password chosen by a user the bridge never migrated is a reset',
      given: user(),
      when: { ...nothing, passwordChosenAt: t0 },
      then: [{ type: 'PasswordMigrated', data: { sub: 'sub-1', target, via: 'reset' }, at: t0 }],
    },
    {
      name: 'a new password after the bridge migrated one is a change, not a migration',
      given: user({ passwordMigratedVia: new Set(['jit']) }),
      when: { ...nothing, passwordChosenAt: t0 },
      then: [],
    },
    {
      name: 'a stored password nobody chose, of a user the bridge migrates, is the bridge’s migration whose confirmation was lost',
      given: user({ needsPasswordMigration: true }),
      when: { ...nothing, passwordStoredAt: t0 },
      then: [{ type: 'PasswordMigrated', data: { sub: 'sub-1', target, via: 'jit' }, at: t0 }],
    },
    {
      name: 'an unconfirmed user’s stored password nobody chose is the bridge’s too (it migrates them once Cognito proves it)',
      given: user({ needsPasswordMigration: false, treatment: 'confirm-email-then-reset' }),
      when: { ...nothing, passwordStoredAt: t0 },
      then: [{ type: 'PasswordMigrated', data: { sub: 'sub-1', target, via: 'jit' }, at: t0 }],
    },
    {
      name: 'a stored password the user chose on Keycloak’s pages (UPDATE_PASSWORD) is a reset, even for a bridge user',
      given: user({ needsPasswordMigration: true }),
      when: { ...nothing, passwordStoredAt: t0, passwordChosenAt: t0 },
      then: [{ type: 'PasswordMigrated', data: { sub: 'sub-1', target, via: 'reset' }, at: t0 }],
    },
    {
      name: 'a stored password of a user the bridge will not migrate can only come from a reset',
      given: user({ needsPasswordMigration: false, treatment: 'reset-required' }),
      when: { ...nothing, passwordStoredAt: t0 },
      then: [{ type: 'PasswordMigrated', data: { sub: 'sub-1', target, via: 'reset' }, at: t0 }],
    },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(decideTargetFacts(c.given, realm, c.when), c.then));
  }
});

describe('evidenceOf', () => {
  const event = (type: string, time: number, details: Record<string, string> = {}) => ({
    id: `${type}-${time}`,
    time,
    type,
    userId: 'kc-1',
    details,
  });

  it('reads both kinds of credential event and keeps the earliest time of each', () => {
    const evidence = evidenceOf([
      event('UPDATE_CREDENTIAL', 20, { credential_type: 'otp' }),
      event('UPDATE_TOTP', 19, { credential_type: 'otp' }),
      event('UPDATE_CREDENTIAL', 30, { credential_type: 'password' }),
      event('FEDERATED_IDENTITY_LINK', 40, { identity_provider: 'google' }),
    ]);
    assert.deepEqual(evidence, {
      otpConfiguredAt: new Date(19),
      passwordChosenAt: new Date(30),
      linkedAt: new Date(40),
    });
  });

  it('an UPDATE_CREDENTIAL of another credential type says nothing', () => {
    assert.deepEqual(evidenceOf([event('UPDATE_CREDENTIAL', 5, { credential_type: 'webauthn' })]), {
      otpConfiguredAt: null,
      passwordChosenAt: null,
      linkedAt: null,
    });
  });
});

describe('observationOfStored', () => {
  it('dates an OTP and a password by their creation; the links are kept as read', () => {
    const links = [{ identityProvider: 'google', userId: 'g-1', userName: 'ada' }];
    const seen = observationOfStored(
      [
        { type: 'password', createdDate: 100 },
        { type: 'otp', createdDate: 300 },
        { type: 'otp', createdDate: 200 },
      ],
      links,
      t0,
    );
    assert.deepEqual(seen, {
      otpConfiguredAt: new Date(200),
      passwordChosenAt: null,
      passwordStoredAt: new Date(100),
      links,
      linksSeenAt: t0,
    });
  });
});
