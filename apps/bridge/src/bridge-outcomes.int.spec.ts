import assert from 'node:assert/strict';
import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { pino } from 'pino';
import { databaseConfig, kafkaConfig, type Env } from '#config';
import { isEventOf, type LedgerEventOf } from '#events';
import { decodeRecord, Ledger } from '#ledger';
import { localConfig } from '#stack';
import { createBridgeLedger, projectExportedUsers, type ExportedUser } from '../../../test/support/exported-users.js';
import { bridgeSections, startBridge, type RunningBridge } from './bridge-runtime.js';
import { FakeCognito, type FakeAnswer } from '../../../test/support/fake-cognito.js';

/*
 * The bridge over HTTP against a fake Cognito endpoint that answers with AWS's documented
 * responses, for the outcomes cognito-local cannot produce; the projections in an own schema,
 * the ledger under an own topic prefix. Each fake user stands for one AWS behaviour.
 */

const run = randomUUID().slice(0, 8);
const schema = `bridge_test_${run}`;
const prefix = `test-bridge-${run}`;
const password = `Pw-${randomBytes(9).toString('base64url')}!7`;
const wrongPassword = `Wrong-${randomBytes(9).toString('base64url')}!7`;
const sharedSecret = randomBytes(24).toString('base64url');
const clientId = 'fakeclient123';
const clientSecret = 'fake-client-secret';
const userIp = '203.0.113.9';

const behaviours: [username: string, behaviour: string, answer: FakeAnswer | undefined][] = [
  ['valid-user', 'a CONFIRMED user signs in: tokens', undefined],
  ['contract-kc', 'a CONFIRMED user, via the Keycloak plugin contract', undefined],
  ['contract-fa', 'a CONFIRMED user, via the FusionAuth connector contract', undefined],
  ['contract-fa-only', 'a CONFIRMED user who signs in through FusionAuth only', undefined],
  ['budget-user', 'a CONFIRMED user someone guesses passwords for', undefined],
  [
    'sms-user',
    'SMS MFA: Cognito has texted a code and asks for it',
    {
      challenge: 'SMS_MFA',
      parameters: { CODE_DELIVERY_DELIVERY_MEDIUM: 'SMS', CODE_DELIVERY_DESTINATION: '+*******1234' },
    },
  ],
  ['totp-user', 'TOTP MFA: Cognito asks for the app code', { challenge: 'SOFTWARE_TOKEN_MFA' }],
  ['select-user', 'several MFA methods: Cognito asks which one', { challenge: 'SELECT_MFA_TYPE' }],
  ['setup-user', 'pool MFA required, user has none yet', { challenge: 'MFA_SETUP' }],
  ['temp-user', 'FORCE_CHANGE_PASSWORD user with the temporary password', { challenge: 'NEW_PASSWORD_REQUIRED' }],
  ['custom-user', 'a pool with a custom auth challenge', { challenge: 'CUSTOM_CHALLENGE' }],
  [
    'locked-user',
    'lockout after 5 failed sign-ins',
    { status: 400, type: 'NotAuthorizedException', message: 'Password attempts exceeded' },
  ],
  [
    'disabled-user',
    'AdminDisableUser was called',
    { status: 400, type: 'NotAuthorizedException', message: 'User is disabled.' },
  ],
  [
    'expired-user',
    'temporary password past its validity',
    {
      status: 400,
      type: 'NotAuthorizedException',
      message: 'Temporary password has expired and must be reset by an administrator.',
    },
  ],
  [
    'reset-user',
    'RESET_REQUIRED (admin reset or compromised credentials)',
    { status: 400, type: 'PasswordResetRequiredException', message: 'Password reset required for the user' },
  ],
  [
    'unconfirmed-user',
    'UNCONFIRMED: sign-up never confirmed',
    { status: 400, type: 'UserNotConfirmedException', message: 'User is not confirmed.' },
  ],
  [
    'deleted-user',
    'deleted from Cognito after the export (LEGACY existence errors)',
    { status: 400, type: 'UserNotFoundException', message: 'User does not exist.' },
  ],
  [
    'throttled-user',
    'UserAuthentication quota exceeded',
    { status: 400, type: 'TooManyRequestsException', message: 'Too many requests' },
  ],
  ['fault-user', 'Cognito service fault', { status: 500, type: 'InternalErrorException', message: 'Internal error' }],
  ['slow-user', 'Cognito does not answer in time', { delayMs: 2000 }],
  [
    'trigger-user',
    "the pool's pre-authentication trigger refuses",
    { status: 400, type: 'UserLambdaValidationException', message: 'PreAuthentication failed with error blocked.' },
  ],
  ['user.19', 'a case-sensitive pool: user.19, signs in', undefined],
  ['USER.19', 'its case variant USER.19, another user, with TOTP', { challenge: 'SOFTWARE_TOKEN_MFA' }],
  [
    'federated-user',
    'federated-only in the ledger, though Cognito would accept the password with an MFA challenge',
    { challenge: 'SOFTWARE_TOKEN_MFA' },
  ],
  ['reset-ledger-user', 'RESET_REQUIRED in the ledger, though Cognito still accepts the password', undefined],
  ['mfa-imported', 'imported with CONFIGURE_TOTP; Cognito answers with tokens', undefined],
];

const realmName = `bridge-test-${run}`;
/** What the ledger says beyond "exported, CONFIRMED" for some users. */
const ledgerSays: Record<string, Pick<ExportedUser, 'status' | 'imported'>> = {
  'federated-user': {
    status: 'EXTERNAL_PROVIDER',
    imported: { realm: realmName, treatment: 'federated-only', needsPasswordMigration: false, requiredActions: [] },
  },
  'reset-ledger-user': {
    status: 'RESET_REQUIRED',
    imported: {
      realm: realmName,
      treatment: 'reset-required',
      needsPasswordMigration: false,
      requiredActions: ['UPDATE_PASSWORD'],
    },
  },
  'mfa-imported': {
    imported: {
      realm: realmName,
      treatment: 'password-via-bridge',
      needsPasswordMigration: true,
      requiredActions: ['CONFIGURE_TOTP'],
    },
  },
};

/** Given this user and the right password, then this status and body (the wrong password is tested apart). */
const expectations: Record<string, { status: number; body: Record<string, unknown> }> = {
  'valid-user': { status: 200, body: { outcome: 'valid', migrate: true, requiredActions: [] } },
  'sms-user': {
    status: 200,
    body: {
      outcome: 'valid-with-challenge',
      challenge: 'SMS_MFA',
      codeSent: true,
      migrate: true,
      requiredActions: ['CONFIGURE_TOTP'],
    },
  },
  'totp-user': {
    status: 200,
    body: {
      outcome: 'valid-with-challenge',
      challenge: 'SOFTWARE_TOKEN_MFA',
      codeSent: false,
      migrate: true,
      requiredActions: ['CONFIGURE_TOTP'],
    },
  },
  'select-user': {
    status: 200,
    body: {
      outcome: 'valid-with-challenge',
      challenge: 'SELECT_MFA_TYPE',
      migrate: true,
      requiredActions: ['CONFIGURE_TOTP'],
    },
  },
  'setup-user': {
    status: 200,
    body: {
      outcome: 'valid-with-challenge',
      challenge: 'MFA_SETUP',
      migrate: true,
      requiredActions: ['CONFIGURE_TOTP'],
    },
  },
  'temp-user': {
    status: 200,
    body: {
      outcome: 'valid-with-challenge',
      challenge: 'NEW_PASSWORD_REQUIRED',
      migrate: true,
      requiredActions: ['UPDATE_PASSWORD'],
    },
  },
  'custom-user': {
    status: 503,
    body: { outcome: 'temporarily-unavailable', cause: 'unexpected-challenge', migrate: false },
  },
  'locked-user': { status: 429, body: { outcome: 'locked-out', migrate: false } },
  'disabled-user': { status: 403, body: { outcome: 'disabled', migrate: false } },
  'expired-user': { status: 403, body: { outcome: 'reset-required', migrate: false } },
  'reset-user': { status: 403, body: { outcome: 'reset-required', migrate: false } },
  'unconfirmed-user': {
    status: 200,
    body: { outcome: 'not-confirmed', migrate: true, requiredActions: ['VERIFY_EMAIL'] },
  },
  'user.19': { status: 200, body: { outcome: 'valid', migrate: true, requiredActions: [] } },
  'USER.19': {
    status: 200,
    body: { outcome: 'valid-with-challenge', migrate: true, requiredActions: ['CONFIGURE_TOTP'] },
  },
  'federated-user': {
    status: 403,
    body: { outcome: 'not-migratable', reason: 'federated-only', migrate: false, requiredActions: [] },
  },
  'reset-ledger-user': { status: 403, body: { outcome: 'reset-required', migrate: false, requiredActions: [] } },
  'mfa-imported': { status: 200, body: { outcome: 'valid', migrate: true, requiredActions: ['CONFIGURE_TOTP'] } },
  'deleted-user': { status: 401, body: { outcome: 'unknown-user', migrate: false } },
  'throttled-user': { status: 503, body: { outcome: 'temporarily-unavailable', cause: 'throttled', migrate: false } },
  'fault-user': { status: 503, body: { outcome: 'temporarily-unavailable', cause: 'service-error', migrate: false } },
  'slow-user': { status: 503, body: { outcome: 'temporarily-unavailable', cause: 'unreachable', migrate: false } },
  'trigger-user': { status: 503, body: { outcome: 'temporarily-unavailable', cause: 'pool-trigger', migrate: false } },
};

const subOf = (username: string) => {
  const h = createHash('sha256').update(`${run}/${username}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
};
const users: ExportedUser[] = behaviours.map(([username]) => ({
  sub: subOf(username),
  username,
  email: `${username}@example.org`,
  ...ledgerSays[username],
}));

/** The target's word on which passwords it holds (the real Keycloak answers in bridge-keycloak.int.spec.ts). */
const storedAt = new Map<string, Date>();
const stored = { storedAt: async (_targetUserId: string, sub: string) => storedAt.get(sub) ?? null };

const logLines: string[] = [];
const fake = new FakeCognito(password, new Map(behaviours.flatMap(([u, , a]) => (a ? [[u, a] as const] : []))));
const db = new pg.Client({ connectionString: databaseConfig(process.env).url });
let bridge: RunningBridge;
let env: Env;

async function post(
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string; headers: Headers }> {
  const response = await fetch(`${bridge.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${sharedSecret}`, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

async function verify(
  login: string,
  pw: string,
  identity: { sub?: string; userId?: string } = {},
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const { status, text, headers } = await post('/v1/verify', {
    login,
    password: pw,
    ip: userIp,
    userAgent: 'Mozilla/5.0 test',
    ...identity,
  });
  return { status, body: JSON.parse(text) as Record<string, unknown>, headers };
}

async function ledgerFacts(): Promise<{ type: string; subject: string; data: unknown }[]> {
  const ledger = new Ledger({ kafka: kafkaConfig(env) });
  const facts: { type: string; subject: string; data: unknown }[] = [];
  await ledger.scan([ledger.topics.userEvents], (record) => {
    const event = decodeRecord(record);
    facts.push({ type: event.type, subject: event.subject, data: event.data });
  });
  return facts;
}

describe('bridge against documented Cognito behaviours', () => {
  beforeAll(async () => {
    await db.connect();
    await projectExportedUsers(
      { ...process.env, PROJECTION_SCHEMA: schema },
      `${prefix}-export`,
      'us-east-1_BridgeT1',
      users,
    );
    const endpoint = await fake.start();
    env = {
      ...process.env,
      COGNITO_ENDPOINT: endpoint,
      COGNITO_USER_POOL_ID: 'us-east-1_BridgeT1',
      COGNITO_CLIENT_ID: clientId,
      COGNITO_CLIENT_SECRET: clientSecret,
      BRIDGE_SHARED_SECRET: sharedSecret,
      BRIDGE_PORT: '0',
      BRIDGE_COGNITO_TIMEOUT_MS: '500',
      BRIDGE_COGNITO_MAX_ATTEMPTS: '1',
      BRIDGE_ATTEMPTS_PER_IP_PER_MINUTE: '1000',
      // Short intervals, so that the traffic facts of the calls below are recorded within the test.
      BRIDGE_TRAFFIC_INTERVAL_SECONDS: '1',
      PROJECTION_SCHEMA: schema,
      KAFKA_TOPIC_PREFIX: prefix,
      KEYCLOAK_REALM: realmName,
    };
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    await createBridgeLedger(env);
    bridge = await startBridge(await localConfig(env, bridgeSections), {
      logger: pino({ level: 'debug' }, sink),
      stored,
    });
  });

  afterAll(async () => {
    await bridge?.close();
    await fake.stop();
    await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await db.end();
  });

  for (const [username, behaviour] of behaviours) {
    const expected = expectations[username];
    if (!expected) continue;
    it(`${behaviour} (${username}) -> ${String(expected.body.outcome)}`, async () => {
      const { status, body } = await verify(username, password);
      assert.equal(status, expected.status, JSON.stringify(body));
      for (const [field, value] of Object.entries(expected.body)) assert.deepEqual(body[field], value, field);
    });
  }

  it("sends SECRET_HASH and the end user's IP and user agent as ContextData", () => {
    const call = fake.calls.find((c) => c.username === 'valid-user')!;
    const expectedHash = createHmac('sha256', clientSecret).update(`valid-user${clientId}`).digest('base64');
    assert.equal(call.secretHash, expectedHash);
    assert.equal(call.ipAddress, userIp);
    assert.deepEqual(call.headers, [{ headerName: 'User-Agent', headerValue: 'Mozilla/5.0 test' }]);
  });

  it('a temporarily unavailable Cognito says when to retry and is never a wrong password', async () => {
    const { status, headers } = await verify('throttled-user', password);
    assert.equal(status, 503);
    assert.notEqual(status, 401);
    assert.equal(headers.get('retry-after'), '1');
  });

  it('verifying records nothing, not even for the users it tells the target to keep the password of', async () => {
    const migrated = (await ledgerFacts()).filter((f) => f.type === 'PasswordMigrated');
    assert.deepEqual(migrated, []);
  });

  it('a store confirmation records PasswordMigrated (jit) once the target holds the password, and only then', async () => {
    const confirm = (username: string) =>
      post('/v1/verify/stored', { sub: subOf(username), userId: `kc-${subOf(username)}` });
    const notStored = await confirm('sms-user');
    assert.equal(notStored.status, 409);
    const at = new Date('2026-02-01T12:00:00.123Z');
    storedAt.set(subOf('valid-user'), at);
    const first = await confirm('valid-user');
    const again = await confirm('valid-user');
    assert.equal(first.status, 200, first.text);
    assert.equal(again.status, 200);
    const unknown = await post('/v1/verify/stored', { sub: subOf('nobody'), userId: 'kc-nobody' });
    assert.equal(unknown.status, 404);

    const ledger = new Ledger({ kafka: kafkaConfig(env) });
    const records: { id: string; bytes: string; subject: string; data: unknown; time: string }[] = [];
    await ledger.scan([ledger.topics.userEvents], (record) => {
      const event = decodeRecord(record);
      if (event.type === 'PasswordMigrated')
        records.push({
          id: event.id,
          bytes: record.value!.toString('utf8'),
          subject: event.subject,
          data: event.data,
          time: event.time,
        });
    });
    assert.deepEqual(new Set(records.map((r) => r.subject)), new Set([subOf('valid-user')]));
    assert.deepEqual(records[0]!.data, {
      sub: subOf('valid-user'),
      target: { kind: 'keycloak', realm: realmName },
      via: 'jit',
    });
    assert.equal(records[0]!.time, at.toISOString(), 'dated by the target, not by the bridge');
    assert.equal(new Set(records.map((r) => r.id)).size, 1);
    assert.equal(new Set(records.map((r) => r.bytes)).size, 1, 'a repeated confirmation records the same bytes');
  });

  it('a user verified before is verified again: a right password can always migrate (no already-migrated answer)', async () => {
    const before = fake.calls.length;
    const { status, body } = await verify('valid-user', password);
    assert.equal(status, 200);
    assert.equal(body.outcome, 'valid');
    assert.equal(body.migrate, true);
    assert.equal(fake.calls.length, before + 1);
  });

  it('asks Cognito nothing for users the ledger keeps out of the bridge', () => {
    for (const name of ['federated-user', 'reset-ledger-user'])
      assert.ok(!fake.calls.some((c) => c.username === name), name);
  });

  it('repeats a user-level answer of Cognito for a while instead of asking again', async () => {
    const asked = () => fake.calls.filter((c) => c.username === 'disabled-user').length;
    const before = asked();
    const { status, body } = await verify('disabled-user', password);
    assert.equal(status, 403);
    assert.equal(body.outcome, 'disabled');
    assert.equal(asked(), before, 'Cognito not asked again within the window');
    const wrong = await verify('valid-user', wrongPassword);
    assert.equal(wrong.body.outcome, 'wrong-password');
    const right = await verify('valid-user', password);
    assert.equal(right.body.outcome, 'valid', 'a wrong password is never kept as the user’s answer');
  });

  it('case-variant usernames each verify against their own Cognito record, found by sub', async () => {
    const lower = await verify('USER.19', password, { sub: subOf('user.19') });
    assert.equal(lower.body.outcome, 'valid');
    assert.equal(lower.body.sub, subOf('user.19'));
    assert.equal(fake.calls.at(-1)!.username, 'user.19');
    const upper = await verify('user.19', password, { sub: subOf('USER.19') });
    assert.equal(upper.body.outcome, 'valid-with-challenge');
    assert.equal(upper.body.sub, subOf('USER.19'));
    assert.equal(fake.calls.at(-1)!.username, 'USER.19');
    // By name alone, the exact spelling wins.
    const byName = await verify('USER.19', password);
    assert.equal(byName.body.sub, subOf('USER.19'));
    assert.equal(fake.calls.at(-1)!.username, 'USER.19');
  });

  it('a sub the ledger does not know is an unknown user, whatever the login names', async () => {
    const before = fake.calls.length;
    const { status, body } = await verify('valid-user', password, { sub: subOf('nobody') });
    assert.equal(status, 401);
    assert.deepEqual(body, { outcome: 'unknown-user', migrate: false, requiredActions: [] });
    assert.equal(fake.calls.length, before);
  });

  it('answers every unknown login with one constant body, without calling Cognito', async () => {
    const before = fake.calls.length;
    const a = await verify('nobody-here', password);
    const b = await verify('nobody@example.org', wrongPassword);
    assert.equal(a.status, 401);
    assert.deepEqual(a.body, { outcome: 'unknown-user', migrate: false, requiredActions: [] });
    assert.deepEqual(b.body, a.body);
    assert.equal(fake.calls.length, before);
  });

  it('finds users by e-mail, case-insensitively, and asks Cognito with their username', async () => {
    const { body } = await verify('LOCKED-USER@example.org', password);
    assert.equal(body.outcome, 'locked-out');
    assert.equal(fake.calls.at(-1)!.username, 'locked-user');
  });

  it("stops asking Cognito once a user's wrong-password budget is spent", async () => {
    const before = fake.calls.length;
    const statuses: unknown[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await verify('budget-user', wrongPassword)).body.outcome);
    assert.deepEqual(statuses, [
      'wrong-password',
      'wrong-password',
      'wrong-password',
      'wrong-password',
      'rate-limited',
      'rate-limited',
    ]);
    assert.equal(fake.calls.length - before, 4, "below Cognito's own lockout at 5");
    const right = await verify('budget-user', password);
    assert.equal(right.status, 429, 'the budget holds even for the right password');
    assert.equal(right.body.scope, 'failures');
    assert.ok(Number(right.headers.get('retry-after')) > 0);
  });

  it('records each Cognito call, and the unavailable ones, as BridgeTrafficObserved facts once their interval ends', async () => {
    const recorded = async () => {
      const ledger = new Ledger({ kafka: kafkaConfig(env) });
      const facts: LedgerEventOf<'BridgeTrafficObserved'>[] = [];
      await ledger.scan([ledger.topics.controlEvents], (record) => {
        const event = decodeRecord(record);
        if (isEventOf(event, 'BridgeTrafficObserved')) facts.push(event);
      });
      const sum = (counts: Readonly<Record<string, number>>) => Object.values(counts).reduce((a, b) => a + b, 0);
      return {
        facts,
        calls: facts.reduce((n, e) => n + sum(e.data.outcomes) + sum(e.data.unavailable), 0),
        unavailable: facts.reduce((n, e) => n + sum(e.data.unavailable), 0),
      };
    };
    const deadline = Date.now() + 10_000;
    while ((await recorded()).calls < fake.calls.length && Date.now() < deadline) await sleep(200);
    const { facts, calls, unavailable } = await recorded();
    assert.equal(calls, fake.calls.length);
    // throttled-user (twice), fault-user, slow-user, trigger-user, custom-user; wrong passwords are not failures.
    assert.equal(unavailable, 6);
    assert.deepEqual(new Set(facts.map((e) => e.subject)), new Set([`keycloak/${realmName}`]));
    assert.equal(new Set(facts.map((e) => e.data.instance)).size, 1, 'one bridge process');
    assert.equal(new Set(facts.map((e) => e.id)).size, facts.length, 'each interval once');
    assert.ok(
      facts.every(
        (e) => e.data.complete && Date.parse(e.data.interval.end) - Date.parse(e.data.interval.start) === 1000,
      ),
    );
    // Counts only: no sub or address of the users above in the facts.
    const bytes = JSON.stringify(facts.map((e) => e.data));
    for (const [username] of behaviours) assert.ok(!bytes.includes(subOf(username)), username);
    assert.ok(!bytes.includes(userIp));
  });

  describe('callers', () => {
    it('refuses a request without the shared secret', async () => {
      const missing = await post('/v1/verify', { login: 'valid-user', password }, { authorization: '' });
      const wrong = await post(
        '/v1/verify',
        { login: 'valid-user', password },
        { authorization: 'Bearer not-the-secret' },
      );
      assert.equal(missing.status, 401);
      assert.equal(wrong.status, 401);
    });

    it('takes the secret as basic-auth password too', async () => {
      const basic = `Basic ${Buffer.from(`keycloak:${sharedSecret}`).toString('base64')}`;
      const { status } = await post(
        '/v1/verify',
        { login: 'nobody', password: wrongPassword },
        { authorization: basic },
      );
      assert.equal(status, 401);
      const { status: lookup } = await fetch(`${bridge.url}/v1/users/valid-user`, {
        headers: { authorization: basic },
      });
      assert.equal(lookup, 200);
    });

    it('never echoes a malformed body, which may hold a password', async () => {
      const broken = await post('/v1/verify', `{"login":"valid-user","password":"${password}"`);
      assert.equal(broken.status, 400);
      assert.ok(!broken.text.includes(password), broken.text);
      const invalid = await post('/v1/verify', { login: password, password: 42 });
      assert.equal(invalid.status, 400);
      assert.ok(!invalid.text.includes(password), invalid.text);
    });
  });

  describe('Keycloak user-migration plugin contract (daniel-frak/keycloak-user-migration)', () => {
    const auth = { authorization: `Bearer ${sharedSecret}`, accept: 'application/json' };
    const allowed = [
      'id',
      'username',
      'email',
      'firstName',
      'lastName',
      'enabled',
      'emailVerified',
      'attributes',
      'roles',
      'groups',
      'requiredActions',
      'totps',
      'organizations',
    ];

    it("GET {URI}/{username} and {URI}/{email} answer the user with only the plugin's fields", async () => {
      for (const login of ['contract-kc', encodeURIComponent('contract-kc@example.org')]) {
        const response = await fetch(`${bridge.url}/keycloak-user-migration/${login}`, { headers: auth });
        assert.equal(response.status, 200);
        const user = (await response.json()) as Record<string, unknown>;
        for (const field of Object.keys(user)) assert.ok(allowed.includes(field), `unexpected field ${field}`);
        assert.equal(user.username, 'contract-kc');
        assert.equal(user.email, 'contract-kc@example.org');
        assert.equal(user.id, subOf('contract-kc'));
        assert.equal(user.enabled, true);
        assert.deepEqual((user.attributes as Record<string, string[]>).cognito_sub, [subOf('contract-kc')]);
      }
    });

    it('GET for an unknown user is not 200', async () => {
      const response = await fetch(`${bridge.url}/keycloak-user-migration/nobody`, { headers: auth });
      assert.equal(response.status, 404);
    });

    it('POST {URI}/{username} {"password"}: 200 only for the right password', async () => {
      const wrong = await post('/keycloak-user-migration/contract-kc', { password: wrongPassword });
      assert.equal(wrong.status, 401);
      const right = await post('/keycloak-user-migration/contract-kc', { password });
      assert.equal(right.status, 200);
      const unavailable = await post('/keycloak-user-migration/fault-user', { password });
      assert.equal(unavailable.status, 503);
    });
  });

  describe('FusionAuth Generic Connector contract', () => {
    const request = (loginId: string, pw: string) => ({
      applicationId: '85a03867-dccf-4882-adde-1a79aeec50df',
      loginId,
      password: pw,
      loginIdTypes: [],
      eventInfo: { deviceName: 'test', deviceType: 'BROWSER', ipAddress: userIp, userAgent: 'Mozilla/5.0 test' },
      newDevice: false,
      noJWT: false,
    });

    it('200 {user} with the sub as id for the right password', async () => {
      const { status, text } = await post('/fusionauth/connector', request('contract-fa@example.org', password));
      assert.equal(status, 200);
      const { user } = JSON.parse(text) as { user: Record<string, unknown> };
      assert.equal(user.id, subOf('contract-fa'));
      assert.equal(user.email, 'contract-fa@example.org');
      assert.equal(user.username, 'contract-fa');
      assert.equal(user.active, true);
      assert.deepEqual(user.registrations, [{ applicationId: '85a03867-dccf-4882-adde-1a79aeec50df' }]);
      assert.equal((user.data as Record<string, unknown>).migratedFrom, 'cognito');
      assert.equal(fake.calls.at(-1)!.ipAddress, userIp);
    });

    it('FusionAuth keeps the password itself: nothing is recorded for it (no Keycloak fact) and no confirmation awaited', async () => {
      const sub = subOf('contract-fa-only');
      const awaiting = await bridge.bridge.settled(0);
      const { status } = await post('/fusionauth/connector', request('contract-fa-only', password));
      assert.equal(status, 200);
      assert.equal(await bridge.bridge.settled(0), awaiting, 'no store confirmation is awaited for a FusionAuth login');
      const line = logLines
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .find((l) => l.msg === 'password verify' && l.sub === sub);
      assert.equal(line?.contract, 'fusionauth-connector');
      assert.equal(line?.outcome, 'valid');
      const migrated = (await ledgerFacts()).filter((f) => f.type === 'PasswordMigrated' && f.subject === sub);
      assert.deepEqual(migrated, []);
    });

    it('404 for everything else: wrong password, unknown user, Cognito unavailable', async () => {
      for (const [login, pw] of [
        ['contract-kc', wrongPassword],
        ['nobody', password],
        ['fault-user', password],
      ] as const) {
        const { status } = await post('/fusionauth/connector', request(login, pw));
        assert.equal(status, 404, login);
      }
    });
  });

  it('no password used in this run is in any topic, log line or table of the run', async () => {
    const secrets = [password, wrongPassword];
    const ledger = new Ledger({ kafka: kafkaConfig(env) });
    let records = 0;
    await ledger.scan([ledger.topics.userEvents, ledger.topics.controlEvents, ledger.topics.deadLetter], (record) => {
      records++;
      const text = `${record.key?.toString('utf8') ?? ''} ${record.value?.toString('utf8') ?? ''} ${JSON.stringify(record.headers)}`;
      for (const secret of secrets) assert.ok(!text.includes(secret), `password in ${record.topic}@${record.offset}`);
    });
    assert.ok(records > 0);
    assert.ok(logLines.length > 20);
    for (const line of logLines)
      for (const secret of secrets) assert.ok(!line.includes(secret), 'password in a log line');
    const tables = await db.query<{ table_name: string }>(
      'SELECT table_name FROM information_schema.tables WHERE table_schema = $1',
      [schema],
    );
    for (const { table_name } of tables.rows) {
      const rows = await db.query(`SELECT * FROM "${schema}"."${table_name}"`);
      const dump = JSON.stringify(rows.rows);
      for (const secret of secrets) assert.ok(!dump.includes(secret), `password in ${table_name}`);
    }
  });
});
