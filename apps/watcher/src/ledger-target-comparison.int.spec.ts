import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { NestFactory } from '@nestjs/core';
import pg from 'pg';
import {
  databaseConfig,
  importerConfig,
  kafkaConfig,
  keycloakConfig,
  loadConfig,
  watcherConfig,
  type Env,
} from '#config';
import { createEvent, type LedgerEvent, type UserExportedData } from '#events';
import { ImporterModule, ImportRun } from '#importer';
import { KeycloakRealm } from '#keycloak';
import { decodeRecord, Ledger } from '#ledger';
import { projectorSections, projectUntilCaughtUp } from '#projector';
import { openStatusReader, statusSections } from '#reconciler';
import { keycloakAdminLogin, localConfig } from '#stack';
import { TargetWatch, type WatchReport } from './target-watch.js';
import { WatcherModule, watcherSections, watcherSettingsOf } from './watcher.module.js';

/*
 * The ledger-vs-target reconciliation on the real stack: users are exported into the ledger and
 * imported into a realm of the real Keycloak by the real importer; then the ledger is made wrong
 * the way defects made it wrong (a PasswordMigrated published for a user whose password Keycloak
 * never stored) and the target is changed behind the ledger's back (a user deleted, one disabled).
 */

const run = randomUUID().slice(0, 8);
const env: Env = {
  ...process.env,
  KAFKA_TOPIC_PREFIX: `test-agree-${run}`,
  KEYCLOAK_REALM: `test-agree-${run}`,
  WATCHER_SCHEMA: `test_agree_w_${run}`,
  PROJECTION_SCHEMA: `test_agree_p_${run}`,
  RECONCILER_SCHEMA: `test_agree_r_${run}`,
};
const ledger = new Ledger({ kafka: kafkaConfig(env) });
const poolId = 'us-east-1_Agree1';
const keys = ['stranded', 'deleted', 'disabled', 'fine-a', 'fine-b'] as const;
type Key = (typeof keys)[number];
const subs = new Map<Key, string>(keys.map((k) => [k, randomUUID()]));
const targetIds = new Map<Key, string>();

function exported(key: Key): UserExportedData {
  const at = '2024-01-01T00:00:00.000Z';
  return {
    poolId,
    sub: subs.get(key)!,
    username: `${key}-${run}`,
    status: 'CONFIRMED',
    enabled: true,
    createdAt: at,
    updatedAt: at,
    attributes: { email: `${key}.${run}@example.com`, email_verified: 'true', given_name: 'Test', family_name: key },
    customAttributes: {},
    groups: [],
    mfa: { sms: false, totp: false, preferred: null },
    identities: [],
    anomalies: [],
  };
}

async function facts(): Promise<LedgerEvent[]> {
  const events: LedgerEvent[] = [];
  await ledger.scan([ledger.topics.userEvents], (record) => void events.push(decodeRecord(record)));
  return events;
}

async function watch(): Promise<WatchReport> {
  const settings = watcherSettingsOf(await localConfig(env, watcherSections));
  const app = await NestFactory.createApplicationContext(WatcherModule.register(settings), { logger: false });
  try {
    return await app.get(TargetWatch).run({
      follow: false,
      reconcile: true,
      pollIntervalMs: 200,
      reconcileIntervalMs: 60_000,
    });
  } finally {
    await app.close();
  }
}

let realm: KeycloakRealm;

describe('ledger vs target reconciliation on the real stack (Kafka, PostgreSQL, Keycloak)', () => {
  beforeAll(async () => {
    await ledger.ensureTopics(3);
    const publisher = await ledger.publisher();
    const context = { source: '/test/exporter', correlationId: run, time: new Date() };
    await publisher.publish(keys.map((k) => createEvent('UserExported', exported(k), context)));
    await publisher.close();
    const admin = await keycloakAdminLogin(env);
    const settings = { kafka: kafkaConfig(env), keycloak: keycloakConfig(env), importer: importerConfig(env), admin };
    const app = await NestFactory.createApplicationContext(ImporterModule.register(settings), { logger: false });
    try {
      const report = await app.get(ImportRun).run({ groupId: `test-agree-import-${run}`, follow: false });
      assert.equal(report.created, keys.length);
    } finally {
      await app.close();
    }
    for (const event of await facts()) {
      if (event.type === 'UserImported')
        targetIds.set(
          keys.find((k) => subs.get(k) === event.data.sub)!,
          event.data.targetUserId,
        );
    }
    realm = new KeycloakRealm(keycloakConfig(env), admin);
  });

  afterAll(async () => {
    await realm.call('realm deletion', (c) => c.realms.del({ realm: realm.name })).catch(() => undefined);
    const db = new pg.Client({ connectionString: databaseConfig(env).url });
    await db.connect();
    for (const schema of [watcherConfig(env).schema, env.PROJECTION_SCHEMA!, env.RECONCILER_SCHEMA!])
      await db.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
    await db.end();
  });

  it('given a clean import, when the pass compares, then the ledger and Keycloak agree', async () => {
    const report = await watch();
    assert.equal(report.usersCompared, keys.length);
    assert.equal(report.disagreementsFound, 0);
    assert.equal(report.openDisagreements, 0);
  });

  it('records one correction per disagreement, nothing on a second pass; the projection, status and criterion show them', async () => {
    // A PasswordMigrated Keycloak never stored a password for (what a lost bridge answer recorded).
    const stranded = createEvent(
      'PasswordMigrated',
      { sub: subs.get('stranded')!, target: { kind: 'keycloak', realm: realm.name }, via: 'jit' },
      { source: '/test/bridge', correlationId: run, time: new Date() },
    );
    const publisher = await ledger.publisher();
    await publisher.publish([stranded]);
    await publisher.close();
    await realm.call('test deletion', (c) => c.users.del({ realm: realm.name, id: targetIds.get('deleted')! }));
    const id = targetIds.get('disabled')!;
    const stored = await realm.call('test read', (c) => c.users.findOne({ realm: realm.name, id }));
    await realm.call('test disable', (c) => c.users.update({ realm: realm.name, id }, { ...stored, enabled: false }));

    const first = await watch();
    assert.equal(first.disagreementsFound, 3);
    assert.equal(first.openDisagreements, 3);
    const found = (await facts()).filter((e) => e.type === 'TargetDisagreementFound');
    assert.deepEqual(
      found
        .map((e) => {
          const d = e.data as { sub: string; field: string; contradicts: string; ledger: string; observed: string };
          return [keys.find((k) => subs.get(k) === d.sub), d.field, d.ledger, d.observed];
        })
        .sort(),
      [
        ['deleted', 'exists', `imported as ${targetIds.get('deleted')}`, 'no such user'],
        ['disabled', 'enabled', 'true', 'false'],
        ['stranded', 'password', 'password held (PasswordMigrated jit)', 'no password credential'],
      ],
    );
    assert.equal(
      (found.find((e) => e.subject === subs.get('stranded'))!.data as { contradicts: string }).contradicts,
      stranded.id,
    );

    const second = await watch();
    assert.equal(second.disagreementsFound, 0);
    assert.equal(second.disagreementsResolved, 0);
    assert.equal(second.openDisagreements, 3);
    assert.equal((await facts()).filter((e) => e.type === 'TargetDisagreementFound').length, 3);

    const { metrics } = await projectUntilCaughtUp(loadConfig(env, projectorSections));
    assert.deepEqual(metrics.disagreements, { open: 3, users: 3 });
    // Healed in the projection: the stranded user's password is still to migrate, so the bridge and
    // the long-tail resets treat them again; the deleted user is to import again.
    assert.equal(metrics.byStatus.migrated, 0);
    assert.equal(metrics.byStatus.imported, keys.length - 1);
    assert.equal(metrics.byStatus.exported, 1);

    const status = await openStatusReader(loadConfig(env, statusSections));
    try {
      const report = await status.status.criteria(new Date());
      assert.equal(report.measured.openDisagreements, 3);
      const criterion = report.criteria.find((c) => c.id === 'target-disagreements')!;
      assert.equal(criterion.value, 3);
      assert.equal(criterion.met, false);
    } finally {
      await status.close();
    }
  });

  it('resolves a disagreement once Keycloak agrees again', async () => {
    const id = targetIds.get('disabled')!;
    const stored = await realm.call('test read', (c) => c.users.findOne({ realm: realm.name, id }));
    await realm.call('test enable', (c) => c.users.update({ realm: realm.name, id }, { ...stored, enabled: true }));
    const report = await watch();
    assert.equal(report.disagreementsResolved, 1);
    assert.equal(report.openDisagreements, 2);
    const { metrics } = await projectUntilCaughtUp(loadConfig(env, projectorSections));
    assert.deepEqual(metrics.disagreements, { open: 2, users: 2 });
  });
});
