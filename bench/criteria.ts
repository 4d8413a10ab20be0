/**
 * bench:criteria — the "done" criteria over BENCH_USERS projected users (default 300,000), in one run:
 * - **sql**: what the reconciler evaluates on every pass and `ledger status` on every call:
 *   `ProjectionReader.measurements` (one aggregate query over `migration_user`) and
 *   `bridgeTraffic`, then `evaluateDoneCriteria`; the cutover phase (a scan of the control topic)
 *   is left out: it does not grow with the users;
 * - **naive**: every row loaded into the process (the nine columns the criteria read) and counted
 *   in JS with `measureUsers`, the same definitions; both results must be equal;
 * - also timed: the reset candidates query of a pass and the rollback report's query.
 * The bridge criteria read `bridge_traffic`, the projected `BridgeTrafficObserved` facts: a year of
 * hourly intervals from three bridge instances (BENCH_TRAFFIC_INSTANCES) is written beside the
 * users, and its criteria must equal `measureBridgeTraffic` over the same rows in JS.
 * The rows are built by the domain's own fold (`summarizeUserMigration` + libs/projections'
 * `userRowOf`, realistic `state` jsonb included) and written with COPY into a fresh schema made by
 * the projection's migrations, then vacuumed and analysed as autovacuum would have done. COPY, on
 * the data source's own connection, because it is the fastest way to load 300,000 rows and the
 * load is not what is measured here.
 */
import './local-profile.js';
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { databaseConfig } from '#config';
import {
  evaluateDoneCriteria,
  initialUserMigration,
  measureBridgeTraffic,
  measureUsers,
  parseReconcilerPolicy,
  summarizeUserMigration,
  type UserMigrationState,
} from '#domain';
import { entityColumns, MigrationUser, openProjectionDataSource, ProjectionReader, userRowOf } from '#projections';

const userColumns = entityColumns(MigrationUser);

const users = Number(process.env.BENCH_USERS ?? 300_000);
const repeats = Number(process.env.BENCH_REPEATS ?? 7);
const databaseUrl = databaseConfig(process.env).url;
const policy = parseReconcilerPolicy({}, 'bench');
const now = new Date('2025-06-01T00:00:00.000Z');
const trafficInstances = Number(process.env.BENCH_TRAFFIC_INSTANCES ?? 3);
const day = 86_400_000;

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** mulberry32: a seeded generator, so every run projects the same population. */
function random(seed: number): () => number {
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
function userState(i: number, rnd: () => number): UserMigrationState {
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

function* csvChunks(): Generator<string> {
  const rnd = random(20250601);
  let chunk = '';
  for (let i = 0; i < users; i++) {
    const state = userState(i, rnd);
    const row = userRowOf(state, summarizeUserMigration(state));
    chunk += `${userColumns.map((c) => csvField(row[c.property as keyof typeof row])).join(',')}\n`;
    if (i % 2000 === 1999) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const started = performance.now();
  const result = await work();
  return { ms: performance.now() - started, result };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const round = (ms: number) => Number(ms.toFixed(1));

async function main(): Promise<void> {
  const run = randomUUID().slice(0, 8);
  const schema = `bench_criteria_${run}`;
  const journalSchema = `bench_criteria_journal_${run}`;
  log(`creating ${schema} with the projection's migrations`);
  const db = await openProjectionDataSource(databaseUrl, schema);
  try {
    log(`writing ${users} users with COPY`);
    const copy = await timed(async () => {
      const runner = db.createQueryRunner();
      try {
        const client = (await runner.connect()) as PoolClient;
        await pipeline(
          Readable.from(csvChunks()),
          client.query(
            copyFrom(
              `copy "${schema}".migration_user (${userColumns.map((c) => c.name).join(', ')}) from stdin (format csv)`,
            ),
          ),
        );
      } finally {
        await runner.release();
      }
    });
    log(`copy: ${(copy.ms / 1000).toFixed(1)} s; vacuum analyze`);
    await db.query(`vacuum analyze "${schema}".migration_user`);
    // A year of hourly traffic facts up to `now`, as the projector writes them (counts only, no user data).
    await db.query(
      `insert into "${schema}".bridge_traffic
         (event_id, realm, instance, interval_start, interval_end, complete, cognito_calls, unavailable, counts)
       select gen_random_uuid(), 'bench', ('00000000-0000-4000-8000-' || lpad(i::text, 12, '0'))::uuid,
              h, h + interval '1 hour', true, c, c / 97, '{}'::jsonb
         from generate_series(1, $2::int) i,
              generate_series($1::timestamptz - interval '365 days', $1::timestamptz - interval '1 hour', interval '1 hour') h,
              lateral (select (extract(epoch from h)::bigint / 3600 * 7919 + i * 31) % 400 as c) calls`,
      [now, trafficInstances],
    );
    await db.query(`vacuum analyze "${schema}".bridge_traffic`);
    const size: { mb: string }[] = await db.query(`select round(pg_total_relation_size($1) / 1048576.0) as mb`, [
      `"${schema}".migration_user`,
    ]);

    const reader = new ProjectionReader(db, schema);
    const evaluate = async () => {
      const [measured, traffic] = await Promise.all([
        reader.measurements(policy, now),
        reader.bridgeTraffic(policy, now),
      ]);
      return { measured, criteria: evaluateDoneCriteria(measured, traffic, policy, measured.firstImportedAt, now) };
    };
    const sqlRuns: number[] = [];
    let sql = await timed(evaluate);
    for (let i = 0; i < repeats; i++) {
      sql = await timed(evaluate);
      sqlRuns.push(sql.ms);
    }
    log(`sql: median ${median(sqlRuns).toFixed(1)} ms over ${repeats} runs`);

    const naive = await timed(async () => measureUsers(await reader.criteriaRows(), policy, now));
    log(`naive: ${naive.ms.toFixed(1)} ms`);
    const equal = JSON.stringify(naive.result) === JSON.stringify(sql.result.measured);
    if (!equal)
      throw new Error(
        `the two evaluations differ: ${JSON.stringify({ naive: naive.result, sql: sql.result.measured })}`,
      );

    const trafficRows: { end: Date; cognitoCalls: number; unavailable: number }[] = await db.query(
      `select interval_end as "end", cognito_calls as "cognitoCalls", unavailable from "${schema}".bridge_traffic`,
    );
    const trafficInJs = measureBridgeTraffic(trafficRows, 0, policy, now);
    const trafficRuns: number[] = [];
    let trafficInSql = await reader.bridgeTraffic(policy, now);
    for (let i = 0; i < repeats; i++) {
      const t = await timed(() => reader.bridgeTraffic(policy, now));
      trafficRuns.push(t.ms);
      trafficInSql = t.result;
    }
    if (JSON.stringify(trafficInJs) !== JSON.stringify(trafficInSql))
      throw new Error(`the bridge criteria differ: ${JSON.stringify({ js: trafficInJs, sql: trafficInSql })}`);

    const candidates = await timed(() => reader.resetCandidates(policy, now));
    const rollback = await timed(() => reader.rollbackCandidates(journalSchema));
    log(`reset candidates: ${candidates.result.length} in ${candidates.ms.toFixed(1)} ms`);
    log(`rollback candidates: ${rollback.result.length} in ${rollback.ms.toFixed(1)} ms`);

    process.stdout.write(
      `${JSON.stringify({
        bench: 'criteria',
        users,
        table_mb: Number(size[0]!.mb),
        copy_seconds: Number((copy.ms / 1000).toFixed(1)),
        criteria_ms_median: round(median(sqlRuns)),
        criteria_ms_max: round(Math.max(...sqlRuns)),
        criteria_runs: repeats,
        naive_ms: round(naive.ms),
        naive_over_sql: Number((naive.ms / median(sqlRuns)).toFixed(1)),
        same_result: equal,
        traffic_rows: trafficRows.length,
        bridge_traffic_ms_median: round(median(trafficRuns)),
        target_ms: 1000,
        met: median(sqlRuns) < 1000,
        reset_candidates: candidates.result.length,
        reset_candidates_ms: round(candidates.ms),
        rollback_candidates: rollback.result.length,
        rollback_candidates_ms: round(rollback.ms),
        criteria: Object.fromEntries(sql.result.criteria.map((c) => [c.id, c.value])),
      })}\n`,
    );
  } finally {
    await db.query(`drop schema if exists "${schema}" cascade`);
    await db.destroy();
  }
}

await main();
