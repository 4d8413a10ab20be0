import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import pg from 'pg';
import { pino } from 'pino';
import { databaseConfig, kafkaConfig, keycloakConfig, loadConfig, type Env } from '#config';
import { CutoverRefusedError, parseReconcilerPolicy, type ReconcilerPolicy } from '#domain';
import { createEvent, isEventOf, type LedgerEvent } from '#events';
import { KeycloakRealm } from '#keycloak';
import { decodeRecord, Ledger } from '#ledger';
import { BridgeTrafficRecorder } from '#bridge';
import { projectorSections, projectUntilCaughtUp } from '#projector';
import { keycloakAdminLogin, localConfig, MailCatcher } from '#stack';
import { formatCriteriaReport } from './criteria-report.js';
import { openReconciler, openStatusReader, reconcilerSections, statusSections } from './reconciler-runtime.js';

/**
 * The reconciler against the real stack: users exported and imported (as facts) into a fresh
 * realm of the real Keycloak, projected by the real projector, reset e-mails caught by maildev.
 */
const id = randomBytes(4).toString('hex');
const env: Env = {
  ...process.env,
  KAFKA_TOPIC_PREFIX: `it-reconciler-${id}`,
  PROJECTION_SCHEMA: `it_reconciler_${id}`,
  RECONCILER_SCHEMA: `it_reconciler_journal_${id}`,
  KEYCLOAK_REALM: `it-reconciler-${id}`,
  LOG_LEVEL: 'error',
};
const importedAt = '2025-01-01T00:00:00.000Z';
const day = 86_400_000;
const policy: ReconcilerPolicy = parseReconcilerPolicy(
  { longTail: { afterDays: 45 }, observationWindowDays: 14 },
  'test',
);
const quietBridge = async () => ({ cognitoAuthCallsPerDay: 0, errorRate: 0 });
const target = { kind: 'keycloak' as const, realm: env.KEYCLOAK_REALM! };

interface TestUser {
  readonly name: string;
  readonly cognitoEnabled: boolean;
  readonly keycloakEnabled: boolean;
  readonly migrated: boolean;
  sub: string;
  email: string;
  keycloakId: string;
}
const user = (name: string, overrides: Partial<TestUser> = {}): TestUser => ({
  name,
  cognitoEnabled: true,
  keycloakEnabled: true,
  migrated: false,
  sub: `00000000-0000-4000-8000-${randomBytes(6).toString('hex')}`,
  email: `${name}-${id}@example.com`,
  keycloakId: '',
  ...overrides,
});
const longTail = [user('ada'), user('bob'), user('cyd')];
const disabledInCognito = user('dan', { cognitoEnabled: false });
const disabledInKeycloak = user('eve', { keycloakEnabled: false });
const migrated = user('fay', { migrated: true });
const everyone = [...longTail, disabledInCognito, disabledInKeycloak, migrated];

function facts(u: TestUser): LedgerEvent[] {
  const ctx = { source: '/test', correlationId: id, time: new Date(importedAt) };
  const events: LedgerEvent[] = [
    createEvent(
      'UserExported',
      {
        poolId: 'us-east-1_Recon01',
        sub: u.sub,
        username: u.name,
        status: 'CONFIRMED',
        enabled: u.cognitoEnabled,
        createdAt: '2024-01-01T00:00:00.000Z',
        updatedAt: '2024-12-01T00:00:00.000Z',
        attributes: { email: u.email },
        customAttributes: {},
        groups: [],
        mfa: { sms: false, totp: null, preferred: null },
        identities: [],
        anomalies: [],
      },
      { ...ctx, time: new Date('2024-12-31T00:00:00.000Z') },
    ),
    createEvent(
      'UserImported',
      {
        sub: u.sub,
        target,
        targetUserId: u.keycloakId,
        outcome: 'created',
        matchedBy: null,
        requiredActions: [],
        needsPasswordMigration: true,
        loginName: u.name,
        treatment: 'password-via-bridge',
        adjustments: [],
      },
      ctx,
    ),
  ];
  if (u.migrated) {
    events.push(
      createEvent(
        'PasswordMigrated',
        { sub: u.sub, target, via: 'jit' },
        { ...ctx, time: new Date(Date.parse(importedAt) + 3 * day) },
      ),
    );
  }
  return events;
}

async function mailsTo(catcher: MailCatcher, email: string) {
  return (await catcher.messages()).filter((m) => m.to.some((t) => t.address.toLowerCase() === email));
}

describe('reconciler on the real stack', () => {
  const catcher = new MailCatcher(env);
  const ledger = new Ledger({ kafka: kafkaConfig(env) });
  let realm: KeycloakRealm;

  beforeAll(async () => {
    await catcher.up(() => undefined);
    realm = new KeycloakRealm(keycloakConfig(env), await keycloakAdminLogin(env));
    await realm.call('create realm', (c) => c.realms.create({ realm: target.realm, enabled: true }));
    for (const u of everyone) {
      const created = await realm.call('create user', (c) =>
        c.users.create({
          realm: target.realm,
          username: u.name,
          email: u.email,
          emailVerified: true,
          enabled: u.keycloakEnabled,
          firstName: u.name,
          lastName: 'Test',
        }),
      );
      u.keycloakId = created.id;
    }
    await ledger.ensureTopics(3);
    const publisher = await ledger.publisher();
    await publisher.publish(everyone.flatMap(facts));
    await publisher.close();
    await projectUntilCaughtUp(loadConfig(env, projectorSections));
  }, 300_000);

  afterAll(async () => {
    await realm.call('delete realm', (c) => c.realms.del({ realm: target.realm })).catch(() => undefined);
    const pool = new pg.Pool({ connectionString: databaseConfig(env).url });
    await pool.query(`drop schema if exists "${env.PROJECTION_SCHEMA}" cascade`);
    await pool.query(`drop schema if exists "${env.RECONCILER_SCHEMA}" cascade`);
    await pool.end();
  }, 300_000);

  const open = async () =>
    openReconciler(await localConfig(env, reconcilerSections), { policy, bridgeTraffic: quietBridge });
  const now = new Date(Date.parse(importedAt) + 46 * day);

  it('reads the status without changing the realm or creating the journal', async () => {
    const status = await openStatusReader(loadConfig(env, statusSections), { policy, bridgeTraffic: quietBridge });
    try {
      const report = await status.status.criteria(now);
      assert.equal(report.cutover.phase, 'parallel-run');
      assert.equal(report.measured.active, 5);
    } finally {
      await status.close();
    }
    const settings = await realm.call('read realm', (c) => c.realms.findOne({ realm: target.realm }));
    assert.deepEqual(settings?.smtpServer ?? {}, {}, 'no SMTP configured by a status read');
    const events = await realm.call('read event settings', (c) => c.realms.getConfigEvents({ realm: target.realm }));
    assert.equal(events.adminEventsEnabled, false, 'admin events left off by a status read');
    const pool = new pg.Pool({ connectionString: databaseConfig(env).url });
    try {
      const { rows } = await pool.query(`select to_regnamespace($1) as schema`, [env.RECONCILER_SCHEMA]);
      assert.equal(rows[0].schema, null, 'no journal schema created by a status read');
    } finally {
      await pool.end();
    }
  }, 300_000);

  it('sends each long-tail user one reset, once, even across a crash between the send and the event', async () => {
    // Run 1 dies right after Keycloak accepted bob's e-mail: nothing about it is recorded.
    const first = await open();
    try {
      await assert.rejects(
        first.reconciler.pass({
          now,
          afterSend: (sub) => {
            if (sub === longTail[1]!.sub) throw new Error('simulated crash');
          },
        }),
        /simulated crash/,
      );
    } finally {
      await first.close();
    }

    // Run 2 (the restart) learns from Keycloak's admin events that bob's e-mail left.
    const second = await open();
    try {
      const pass = await second.reconciler.pass({ now, pace: async () => undefined });
      assert.deepEqual(pass.recovered, { confirmed: 1, resent: 0, recorded: 1 });
      // Those sorted before bob were sent by run 1 and bob is recovered: all claimed; the rest go now.
      assert.equal(pass.sent + pass.alreadyClaimed, 3);
      assert.ok(pass.alreadyClaimed >= 1);
      assert.deepEqual(pass.skipped, { 'disabled-in-cognito': 1, 'disabled-in-target': 1 });
      await projectUntilCaughtUp(loadConfig(env, projectorSections));

      // A later pass with the resets projected: nobody is due until the first reminder.
      const third = await second.reconciler.pass({ now: new Date(now.getTime() + day), pace: async () => undefined });
      // Only eve (disabled in Keycloak) is still due by the rules, and skipped again.
      assert.equal(third.sent, 0);
      assert.equal(third.alreadyClaimed, 0);
      assert.deepEqual(third.skipped, { 'disabled-in-cognito': 1, 'disabled-in-target': 1 });

      // A database outage between the publish and the journal's `recorded` leaves ada's row `sent`
      // with its fact in the ledger (and projected): the next pass closes the row, publishing nothing.
      const db = new pg.Client({ connectionString: databaseConfig(env).url });
      await db.connect();
      try {
        await db.query(`update "${env.RECONCILER_SCHEMA}".reset_attempt set state = 'sent' where sub = $1`, [
          longTail[0]!.sub,
        ]);
      } finally {
        await db.end();
      }
      const fourth = await second.reconciler.pass({ now: new Date(now.getTime() + day), pace: async () => undefined });
      assert.deepEqual(fourth.recovered, { confirmed: 0, resent: 0, recorded: 1 });
      assert.equal((await second.reconciler.journalCounts()).sent, 0);
    } finally {
      await second.close();
    }

    const resetSent = new Map<string, number>();
    await ledger.scan([ledger.topics.userEvents], (record) => {
      const event = decodeRecord(record);
      if (isEventOf(event, 'ResetSent')) resetSent.set(event.subject, (resetSent.get(event.subject) ?? 0) + 1);
    });
    for (const u of longTail) {
      assert.equal((await mailsTo(catcher, u.email)).length, 1, `${u.name} gets exactly one e-mail`);
      assert.equal(resetSent.get(u.sub), 1, `${u.name} has one ResetSent`);
    }
    for (const u of [disabledInCognito, disabledInKeycloak, migrated]) {
      assert.equal((await mailsTo(catcher, u.email)).length, 0, `${u.name} gets no e-mail`);
      assert.equal(resetSent.get(u.sub), undefined);
    }
  }, 300_000);

  it('e-mails a link that lets the user set a new password', async () => {
    const [mail] = await mailsTo(catcher, longTail[0]!.email);
    const link = /(http:\/\/\S+\/login-actions\/action-token\?key=[\w.-]+)/.exec(mail!.text)?.[1];
    assert.ok(link, 'the e-mail carries an action-token link');
    const page = await fetch(link);
    const html = await page.text();
    assert.equal(page.status, 200);
    assert.match(html, /Perform the following action|Update Password/i);
    assert.doesNotMatch(html, /expired/i);
  }, 300_000);

  it('does not advance a phase while a criterion fails; an operator override is recorded and shown', async () => {
    const runtime = await open();
    try {
      const later = new Date(now.getTime() + 2 * day);
      const report = await runtime.reconciler.criteria(later);
      // Run 2 moved parallel-run -> target-writes (window since the first import, quiet bridge); the new window has not passed.
      assert.equal(report.cutover.phase, 'target-writes');
      assert.equal(report.cutover.last?.by, 'reconciler');
      assert.deepEqual(
        report.readiness.blocking.map((c) => c.id),
        ['observation-window'],
      );
      const pass = await runtime.reconciler.pass({ now: later, pace: async () => undefined });
      assert.equal(pass.decision, null);

      await assert.rejects(
        runtime.reconciler.operatorChange(
          { action: 'advance', operator: 'alice', reason: 'try', override: false },
          later,
        ),
        CutoverRefusedError,
      );
      const decision = await runtime.reconciler.operatorChange(
        { action: 'advance', operator: 'alice', reason: 'CAB-1234 approved early switch', override: true },
        later,
      );
      assert.equal(decision.to, 'cognito-read-only');
      assert.equal(decision.override, true);

      const status = await runtime.reconciler.criteria(later);
      assert.equal(status.cutover.phase, 'cognito-read-only');
      const text = formatCriteriaReport(status, later);
      assert.match(text, /OVERRIDE: CAB-1234 approved early switch/);
      assert.match(text, /overrode: observation-window/);
      assert.match(text, /blocked by .*active-migrated-share/);
    } finally {
      await runtime.close();
    }
  }, 300_000);

  it('lists, before retirement, who would need attention on a return to Cognito', async () => {
    const status = await openStatusReader(loadConfig(env, statusSections), { policy, bridgeTraffic: quietBridge });
    try {
      const report = await status.status.rollbackReport();
      // fay's password came through the bridge (Cognito checked it); eve is disabled in Keycloak only.
      assert.deepEqual(report.users, [
        { sub: disabledInKeycloak.sub, username: disabledInKeycloak.name, reasons: ['disabled-in-target'] },
      ]);
      assert.equal(report.counts['disabled-in-target'], 1);
    } finally {
      await status.close();
    }
  }, 300_000);

  it("measures the bridge criteria from the bridge's traffic facts in the ledger, the JIT lower bound before them", async () => {
    const bridgeCriteria = async () => {
      await projectUntilCaughtUp(loadConfig(env, projectorSections));
      const status = await openStatusReader(loadConfig(env, statusSections), { policy });
      try {
        const { criteria } = await status.status.criteria(now);
        return Object.fromEntries(
          criteria
            .filter((c) => c.id === 'cognito-auth-calls-per-day' || c.id === 'bridge-error-rate')
            .map((c) => [c.id, c.value]),
        );
      } finally {
        await status.close();
      }
    };
    // Nothing migrated through the bridge within the window, and no traffic facts yet: the error rate is unmeasured.
    assert.deepEqual(await bridgeCriteria(), { 'cognito-auth-calls-per-day': 0, 'bridge-error-rate': null });

    const publisher = await ledger.publisher();
    try {
      let at = new Date(now.getTime() - 20 * day); // before the 14-day window: not counted
      const traffic = new BridgeTrafficRecorder({
        ledger: publisher,
        realm: env.KEYCLOAK_REALM!,
        intervalSeconds: 3600,
        logger: pino({ level: 'silent' }),
        checkEveryMs: 0,
        now: () => at,
      });
      for (let i = 0; i < 5; i++) traffic.record({ kind: 'temporarily-unavailable', cause: 'throttled' });
      at = new Date(now.getTime() - 3 * day);
      traffic.record({ kind: 'valid' });
      traffic.record({ kind: 'wrong-password' });
      traffic.record({ kind: 'temporarily-unavailable', cause: 'service-error' });
      // The bridge stops half an hour before the evaluation: its last interval is recorded as partial.
      at = new Date(now.getTime() - day / 48);
      traffic.record({ kind: 'valid' });
      await traffic.close();
      assert.deepEqual(await bridgeCriteria(), { 'cognito-auth-calls-per-day': 4 / 14, 'bridge-error-rate': 0.25 });
    } finally {
      await publisher.close();
    }
  }, 300_000);
});
