/**
 * bench:projection — replaying the ledger into the PostgreSQL projections, in one run:
 * - **project**: `ledger project` as it runs in production, in a child process (so that its peak
 *   RSS is its own): partition batches, one transaction per batch with its offset, set-based
 *   upserts. BENCH_EVENTS synthetic facts (default 1,000,000) over BENCH_USERS users (default
 *   300,000), a realistic mix (exports and re-exports, imports and failures, JIT and reset
 *   password migrations, MFA, federation, long-tail resets) published to 12 partitions first;
 * - **naive**: the same consumer with a one-save-per-event handler (TypeORM `findOneBy` + `save`
 *   per fact, a query per counter, the offset saved per fact), on the first BENCH_NAIVE_EVENTS
 *   facts (default 20,000): at its rate the whole ledger would take too long;
 * - **copy**: the physical limit, raw `COPY FROM` of exactly the rows the projection wrote
 *   (users, history, id translation) into the same tables and indexes, from files dumped first;
 * - **query**: GET /api/metrics/completion on the projected users over HTTP, and the analysts'
 *   full-scan view `completion_metrics` for comparison.
 */
import './local-profile.js';
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import type { EntityManager } from 'typeorm';
import { databaseConfig, kafkaConfig, loadConfig } from '#config';
import { evolveUserMigration, initialUserMigration, summarizeUserMigration, type UserFact } from '#domain';
import type { LedgerEvent } from '#events';
import { Ledger, topicsWithPrefix, type EventBatch } from '#ledger';
import {
  addCounterContribution,
  MigrationUser,
  openPostgres,
  openProjectionDataSource,
  ProjectionOffset,
  UserEvent,
  userRowOf,
} from '#projections';
import { projectorSections, projectorServeSections, projectUntilCaughtUp, serveProjector } from '#projector';
import { localStack } from '#stack';
import { syntheticLedger } from '../test/support/synthetic-ledger.js';

const totalEvents = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const users = Number(process.env.BENCH_USERS ?? 300_000);
const naiveEvents = Number(process.env.BENCH_NAIVE_EVENTS ?? 20_000);
const databaseUrl = databaseConfig(process.env).url;

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

async function projectChild(): Promise<void> {
  const report = await projectUntilCaughtUp(loadConfig(process.env, projectorSections));
  process.stdout.write(
    `${JSON.stringify({ run: report.run, users: report.metrics.users, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`,
  );
}

async function main(): Promise<void> {
  log('bringing the stack up');
  await localStack(process.env).up(log);
  const run = randomUUID().slice(0, 8);
  const prefix = `bench-projection-${run}`;
  const schema = `bench_projection_${run}`;
  const kafka = { ...kafkaConfig(process.env), topicPrefix: prefix };
  const ledger = new Ledger({ kafka, topics: topicsWithPrefix(prefix) });
  await ledger.ensureTopics(12);

  const published = await publish(ledger);
  log(`published ${published.events} facts about ${published.users} users in ${published.seconds.toFixed(1)} s`);

  const env = {
    ...process.env,
    KAFKA_TOPIC_PREFIX: prefix,
    PROJECTION_SCHEMA: schema,
    PROJECTOR_GROUP_ID: `${prefix}-project`,
  };
  const project = await runChild(env);
  log(
    `project: ${project.run.events} facts in ${project.run.seconds.toFixed(1)} s = ${project.run.eventsPerSecond}/s, peak RSS ${project.maxRssMb} MB`,
  );

  // Right after the projection, so that both run under the same load on a shared machine.
  const copy = await copyRows(schema, `bench_copy_${run}`);
  log(`copy: ${copy.rows} rows in ${copy.seconds.toFixed(1)} s`);

  const query = await measureQueries(
    { ...env, PROJECTOR_PORT: String(21000 + Math.floor(Math.random() * 9000)) },
    schema,
  );
  log(`completion metrics over HTTP: p50 ${query.p50Ms} ms, p95 ${query.p95Ms} ms; full-scan view ${query.viewMs} ms`);

  const naive = await naiveProjection(ledger, `bench_naive_${run}`, `${prefix}-naive`);
  log(`naive: ${naive.events} facts in ${naive.seconds.toFixed(1)} s = ${Math.round(naive.events / naive.seconds)}/s`);

  const db = await openPostgres({ url: databaseUrl, application: 'bench', maxConnections: 1 });
  for (const name of [schema, `bench_naive_${run}`, `bench_copy_${run}`]) {
    if (!process.env.BENCH_KEEP) await db.query(`drop schema if exists "${name}" cascade`);
  }
  await db.destroy();

  const projectRate = project.run.eventsPerSecond;
  const copyRate = Math.round(published.events / copy.seconds);
  const naiveRate = Math.round(naive.events / naive.seconds);
  process.stdout.write(
    `${JSON.stringify({
      bench: 'projection',
      events: published.events,
      users: published.users,
      partitions: 12,
      project_events_per_s: projectRate,
      project_seconds: Number(project.run.seconds.toFixed(1)),
      project_batches: project.run.batches,
      project_peak_rss_mb: project.maxRssMb,
      naive_events: naive.events,
      naive_events_per_s: naiveRate,
      copy_rows: copy.rows,
      copy_seconds: Number(copy.seconds.toFixed(1)),
      copy_events_per_s: copyRate,
      project_pct_of_copy: Number(((100 * projectRate) / copyRate).toFixed(1)),
      project_vs_naive: Number((projectRate / naiveRate).toFixed(1)),
      completion_http_p50_ms: query.p50Ms,
      completion_http_p95_ms: query.p95Ms,
      completion_http_max_ms: query.maxMs,
      completion_view_full_scan_ms: query.viewMs,
    })}\n`,
  );
}

async function publish(ledger: Ledger): Promise<{ events: number; users: number; seconds: number }> {
  const started = performance.now();
  const facts: LedgerEvent[] = [];
  let seen = 0;
  for (const history of syntheticLedger({
    users,
    seed: 3,
    poolId: 'us-east-1_Bench01',
    // Fewer re-exports than the default, so that the 1,000,000 facts cover (nearly) all 300,000 users.
    reexportRate: 0.03,
  })) {
    const room = totalEvents - facts.length;
    if (room <= 0) break;
    facts.push(...history.slice(0, room));
    seen++;
  }
  // In the order a migration records them (the export run, the import run, then weeks of logins,
  // re-enrolments and resets), so a user's facts land in different batches, as in a real replay.
  facts.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
  // Published from a file: with a million events held in memory, the producer's garbage makes
  // every collection walk them, and publishing takes minutes instead of seconds.
  const file = join(tmpdir(), `bench-projection-${randomUUID()}.ndjson`);
  const events = facts.length;
  await pipeline(
    (function* () {
      for (const fact of facts) yield `${JSON.stringify(fact)}\n`;
    })(),
    createWriteStream(file),
  );
  facts.length = 0;
  const publisher = await ledger.publisher();
  let published = 0;
  let chunk: LedgerEvent[] = [];
  const flush = async () => {
    await publisher.publish(chunk);
    published += chunk.length;
    chunk = [];
    if (published % 100_000 === 0) log(`  published ${published}`);
  };
  for await (const line of createInterface({ input: createReadStream(file) })) {
    chunk.push(JSON.parse(line) as LedgerEvent);
    if (chunk.length === 10_000) await flush();
  }
  if (chunk.length > 0) await flush();
  await publisher.close();
  await rm(file, { force: true });
  return { events, users: seen, seconds: (performance.now() - started) / 1000 };
}

async function runChild(env: NodeJS.ProcessEnv): Promise<{
  run: { events: number; seconds: number; eventsPerSecond: number; batches: number };
  maxRssMb: number;
}> {
  const child = spawn(process.execPath, ['--enable-source-maps', process.argv[1]!, '--project-child'], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`the projector child exited with ${code}`);
  return JSON.parse(out.trim().split('\n').pop()!) as Awaited<ReturnType<typeof runChild>>;
}

async function measureQueries(env: NodeJS.ProcessEnv, schema: string) {
  // The API's speed, not the login's: open, which only the local profile allows.
  const server = await serveProjector(loadConfig({ ...env, DASHBOARD_ACCESS: 'open' }, projectorServeSections));
  const times: number[] = [];
  try {
    for (let i = 0; i < 105; i++) {
      const started = performance.now();
      const response = await fetch(`${server.url}/api/metrics/completion`);
      await response.json();
      if (i >= 5) times.push(performance.now() - started);
    }
  } finally {
    await server.close();
  }
  times.sort((a, b) => a - b);
  const db = await openPostgres({ url: databaseUrl, application: 'bench', maxConnections: 1 });
  const started = performance.now();
  await db.query(`select * from "${schema}".completion_metrics`);
  const viewMs = Math.round(performance.now() - started);
  await db.destroy();
  const at = (q: number) => Number(times[Math.min(times.length - 1, Math.floor(q * times.length))]!.toFixed(1));
  return { p50Ms: at(0.5), p95Ms: at(0.95), maxMs: at(1), viewMs };
}

/** The method the seed articles show: one ORM round trip per fact, each in its own transaction. */
async function naiveProjection(ledger: Ledger, schema: string, groupId: string) {
  const dataSource = await openProjectionDataSource(databaseUrl, schema);
  let events = 0;
  let started = 0;
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const consumer = await ledger.consume({
    groupId,
    topics: [ledger.topics.userEvents],
    startOffsets: async () => '0',
    handleBatch: async (batch: EventBatch) => {
      if (started === 0) started = performance.now();
      for (const { event, record } of batch.events) {
        if (events >= naiveEvents) return finish();
        await dataSource.transaction((manager) => saveOne(manager, schema, event as UserFact, record));
        events++;
      }
      if (events >= naiveEvents) finish();
    },
  });
  await done;
  const seconds = (performance.now() - started) / 1000;
  await consumer.stop();
  await dataSource.destroy();
  return { events, seconds };
}

async function saveOne(
  manager: EntityManager,
  schema: string,
  event: UserFact,
  record: { topic: string; partition: number; offset: string },
): Promise<void> {
  const users = manager.getRepository(MigrationUser);
  const existing = await users.findOneBy({ sub: event.subject });
  const before = existing?.state ?? initialUserMigration(event.subject);
  const state = evolveUserMigration(before, event);
  const summary = summarizeUserMigration(state);
  const row = userRowOf(state, summary);
  const entity = users.create();
  for (const column of users.metadata.columns) {
    (entity as unknown as Record<string, unknown>)[column.propertyName] = row[column.propertyName as keyof typeof row];
  }
  await users.save(entity);
  await manager.getRepository(UserEvent).save({
    eventId: event.id,
    contentHash: event.contenthash,
    sub: event.subject,
    type: event.type,
    time: new Date(event.time),
    source: event.source,
    correlationId: event.correlationid,
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    data: event.data,
  });
  const deltas = new Map<string, number>();
  if (existing) addCounterContribution(deltas, summarizeUserMigration(before), -1);
  addCounterContribution(deltas, summary, 1);
  for (const [key, amount] of deltas) {
    const [measure, dimension] = key.split('\t');
    await manager.query(
      `insert into "${schema}".progress_counter (measure, dimension, count) values ($1, $2, $3)
       on conflict (measure, dimension) do update set count = progress_counter.count + excluded.count`,
      [measure, dimension, amount],
    );
  }
  await manager
    .getRepository(ProjectionOffset)
    .save({ topic: record.topic, partition: record.partition, nextOffset: String(BigInt(record.offset) + 1n) });
}

/**
 * Dumps the projected rows to files (untimed), then times COPY FROM into empty tables of the same
 * definition: raw COPY is the yardstick, so it runs on the data source's own pg connection.
 */
async function copyRows(source: string, copySchema: string): Promise<{ rows: number; seconds: number }> {
  const dataSource = await openProjectionDataSource(databaseUrl, copySchema);
  const runner = dataSource.createQueryRunner();
  const client = (await runner.connect()) as PoolClient;
  const tables = ['migration_user', 'user_event', 'id_translation'];
  const files = tables.map((table) => join(tmpdir(), `bench-copy-${copySchema}-${table}.bin`));
  try {
    for (const [i, table] of tables.entries()) {
      await pipeline(
        client.query(copyTo(`copy "${source}".${table} to stdout (format binary)`)),
        createWriteStream(files[i]!),
      );
    }
    let rows = 0;
    const started = performance.now();
    for (const [i, table] of tables.entries()) {
      const stream = client.query(copyFrom(`copy "${copySchema}".${table} from stdin (format binary)`));
      await pipeline(createReadStream(files[i]!), stream);
      rows += Number(stream.rowCount);
    }
    return { rows, seconds: (performance.now() - started) / 1000 };
  } finally {
    await runner.release();
    await dataSource.destroy();
    for (const file of files) await rm(file, { force: true });
  }
}

if (process.argv.includes('--project-child')) {
  projectChild().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
} else {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
