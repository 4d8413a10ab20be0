import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { pino } from 'pino';
import type { DataSource } from 'typeorm';
import { databaseConfig } from '#config';
import type { LoginOutcome } from '#domain';
import { openPostgres } from '#projections';
import { BridgeDailyTraffic } from './bridge-daily-traffic.js';
import { CountedPasswordCheck } from './counted-password-check.js';

/** The bridge's daily Cognito call counts against the real PostgreSQL, in an own schema. */
const schema = `bridge_traffic_${randomBytes(4).toString('hex')}`;
const valid: LoginOutcome = { kind: 'valid' };
const wrong: LoginOutcome = { kind: 'wrong-password' };
const throttled: LoginOutcome = { kind: 'temporarily-unavailable', cause: 'throttled' };
const unreachable: LoginOutcome = { kind: 'temporarily-unavailable', cause: 'unreachable' };

describe('BridgeDailyTraffic', () => {
  let db: DataSource;
  const logLines: string[] = [];
  const logger = pino(
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    }),
  );
  let clock = new Date('2026-03-01T23:59:59.500Z');
  let traffic: BridgeDailyTraffic;

  const days = async () =>
    (
      (await db.query(
        `select to_char(day, 'YYYY-MM-DD') as day, cognito_calls, unavailable
           from "${schema}".bridge_daily_traffic order by day`,
      )) as { day: string; cognito_calls: string; unavailable: string }[]
    ).map((r) => [r.day, Number(r.cognito_calls), Number(r.unavailable)]);

  beforeAll(async () => {
    db = await openPostgres({ url: databaseConfig(process.env).url, application: 'test', maxConnections: 2 });
    traffic = await BridgeDailyTraffic.open({ db, schema, logger, flushEveryMs: 0, now: () => clock });
  });

  afterAll(async () => {
    await db.query(`drop schema if exists "${schema}" cascade`);
    await db.destroy();
  });

  it('creates its table idempotently and writes nothing before a flush', async () => {
    await BridgeDailyTraffic.open({ db, schema, logger, flushEveryMs: 0 }).then((again) => again.close());
    traffic.record(valid);
    assert.deepEqual(await days(), []);
  });

  it('counts calls per UTC day, unavailable ones apart, and adds each flush to what is stored', async () => {
    traffic.record(throttled);
    clock = new Date('2026-03-02T00:00:00.100Z');
    traffic.record(wrong);
    traffic.record(unreachable);
    await traffic.flush();
    assert.deepEqual(await days(), [
      ['2026-03-01', 2, 1],
      ['2026-03-02', 2, 1],
    ]);
    traffic.record(valid);
    await traffic.flush();
    await traffic.flush();
    assert.deepEqual(await days(), [
      ['2026-03-01', 2, 1],
      ['2026-03-02', 3, 1],
    ]);
  });

  it('keeps the counts of a failed flush for the next one and logs the failure', async () => {
    await db.query(`alter table "${schema}".bridge_daily_traffic rename to bridge_daily_traffic_away`);
    traffic.record(throttled);
    await traffic.flush();
    traffic.record(valid);
    await traffic.flush();
    assert.equal(logLines.filter((l) => l.includes('bridge traffic flush failed')).length, 2);
    await db.query(`alter table "${schema}".bridge_daily_traffic_away rename to bridge_daily_traffic`);
    await traffic.close();
    assert.deepEqual(await days(), [
      ['2026-03-01', 2, 1],
      ['2026-03-02', 5, 2],
    ]);
  });

  it('counts each check that reaches Cognito by how it ended', async () => {
    const counted = await BridgeDailyTraffic.open({ db, schema, logger, flushEveryMs: 0, now: () => clock });
    const answers = [valid, throttled, wrong];
    const check = new CountedPasswordCheck({ check: async () => answers.shift()! }, counted);
    for (let i = 0; i < 3; i++) await check.check('someone', 'a-password', {});
    await counted.close();
    assert.deepEqual((await days())[1], ['2026-03-02', 8, 3]);
  });

  it('flushes on its own about every interval', async () => {
    const timed = await BridgeDailyTraffic.open({ db, schema, logger, flushEveryMs: 50, now: () => clock });
    timed.record(valid);
    await new Promise((resolve) => setTimeout(resolve, 250));
    assert.deepEqual((await days())[1], ['2026-03-02', 9, 3]);
    await timed.close();
  });
});
