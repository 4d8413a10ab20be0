/**
 * bench:dashboard — the dashboard over BENCH_USERS projected users (default 300,000), in one run:
 * - **first render**: Debian's Chromium opens /dashboard in a fresh browser context (nothing
 *   cached) and the page reports, at the moment its first full render is done (numbers, burn-down
 *   chart, first page of users), the milliseconds since navigation started; median of BENCH_LOADS;
 * - **api**: the page's reads over HTTP (completion, burn-down, the first user page, a filtered
 *   one, the done criteria with the phase timeline, the cohorts), BENCH_REPEATS times each, p95 of all;
 * - **sql**: the same reads straight through libs/projections' queries on PostgreSQL, p95.
 * The access check is left out (DASHBOARD_ACCESS=open, the local profile's explicit setting): it
 * costs one signature check per call, not a function of the users. The population is
 * bench/projected-users.ts (COPY, with the counters the projector keeps); the cohort and criteria
 * counters are checked once against a recount of every user (timed: what those reads cost before).
 */
import './local-profile.js';
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { databaseConfig, kafkaConfig, loadConfig } from '#config';
import { Ledger, topicsWithPrefix } from '#ledger';
import { defaultReconcilerPolicy } from '#domain';
import {
  CohortQueries,
  CriteriaCounters,
  CutoverTimeline,
  openProjectionDataSource,
  ProjectionQueries,
  ProjectionReader,
} from '#projections';
import { projectorServeSections, serveProjector } from '#projector';
import { localStack } from '#stack';
import { launchChromium } from '#test-support';
import { loadProjectedUsers } from './projected-users.js';
import { percentile, roundMs, timedRuns } from './read-timings.js';

const users = Number(process.env.BENCH_USERS ?? 300_000);
const repeats = Number(process.env.BENCH_REPEATS ?? 40);
const loads = Number(process.env.BENCH_LOADS ?? 5);

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

const median = (values: number[]) => percentile(values, 50);
const round = roundMs;

async function main(): Promise<void> {
  log('bringing the stack up');
  await localStack(process.env).up(log);
  const run = randomUUID().slice(0, 8);
  const prefix = `bench-dashboard-${run}`;
  const schema = `bench_dashboard_${run}`;
  const ledger = new Ledger({
    kafka: { ...kafkaConfig(process.env), topicPrefix: prefix },
    topics: topicsWithPrefix(prefix),
  });
  await ledger.ensureTopics(1);
  const db = await openProjectionDataSource(databaseConfig(process.env).url, schema);
  try {
    log(`writing ${users} projected users with COPY`);
    await loadProjectedUsers(db, schema, users);
    const env = {
      ...process.env,
      KAFKA_TOPIC_PREFIX: prefix,
      PROJECTION_SCHEMA: schema,
      PROJECTOR_GROUP_ID: `${prefix}-project`,
      DASHBOARD_ACCESS: 'open',
    };
    const config = loadConfig(env, projectorServeSections);
    const server = await serveProjector(config);
    try {
      const queries = new ProjectionQueries(db, schema);
      const timeline = new CutoverTimeline(db, schema);
      const cohorts = new CohortQueries(db, schema);
      const target = { kind: 'keycloak' as const, realm: config.keycloak.realm };
      const reads: [string, () => Promise<unknown>][] = [
        ['/api/metrics/completion', () => queries.completion()],
        ['/api/metrics/burn-down', () => queries.burnDown()],
        ['/api/users?limit=25', () => queries.users({}, null, 25)],
        [
          '/api/users?limit=25&status=imported&minResets=1',
          () => queries.users({ status: 'imported', minResets: 1 }, null, 25),
        ],
        ['/api/cutover/status', () => timeline.status(target, defaultReconcilerPolicy, new Date())],
        ['/api/metrics/cohorts', () => cohorts.cohorts()],
      ];
      // The maintained counters must answer what a recount of every user answers (timed once, as before them).
      const policyNow = new Date();
      let started = performance.now();
      const recounted = await cohorts.recount();
      const cohortsRecountMs = performance.now() - started;
      assert.deepEqual(await cohorts.cohorts(), recounted, 'cohort counters against their recount');
      started = performance.now();
      const measured = await new ProjectionReader(db, schema).measurements(defaultReconcilerPolicy, policyNow);
      const criteriaRecountMs = performance.now() - started;
      assert.deepEqual(
        await new CriteriaCounters(db, schema).measurements(defaultReconcilerPolicy, policyNow),
        measured,
        'criteria counters against their recount',
      );
      log(
        `recounts (what the two reads did before the counters): cohorts ${round(cohortsRecountMs)} ms, criteria ${round(criteriaRecountMs)} ms`,
      );
      const api: number[] = [];
      const sql: number[] = [];
      const perRead: Record<string, { api_p95_ms: number; sql_p95_ms: number }> = {};
      for (const [path, query] of reads) {
        const overHttp = await timedRuns(async () => {
          const response = await fetch(`${server.url}${path}`);
          if (response.status !== 200) throw new Error(`${path}: ${response.status}`);
          await response.arrayBuffer();
        }, repeats);
        const straight = await timedRuns(query, repeats);
        api.push(...overHttp);
        sql.push(...straight);
        perRead[path] = { api_p95_ms: round(percentile(overHttp, 95)), sql_p95_ms: round(percentile(straight, 95)) };
        log(`${path}: api p95 ${perRead[path].api_p95_ms} ms, sql p95 ${perRead[path].sql_p95_ms} ms`);
      }

      const browser = await launchChromium();
      const renders: number[] = [];
      try {
        for (let i = 0; i < loads; i++) {
          const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
          const page = await context.newPage();
          await page.goto(`${server.url}/dashboard`);
          await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
          renders.push(Number(await page.getAttribute('body', 'data-ready-ms')));
          const shown = Number((await page.textContent('[data-metric="users"]'))!.replace(/,/g, ''));
          if (shown !== users) throw new Error(`the page shows ${shown} users, not ${users}`);
          await context.close();
        }
      } finally {
        await browser.close();
      }
      log(`first render: ${renders.join(', ')} ms`);

      const result = {
        bench: 'dashboard',
        users,
        first_render_ms: median(renders),
        first_render_max_ms: Math.max(...renders),
        api_p95_ms: round(percentile(api, 95)),
        sql_p95_ms: round(percentile(sql, 95)),
        api_p50_ms: round(median(api)),
        sql_p50_ms: round(median(sql)),
        reads: perRead,
        recount_once_ms: { cohorts: round(cohortsRecountMs), criteria: round(criteriaRecountMs) },
        repeats,
        loads,
        goals: { first_render_ms: 1500, api_p95_ms: 200 },
        met: median(renders) < 1500 && percentile(api, 95) < 200,
      };
      process.stdout.write(`${JSON.stringify(result)}\n`);
    } finally {
      await server.close();
    }
  } finally {
    if (!process.env.BENCH_KEEP) await db.query(`drop schema if exists "${schema}" cascade`);
    await db.destroy();
  }
}

await main();
