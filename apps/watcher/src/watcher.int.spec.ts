import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { NestFactory } from '@nestjs/core';
import pg from 'pg';
import { databaseConfig, importerConfig, kafkaConfig, keycloakConfig, watcherConfig, type Env } from '#config';
import {
  createEvent,
  isEventOf,
  jitPasswordMigrated,
  type EventType,
  type LedgerEvent,
  type LedgerEventOf,
  type UserExportedData,
} from '#events';
import { importMapping } from '#domain';
import { ImporterModule, ImportRun } from '#importer';
import type { KeycloakRealm } from '#keycloak';
import { decodeRecord, Ledger } from '#ledger';
import { keycloakAdminLogin, localConfig } from '#stack';
import {
  completeTotpSetup,
  enrolTotp,
  JourneyRealms,
  openLogin,
  rehearseUserJourneys,
  signInThroughProvider,
  type JourneyClient,
} from '#demo';
import { EventCursorStore } from './event-cursor-store.js';
import { TargetWatch, type WatchReport } from './target-watch.js';
import { WatcherBusyError } from './watcher-busy-error.js';
import { WatcherModule, watcherSections, watcherSettingsOf } from './watcher.module.js';

/*
 * The watcher on the real stack: users are exported into the ledger (UserExported facts written
 * here, as the exporter would) and imported into a realm of the real Keycloak by the real
 * importer; then they act through Keycloak's own pages (TOTP set-up, first login through an
 * identity provider that is a second realm of the same Keycloak) and the watcher records it.
 */

const run = randomUUID().slice(0, 8);
const env: Env = {
  ...process.env,
  KAFKA_TOPIC_PREFIX: `test-watch-${run}`,
  KEYCLOAK_REALM: `test-watch-${run}`,
  WATCHER_SCHEMA: `test_watch_${run}`,
  WATCHER_PAGE_SIZE: '10',
};
const ledger = new Ledger({ kafka: kafkaConfig(env) });
const poolId = 'us-east-1_Watch1';
const password = 'Correct-Horse-7';

interface Person {
  readonly key: string;
  readonly sub: string;
  readonly status: string;
  readonly mfa: boolean;
  readonly google: boolean;
}

const people: Person[] = [
  ['mfa-a', 'CONFIRMED', true, false],
  ['mfa-b', 'CONFIRMED', true, false],
  ['mfa-c', 'CONFIRMED', true, false],
  ['fed-a', 'EXTERNAL_PROVIDER', false, true],
  ['fed-b', 'EXTERNAL_PROVIDER', false, true],
  ['reset-a', 'RESET_REQUIRED', false, false],
  ['jit-a', 'CONFIRMED', false, false],
  ['mfa-d', 'CONFIRMED', true, false],
  ['fed-c', 'EXTERNAL_PROVIDER', false, true],
  ['mfa-e', 'CONFIRMED', true, false],
  ['mfa-f', 'CONFIRMED', true, false],
].map(([key, status, mfa, google]) => ({
  key: key as string,
  sub: randomUUID(),
  status: status as string,
  mfa: mfa as boolean,
  google: google as boolean,
}));
const person = (key: string) => people.find((p) => p.key === key)!;
const emailOf = (p: Person) => `${p.key}.${run}@example.com`;
const usernameOf = (p: Person) => (p.google ? `Google_${p.key}-${run}` : `${p.key}-${run}`);

function exported(p: Person): UserExportedData {
  const at = '2024-01-01T00:00:00.000Z';
  return {
    poolId,
    sub: p.sub,
    username: usernameOf(p),
    status: p.status,
    enabled: true,
    createdAt: at,
    updatedAt: at,
    attributes: { email: emailOf(p), email_verified: 'true', given_name: 'Test', family_name: p.key },
    customAttributes: {},
    groups: [],
    mfa: { sms: false, totp: p.mfa, preferred: p.mfa ? 'SOFTWARE_TOKEN_MFA' : null },
    identities: p.google
      ? [
          {
            provider: 'Google',
            providerType: 'Google',
            userId: `google-${p.key}-${run}`,
            issuer: null,
            primary: true,
            linkedAt: at,
          },
        ]
      : [],
    anomalies: [],
  };
}

let realms: JourneyRealms;
let target: KeycloakRealm;
let client: JourneyClient;
let provider: KeycloakRealm;
const targetIds = new Map<string, string>();

async function watch(options: { follow?: boolean; reconcile: boolean; signal?: AbortSignal }): Promise<WatchReport> {
  const settings = watcherSettingsOf(await localConfig(env, watcherSections));
  const app = await NestFactory.createApplicationContext(WatcherModule.register(settings), { logger: false });
  try {
    return await app.get(TargetWatch).run({
      follow: options.follow ?? false,
      reconcile: options.reconcile,
      pollIntervalMs: 200,
      reconcileIntervalMs: 60_000,
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } finally {
    await app.close();
  }
}

async function facts(): Promise<LedgerEvent[]> {
  const events: LedgerEvent[] = [];
  await ledger.scan([ledger.topics.userEvents], (record) => void events.push(decodeRecord(record)));
  return events;
}

/** Records of the type about the person, counted as records (a fact written twice would count twice). */
async function recorded<T extends EventType>(type: T, p: Person): Promise<LedgerEventOf<T>[]> {
  return (await facts()).filter((e): e is LedgerEvent & LedgerEventOf<T> => isEventOf(e, type) && e.subject === p.sub);
}

/**
 * Stands in for the JIT bridge: the password stored in Keycloak (no user event, as the provider's
 * store), then the fact the bridge records on the provider's confirmation.
 */
async function givePassword(p: Person): Promise<void> {
  const id = targetIds.get(p.key)!;
  await target.call('test password', (c) =>
    c.users.resetPassword({
      realm: target.name,
      id,
      credential: { type: 'password', value: password, temporary: false },
    }),
  );
  const credentials = await target.call('test credentials', (c) => c.users.getCredentials({ realm: target.name, id }));
  const stored = credentials.find((c) => c.type === 'password')!;
  const publisher = await ledger.publisher();
  try {
    await publisher.publish([jitPasswordMigrated(p.sub, target.name, new Date(stored.createdDate!))]);
  } finally {
    await publisher.close();
  }
}

async function setEvents(enabled: boolean): Promise<void> {
  const current = await target.call('events config read', (c) => c.realms.getConfigEvents({ realm: target.name }));
  await target.call('events config update', (c) =>
    c.realms.updateConfigEvents({ realm: target.name }, { ...current, eventsEnabled: enabled }),
  );
}

async function googleAccount(p: Person): Promise<string> {
  const ids = await realms.addProviderAccounts(provider, [
    { username: p.key, email: emailOf(p), firstName: 'Test', lastName: p.key, password },
  ]);
  return ids.get(p.key)!;
}

describe('watcher on the real stack (Kafka, PostgreSQL, Keycloak)', () => {
  beforeAll(async () => {
    await ledger.ensureTopics(3);
    const publisher = await ledger.publisher();
    const context = { source: '/test/exporter', correlationId: run, time: new Date() };
    await publisher.publish(people.map((p) => createEvent('UserExported', exported(p), context)));
    await publisher.close();

    // The realm gets no identity provider at import: the federated users are re-bound at first login.
    const settings = {
      kafka: kafkaConfig(env),
      keycloak: keycloakConfig(env),
      importer: importerConfig(env),
      admin: await keycloakAdminLogin(env),
    };
    const app = await NestFactory.createApplicationContext(ImporterModule.register(settings), { logger: false });
    try {
      const report = await app.get(ImportRun).run({ groupId: `test-watch-import-${run}`, follow: false });
      assert.equal(report.created, people.length);
    } finally {
      await app.close();
    }
    for (const event of await facts()) {
      if (event.type === 'UserImported')
        targetIds.set(people.find((p) => p.sub === event.data.sub)!.key, event.data.targetUserId);
    }

    realms = new JourneyRealms(keycloakConfig(env), settings.admin);
    target = realms.target;
    client = await realms.ensureClient();
    provider = (await realms.ensureProvider('google'))!;
  });

  afterAll(async () => {
    await target.call('realm deletion', (c) => c.realms.del({ realm: target.name })).catch(() => undefined);
    if (provider) await realms.deleteProvider(provider);
    const db = new pg.Client({ connectionString: databaseConfig(env).url });
    await db.connect();
    await db.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(watcherConfig(env).schema)} CASCADE`);
    await db.end();
  });

  it('records exactly one MfaReenrolled when a flagged user completes CONFIGURE_TOTP on the login pages', async () => {
    const p = person('mfa-a');
    await givePassword(p);
    await enrolTotp(client, usernameOf(p).toLowerCase(), password);

    const first = await watch({ reconcile: false });
    assert.equal(first.emitted.MfaReenrolled, 1);
    assert.equal(first.fromEvents, 1);
    const [fact, ...more] = await recorded('MfaReenrolled', p);
    assert.equal(more.length, 0);
    assert.deepEqual(fact!.data, { sub: p.sub, target: { kind: 'keycloak', realm: target.name }, method: 'totp' });

    // Again, with the reconciliation pass: the cursor has moved on, and reconciliation finds the same fact.
    const second = await watch({ reconcile: true });
    assert.equal(second.eventsRead, 0);
    assert.equal(second.emitted.MfaReenrolled, 0);
    assert.equal((await recorded('MfaReenrolled', p)).length, 1);
  });

  it('records exactly one FederationRebound when a first broker login links the imported user', async () => {
    const p = person('fed-a');
    const providerUserId = await googleAccount(p);
    await signInThroughProvider(client, 'google', p.key, password);

    const report = await watch({ reconcile: false });
    assert.equal(report.emitted.FederationRebound, 1);
    const [fact, ...more] = await recorded('FederationRebound', p);
    assert.equal(more.length, 0);
    assert.deepEqual(fact!.data, {
      sub: p.sub,
      target: { kind: 'keycloak', realm: target.name },
      provider: 'google',
      cognitoProvider: 'Google',
      providerUserId,
      via: 'first-login',
    });
    // The link made by the target, not the one Cognito had: the provider tells its own id.
    assert.notEqual(providerUserId, exported(p).identities[0]!.userId);
  });

  it('still records exactly one of each when the watcher is stopped during the actions and started again', async () => {
    const mfa = person('mfa-b');
    const fed = person('fed-b');
    await givePassword(mfa);
    await googleAccount(fed);

    const stop = new AbortController();
    const following = watch({ follow: true, reconcile: false, signal: stop.signal });
    // Half-way through the TOTP set-up (password accepted, set-up page shown), the watcher stops.
    const { session, landing } = await openLogin(client);
    const setup = await session.submit(landing, { username: usernameOf(mfa).toLowerCase(), password });
    await new Promise((resolve) => setTimeout(resolve, 500));
    stop.abort();
    await following;

    const { secret } = await completeTotpSetup(session, setup);
    assert.ok(secret, 'Keycloak showed the TOTP set-up page');
    await signInThroughProvider(client, 'google', fed.key, password);

    const restarted = await watch({ reconcile: false });
    assert.equal(restarted.emitted.MfaReenrolled, 1);
    assert.equal(restarted.emitted.FederationRebound, 1);

    // A crash after publishing but before the cursor moved reads the same events again: simulated
    // by forgetting the cursor. The events are re-read, their facts are already in the ledger.
    const db = new pg.Client({ connectionString: databaseConfig(env).url });
    await db.connect();
    await db.query(`DELETE FROM ${pg.escapeIdentifier(watcherConfig(env).schema)}.event_cursor`);
    await db.end();
    const reread = await watch({ reconcile: true });
    assert.ok(reread.eventsRead >= 4, `re-read ${reread.eventsRead} events`);
    assert.equal(reread.fromEvents + reread.fromReconciliation, 0);

    assert.equal((await recorded('MfaReenrolled', mfa)).length, 1);
    assert.equal((await recorded('FederationRebound', fed)).length, 1);
    assert.equal((await recorded('MfaReenrolled', person('mfa-a'))).length, 1);
    assert.equal((await recorded('FederationRebound', person('fed-a'))).length, 1);
  });

  it('finds with the reconciliation pass a TOTP set up while the event store was off', async () => {
    const p = person('mfa-c');
    await givePassword(p);
    await setEvents(false);
    try {
      await enrolTotp(client, usernameOf(p).toLowerCase(), password);
    } finally {
      await setEvents(true);
    }

    const eventsOnly = await watch({ reconcile: false });
    assert.equal(eventsOnly.emitted.MfaReenrolled, 0);
    assert.equal((await recorded('MfaReenrolled', p)).length, 0);

    const reconciled = await watch({ reconcile: true });
    assert.equal(reconciled.emitted.MfaReenrolled, 1);
    assert.equal(reconciled.fromReconciliation, 1);
    assert.equal((await recorded('MfaReenrolled', p)).length, 1);
  });

  it('records PasswordMigrated via reset for a new password, unless the bridge migrated the password first', async () => {
    const reset = person('reset-a');
    const jit = person('jit-a');
    // The bridge's fact for jit-a, as the bridge would publish it after a login.
    const publisher = await ledger.publisher();
    await publisher.publish([
      createEvent(
        'PasswordMigrated',
        { sub: jit.sub, target: { kind: 'keycloak', realm: target.name }, via: 'jit' },
        { source: '/test/bridge', correlationId: run, time: new Date() },
      ),
    ]);
    await publisher.close();

    for (const p of [reset, jit]) {
      // A temporary password makes Keycloak ask for a new one (UPDATE_PASSWORD) at the next login.
      await target.call('temporary password', (c) =>
        c.users.resetPassword({
          realm: target.name,
          id: targetIds.get(p.key)!,
          credential: { type: 'password', value: password, temporary: true },
        }),
      );
      const { session, landing } = await openLogin(client);
      const update = await session.submit(landing, { username: usernameOf(p).toLowerCase(), password });
      const done = await session.submit(update, {
        'password-new': `${password}-new`,
        'password-confirm': `${password}-new`,
      });
      assert.equal(done.kind, 'app');
    }

    const report = await watch({ reconcile: true });
    assert.equal(report.emitted.PasswordMigrated, 1);
    const [fact, ...more] = await recorded('PasswordMigrated', reset);
    assert.equal(more.length, 0);
    assert.equal(fact!.data.via, 'reset');
    assert.deepEqual(
      (await recorded('PasswordMigrated', jit)).map((e) => e.data.via),
      ['jit'],
    );
  });

  it('refuses a second watcher on the same realm while the first holds the cursor', async () => {
    const store = new EventCursorStore(databaseConfig(env).url, watcherConfig(env).schema);
    const lease = await store.lease(`${keycloakConfig(env).url}/realms/${target.name}`);
    try {
      await assert.rejects(watch({ reconcile: false }), WatcherBusyError);
    } finally {
      await lease.release();
    }
  });

  it('rehearses the demo journeys: the remaining flagged user enrols TOTP, the remaining federated user signs in; a disabled one is left out', async () => {
    // A user the target disabled cannot sign in: the rehearsal must not pick them (the demo died on one).
    const id = targetIds.get('mfa-e')!;
    const stored = await target.call('test read', (c) => c.users.findOne({ realm: target.name, id }));
    await target.call('test disable', (c) => c.users.update({ realm: target.name, id }, { ...stored, enabled: false }));
    // A flagged user whose password the bridge already migrated: a rehearsal password would replace
    // the one the user knows, behind a ledger that says the target holds it.
    const migrated = person('mfa-f');
    await givePassword(migrated);
    const publisher = await ledger.publisher();
    await publisher.publish([
      createEvent(
        'PasswordMigrated',
        { sub: migrated.sub, target: { kind: 'keycloak', realm: target.name }, via: 'jit' },
        { source: '/test/bridge', correlationId: run, time: new Date() },
      ),
    ]);
    await publisher.close();
    const aliases = importMapping(importerConfig(env)).providerAliases;
    const rehearsal = await rehearseUserJourneys(ledger, keycloakConfig(env), await keycloakAdminLogin(env), aliases, {
      mfaUsers: 5,
      federatedUsers: 5,
    });
    assert.deepEqual(rehearsal, { totpEnrolled: 1, providerLogins: 1, mfaPending: 3, federationPending: 1 });
    const report = await watch({ reconcile: true });
    assert.equal(report.emitted.MfaReenrolled, 1);
    assert.equal(report.emitted.FederationRebound, 1);
    assert.equal((await recorded('MfaReenrolled', person('mfa-d'))).length, 1);
    assert.equal((await recorded('MfaReenrolled', migrated)).length, 0);
    assert.equal((await recorded('FederationRebound', person('fed-c'))).length, 1);
  });
});
