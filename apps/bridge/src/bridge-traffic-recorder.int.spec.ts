import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { pino } from 'pino';
import { loadConfig } from '#config';
import {
  evaluateDoneCriteria,
  measureBridgeTraffic,
  observedTrafficOf,
  parseReconcilerPolicy,
  type LoginOutcome,
} from '#domain';
import { isEventOf, type LedgerEventOf } from '#events';
import { decodeRecord, type LedgerRecord } from '#ledger';
import { openProjectionDataSource, projectionSnapshot } from '#projections';
import { projectUntilCaughtUp, replayProjections } from '#projector';
import { openStatusReader, statusSections } from '#reconciler';
import { ProjectorFixture } from '../../../test/support/projector-fixture.js';
import { BridgeTrafficRecorder } from './bridge-traffic-recorder.js';
import { CountedPasswordCheck } from './counted-password-check.js';

/*
 * The bridge's traffic on the real stack: counted by the bridge, recorded as BridgeTrafficObserved
 * facts in Kafka, projected by the real projector into PostgreSQL, the reconciler's bridge
 * criteria read from that projection; then the ledger replayed into an empty schema gives the
 * same criteria.
 */
const realm = 'traffic';
const valid: LoginOutcome = { kind: 'valid' };
const wrong: LoginOutcome = { kind: 'wrong-password' };
const throttled: LoginOutcome = { kind: 'temporarily-unavailable', cause: 'throttled' };
const unreachable: LoginOutcome = { kind: 'temporarily-unavailable', cause: 'unreachable' };
const policy = parseReconcilerPolicy({ observationWindowDays: 1 }, 'test');
const now = new Date('2026-03-09T12:00:00.000Z');

describe('bridge traffic facts: recorded in the ledger, projected, criteria computed from them and rebuilt by a replay', () => {
  const fixture = new ProjectorFixture();
  const journal = `${fixture.schema}_journal`;
  const logger = pino({ level: 'silent' });

  beforeAll(() => fixture.setUp());
  afterAll(async () => {
    const { rows } = await fixture.db.query<{ nspname: string }>(
      `select nspname from pg_namespace where starts_with(nspname, $1)`,
      [`${fixture.schema}_`],
    );
    for (const { nspname } of rows) await fixture.db.query(`drop schema if exists "${nspname}" cascade`);
    await fixture.tearDown();
  });

  const trafficRecords = async () => {
    const records: LedgerRecord[] = [];
    await fixture.ledger.scan([fixture.ledger.topics.controlEvents], (r) => {
      if (r.headers['ce_type'] === 'BridgeTrafficObserved') records.push(r);
    });
    return records;
  };

  /** The two bridge criteria as the reconciler evaluates them over `schema`. */
  const bridgeCriteria = async (schema: string) => {
    const settings = loadConfig(
      { ...fixture.env, RECONCILER_SCHEMA: journal, KEYCLOAK_REALM: realm, LOG_LEVEL: 'error' },
      statusSections,
    );
    // A replay's schema name is longer than PROJECTION_SCHEMA may be: set where the reader looks.
    const status = await openStatusReader(
      { ...settings, reconciler: { ...settings.reconciler, projectionSchema: schema } },
      { policy },
    );
    try {
      const { criteria } = await status.status.criteria(now);
      return criteria.filter((c) => c.id === 'cognito-auth-calls-per-day' || c.id === 'bridge-error-rate');
    } finally {
      await status.close();
    }
  };

  it('counts each Cognito answer once, whatever is flushed, re-published or restarted, and a replay yields the same criteria', async () => {
    const publisher = await fixture.ledger.publisher();
    try {
      let clock = new Date('2026-03-09T10:15:00.000Z');
      const bridge = new BridgeTrafficRecorder({
        ledger: publisher,
        realm,
        intervalSeconds: 3600,
        logger,
        checkEveryMs: 0,
        now: () => clock,
      });
      const answers = [valid, valid, wrong, throttled, valid, throttled];
      const check = new CountedPasswordCheck({ check: async () => answers.shift()! }, bridge);
      for (let i = 0; i < 6; i++) await check.check('someone', 'a-password', {});
      await bridge.flush();
      assert.equal((await trafficRecords()).length, 0, 'an interval that has not ended is not recorded');

      clock = new Date('2026-03-09T11:05:00.000Z');
      bridge.record(valid);
      bridge.record(unreachable);
      await bridge.flush();
      await bridge.flush();
      const [tenOClock] = await trafficRecords();
      assert.equal((await trafficRecords()).length, 1, 'the ended interval, once');
      const fact = decodeRecord(tenOClock!) as LedgerEventOf<'BridgeTrafficObserved'>;
      assert.deepEqual(fact.data.interval, { start: '2026-03-09T10:00:00.000Z', end: '2026-03-09T11:00:00.000Z' });
      assert.equal(fact.data.complete, true);
      assert.deepEqual(
        [fact.data.outcomes.valid, fact.data.outcomes['wrong-password'], fact.data.unavailable.throttled],
        [3, 1, 2],
      );

      // The same fact published a second time (a producer retry whose first answer was lost).
      await publisher.publish([fact]);

      // A graceful shutdown within 11:00-12:00: that interval goes out as partial.
      clock = new Date('2026-03-09T11:20:00.000Z');
      await bridge.close();
      bridge.record(valid); // after close: not counted

      // A restart within the same interval is another instance: another fact, another id.
      clock = new Date('2026-03-09T11:40:00.000Z');
      const restarted = new BridgeTrafficRecorder({
        ledger: publisher,
        realm,
        intervalSeconds: 3600,
        logger,
        checkEveryMs: 0,
        now: () => clock,
      });
      restarted.record(valid);
      clock = new Date('2026-03-09T11:45:00.000Z');
      await restarted.close();

      const records = await trafficRecords();
      assert.equal(records.length, 4);
      const bytesById = new Map<string, Set<string>>();
      for (const r of records) {
        const id = r.headers['ce_id']!;
        bytesById.set(
          id,
          (bytesById.get(id) ?? new Set()).add(JSON.stringify([r.key?.toString(), r.value?.toString(), r.headers])),
        );
      }
      assert.equal(bytesById.size, 3, 'three facts: 10:00 once (published twice), 11:00 by each instance');
      for (const [id, bytes] of bytesById) assert.equal(bytes.size, 1, `${id}: one content`);
      const facts = records.map((r) => decodeRecord(r)).filter((e) => isEventOf(e, 'BridgeTrafficObserved'));
      assert.deepEqual(
        facts.map((e) => [e.data.instance === bridge.instance, e.data.interval.end, e.data.complete]),
        [
          [true, '2026-03-09T11:00:00.000Z', true],
          [true, '2026-03-09T11:00:00.000Z', true],
          [true, '2026-03-09T11:20:00.000Z', false],
          [false, '2026-03-09T11:45:00.000Z', false],
        ],
      );

      // Projected: the duplicate counts once.
      await projectUntilCaughtUp(fixture.config());
      const rows = await fixture.query<{ cognito_calls: number; unavailable: number }>(
        `select cognito_calls, unavailable from $schema.bridge_traffic order by interval_end, instance`,
      );
      assert.equal(rows.length, 3);
      assert.equal(
        rows.reduce((sum, r) => sum + r.cognito_calls, 0),
        9,
      );

      // 9 calls in the last day (6 + 2 + 1), 3 of them temporarily unavailable.
      const expected = measureBridgeTraffic(
        [...new Map(facts.map((e) => [e.id, observedTrafficOf(e.data)])).values()],
        0,
        policy,
        now,
      );
      assert.deepEqual(expected, { cognitoAuthCallsPerDay: 9, errorRate: 3 / 9 });
      const live = await bridgeCriteria(fixture.schema);
      const fromDomain = evaluateDoneCriteria(
        {
          active: 0,
          activeMigrated: 0,
          mfaRequired: 0,
          mfaReenrolled: 0,
          federated: 0,
          federatedRebound: 0,
          remaining: 0,
          remainingResetLongAgo: 0,
          migratedInWindow: 0,
          firstImportedAt: null,
          openDisagreements: 0,
        },
        expected,
        policy,
        null,
        now,
      ).filter((c) => c.id === 'cognito-auth-calls-per-day' || c.id === 'bridge-error-rate');
      assert.deepEqual(live, fromDomain);
      assert.deepEqual(
        live.map((c) => [c.id, c.value, c.met]),
        [
          ['cognito-auth-calls-per-day', 9, false],
          ['bridge-error-rate', 3 / 9, false],
        ],
      );

      // Replayed into an empty schema: the same table, the same criteria.
      const replay = await replayProjections(fixture.config(), { keep: true });
      assert.equal(replay.run.deadLettered, 0);
      assert.deepEqual(await bridgeCriteria(replay.schema), live);
      const dataSource = await openProjectionDataSource(fixture.config().database.url, fixture.schema);
      try {
        const table = async (schema: string) =>
          (await projectionSnapshot(dataSource, schema)).tables.find((t) => t.table === 'bridge_traffic');
        const replayed = await table(replay.schema);
        assert.equal(replayed?.rows, 3);
        assert.deepEqual(replayed, await table(fixture.schema));
      } finally {
        await dataSource.destroy();
      }
    } finally {
      await publisher.close();
    }
  }, 300_000);
});
