import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import { canonicalJson, createEvent, InvalidEventError, parseEvent, type UserExportedData } from './index.js';

const context = { source: '/test', correlationId: 'run-1', time: new Date('2026-01-02T03:04:05.000Z') };

const user: UserExportedData = {
  poolId: 'us-east-1_Test01',
  sub: '1b1e0b6a-0000-4000-8000-000000000001',
  username: 'zoë',
  status: 'CONFIRMED',
  enabled: true,
  createdAt: '2025-01-01T00:00:00.000Z',
  updatedAt: '2025-01-02T00:00:00.000Z',
  attributes: { email: 'Zoe+news@Example.com', email_verified: 'true' },
  customAttributes: { tier: { type: 'Number', value: 3 } },
  groups: ['admins'],
  mfa: { sms: false, totp: null, preferred: null },
  identities: [],
  anomalies: [],
};

function roundTrip(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}

describe('event catalog', () => {
  it('gives the same fact the same id, whatever the time, run or key order', () => {
    const first = createEvent('UserExported', user, context);
    const reordered = Object.fromEntries(Object.entries(user).reverse()) as UserExportedData;
    const again = createEvent('UserExported', reordered, { ...context, correlationId: 'run-2', time: new Date() });
    assert.equal(again.id, first.id);
    assert.equal(again.contenthash, first.contenthash);
  });

  it('gives a changed record a new id', () => {
    const first = createEvent('UserExported', user, context);
    const changed = createEvent('UserExported', { ...user, enabled: false }, context);
    assert.notEqual(changed.id, first.id);
  });

  it('fills the CloudEvents attributes, with subject = sub', () => {
    const event = createEvent('UserExported', user, { ...context, causationId: 'cause-1' });
    assert.equal(event.specversion, '1.0');
    assert.equal(event.subject, user.sub);
    assert.equal(event.type, 'UserExported');
    assert.equal(event.schemaversion, 1);
    assert.equal(event.dataschema, 'urn:cognito-migration-ledger:event:UserExported:v1');
    assert.equal(event.time, '2026-01-02T03:04:05.000Z');
    assert.equal(event.causationid, 'cause-1');
    assert.match(event.contenthash, /^sha256:[0-9a-f]{64}$/);
  });

  it('parses what it created', () => {
    const event = createEvent('UserExported', user, context);
    assert.deepEqual(parseEvent(roundTrip(event)), event);
  });

  it('refuses to create an event whose data breaks the schema, naming the field', () => {
    const bad = { ...user, groups: ['ok', ''] };
    assert.throws(
      () => createEvent('UserExported', bad, context),
      (error: unknown) => error instanceof InvalidEventError && error.path === 'data.groups[1]',
    );
  });

  it('rejects an event whose data was altered after it was written', () => {
    const event = roundTrip(createEvent('UserExported', user, context)) as { data: { enabled: boolean } };
    event.data.enabled = false;
    assert.throws(
      () => parseEvent(event),
      (error: unknown) => error instanceof InvalidEventError && error.path === 'contenthash',
    );
  });

  it('checks the hash over the canonical bytes the data was read from, and over the data when the bytes are not canonical', () => {
    const event = createEvent('UserExported', user, context);
    const canonical = Buffer.from(canonicalJson(event.data));
    assert.deepEqual(parseEvent(roundTrip(event), canonical), event);
    const pretty = Buffer.from(JSON.stringify(event.data, null, 2));
    assert.deepEqual(
      parseEvent({ ...(roundTrip(event) as object), data: JSON.parse(pretty.toString()) }, pretty),
      event,
    );
  });

  it('rejects altered data read from canonical bytes', () => {
    const altered = { ...user, enabled: false };
    const bytes = Buffer.from(canonicalJson(altered));
    const event = {
      ...(roundTrip(createEvent('UserExported', user, context)) as object),
      data: JSON.parse(bytes.toString()),
    };
    assert.throws(
      () => parseEvent(event, bytes),
      (error: unknown) => error instanceof InvalidEventError && error.path === 'contenthash',
    );
  });

  it('rejects an event whose id does not follow from its data', () => {
    const event = roundTrip(createEvent('UserExported', user, context)) as { id: string };
    event.id = '00000000-0000-4000-8000-000000000000';
    assert.throws(
      () => parseEvent(event),
      (error: unknown) => error instanceof InvalidEventError && error.path === 'id',
    );
  });

  it('names the first problem in the order of the checks: an id or content hash of the wrong form before anything after the envelope', () => {
    const event = roundTrip(createEvent('UserExported', user, context)) as Record<string, unknown> & {
      id: string;
      contenthash: string;
      data: UserExportedData;
    };
    const altered = { ...event.data, enabled: false };
    const cases: [unknown, string][] = [
      [{ ...event, id: 'not-a-uuid', data: altered }, 'id: Invalid UUID'],
      [{ ...event, id: 5 }, 'id: Invalid input: expected string, received number'],
      [{ ...event, id: 'x', contenthash: 'y', type: 'UserTeleported' }, 'id: Invalid UUID'],
      [
        { ...event, contenthash: 'md5:abc', data: altered },
        'contenthash: Invalid string: must match pattern /^sha256:[0-9a-f]{64}$/',
      ],
      [
        { ...event, contenthash: `sha256:${event.contenthash.slice(7).toUpperCase()}` },
        'contenthash: Invalid string: must match pattern /^sha256:[0-9a-f]{64}$/',
      ],
      [
        { ...event, contenthash: 'y', type: 'UserTeleported' },
        'contenthash: Invalid string: must match pattern /^sha256:[0-9a-f]{64}$/',
      ],
      // A UUID, but not this fact's (upper case is a UUID's form too).
      [{ ...event, id: event.id.toUpperCase() }, `UserExported: id: expected ${event.id} for this fact`],
    ];
    for (const [input, message] of cases) {
      assert.throws(() => parseEvent(input), { name: 'InvalidEventError', message });
      assert.throws(() => parseEvent(input, Buffer.from(canonicalJson((input as { data: unknown }).data))), {
        name: 'InvalidEventError',
        message,
      });
    }
  });

  it('names the nested field of a malformed payload', () => {
    const event = roundTrip(createEvent('UserExported', user, context)) as { data: { mfa: { sms: unknown } } };
    event.data.mfa.sms = 'yes';
    assert.throws(
      () => parseEvent(event),
      (error: unknown) => error instanceof InvalidEventError && error.path === 'data.mfa.sms',
    );
  });

  it('rejects unknown types and unreadable versions', () => {
    const event = roundTrip(createEvent('UserExported', user, context)) as Record<string, unknown>;
    assert.throws(() => parseEvent({ ...event, type: 'UserTeleported' }), /unknown event type "UserTeleported"/);
    assert.throws(() => parseEvent({ ...event, schemaversion: 9 }), /version 9 is not readable/);
  });

  it('keys control facts by pool and run', () => {
    const pool = {
      name: 'p',
      usernameAttributes: [],
      aliasAttributes: ['email'],
      mfaConfiguration: 'OPTIONAL',
      customAttributes: [],
      estimatedUsers: 3,
    };
    const runId = '2d3f4a5b-6c7d-4e8f-9a0b-1c2d3e4f5a6b';
    const started = createEvent(
      'ExportRunStarted',
      { runId, poolId: user.poolId, startedAt: context.time.toISOString(), totpLookup: false, pool },
      context,
    );
    assert.equal(started.subject, user.poolId);
    const again = createEvent(
      'ExportRunStarted',
      { runId, poolId: user.poolId, startedAt: context.time.toISOString(), totpLookup: false, pool },
      context,
    );
    assert.equal(again.id, started.id);
  });
});
