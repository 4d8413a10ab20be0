import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, it } from '@jest/globals';
import fc from 'fast-check';
import pg from 'pg';
import { pino } from 'pino';
import { databaseConfig, kafkaConfig, loadConfig, type Env } from '#config';
import {
  bridgeTrafficWindow,
  completionFigures,
  criteriaRowOf,
  evaluateDoneCriteria,
  measureBridgeTraffic,
  measureUsers,
  observedTrafficOf,
  parseReconcilerPolicy,
  planLongTailResets,
  projectDoneDate,
  resetCandidateOf,
  summarizeUserMigration,
  userMigrationOf,
  type CompletionFigures,
  type UserFact,
} from '#domain';
import { createEvent, type LedgerEventOf } from '#events';
import { Ledger } from '#ledger';
import { CriteriaCounters, openProjectionDataSource, type CompletionMetrics } from '#projections';
import { projectorSections, projectUntilCaughtUp } from '#projector';
import { openStatusReader, statusSections } from '#reconciler';
import { generatedLedger, type GeneratedLedger } from './support/generated-ledger.js';

/*
 * "Done" is defined once, in libs/domain (done-definition.ts, done-criteria.ts). Four other
 * places count the same things in their own way: the projector's maintained counters, the
 * analysts' SQL views over the user rows, the reconciler's aggregate queries behind the cutover
 * criteria (the users', and the bridge's traffic facts'), and the dashboard's criteria counters. This property test generates ledgers
 * (random user histories and bridge traffic, fast-check), computes
 * the figures with the domain's functions, then projects each ledger with the real projector
 * into a real PostgreSQL schema and reads every other place back: all must equal the domain's. A
 * failure shrinks to the smallest ledger that tells them apart.
 */

const run = randomBytes(3).toString('hex');
const realm = 'generated';
const HOUR = 3_600_000;
const instances = ['0b6c5a1e-0000-4000-8000-000000000001', '0b6c5a1e-0000-4000-8000-000000000002'];

/**
 * The bridge's traffic facts beside the users' facts: intervals (one bridge instance, hours before
 * `now`, some after it or long before the window) with their counts; none at all, at times, for
 * the ledger's lower bound. One fact per instance and interval, as a bridge records them.
 */
const trafficArb = fc.uniqueArray(
  fc.record({
    instance: fc.constantFrom(...instances),
    hoursBeforeNow: fc.integer({ min: -3, max: 24 * 40 }),
    partialMinutes: fc.option(fc.integer({ min: 1, max: 59 }), { nil: undefined }),
    valid: fc.nat(20),
    wrong: fc.nat(5),
    throttled: fc.nat(3),
    unreachable: fc.nat(2),
  }),
  { selector: (t) => `${t.instance}/${t.hoursBeforeNow}`, maxLength: 12 },
);
type GeneratedTraffic = (typeof trafficArb extends fc.Arbitrary<infer T> ? T : never)[number];

function trafficFactOf(t: GeneratedTraffic, now: Date): LedgerEventOf<'BridgeTrafficObserved'> {
  const start = now.getTime() - t.hoursBeforeNow * HOUR;
  const end = start + (t.partialMinutes === undefined ? HOUR : t.partialMinutes * 60_000);
  const zero = { 'valid-with-challenge': 0, 'locked-out': 0, 'reset-required': 0, 'not-confirmed': 0, disabled: 0 };
  const zeroCauses = { 'service-error': 0, misconfigured: 0, 'pool-trigger': 0, 'unexpected-challenge': 0 };
  return createEvent(
    'BridgeTrafficObserved',
    {
      target: { kind: 'keycloak', realm },
      instance: t.instance,
      interval: { start: new Date(start).toISOString(), end: new Date(end).toISOString() },
      complete: t.partialMinutes === undefined,
      outcomes: { ...zero, valid: t.valid, 'wrong-password': t.wrong, 'unknown-user': 0 },
      unavailable: { ...zeroCauses, throttled: t.throttled, unreachable: t.unreachable, 'unexpected-error': 0 },
    },
    { source: '/test', correlationId: t.instance, time: new Date(end) },
  );
}
const numRuns = Number(process.env.DONE_PROPERTY_RUNS ?? 25);

describe('"done" is one definition: projector counters, analyst views and reconciler criteria equal the domain', () => {
  const db = new pg.Pool({ connectionString: databaseConfig(process.env).url, max: 2 });
  const schemas: string[] = [];
  let ledgers = 0;

  afterAll(async () => {
    for (const schema of schemas) await db.query(`drop schema if exists "${schema}" cascade`);
    await db.end();
  });

  it(`over ${numRuns} generated ledgers of up to 50 users`, async () => {
    await fc.assert(
      fc.asyncProperty(generatedLedger(50), trafficArb, async (ledger, traffic) => {
        const n = ++ledgers;
        const env: Env = {
          ...process.env,
          KAFKA_TOPIC_PREFIX: `test-done-${run}-${n}`,
          PROJECTION_SCHEMA: `test_done_${run}_${n}`,
          RECONCILER_SCHEMA: `test_done_journal_${run}_${n}`,
          PROJECTOR_GROUP_ID: `test-done-${run}-${n}-projector`,
          KEYCLOAK_REALM: realm,
          LOG_LEVEL: 'error',
        };
        schemas.push(env.PROJECTION_SCHEMA!);
        await checkLedger(env, ledger, traffic, db);
      }),
      { numRuns, endOnFailure: false, interruptAfterTimeLimit: 1_500_000 },
    );
  }, 1_800_000);
});

async function checkLedger(
  env: Env,
  ledger: GeneratedLedger,
  traffic: readonly GeneratedTraffic[],
  db: pg.Pool,
): Promise<void> {
  const policy = parseReconcilerPolicy(
    {
      observationWindowDays: ledger.observationWindowDays,
      done: { remainingResetDaysAgo: ledger.remainingResetDaysAgo },
    },
    'generated',
  );
  const { now } = ledger;

  // The domain's figures: every user's facts folded by evolve, summarised, counted.
  // A generated history can be empty: that user has no fact, so the ledger (and the projector) never knew them.
  const summaries = ledger.users
    .filter((u) => u.facts.length > 0)
    .map((u) => ({
      sub: u.sub,
      summary: summarizeUserMigration(userMigrationOf(u.sub, u.facts as UserFact[])),
    }));
  const figures = completionFigures(summaries.map((s) => s.summary));
  const measured = measureUsers(
    summaries.map((s) => criteriaRowOf(s.summary)),
    policy,
    now,
  );
  // The bridge criteria from the traffic facts, or from the JIT migrations when there are none.
  const trafficFacts = traffic.map((t) => trafficFactOf(t, now));
  const { jitSince } = bridgeTrafficWindow(policy, now);
  const jitInWindow = summaries.filter(({ summary: s }) => {
    const at = s.passwordMigratedAt === null ? null : new Date(s.passwordMigratedAt);
    return s.passwordMigratedVia === 'jit' && at !== null && at >= jitSince && at <= now;
  }).length;
  const bridge = measureBridgeTraffic(
    trafficFacts.map((e) => observedTrafficOf(e.data)),
    jitInWindow,
    policy,
    now,
  );
  const resets = planLongTailResets(
    summaries.map((s) => resetCandidateOf(s.sub, s.summary)),
    policy,
    now,
  );

  // The real projector, into a schema of this ledger's own.
  // Silent: a topic just created answers "not the leader" for a moment, and the producer retries.
  const kafkaLedger = new Ledger({ kafka: kafkaConfig(env), logger: pino({ level: 'silent' }) });
  await kafkaLedger.ensureTopics(2);
  const publisher = await kafkaLedger.publisher();
  try {
    await publisher.publish([...ledger.users.flatMap((u) => [...u.facts]), ...trafficFacts]);
  } finally {
    await publisher.close();
  }
  const projected = await projectUntilCaughtUp(loadConfig(env, projectorSections));
  assert.equal(projected.run.deadLettered, 0, 'a generated fact was refused');

  // 1. The projector's maintained counters (the query API's completion metrics).
  assert.deepEqual(countsOf(projected.metrics), figures, 'projector counters');

  // 2. The analysts' views, straight from the user rows.
  const schema = `"${env.PROJECTION_SCHEMA}"`;
  const { rows: views } = await db.query<Record<string, string>>(`select * from ${schema}.completion_metrics`);
  const view = views[0]!;
  const { rows: federation } = await db.query<{ provider: string; expected: string; rebound: string }>(
    `select provider, expected, rebound from ${schema}.federation_progress`,
  );
  assert.deepEqual(
    {
      users: Number(view.users),
      byStatus: {
        migrated: Number(view.migrated),
        disabled: Number(view.disabled),
        imported: Number(view.imported),
        'import-failed': Number(view.import_failed),
        exported: Number(view.exported),
        unexported: Number(view.unexported),
      },
      migrated: Number(view.migrated),
      active: Number(view.active),
      activeMigrated: Number(view.active_migrated),
      mfaRequired: Number(view.mfa_required),
      mfaReenrolled: Number(view.mfa_reenrolled),
      federation: federation
        .map((f) => ({ provider: f.provider, expected: Number(f.expected), rebound: Number(f.rebound) }))
        .sort((a, b) => (a.provider < b.provider ? -1 : a.provider > b.provider ? 1 : 0)),
      passwordVia: { jit: Number(view.password_via_jit), reset: Number(view.password_via_reset) },
      resets: { sent: Number(view.resets_sent), users: Number(view.users_reset) },
    },
    withoutDisagreements(figures),
    'analyst views',
  );

  // 3. The reconciler's aggregate query, the criteria and the long-tail candidates it reads.
  // No bridge traffic source given: the reconciler reads the projected traffic facts, as deployed.
  const status = await openStatusReader(loadConfig(env, statusSections), { policy });
  try {
    const report = await status.status.criteria(now);
    assert.deepEqual(report.measured, measured, 'reconciler measurements');
    const since = report.cutover.since ?? measured.firstImportedAt;
    assert.deepEqual(report.criteria, evaluateDoneCriteria(measured, bridge, policy, since, now), 'criteria');
    assert.deepEqual(report.projectedDoneAt, projectDoneDate(measured, policy, now), 'projected done date');
    const fromStore = planLongTailResets(await status.status.projection.resetCandidates(policy, now), policy, now);
    assert.deepEqual(
      { due: bySub(fromStore.due), skipped: bySub(fromStore.skipped) },
      { due: bySub(resets.due), skipped: bySub(resets.skipped) },
      'reset candidates',
    );
  } finally {
    await status.close();
  }

  // 4. The dashboard's counters behind the cutover status (maintained by the projector, no scan).
  const dataSource = await openProjectionDataSource(databaseConfig(env).url, env.PROJECTION_SCHEMA!);
  try {
    const counters = new CriteriaCounters(dataSource, env.PROJECTION_SCHEMA!);
    assert.deepEqual(await counters.measurements(policy, now), measured, 'dashboard counters');
    assert.equal(await counters.jitPasswordMigrations(jitSince, now), jitInWindow, 'dashboard JIT counters');
  } finally {
    await dataSource.destroy();
  }
}

/** The counts of the query API's completion metrics (its percentages are presentation). */
function countsOf(metrics: CompletionMetrics): CompletionFigures {
  return {
    users: metrics.users,
    byStatus: metrics.byStatus,
    migrated: metrics.migrated,
    active: metrics.active,
    activeMigrated: metrics.activeMigrated,
    mfaRequired: metrics.mfa.required,
    mfaReenrolled: metrics.mfa.reenrolled,
    federation: metrics.federation.map(({ provider, expected, rebound }) => ({ provider, expected, rebound })),
    passwordVia: metrics.passwordVia,
    resets: metrics.resets,
    disagreements: metrics.disagreements,
  };
}

/** The views predate disagreements: they count everything else. */
function withoutDisagreements(figures: CompletionFigures): Omit<CompletionFigures, 'disagreements'> {
  return Object.fromEntries(Object.entries(figures).filter(([key]) => key !== 'disagreements')) as Omit<
    CompletionFigures,
    'disagreements'
  >;
}

/** The store lists candidates by import time, then sub; the domain's plan keeps its input's order. */
function bySub<T extends { sub: string }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => (a.sub < b.sub ? -1 : a.sub > b.sub ? 1 : 0));
}
