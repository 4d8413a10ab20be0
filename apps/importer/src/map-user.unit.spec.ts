import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import { defaultMapping, importMapping, loginPolicyOf } from '#domain';
import type { PoolSettings, UserExportedData } from '#events';
import { importRealmSpec } from './import-realm-spec.js';
import { keycloakUserId, mapUser, withoutEmail, type MappingContext } from './map-user.js';

const pool = (usernameAttributes: string[], aliasAttributes: string[] = []): PoolSettings => ({
  name: 'p',
  usernameAttributes,
  aliasAttributes,
  mfaConfiguration: 'OPTIONAL',
  customAttributes: [{ name: 'tier', type: 'Number' }],
  estimatedUsers: null,
});

function exported(overrides: Partial<UserExportedData> = {}): UserExportedData {
  return {
    poolId: 'us-east-1_T',
    sub: '11111111-1111-4111-8111-111111111111',
    username: 'ana.silva',
    status: 'CONFIRMED',
    enabled: true,
    createdAt: '2021-03-04T05:06:07.000Z',
    updatedAt: '2022-01-01T00:00:00.000Z',
    attributes: {
      email: 'Ana.Silva@example.com',
      email_verified: 'true',
      given_name: 'Ana',
      family_name: 'Silva',
      phone_number: '+12015550123',
      phone_number_verified: 'false',
      locale: 'pt-BR',
    },
    customAttributes: {
      tier: { type: 'Number', value: 3 },
      newsletter: { type: 'Boolean', value: false },
      since: { type: 'DateTime', value: '2023-05-01T10:00:00Z' },
      tenant: { type: 'String', value: 'acme' },
    },
    groups: ['admins', 'équipe-paris'],
    mfa: { sms: false, totp: null, preferred: null },
    identities: [],
    anomalies: [],
    ...overrides,
  };
}

const context = (overrides: Partial<MappingContext> = {}): MappingContext => ({
  realm: 'r',
  mapping: defaultMapping,
  login: loginPolicyOf(pool([])),
  realmProviders: new Set(['google']),
  ...overrides,
});

const google = {
  provider: 'Google',
  providerType: 'Google',
  userId: '10987',
  issuer: null,
  primary: true,
  linkedAt: null,
};

describe('a Cognito user becomes a Keycloak user', () => {
  it('maps names, e-mail and phone, keeps custom values faithful without the prefix, and records where it came from', () => {
    const user = mapUser(exported(), context());
    const rep = user.representation;
    assert.equal(rep.email, 'Ana.Silva@example.com');
    assert.equal(rep.emailVerified, true);
    assert.equal(rep.firstName, 'Ana');
    assert.equal(rep.lastName, 'Silva');
    assert.equal(rep.createdTimestamp, Date.parse('2021-03-04T05:06:07.000Z'));
    assert.deepEqual(rep.attributes, {
      phoneNumber: ['+12015550123'],
      phoneNumberVerified: ['false'],
      locale: ['pt-BR'],
      cognito_sub: ['11111111-1111-4111-8111-111111111111'],
      cognito_username: ['ana.silva'],
      cognito_status: ['CONFIRMED'],
      tier: ['3'],
      newsletter: ['false'],
      since: ['2023-05-01T10:00:00Z'],
      tenant: ['acme'],
    });
    assert.deepEqual(rep.groups, ['/admins', '/équipe-paris']);
    assert.deepEqual(user.adjustments, []);
    assert.deepEqual(user.findings, []);
  });

  it('derives the Keycloak id from realm, pool and sub, so a re-delivery names the same user and another realm does not', () => {
    assert.equal(mapUser(exported(), context()).id, mapUser(exported({ username: 'changed' }), context()).id);
    assert.equal(
      mapUser(exported(), context()).id,
      keycloakUserId('r', 'us-east-1_T', '11111111-1111-4111-8111-111111111111'),
    );
    assert.notEqual(mapUser(exported(), context()).id, mapUser(exported(), context({ realm: 'other' })).id);
  });

  it('keeps the prefix of a custom attribute whose bare name another attribute has, and says so', () => {
    const user = mapUser(exported({ customAttributes: { locale: { type: 'String', value: 'x' } } }), context());
    assert.deepEqual(user.representation.attributes!['custom:locale'], ['x']);
    assert.deepEqual(user.representation.attributes!.locale, ['pt-BR']);
    assert.equal(user.adjustments[0]?.field, 'custom:locale');
  });

  it('renames attributes as configured', () => {
    const mapping = importMapping({ attributeNames: { phone_number: 'mobile' }, providerAliases: {} });
    assert.deepEqual(mapUser(exported(), context({ mapping })).representation.attributes!.mobile, ['+12015550123']);
  });
});

describe('the login name follows the pool', () => {
  const table: [string, PoolSettings, Partial<UserExportedData>, string][] = [
    ['free-form usernames', pool([], ['email']), {}, 'ana.silva'],
    [
      'e-mail as username',
      pool(['email']),
      { username: '11111111-1111-4111-8111-111111111111' },
      'Ana.Silva@example.com',
    ],
    ['phone as username', pool(['phone_number']), {}, '+12015550123'],
    [
      'a federated user in an e-mail pool keeps its Cognito name',
      pool(['email']),
      { username: 'Google_10987', status: 'EXTERNAL_PROVIDER' },
      'Google_10987',
    ],
  ];
  for (const [name, settings, overrides, expected] of table) {
    it(name, () => {
      assert.equal(mapUser(exported(overrides), context({ login: loginPolicyOf(settings) })).loginName, expected);
    });
  }

  it('keeps e-mails unique in Keycloak only when the pool signed in by e-mail', () => {
    assert.equal(importRealmSpec(pool([], ['email']), defaultMapping, []).duplicateEmailsAllowed, false);
    assert.equal(importRealmSpec(pool(['email']), defaultMapping, []).registrationEmailAsUsername, true);
    assert.equal(importRealmSpec(pool([]), defaultMapping, []).duplicateEmailsAllowed, true);
    assert.equal(importRealmSpec(pool([]), defaultMapping, []).loginWithEmailAllowed, false);
  });
});

describe("the realm's user profile requires what the pool required", () => {
  it('requires e-mail and names only when the pool schema marked the mapped Cognito attribute Required', () => {
    const requiring = (requiredAttributes?: string[]) =>
      importRealmSpec({ ...pool([]), ...(requiredAttributes ? { requiredAttributes } : {}) }, defaultMapping, [])
        .requiredUserFields;
    assert.deepEqual(requiring([]), []);
    assert.deepEqual(requiring(['family_name', 'email', 'phone_number']), ['email', 'lastName']);
    assert.deepEqual(requiring(['given_name']), ['firstName']);
    // An export run recorded before the pool's requirements were, or no export run: none.
    assert.deepEqual(requiring(undefined), []);
    assert.deepEqual(importRealmSpec(undefined, defaultMapping, []).requiredUserFields, []);
  });

  it('follows a renamed attribute: the field it is written to is the one required', () => {
    const mapping = importMapping({ attributeNames: { family_name: 'surname' }, providerAliases: {} });
    assert.deepEqual(
      importRealmSpec({ ...pool([]), requiredAttributes: ['family_name'] }, mapping, []).requiredUserFields,
      [],
    );
  });
});

describe('each Cognito status gets its documented treatment', () => {
  const table: [string, string, string[], boolean, boolean][] = [
    // status, treatment, required actions, needs password migration, enabled
    ['CONFIRMED', 'password-via-bridge', [], true, true],
    ['UNCONFIRMED', 'confirm-email-then-reset', ['VERIFY_EMAIL'], false, true],
    ['RESET_REQUIRED', 'reset-required', ['UPDATE_PASSWORD'], false, true],
    ['FORCE_CHANGE_PASSWORD', 'temporary-password', ['UPDATE_PASSWORD'], true, true],
    ['EXTERNAL_PROVIDER', 'federated-only', [], false, true],
    ['ARCHIVED', 'archived', [], false, false],
    ['SOMETHING_NEW', 'unknown-status', [], true, true],
  ];
  for (const [status, treatment, actions, migrate, enabled] of table) {
    it(status, () => {
      const user = mapUser(exported({ status }), context());
      assert.equal(user.treatment.name, treatment);
      assert.deepEqual(user.requiredActions, actions);
      assert.equal(user.treatment.needsPasswordMigration, migrate);
      assert.equal(user.representation.enabled, enabled);
      assert.deepEqual(user.representation.attributes!.cognito_status, [status]);
    });
  }

  it('keeps a user disabled in Cognito disabled', () => {
    assert.equal(mapUser(exported({ enabled: false }), context()).representation.enabled, false);
  });

  it('asks a user who had MFA to set up TOTP again, without forcing a password change', () => {
    for (const mfa of [
      { sms: true, totp: null, preferred: null },
      { sms: false, totp: true, preferred: null },
      { sms: false, totp: null, preferred: 'SOFTWARE_TOKEN_MFA' },
    ]) {
      assert.deepEqual(mapUser(exported({ mfa }), context()).requiredActions, ['CONFIGURE_TOTP']);
    }
    assert.deepEqual(
      mapUser(exported({ status: 'RESET_REQUIRED', mfa: { sms: true, totp: null, preferred: null } }), context())
        .requiredActions,
      ['UPDATE_PASSWORD', 'CONFIGURE_TOTP'],
    );
  });
});

describe('federated identities', () => {
  it('are pre-linked to the mapped identity provider of the realm', () => {
    const user = mapUser(exported({ identities: [google] }), context());
    assert.deepEqual(user.links, [{ identityProvider: 'google', userId: '10987', userName: 'Ana.Silva@example.com' }]);
    assert.deepEqual(user.representation.federatedIdentities, user.links);
  });

  it('are not pre-linked, and say why, when the realm lacks the provider (Keycloak would drop the link silently)', () => {
    const user = mapUser(
      exported({ identities: [{ ...google, provider: 'AcmeSaml', providerType: 'SAML' }] }),
      context(),
    );
    assert.deepEqual(user.links, []);
    assert.match(user.adjustments[0]!.reason, /no identity provider "AcmeSaml"/);
  });
});

describe('what Keycloak would refuse is found before the write', () => {
  it('finds a malformed e-mail, an over-long attribute and a name with forbidden characters', () => {
    const user = mapUser(
      exported({
        attributes: { email: 'not-an-email', given_name: 'O<Brien' },
        customAttributes: { notes: { type: 'String', value: 'x'.repeat(2049) } },
      }),
      context(),
    );
    assert.deepEqual(
      user.findings.map((f) => f.field),
      ['email', 'firstName', 'attributes.notes'],
    );
  });

  it('accepts the e-mails real users have', () => {
    for (const email of ['ANA.SILVA@EXAMPLE.COM', 'ana+news@mail.example', "o'brien@corp.example"]) {
      assert.deepEqual(mapUser(exported({ attributes: { email } }), context()).findings, [], email);
    }
  });
});

describe('a user whose e-mail another user holds', () => {
  it('keeps it unverified in cognito_email and, when the e-mail was the login name, signs in with the Cognito username', () => {
    const mapped = mapUser(exported({ identities: [google] }), context({ login: loginPolicyOf(pool(['email'])) }));
    const user = withoutEmail(mapped, 'held');
    assert.equal(user.representation.email, undefined);
    assert.equal(user.representation.emailVerified, false);
    assert.equal(user.loginName, 'ana.silva');
    assert.equal(user.representation.username, 'ana.silva');
    assert.deepEqual(user.representation.attributes!.cognito_email, ['Ana.Silva@example.com']);
    assert.equal(user.links[0]!.userName, '10987');
    assert.deepEqual(user.adjustments, [{ field: 'email', reason: 'held' }]);
  });
});
