import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import fc from 'fast-check';
import type { DataSource } from 'typeorm';
import { parseReconcilerPolicy } from '#domain';
import type { LedgerEvent } from '#events';
import {
  CohortQueries,
  CriteriaCounters,
  migrateSchema,
  openProjectionDataSource,
  ProjectionReader,
  projectionSnapshot,
  ResetPipelineQueries,
  RouteBurnDownQueries,
} from '#projections';
import { generatedLedger } from '../../../test/support/generated-ledger.js';
import { ProjectorFixture } from '../../../test/support/projector-fixture.js';
import { syntheticLedger } from '../../../test/support/synthetic-ledger.js';
import { projectUntilCaughtUp, replayProjections } from './projector-app.js';

const DAY = 86_400_000;

/*
 * The cohort and done-criteria counters the projector keeps (progress_counter's `cohort…` and
 * `criteria:…` measures, criteria_daily) against a GROUP BY recount of the user rows, through the
 * real projector on Kafka and PostgreSQL: after each part of the ledger, after the same records
 * delivered again, after a replay, and when the migration builds them for a projection made
 * before they existed.
 */
describe('projector: the dashboard counters equal a recount of the user rows', () => {
  const fixture = new ProjectorFixture();
  let db: DataSource;
  const batches: LedgerEvent[][] = [];

  beforeAll(async () => {
    await fixture.setUp(3);
    db = await openProjectionDataSource(fixture.config().database.url, fixture.schema);
    // Rich histories (disagreements, failures with reasons, revisions, times on midnights) and a
    // realistic population beside them.
    const [generated] = fc.sample(generatedLedger(300), { seed: 16, numRuns: 1 });
    for (const user of generated!.users) if (user.facts.length > 0) batches.push([...user.facts]);
    for (const events of syntheticLedger({ users: 1500, seed: 16 })) batches.push(events);
    // Interleaved, so that one user's facts land in different batches of the projector.
    batches.sort((a, b) => (a[0]!.id < b[0]!.id ? -1 : 1));
  });
  afterAll(async () => {
    await db?.destroy();
    await fixture.tearDown();
  });

  it('hold the recount as the ledger grows', async () => {
    // Each user's earlier facts first, the rest later: rows and counters change between the runs.
    const halves = [
      batches.flatMap((facts) => facts.slice(0, Math.ceil(facts.length / 2))),
      batches.flatMap((facts) => facts.slice(Math.ceil(facts.length / 2))),
    ];
    for (const half of halves) {
      await fixture.publish([half]);
      const run = await projectUntilCaughtUp(fixture.config({ LOG_LEVEL: 'error' }));
      assert.equal(run.run.deadLettered, 0);
      await assertCountersEqualRecount(db, fixture.schema);
    }
  });

  it('records delivered again (the stored offsets set back) change no counter', async () => {
    const before = await projectionSnapshot(db, fixture.schema);
    await db.query(`update "${fixture.schema}".projection_offset set next_offset = next_offset / 3`);
    const again = await projectUntilCaughtUp(fixture.config({ LOG_LEVEL: 'error' }));
    assert.ok(again.run.events > 0, 'nothing was delivered again');
    assert.deepEqual((await projectionSnapshot(db, fixture.schema)).tables, before.tables);
    await assertCountersEqualRecount(db, fixture.schema);

    await fixture.publish([batches.slice(0, 200).flat()]);
    const republished = await projectUntilCaughtUp(fixture.config({ LOG_LEVEL: 'error' }));
    assert.ok(republished.run.events > 0);
    assert.deepEqual((await projectionSnapshot(db, fixture.schema)).tables, before.tables);
  });

  it('a replay into an empty schema makes the same counters (ledger replay --compare)', async () => {
    const replay = await replayProjections(fixture.config({ LOG_LEVEL: 'error' }), { compare: true });
    assert.deepEqual(replay.differences, []);
    assert.equal(replay.live?.digest, replay.replay.digest);
    assert.ok(replay.replay.tables.some((t) => t.table === 'criteria_daily' && t.rows > 0));
  });

  it('the migration builds the counters of a projection made before them', async () => {
    const maintained = await projectionSnapshot(db, fixture.schema);
    const s = `"${fixture.schema}"`;
    // The schema as the previous version left it: no cohort or criteria counters, no criteria_daily.
    await db.query(`delete from ${s}.progress_counter where measure like 'cohort%' or measure like 'criteria:%'`);
    await db.query(`drop table ${s}.criteria_daily`);
    for (const index of ['last_reset_at', 'migrated_at', 'jit_password_at', 'imported_at']) {
      await db.query(`drop index ${s}.migration_user_${index}`);
    }
    // Nor what the next migration adds (its counters live in criteria_daily too).
    await db.query(`drop index ${s}.migration_user_import_failed`);
    await db.query(`delete from ${s}.daily_progress where measure like 'migrated-via:%'`);
    await db.query(`delete from ${s}.progress_counter where measure like 'pipeline:%'`);
    await db.query(
      `delete from ${s}.typeorm_migrations where name in ('DashboardCounters1764530000001', 'LongTailCounters1764530000002')`,
    );
    assert.deepEqual(await migrateSchema(db, 'projection', fixture.schema), [
      'DashboardCounters1764530000001',
      'LongTailCounters1764530000002',
    ]);
    assert.deepEqual((await projectionSnapshot(db, fixture.schema)).tables, maintained.tables);
    await assertCountersEqualRecount(db, fixture.schema);
  });

  it('the migration builds the route days, the pipeline counters and the failed-import index of a projection made before them', async () => {
    const maintained = await projectionSnapshot(db, fixture.schema);
    const s = `"${fixture.schema}"`;
    assert.ok(
      (
        (await db.query(`select count(*)::int as n from ${s}.daily_progress where measure like 'migrated-via:%'`)) as {
          n: number;
        }[]
      )[0]!.n > 0,
      'no route days to rebuild',
    );
    await db.query(`delete from ${s}.daily_progress where measure like 'migrated-via:%'`);
    await db.query(`delete from ${s}.progress_counter where measure like 'pipeline:%'`);
    await db.query(`delete from ${s}.criteria_daily where measure like 'reset-basis:%'`);
    await db.query(`drop index ${s}.migration_user_import_failed`);
    await db.query(`delete from ${s}.typeorm_migrations where name = 'LongTailCounters1764530000002'`);
    assert.deepEqual(await migrateSchema(db, 'projection', fixture.schema), ['LongTailCounters1764530000002']);
    assert.deepEqual((await projectionSnapshot(db, fixture.schema)).tables, maintained.tables);
    await assertCountersEqualRecount(db, fixture.schema);
  });
});

/**
 * Counters against recounts: the cohorts against their GROUP BY; the criteria against
 * `ProjectionReader.measurements` at cutoffs on, just before and just after instants the rows
 * hold and on the midnights of their days (the counters split whole days from the cutoff's day);
 * the JIT migrations of spans between such instants.
 */
async function assertCountersEqualRecount(db: DataSource, schema: string): Promise<void> {
  const cohorts = new CohortQueries(db, schema);
  assert.deepEqual(await cohorts.cohorts(), await cohorts.recount(), 'cohorts');
  const routes = new RouteBurnDownQueries(db, schema);
  const routeDays = await routes.days();
  assert.ok(routeDays.some((d) => d.jit > 0) && routeDays.some((d) => d.federation + d.reset > 0), 'routes');
  assert.deepEqual(routeDays, await routes.recount(), 'burn-down by route');
  await assertPipelineEqualsPlan(db, schema);

  const counters = new CriteriaCounters(db, schema);
  const reader = new ProjectionReader(db, schema);
  const rows: { at: Date }[] = await db.query(
    `select at from (
       select last_reset_at as at from "${schema}".migration_user where last_reset_at is not null
       union select migrated_at from "${schema}".migration_user where migrated_at is not null
       union select password_migrated_at from "${schema}".migration_user where password_migrated_via = 'jit'
     ) t where at is not null order by md5(at::text) limit 12`,
  );
  assert.ok(rows.length > 0, 'no instants to cut at');
  const cutoffs = rows.flatMap(({ at }) => {
    const t = at.getTime();
    const midnight = Math.floor(t / DAY) * DAY;
    return [t, t - 1, t + 1, midnight, midnight - 1, midnight + DAY].map((ms) => new Date(ms));
  });
  const policy = parseReconcilerPolicy({ observationWindowDays: 14, done: { remainingResetDaysAgo: 30 } }, 'test');
  for (const cutoff of cutoffs) {
    // Once with the reset cutoff on it, once with the window's start on it.
    for (const now of [new Date(cutoff.getTime() + 30 * DAY), new Date(cutoff.getTime() + 14 * DAY)]) {
      assert.deepEqual(
        await counters.measurements(policy, now),
        await reader.measurements(policy, now),
        `measurements at ${now.toISOString()}`,
      );
    }
    for (const until of [cutoff, new Date(cutoff.getTime() + 3 * DAY)]) {
      const since = new Date(cutoffs[0]!.getTime() - 2 * DAY);
      const [a, b] = since <= until ? [since, until] : [until, since];
      assert.equal(
        await counters.jitPasswordMigrations(a, b),
        await reader.jitMigrations(a, b),
        `JIT migrations in [${a.toISOString()}, ${b.toISOString()}]`,
      );
      assert.equal(await counters.jitPasswordMigrations(cutoff, cutoff), await reader.jitMigrations(cutoff, cutoff));
    }
  }
}

/**
 * The pipeline from its counters against the reconciler's plan over every candidate, at `now`s
 * that put each rule's cutoff on, just before and just after instants the rows hold (imports,
 * last resets) and on the midnights of their days.
 */
async function assertPipelineEqualsPlan(db: DataSource, schema: string): Promise<void> {
  const pipeline = new ResetPipelineQueries(db, schema);
  const policy = parseReconcilerPolicy(
    { longTail: { afterDays: 30 }, resets: { reminderAfterDays: [5, 9], maxPerUser: 4 } },
    'test',
  );
  const rows: { at: Date }[] = await db.query(
    `select at from (
       select imported_at as at from "${schema}".migration_user where status in ('imported', 'disabled')
       union select last_reset_at from "${schema}".migration_user where status in ('imported', 'disabled')
     ) t where at is not null order by md5(at::text) limit 8`,
  );
  assert.ok(rows.length > 0, 'no candidate instants to cut at');
  let due = 0;
  for (const { at } of rows) {
    const t = at.getTime();
    const midnight = Math.floor(t / DAY) * DAY;
    for (const days of [policy.longTail.afterDays, ...policy.resets.reminderAfterDays]) {
      for (const ms of [t, t - 1, t + 1, midnight, midnight - 1, midnight + DAY]) {
        const now = new Date(ms + days * DAY);
        const expected = await pipeline.recount(policy, now);
        due += expected.due.users + expected.due.disabledInCognito;
        assert.deepEqual(await pipeline.pipeline(policy, now), expected, `pipeline at ${now.toISOString()}`);
      }
    }
  }
  assert.ok(due > 0, 'nobody was due at any cutoff');
}
