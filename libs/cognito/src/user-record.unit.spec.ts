import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import type { UserType } from '@aws-sdk/client-cognito-identity-provider';
import type { PoolSettings } from '#events';
import { toUserExported, UnexportableUserError } from './user-record.js';

const pool: PoolSettings = {
  name: 'test',
  usernameAttributes: [],
  aliasAttributes: ['email'],
  mfaConfiguration: 'OPTIONAL',
  customAttributes: [
    { name: 'tier', type: 'Number' },
    { name: 'tenant', type: 'String' },
    { name: 'beta', type: 'Boolean' },
    { name: 'since', type: 'DateTime' },
  ],
  estimatedUsers: null,
};

function listed(attributes: Record<string, string>, extra: Partial<UserType> = {}): UserType {
  return {
    Username: 'ana',
    Attributes: Object.entries({ sub: 'sub-1', ...attributes }).map(([Name, Value]) => ({ Name, Value })),
    Enabled: true,
    UserStatus: 'CONFIRMED',
    UserCreateDate: new Date('2024-01-01T00:00:00Z'),
    UserLastModifiedDate: new Date('2024-02-01T00:00:00Z'),
    ...extra,
  };
}

const context = { poolId: 'us-east-1_T', pool, groups: ['b', 'a'] };

describe('a Cognito list record becomes UserExported', () => {
  it('keeps standard attributes as strings and lifts sub, identities and custom ones out', () => {
    const data = toUserExported(
      listed({ email: 'Ana+x@Example.com', email_verified: 'false', 'custom:tenant': 'acme' }),
      context,
    );
    assert.equal(data.sub, 'sub-1');
    assert.deepEqual(data.attributes, { email: 'Ana+x@Example.com', email_verified: 'false' });
    assert.deepEqual(data.customAttributes, { tenant: { type: 'String', value: 'acme' } });
    assert.deepEqual(data.groups, ['a', 'b']);
    assert.equal(data.createdAt, '2024-01-01T00:00:00.000Z');
    assert.deepEqual(data.anomalies, []);
  });

  it('types custom attributes per the pool schema', () => {
    const data = toUserExported(
      listed({ 'custom:tier': '42', 'custom:beta': 'true', 'custom:since': '2023-05-01T10:00:00Z' }),
      context,
    );
    assert.deepEqual(data.customAttributes.tier, { type: 'Number', value: 42 });
    assert.deepEqual(data.customAttributes.beta, { type: 'Boolean', value: true });
    assert.deepEqual(data.customAttributes.since, { type: 'DateTime', value: '2023-05-01T10:00:00Z' });
  });

  it('keeps a value that does not fit its declared type, and names it as an anomaly', () => {
    const data = toUserExported(listed({ 'custom:tier': 'gold', 'custom:legacy': 'x' }), context);
    assert.deepEqual(data.customAttributes.tier, {
      type: 'Unparsed',
      declared: 'Number',
      value: 'gold',
      problem: 'declared Number, value "gold" is not a number',
    });
    assert.deepEqual(data.customAttributes.legacy, { type: 'String', value: 'x' });
    assert.deepEqual(
      data.anomalies.map((a) => a.field),
      ['custom:legacy', 'custom:tier'],
    );
  });

  it('parses identities, with primary and dateCreated as booleans/numbers or strings', () => {
    const identities = JSON.stringify([
      {
        userId: '1027',
        providerName: 'Google',
        providerType: 'Google',
        issuer: null,
        primary: true,
        dateCreated: 1582581501556,
      },
      {
        userId: 'carlos@example.com',
        providerName: 'ADFS1',
        providerType: 'SAML',
        issuer: 'http://auth.example.com',
        primary: 'false',
        dateCreated: '1582581501556',
      },
    ]);
    const data = toUserExported(listed({ identities }, { UserStatus: 'EXTERNAL_PROVIDER' }), context);
    assert.deepEqual(data.identities, [
      {
        provider: 'Google',
        providerType: 'Google',
        userId: '1027',
        issuer: null,
        primary: true,
        linkedAt: '2020-02-24T21:58:21.556Z',
      },
      {
        provider: 'ADFS1',
        providerType: 'SAML',
        userId: 'carlos@example.com',
        issuer: 'http://auth.example.com',
        primary: false,
        linkedAt: '2020-02-24T21:58:21.556Z',
      },
    ]);
    assert.equal(data.status, 'EXTERNAL_PROVIDER');
  });

  it('reports malformed identities instead of failing the export', () => {
    const data = toUserExported(listed({ identities: '{not json' }), context);
    assert.deepEqual(data.identities, []);
    assert.deepEqual(data.anomalies, [{ field: 'identities', problem: 'not valid JSON; no federated link exported' }]);
  });

  it('reads SMS MFA from the list record and TOTP only from the AdminGetUser pass', () => {
    const sms = listed({}, { MFAOptions: [{ DeliveryMedium: 'SMS', AttributeName: 'phone_number' }] });
    assert.deepEqual(toUserExported(sms, context).mfa, { sms: true, totp: null, preferred: null });
    const looked = toUserExported(sms, { ...context, totp: { totp: true, preferred: 'SOFTWARE_TOKEN_MFA' } });
    assert.deepEqual(looked.mfa, { sms: true, totp: true, preferred: 'SOFTWARE_TOKEN_MFA' });
  });

  it('keeps disabled users and their status', () => {
    const data = toUserExported(listed({}, { Enabled: false, UserStatus: 'RESET_REQUIRED' }), context);
    assert.equal(data.enabled, false);
    assert.equal(data.status, 'RESET_REQUIRED');
  });

  it('refuses a record without sub, naming the user', () => {
    const record = listed({});
    record.Attributes = record.Attributes!.filter((a) => a.Name !== 'sub');
    assert.throws(
      () => toUserExported(record, context),
      (e: unknown) => e instanceof UnexportableUserError && e.username === 'ana',
    );
  });
});
