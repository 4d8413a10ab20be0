import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { createEvent, type LedgerEvent } from '#events';
import type { LedgerRecord } from '#ledger';
import { openProjectionDataSource, projectionSnapshot } from '#projections';
import { syntheticLedger } from '../../../test/support/synthetic-ledger.js';
import { foldLedger } from '../../../test/support/memory-fold.js';
import { ProjectorFixture } from '../../../test/support/projector-fixture.js';
import { projectUntilCaughtUp, replayProjections } from './projector-app.js';

const users = 8000;
const cli = new URL('../../cli/src/main.js', import.meta.url).pathname;

describe('projector: exactly once under crashes, redelivery and bad facts', () => {
  const fixture = new ProjectorFixture();
  const history: LedgerEvent[][] = [];
  let published = 0;

  beforeAll(async () => {
    await fixture.setUp();
    for (const events of syntheticLedger({ users, seed: 7 })) history.push(events);
    published = await fixture.publish(history);
  });
  afterAll(() => fixture.tearDown());

  it('killed with SIGKILL in the middle of a batch, then restarted, ends with the digest of a clean replay', async () => {
    const child = spawn(process.execPath, ['--enable-source-maps', cli, 'project'], {
      env: { ...fixture.env, LOG_LEVEL: 'error' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.once('exit', (_code, signal) => resolve(signal)),
    );
    // Wait until some batches are committed and a batch transaction is open right now.
    let caught = false;
    for (let tries = 0; tries < 6000 && !caught; tries++) {
      const [state] = await fixture
        .query<{ done: string | null; open: number }>(
          `select (select sum(next_offset) from $schema.projection_offset) as done,
             (select count(*)::int from pg_stat_activity
               where application_name = $1 and xact_start is not null and state <> 'idle') as open`,
          [`projector:${fixture.schema}`],
        )
        .catch(() => [{ done: null, open: 0 }]);
      caught = state!.open > 0 && Number(state!.done ?? 0) > 0 && Number(state!.done) < published;
      if (!caught) await sleep(5);
    }
    assert.ok(caught, 'the projector was never caught inside a batch');
    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');
    const [partial] = await fixture.query<{ done: string }>(
      `select sum(next_offset) as done from $schema.projection_offset`,
    );
    assert.ok(Number(partial!.done) < published, 'the kill came after the end');

    // Another group id on purpose: the offsets that count are the ones in PostgreSQL.
    const resumed = await projectUntilCaughtUp(fixture.config({ PROJECTOR_GROUP_ID: `${fixture.prefix}-restarted` }));
    assert.equal(resumed.run.deadLettered, 0);
    const [done] = await fixture.query<{ done: string }>(
      `select sum(next_offset) as done from $schema.projection_offset`,
    );
    assert.equal(Number(done!.done), published);

    const replay = await replayProjections(fixture.config(), { compare: true });
    assert.deepEqual(replay.differences, []);
    assert.equal(replay.live?.digest, replay.replay.digest);
    const [counts] = await fixture.query<{ users: number; facts: number }>(
      `select (select count(*)::int from $schema.migration_user) as users,
         (select count(*)::int from $schema.user_event) as facts`,
    );
    assert.equal(counts!.users, users);
    assert.equal(counts!.facts, published);
  });

  it('the same facts delivered again change nothing', async () => {
    const before = await digest(fixture);
    await fixture.publish(history.slice(0, 500));
    const again = await projectUntilCaughtUp(fixture.config());
    assert.ok(again.run.events > 0);
    assert.equal(await digest(fixture), before);
  });

  it('a fact the projection cannot apply goes to the dead-letter topic with the reason, and the partition moves on', async () => {
    const context = { source: '/test', correlationId: 'bad-facts', time: new Date('2026-03-01T00:00:00Z') };
    const target = { kind: 'keycloak' as const, realm: 'migration' };
    const victim = history[0]![0]!.subject;
    const nul = 'd0d0d0d0-0000-4000-8000-00000000nul0';
    const conflicting = createEvent(
      'UserImported',
      {
        sub: victim,
        target,
        targetUserId: 'another-target-user',
        outcome: 'created',
        matchedBy: null,
        requiredActions: [],
        needsPasswordMigration: true,
        loginName: 'someone',
        treatment: 'password-via-bridge',
        adjustments: [],
      },
      context,
    );
    const unstorable = createEvent(
      'UserImportFailed',
      { sub: nul, target, reason: 'name with a \u0000 in it', field: 'username', httpStatus: 400 },
      context,
    );
    const afterwards = createEvent('PasswordMigrated', { sub: nul, target, via: 'reset' }, context);
    await fixture.publish([[conflicting, unstorable, afterwards]]);
    const run = await projectUntilCaughtUp(fixture.config());
    assert.equal(run.run.deadLettered, 2);

    const dead: LedgerRecord[] = [];
    await fixture.ledger.scan([fixture.ledger.topics.deadLetter], (record) => void dead.push(record));
    const reasons = new Map(dead.map((r) => [r.headers.ce_id, r.headers['dlq-reason'] ?? '']));
    assert.match(
      reasons.get(conflicting.id)!,
      /targetUserId: imported into keycloak\/migration as another-target-user/,
    );
    assert.match(reasons.get(unstorable.id)!, /cannot store this event: .*SQLSTATE 22/);
    // Each dead letter is also a row naming its user and the reason (the dashboard's stuck users),
    // the NUL character replaced so that the row itself can be stored.
    const rows = await fixture.query<{ event_id: string; sub: string; type: string; reason: string }>(
      `select event_id, sub, type, reason from $schema.dead_letter order by type collate "C"`,
    );
    assert.deepEqual(
      rows.map((r) => [r.event_id, r.sub, r.type]),
      [
        [unstorable.id, nul, 'UserImportFailed'],
        [conflicting.id, victim, 'UserImported'],
      ],
    );
    assert.equal(rows[0]!.reason, reasons.get(unstorable.id));
    assert.equal(rows[1]!.reason, reasons.get(conflicting.id));

    const [row] = await fixture.query<{ status: string; target_user_id: string | null }>(
      `select status, target_user_id from $schema.migration_user where sub = $1`,
      [nul],
    );
    assert.equal(row?.status, 'migrated');
    const [victimRow] = await fixture.query<{ target_user_id: string }>(
      `select target_user_id from $schema.migration_user where sub = $1`,
      [victim],
    );
    assert.notEqual(victimRow?.target_user_id, 'another-target-user');
    const lags = await fixture.ledger.lag('unused', [fixture.ledger.topics.userEvents]);
    const stored = await fixture.query<{ partition: number; next_offset: string }>(
      `select partition, next_offset from $schema.projection_offset where topic = $1`,
      [fixture.ledger.topics.userEvents],
    );
    for (const lag of lags) {
      assert.equal(stored.find((s) => s.partition === lag.partition)?.next_offset, lag.end.toString());
    }
  });

  it("folded in memory as the auditor's verifier folds it, the ledger gives the projector's digest, table by table", async () => {
    // This ledger holds a killed and resumed projection, redelivered facts, a fact the domain
    // refused and one PostgreSQL could not store: the fold must agree on all of them.
    const folded = await foldLedger(fixture.ledger, [
      fixture.ledger.topics.userEvents,
      fixture.ledger.topics.controlEvents,
    ]);
    const dataSource = await openProjectionDataSource(fixture.config().database.url, fixture.schema);
    try {
      const projected = await projectionSnapshot(dataSource, fixture.schema);
      assert.deepEqual(folded.tables, projected.tables);
      assert.equal(folded.digest, projected.digest);
    } finally {
      await dataSource.destroy();
    }
  });
});

async function digest(fixture: ProjectorFixture): Promise<string> {
  const dataSource = await openProjectionDataSource(fixture.config().database.url, fixture.schema);
  try {
    return (await projectionSnapshot(dataSource, fixture.schema)).digest;
  } finally {
    await dataSource.destroy();
  }
}
