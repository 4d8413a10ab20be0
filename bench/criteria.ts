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
import { databaseConfig } from '#config';
import { evaluateDoneCriteria, measureBridgeTraffic, measureUsers } from '#domain';
import { openProjectionDataSource, ProjectionReader } from '#projections';
import { loadProjectedUsers, now, policy } from './projected-users.js';

const users = Number(process.env.BENCH_USERS ?? 300_000);
const repeats = Number(process.env.BENCH_REPEATS ?? 7);
const databaseUrl = databaseConfig(process.env).url;
const trafficInstances = Number(process.env.BENCH_TRAFFIC_INSTANCES ?? 3);

function log(line: string): void {
  process.stderr.write(`${line}\n`);
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
    log(`writing ${users} users with COPY, then vacuum analyze`);
    const copy = await timed(() => loadProjectedUsers(db, schema, users));
    log(`copy: ${(copy.ms / 1000).toFixed(1)} s`);
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
