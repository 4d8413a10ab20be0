import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import fc from 'fast-check';
import type { DataSource } from 'typeorm';
import { databaseConfig } from '#config';
import {
  bridgeTrafficWindow,
  evolveUserMigration,
  initialUserMigration,
  measureBridgeTraffic,
  measureUsers,
  parseReconcilerPolicy,
  summarizeUserMigration,
  type CriteriaUserRow,
  type UserFact,
  type UserMigrationState,
} from '#domain';
import { createEvent } from '#events';
import { openPostgres } from '../postgres-data-source.js';
import { migrateSchema } from '../schema-migrations.js';
import { userRowOf } from './migration-user-row.js';
import { addCounterContribution, type Tally } from './progress-contributions.js';
import { ProjectionQueries } from './projection-queries.js';
import { ProjectionReader } from './projection-reader.js';
import { ProjectionStore, type BridgeTrafficRow } from './projection-store.js';

/**
 * The done criteria's counts are defined once, in libs/domain (`measureUsers` over users in
 * memory); the reconciler computes them in SQL where the rows are (`ProjectionReader.measurements`)
 * and the API from maintained counters. Over generated ledgers, folded by the domain and written
 * as the projector writes them, the SQL must give exactly the domain's numbers, and the counters
 * the analysts' view's.
 */
const schema = `test_measurements_${randomBytes(4).toString('hex')}`;
const policy = parseReconcilerPolicy({}, 'test');
const now = new Date('2026-06-01T00:00:00.000Z');
const day = 86_400_000;
const target = { kind: 'keycloak' as const, realm: 'acme' };
const providers = ['Google', 'SignInWithApple'] as const;

/** One user's story, as far as the criteria can tell them apart. */
const userStory = fc.record({
  enabled: fc.boolean(),
  mfa: fc.constantFrom('none', 'sms', 'totp'),
  providers: fc.subarray([...providers]),
  exportedDaysAgo: fc.integer({ min: 60, max: 120 }),
  imported: fc.option(fc.integer({ min: 1, max: 59 }), { nil: null }),
  password: fc.option(fc.record({ via: fc.constantFrom('jit', 'reset'), daysAgo: fc.integer({ min: 0, max: 58 }) }), {
    nil: null,
  }),
  mfaReenrolledDaysAgo: fc.option(fc.integer({ min: 0, max: 58 }), { nil: null }),
  rebound: fc.subarray([...providers]),
  resetsDaysAgo: fc.array(fc.integer({ min: 0, max: 58 }), { maxLength: 3 }),
  disagrees: fc.boolean(),
});
type UserStory = typeof userStory extends fc.Arbitrary<infer T> ? T : never;

function ago(days: number): { source: string; correlationId: string; time: Date } {
  return { source: '/test', correlationId: 'generated', time: new Date(now.getTime() - days * day - 3_600_000) };
}

/** The facts of one generated user, in ledger order. */
function factsOf(sub: string, story: UserStory): UserFact[] {
  const facts: UserFact[] = [
    createEvent(
      'UserExported',
      {
        poolId: 'us-east-1_Test01',
        sub,
        username: `user-${sub}`,
        status: story.providers.length > 0 && story.mfa === 'none' ? 'EXTERNAL_PROVIDER' : 'CONFIRMED',
        enabled: story.enabled,
        createdAt: '2025-01-01T00:00:00.000Z',
        updatedAt: '2025-01-02T00:00:00.000Z',
        attributes: { email: `${sub}@example.com` },
        customAttributes: {},
        groups: [],
        mfa: {
          sms: story.mfa === 'sms',
          totp: story.mfa === 'totp',
          preferred: story.mfa === 'totp' ? 'SOFTWARE_TOKEN_MFA' : story.mfa === 'sms' ? 'SMS_MFA' : null,
        },
        identities: story.providers.map((provider) => ({
          provider,
          providerType: provider,
          userId: `${provider}-${sub}`,
          issuer: null,
          primary: true,
          linkedAt: null,
        })),
        anomalies: [],
      },
      ago(story.exportedDaysAgo),
    ) as UserFact,
  ];
  if (story.imported === null) return facts;
  const after = (daysAgo: number) => ago(Math.min(daysAgo, story.imported! - 1));
  facts.push(
    createEvent(
      'UserImported',
      {
        sub,
        target,
        targetUserId: `kc-${sub}`,
        outcome: 'created',
        matchedBy: null,
        requiredActions: [],
        needsPasswordMigration: true,
        loginName: `user-${sub}`,
        treatment: 'password-via-bridge',
        adjustments: [],
      },
      ago(story.imported),
    ) as UserFact,
  );
  if (story.password) {
    const migrated = createEvent(
      'PasswordMigrated',
      { sub, target, via: story.password.via },
      after(story.password.daysAgo),
    ) as UserFact;
    facts.push(migrated);
    if (story.disagrees) {
      facts.push(
        createEvent(
          'TargetDisagreementFound',
          {
            sub,
            target,
            targetUserId: `kc-${sub}`,
            field: 'password',
            contradicts: migrated.id,
            occurrence: 1,
            ledger: 'password held',
            observed: 'no password credential',
          },
          after(0),
        ) as UserFact,
      );
    }
  }
  if (story.mfaReenrolledDaysAgo !== null) {
    facts.push(
      createEvent('MfaReenrolled', { sub, target, method: 'totp' }, after(story.mfaReenrolledDaysAgo)) as UserFact,
    );
  }
  for (const provider of story.rebound.filter((p) => story.providers.includes(p))) {
    facts.push(
      createEvent(
        'FederationRebound',
        {
          sub,
          target,
          provider: provider.toLowerCase(),
          cognitoProvider: provider,
          providerUserId: `${provider}-${sub}`,
          via: 'first-login',
        },
        after(10),
      ) as UserFact,
    );
  }
  story.resetsDaysAgo.forEach((daysAgo, i) =>
    facts.push(
      createEvent(
        'ResetSent',
        { sub, target, attempt: i + 1, reason: 'long tail', linkLifetimeSeconds: 86400 },
        after(daysAgo),
      ) as UserFact,
    ),
  );
  return facts;
}

/** The domain's view of a user: what `measureUsers` counts, straight from the summary. */
function criteriaRowOf(state: UserMigrationState): CriteriaUserRow {
  const s = summarizeUserMigration(state);
  const date = (at: string | null) => (at === null ? null : new Date(at));
  return {
    status: s.status,
    active: s.active,
    mfaRequired: s.mfaRequired,
    mfaReenrolledAt: date(s.mfaReenrolledAt),
    expectedProviders: s.expectedProviders,
    reboundProviders: s.reboundProviders,
    migratedAt: date(s.migratedAt),
    importedAt: date(s.importedAt),
    lastResetAt: date(s.lastResetAt),
    openDisagreements: s.openDisagreements,
  };
}

describe('the done criteria: SQL over the projection equals the domain definition', () => {
  let db: DataSource;
  let store: ProjectionStore;
  let reader: ProjectionReader;
  let queries: ProjectionQueries;

  beforeAll(async () => {
    const url = databaseConfig(process.env).url;
    await migrateSchema(url, 'projection', schema);
    db = await openPostgres({ url, schema, application: 'test', maxConnections: 2 });
    store = new ProjectionStore(db, schema);
    reader = new ProjectionReader(db, schema);
    queries = new ProjectionQueries(db, schema);
  });

  afterAll(async () => {
    await db.query(`drop schema if exists "${schema}" cascade`);
    await db.destroy();
  });

  /** Writes the users as the projector does (rows and counters), replacing what the last run wrote. */
  async function project(stories: readonly UserStory[]): Promise<UserMigrationState[]> {
    const states = stories.map((story, i) => {
      const sub = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
      return factsOf(sub, story).reduce(evolveUserMigration, initialUserMigration(sub));
    });
    const counters: Tally = new Map();
    for (const state of states) addCounterContribution(counters, summarizeUserMigration(state), 1);
    await db.query(`truncate "${schema}".migration_user, "${schema}".progress_counter`);
    await store.transaction(async (tx) => {
      await tx.upsertUsers(states.map((state) => userRowOf(state, summarizeUserMigration(state))));
      await tx.addCounters(counters);
    });
    return states;
  }

  it('measures exactly what measureUsers counts over the same users', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(userStory, { minLength: 0, maxLength: 40 }), async (stories) => {
        const states = await project(stories);
        const expected = measureUsers(states.map(criteriaRowOf), policy, now);
        assert.deepEqual(await reader.measurements(policy, now), expected);
        assert.deepEqual(measureUsers(await reader.criteriaRows(), policy, now), expected);
      }),
      { numRuns: 40 },
    );
  });

  it("keeps the API's maintained counters equal to the analysts' view", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(userStory, { minLength: 1, maxLength: 40 }), async (stories) => {
        await project(stories);
        const api = await queries.completion();
        const [view] = (await db.query(`select * from "${schema}".completion_metrics`)) as Record<string, string>[];
        const n = (key: string) => Number(view![key]);
        assert.deepEqual(
          {
            users: api.users,
            migrated: api.migrated,
            imported: api.byStatus.imported,
            exported: api.byStatus.exported,
            importFailed: api.byStatus['import-failed'],
            disabled: api.byStatus.disabled,
            unexported: api.byStatus.unexported,
            active: api.active,
            activeMigrated: api.activeMigrated,
            pctMigrated: api.pctMigrated,
            pctActiveMigrated: api.pctActiveMigrated,
            mfaRequired: api.mfa.required,
            mfaReenrolled: api.mfa.reenrolled,
            jit: api.passwordVia.jit,
            reset: api.passwordVia.reset,
            resetsSent: api.resets.sent,
            usersReset: api.resets.users,
          },
          {
            users: n('users'),
            migrated: n('migrated'),
            imported: n('imported'),
            exported: n('exported'),
            importFailed: n('import_failed'),
            disabled: n('disabled'),
            unexported: n('unexported'),
            active: n('active'),
            activeMigrated: n('active_migrated'),
            pctMigrated: n('pct_migrated'),
            pctActiveMigrated: view!.pct_active_migrated === null ? 0 : n('pct_active_migrated'),
            mfaRequired: n('mfa_required'),
            mfaReenrolled: n('mfa_reenrolled'),
            jit: n('password_via_jit'),
            reset: n('password_via_reset'),
            resetsSent: n('resets_sent'),
            usersReset: n('users_reset'),
          },
        );
      }),
      { numRuns: 25 },
    );
  });

  it('measures the bridge criteria as measureBridgeTraffic, each fact once, also where the table is not there yet', async () => {
    const stories = fc.sample(userStory, { numRuns: 40, seed: 7 });
    const states = await project(stories);
    const { jitSince } = bridgeTrafficWindow(policy, now);
    const jit = states
      .map((state) => summarizeUserMigration(state))
      .filter((s) => s.passwordMigratedVia === 'jit' && new Date(s.passwordMigratedAt!) >= jitSince).length;
    assert.ok(jit > 0, 'the sample has JIT migrations in the window');
    const fallback = measureBridgeTraffic([], jit, policy, now);
    assert.equal(fallback.errorRate, null);
    assert.deepEqual(await reader.bridgeTraffic(policy, now), fallback);

    // A schema the projector has not migrated since the traffic facts exist: the same fallback, no error.
    await db.query(`alter table "${schema}".bridge_traffic rename to bridge_traffic_away`);
    try {
      assert.deepEqual(await reader.bridgeTraffic(policy, now), fallback);
    } finally {
      await db.query(`alter table "${schema}".bridge_traffic_away rename to bridge_traffic`);
    }

    const row = (n: number, endDaysAgo: number, calls: number, unavailable: number): BridgeTrafficRow => {
      const end = now.getTime() - endDaysAgo * day;
      return {
        eventId: `00000000-0000-5000-8000-${String(n).padStart(12, '0')}`,
        realm: 'acme',
        instance: '00000000-0000-4000-8000-00000000000a',
        intervalStart: new Date(end - 3_600_000).toISOString(),
        intervalEnd: new Date(end).toISOString(),
        complete: true,
        cognitoCalls: calls,
        unavailable,
        counts: {},
      };
    };
    const rows = [row(1, 20, 500, 500), row(2, 3, 40, 2), row(3, 0.5, 60, 0), row(4, -1, 9, 9)];
    // Written twice (a fact delivered again): counted once.
    for (let i = 0; i < 2; i++) await store.transaction((tx) => tx.insertBridgeTraffic(rows));
    const expected = measureBridgeTraffic(
      rows.map((r) => ({ end: new Date(r.intervalEnd), cognitoCalls: r.cognitoCalls, unavailable: r.unavailable })),
      jit,
      policy,
      now,
    );
    assert.deepEqual(expected, { cognitoAuthCallsPerDay: 100 / policy.observationWindowDays, errorRate: 0.02 });
    assert.deepEqual(await reader.bridgeTraffic(policy, now), expected);
    await db.query(`truncate "${schema}".bridge_traffic`);
  });
});
