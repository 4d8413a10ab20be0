/**
 * The benchmarks' projected population: BENCH_USERS users 80 days into a migration, built by the
 * domain's own fold (`summarizeUserMigration` + libs/projections' `userRowOf`, realistic `state`
 * jsonb included) and written with COPY into a schema made by the projection's migrations, with
 * the counters and daily progress the projector would keep for them
 * (`addCounterContribution`, `addDailyContribution`, `addCohortContribution`, `addCriteriaContribution`,
 * `addResetPipelineContribution`). COPY, on the data source's own connection,
 * because it is the fastest way to load 300,000 rows and the load is not what is measured.
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { DataSource } from 'typeorm';
import { initialUserMigration, parseReconcilerPolicy, summarizeUserMigration, type UserMigrationState } from '#domain';
import {
  addCohortContribution,
  addCounterContribution,
  addCriteriaContribution,
  addResetPipelineContribution,
  addDailyContribution,
  entityColumns,
  MigrationUser,
  userRowOf,
  type Tally,
} from '#projections';

const userColumns = entityColumns(MigrationUser);
export const policy = parseReconcilerPolicy({}, 'bench');
export const now = new Date('2025-06-01T00:00:00.000Z');
const day = 86_400_000;

/** mulberry32: a seeded generator, so every run projects the same population. */
export function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const iso = (ms: number) => new Date(ms).toISOString();
const target = 'keycloak/bench';

/**
 * One user 80 days into a migration: 93 % enabled in Cognito, 5 % federated-only, 15 % MFA, 12 %
 * federated; 98 % imported in the first 10 days; of those 60 % migrated by JIT, 10 % by reset;
 * MFA users who migrated mostly re-enrolled; the rest got their long-tail resets.
 */
export function userState(i: number, rnd: () => number): UserMigrationState {
  const sub = `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
  const start = now.getTime() - 80 * day;
  const federatedOnly = rnd() < 0.05;
  const providers = federatedOnly || rnd() < 0.07 ? (rnd() < 0.7 ? ['Google'] : ['Google', 'SignInWithApple']) : [];
  const mfa = !federatedOnly && rnd() < 0.15;
  const state: {
    -readonly [K in keyof UserMigrationState]: UserMigrationState[K];
  } = {
    ...initialUserMigration(sub),
    profile: {
      poolId: 'us-east-1_Bench01',
      username: `user${i}`,
      email: `user${i}@example.com`,
      phoneNumber: rnd() < 0.3 ? `+1555${String(i).padStart(7, '0')}` : null,
      enabled: rnd() < 0.93,
      sourceStatus: federatedOnly ? 'EXTERNAL_PROVIDER' : 'CONFIRMED',
      mfa: { sms: false, totp: mfa, preferred: mfa ? 'SOFTWARE_TOKEN_MFA' : null },
      providers,
      sourceUpdatedAt: iso(start - 30 * day),
      contentHash: `sha256:${i.toString(16).padStart(64, '0')}`,
    },
    firstExportedAt: iso(start),
  };
  if (rnd() >= 0.98) return state;
  const importedAt = start + rnd() * 10 * day;
  state.imports = {
    [target]: {
      target,
      targetUserId: randomUUID(),
      loginName: `user${i}`,
      outcome: 'created',
      matchedBy: null,
      needsPasswordMigration: !federatedOnly,
      treatment: federatedOnly ? 'federated-only' : 'password-via-bridge',
      requiredActions: [],
      adjustments: [],
      revision: 0,
      revisedAt: iso(importedAt),
      basedOn: null,
      at: iso(importedAt),
    },
  };
  const roll = rnd();
  const migratedAt = Math.min(importedAt + (1 + rnd() * 69) * day, now.getTime() - 1000);
  if (!federatedOnly && roll < 0.7) {
    const via = roll < 0.6 ? 'jit' : 'reset';
    state.passwordMigrations = { [`${target}/${via}`]: { target, via, at: iso(migratedAt) } };
    if (mfa && rnd() < 0.85) {
      state.mfaReenrolments = { [`${target}/totp`]: { target, method: 'totp', at: iso(migratedAt + 60_000) } };
    }
  }
  for (const provider of providers) {
    if (rnd() < 0.85) {
      const via = rnd() < 0.6 ? 'pre-linked' : 'first-login';
      const at = via === 'pre-linked' ? importedAt : migratedAt;
      state.federationBindings = {
        ...state.federationBindings,
        [`${target}/${provider}/${i}`]: {
          target,
          provider,
          cognitoProvider: provider,
          providerUserId: String(i),
          via,
          at: iso(at),
        },
      };
    }
  }
  if (Object.keys(state.passwordMigrations).length === 0 && !federatedOnly) {
    let at = importedAt + policy.longTail.afterDays * day;
    for (let attempt = 1; attempt <= policy.resets.maxPerUser && at < now.getTime(); attempt++) {
      state.resets = {
        ...state.resets,
        [`${target}/${attempt}`]: { target, attempt, reason: 'long tail', at: iso(at) },
      };
      at += policy.resets.reminderAfterDays[Math.min(attempt - 1, policy.resets.reminderAfterDays.length - 1)]! * day;
    }
  }
  return state;
}

/** A value as a CSV field of COPY: empty for null, arrays as `{a,b}`, objects as JSON, quoted. */
function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = Array.isArray(value)
    ? `{${value.join(',')}}`
    : typeof value === 'object'
      ? JSON.stringify(value)
      : String(value);
  return `"${text.replaceAll('"', '""')}"`;
}

function* csvChunks(users: number, tallies: { counters: Tally; daily: Tally; criteriaDays: Tally }): Generator<string> {
  const rnd = random(20250601);
  let chunk = '';
  for (let i = 0; i < users; i++) {
    const state = userState(i, rnd);
    const summary = summarizeUserMigration(state);
    addCounterContribution(tallies.counters, summary, 1);
    addDailyContribution(tallies.daily, state, summary, 1);
    const row = userRowOf(state, summary);
    addCohortContribution(tallies.counters, row, 1);
    addCriteriaContribution(tallies.counters, tallies.criteriaDays, row, 1);
    addResetPipelineContribution(tallies.counters, tallies.criteriaDays, row, 1);
    chunk += `${userColumns.map((c) => csvField(row[c.property as keyof typeof row])).join(',')}\n`;
    if (i % 2000 === 1999) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

/** Writes `users` projected users, their counters and daily progress into `schema`; then vacuums and analyses. */
export async function loadProjectedUsers(db: DataSource, schema: string, users: number): Promise<void> {
  const tallies = { counters: new Map() as Tally, daily: new Map() as Tally, criteriaDays: new Map() as Tally };
  const runner = db.createQueryRunner();
  try {
    const client = (await runner.connect()) as PoolClient;
    await pipeline(
      Readable.from(csvChunks(users, tallies)),
      client.query(
        copyFrom(
          `copy "${schema}".migration_user (${userColumns.map((c) => c.name).join(', ')}) from stdin (format csv)`,
        ),
      ),
    );
  } finally {
    await runner.release();
  }
  // Tally keys are `a\tb`: (measure, dimension) for the counters, (day, measure) for the days.
  const columns = (tally: Tally) => {
    const keys = [...tally.keys()].map((key) => key.split('\t'));
    return [keys.map((k) => k[0]), keys.map((k) => k[1]), [...tally.values()]];
  };
  await db.query(
    `insert into "${schema}".progress_counter (measure, dimension, count)
     select * from unnest($1::text[], $2::text[], $3::bigint[])`,
    columns(tallies.counters),
  );
  await db.query(
    `insert into "${schema}".daily_progress (day, measure, count)
     select * from unnest($1::date[], $2::text[], $3::bigint[])`,
    columns(tallies.daily),
  );
  await db.query(
    `insert into "${schema}".criteria_daily (day, measure, count)
     select * from unnest($1::date[], $2::text[], $3::bigint[])`,
    columns(tallies.criteriaDays),
  );
  await db.query(`vacuum analyze "${schema}".migration_user`);
}
