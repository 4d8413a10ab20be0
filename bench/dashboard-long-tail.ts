/**
 * bench:dashboard-long-tail — the dashboard's long-tail reads over BENCH_USERS projected users
 * (default 300,000): the burn-down by route, the long-tail pipeline and pages of stuck users, over
 * HTTP from the projector and straight through libs/projections' queries, BENCH_REPEATS times each
 * (default 10) after one warm-up; p50 and p95 per read. The population is bench/projected-users.ts
 * (COPY), with BENCH_SKIPS `reset_skip` rows and BENCH_DEAD_LETTERS `dead_letter` rows added. The
 * access check is left out (DASHBOARD_ACCESS=open): one signature check per call, not a function
 * of the users.
 */
import './local-profile.js';
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { databaseConfig, kafkaConfig, loadConfig } from '#config';
import { Ledger, topicsWithPrefix } from '#ledger';
import {
  openProjectionDataSource,
  quoteIdentifier,
  ResetPipelineQueries,
  RouteBurnDownQueries,
  StuckUserQueries,
  stuckUserPosition,
} from '#projections';
import { projectorServeSections, serveProjector } from '#projector';
import { localStack } from '#stack';
import { loadProjectedUsers, policy } from './projected-users.js';
import { percentile, roundMs, timedRuns } from './read-timings.js';

const users = Number(process.env.BENCH_USERS ?? 300_000);
const repeats = Number(process.env.BENCH_REPEATS ?? 10);
const skips = Number(process.env.BENCH_SKIPS ?? 5_000);
const deadLetters = Number(process.env.BENCH_DEAD_LETTERS ?? 1_000);

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

const round = roundMs;

async function main(): Promise<void> {
  log('bringing the stack up');
  await localStack(process.env).up(log);
  const run = randomUUID().slice(0, 8);
  const prefix = `bench-long-tail-${run}`;
  const schema = `bench_long_tail_${run}`;
  const ledger = new Ledger({
    kafka: { ...kafkaConfig(process.env), topicPrefix: prefix },
    topics: topicsWithPrefix(prefix),
  });
  await ledger.ensureTopics(1);
  const db = await openProjectionDataSource(databaseConfig(process.env).url, schema);
  try {
    log(`writing ${users} projected users with COPY`);
    await loadProjectedUsers(db, schema, users);
    const s = quoteIdentifier(schema);
    // Skips and dead letters for users spread over the population (every n-th by sub).
    await db.query(
      `insert into ${s}.reset_skip (sub, target, attempt, reason, event_id, skipped_at)
       select sub, 'keycloak/bench', 1, (array['no-email', 'disabled-in-target', 'deleted-in-target'])[1 + n % 3],
              gen_random_uuid(), now()
         from (select sub, row_number() over (order by sub) as n from ${s}.migration_user) u
        where n % greatest(1, $2::int / $1::int) = 0 limit $1`,
      [skips, users],
    );
    await db.query(
      `insert into ${s}.dead_letter (topic, partition, "offset", sub, event_id, type, time, reason)
       select 'bench.user-events', 0, n, sub, gen_random_uuid(), 'UserImported', now(),
              'user ' || sub || ': targetUserId: imported into keycloak/bench as another account'
         from (select sub, row_number() over (order by sub desc) as n from ${s}.migration_user) u
        where n % greatest(1, $2::int / $1::int) = 0 limit $1`,
      [deadLetters, users],
    );
    await db.query(`analyze ${s}.reset_skip; analyze ${s}.dead_letter`);
    const env = {
      ...process.env,
      KAFKA_TOPIC_PREFIX: prefix,
      PROJECTION_SCHEMA: schema,
      PROJECTOR_GROUP_ID: `${prefix}-project`,
      DASHBOARD_ACCESS: 'open',
    };
    const server = await serveProjector(loadConfig(env, projectorServeSections));
    try {
      const byRoute = new RouteBurnDownQueries(db, schema);
      const pipeline = new ResetPipelineQueries(db, schema);
      const stuck = new StuckUserQueries(db, schema);
      const second = (await stuck.page({}, null, 25)).nextCursor;
      const reads: [string, () => Promise<unknown>][] = [
        ['/api/metrics/burn-down/by-route', () => byRoute.burnDown(policy, new Date())],
        ['/api/resets/pipeline', () => pipeline.pipeline(policy, new Date())],
        ['/api/stuck-users?limit=25', () => stuck.page({}, null, 25)],
        // The second page (when there is one): the keyset continues after the first.
        ...(second === null
          ? []
          : [
              [`/api/stuck-users?limit=25&after=${second}`, () => stuck.page({}, stuckUserPosition(second), 25)] as [
                string,
                () => Promise<unknown>,
              ],
            ]),
        ['/api/stuck-users?limit=25&kind=dead-letter', () => stuck.page({ kind: 'dead-letter' }, null, 25)],
      ];
      const perRead: Record<string, Record<string, number>> = {};
      for (const [path, query] of reads) {
        const overHttp = await timedRuns(async () => {
          const response = await fetch(`${server.url}${path}`);
          if (!response.ok) throw new Error(`${path}: ${response.status}`);
          await response.json();
        }, repeats);
        const straight = await timedRuns(query, repeats);
        perRead[path.replace(/after=[^&]+/, 'after=<page 1>')] = {
          api_p50_ms: round(percentile(overHttp, 50)),
          api_p95_ms: round(percentile(overHttp, 95)),
          sql_p50_ms: round(percentile(straight, 50)),
          sql_p95_ms: round(percentile(straight, 95)),
        };
        log(`${path}: ${JSON.stringify(perRead[path.replace(/after=[^&]+/, 'after=<page 1>')])}`);
      }
      const counts = (await db.query(
        `select (select count(*) from ${s}.migration_user where status = 'import-failed') as import_failed,
                (select count(*) from ${s}.reset_skip) as skips, (select count(*) from ${s}.dead_letter) as dead_letters`,
      )) as Record<string, string>[];
      const result = {
        bench: 'dashboard-long-tail',
        users,
        import_failed: Number(counts[0]!.import_failed),
        reset_skips: Number(counts[0]!.skips),
        dead_letters: Number(counts[0]!.dead_letters),
        repeats,
        reads: perRead,
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
