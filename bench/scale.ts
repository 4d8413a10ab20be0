/**
 * bench:scale — the whole migration at a given size, as an operator runs it, on a stack of its
 * own: a 3-node Kafka cluster (STACK_KAFKA_BROKERS=3), Keycloak on PostgreSQL
 * (STACK_KEYCLOAK_DB=postgres), an embedded PostgreSQL and cognito-local, on ports 300 above the
 * caller's block and with its files in STACK_DIR/bench-scale. Then, each a `ledger` child process:
 *
 *   seed (`ledger seed --users N`) → export (`ledger export`) → import (`ledger import`) →
 *   project (`ledger project`)
 *
 * Per stage: users/s in each tenth of its users (counted as its facts arrive: the end offsets of
 * the user-events topic for export and import, the projection's stored offsets for project), the
 * peak memory of every process tree (the `ledger` child, each Kafka node, Keycloak, PostgreSQL,
 * cognito-local), the wall time. After the import, Keycloak's own partialImport is timed into the
 * realm now holding N users and into an empty realm, batch for batch, to tell Keycloak's slowing
 * from ours. Everything it started is stopped at the end, pass or fail.
 *
 * `npm run bench:scale -- --users 200000`
 */
import './local-profile.js';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { databaseConfig, kafkaConfig, keycloakConfig, stackConfig, type Env } from '#config';
import { Ledger, topicsWithPrefix } from '#ledger';
import {
  CognitoComponent,
  KafkaComponent,
  KeycloakServer,
  LocalStack,
  PostgresComponent,
  keycloakAdminLogin,
  localProfileEnv,
  projectRoot,
} from '#stack';
import { ProcessMemory, type ComponentPeak, type ProcessRoots } from './process-memory.js';
import { progressDeciles, type ProgressSample, type StageDeciles } from './progress-deciles.js';
import { keycloakAdminToken } from './keycloak-admin-token.js';

const users = usersOption(process.argv.slice(2));
const run = randomUUID().slice(0, 8);
const poolId = 'us-east-1_BenchScale';
const realm = `scale-${run}`;
const probeRealm = `scale-${run}-empty`;
const topicPrefix = `scale-${run}`;
const projectionSchema = `scale_${run}`;
/** Users per partialImport in the Keycloak probe, as the importer sends them (IMPORT_BATCH_SIZE). */
const probeBatch = 25;
const probeUsers = Math.min(2000, Math.max(250, Math.round(users / 20)));

function log(line: string): void {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

function usersOption(args: readonly string[]): number {
  const index = args.indexOf('--users');
  const text = index >= 0 ? args[index + 1] : process.env.BENCH_USERS;
  const n = Number(text ?? 20_000);
  if (!Number.isInteger(n) || n < 100)
    throw new Error(`--users: expected a whole number of at least 100, got "${text}"`);
  return n;
}

/**
 * The bench's own stack: every port 300 above the caller's block (the block KAFKA_PORT is in),
 * so that it runs beside the caller's stack; DATABASE_URL and KAFKA_BROKERS unset, so that the
 * local profile derives them from these ports (the embedded PostgreSQL, the three Kafka nodes).
 */
function benchEnv(env: Env): Env {
  const block = Math.floor(kafkaConfigPort(env) / 1000) * 1000;
  const port = (offset: number) => String(block + 300 + offset);
  const inherited: Record<string, string | undefined> = { ...env };
  for (const name of ['DATABASE_URL', 'KAFKA_BROKERS', 'KEYCLOAK_URL', 'COGNITO_ENDPOINT']) delete inherited[name];
  return {
    ...inherited,
    LEDGER_PROFILE: 'local',
    STACK_DIR: resolve(projectRoot, stackConfig(localProfileEnv(env)).dir, 'bench-scale'),
    STACK_KAFKA_BROKERS: '3',
    STACK_KEYCLOAK_DB: 'postgres',
    KAFKA_PORT: port(92),
    KAFKA_CONTROLLER_PORT: port(93),
    KEYCLOAK_PORT: port(80),
    KEYCLOAK_MANAGEMENT_PORT: port(81),
    COGNITO_PORT: port(29),
    COGNITO_LOCAL_PORT: port(30),
    POSTGRES_PORT: port(32),
  };
}

function kafkaConfigPort(env: Env): number {
  return stackConfig(localProfileEnv(env)).kafkaPort;
}

const env = benchEnv(process.env);
const stack = stackConfig(env);
const cognito = new CognitoComponent(env);
const kafka = new KafkaComponent(env);
const localStack = new LocalStack([[new PostgresComponent(env)], [kafka, cognito, new KeycloakServer(env)]]);
const topics = topicsWithPrefix(topicPrefix);
const ledger = new Ledger({ kafka: { ...kafkaConfig(env), topicPrefix } });
const databaseUrl = databaseConfig(env).url;
const keycloakUrl = keycloakConfig(env).url;

/** The environment of the `ledger` commands: the bench's stack, its pool, topics, realm and schema. */
const commandEnv: Record<string, string | undefined> = {
  ...env,
  COGNITO_ENDPOINT: cognito.endpoint,
  COGNITO_USER_POOL_ID: poolId,
  KAFKA_TOPIC_PREFIX: topicPrefix,
  KEYCLOAK_REALM: realm,
  PROJECTION_SCHEMA: projectionSchema,
};

const emulatorScript = join(
  dirname(createRequire(import.meta.url).resolve('cognito-local/package.json')),
  'lib',
  'bin',
  'start.js',
);
const shimScript = fileURLToPath(new URL('../tools/stack/src/cognito-page-shim-main.js', import.meta.url));

/** Which processes belong to which component, for the memory samples. */
const children = new Map<string, number>();
const memory = new ProcessMemory(() => [
  ...[...children].map(([name, pid]): ProcessRoots => ({ name, matches: (p) => p.pid === pid })),
  ...kafka.nodes.map((node): ProcessRoots => ({
    name: `kafka_${node.ports.nodeId}`,
    matches: (p) => p.cmdline.includes(node.properties),
  })),
  { name: 'keycloak', matches: (p) => p.cmdline.includes(join(stack.dir, 'keycloak', 'keycloak-')) },
  { name: 'postgres', matches: (p) => p.cmdline.includes(join(stack.dir, 'postgres')) },
  {
    name: 'cognito_local',
    matches: (p) =>
      (p.cmdline.includes(emulatorScript) && p.cwd === cognito.dir) ||
      (p.cmdline.includes(shimScript) && p.cmdline.includes(`--port ${stack.cognitoPort}`)),
  },
]);

interface StageResult {
  readonly name: string;
  readonly seconds: number;
  readonly deciles: StageDeciles | undefined;
  readonly stdout: string;
  /**
   * The machine's 1-minute load average in each tenth (mean of the readings in it): the machine
   * is shared, and a tenth that ran beside other work is slower for that alone.
   */
  readonly loadByTenth: readonly number[] | undefined;
}

/**
 * Runs `ledger <args>` as an operator would and reads `progress` once a second while it runs;
 * fails with its output when it exits with an error.
 */
async function stage(
  name: string,
  args: readonly string[],
  progress?: { read: () => Promise<number>; total: () => Promise<number> },
): Promise<StageResult> {
  log(`${name}: ledger ${args.join(' ')}`);
  const started = performance.now();
  const child = spawn(process.execPath, ['--enable-source-maps', 'dist/apps/cli/src/main.js', ...args], {
    cwd: projectRoot,
    env: commandEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.set(name, child.pid!);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const samples: ProgressSample[] = [];
  const loads: { seconds: number; load: number }[] = [];
  let done = false;
  void exited.then(() => (done = true));
  let lastLog = 0;
  while (!done && progress !== undefined) {
    const count = await progress.read().catch(() => 0);
    const seconds = (performance.now() - started) / 1000;
    samples.push({ seconds, done: count });
    loads.push({ seconds, load: loadavg()[0]! });
    if (seconds - lastLog >= 30) {
      lastLog = seconds;
      log(`${name}: ${count} after ${seconds.toFixed(0)} s`);
    }
    await Promise.race([exited, new Promise((r) => setTimeout(r, 1000))]);
  }
  const code = await exited;
  const seconds = (performance.now() - started) / 1000;
  await memory.sample();
  children.delete(name);
  if (code !== 0) throw new Error(`ledger ${args.join(' ')} exited with ${code}:\n${stdout}\n${stderr}`);
  let deciles: StageDeciles | undefined;
  if (progress !== undefined) {
    const total = await progress.total();
    samples.push({ seconds, done: total });
    deciles = progressDeciles(samples, total, users);
  }
  const loadByTenth = deciles?.at.map((end, k) => {
    const from = deciles.startupSeconds + (k === 0 ? 0 : deciles.at[k - 1]!);
    const inside = loads.filter((l) => l.seconds >= from && l.seconds <= deciles.startupSeconds + end);
    const readings =
      inside.length > 0 ? inside : loads.filter((l) => l.seconds <= deciles.startupSeconds + end).slice(-1);
    return readings.reduce((sum, l) => sum + l.load, 0) / Math.max(1, readings.length);
  });
  const result = { name, seconds, deciles, stdout, loadByTenth };
  log(describeStage(result, memory.peak(name)));
  return result;
}

/** Records in the user-events topic: the sum of its partitions' ends (nothing is ever deleted from it). */
async function userEventRecords(): Promise<number> {
  const origin = await ledger.origin([topics.userEvents]);
  return [...(origin.topics.get(topics.userEvents)?.ends.values() ?? [])].reduce((sum, end) => sum + Number(end), 0);
}

async function projectedRecords(client: pg.Client): Promise<number> {
  const result = await client.query<{ next: string | null }>(
    `select sum(next_offset)::text as next from ${client.escapeIdentifier(projectionSchema)}.projection_offset where topic = $1`,
    [topics.userEvents],
  );
  return Number(result.rows[0]?.next ?? 0);
}

interface ProbeResult {
  readonly fullPerSecond: number;
  readonly emptyPerSecond: number;
  readonly ratio: number;
}

/**
 * Keycloak's own partialImport, without the ledger: `probeUsers` new users in batches of
 * `probeBatch`, alternately into the realm holding the N imported users and into an empty realm
 * with the same settings (copyRealmSettings), so that both see the same load on the machine.
 */
async function keycloakProbe(): Promise<ProbeResult> {
  const token = adminToken;
  const timings = { full: 0, empty: 0 };
  for (let start = 0; start < probeUsers; start += probeBatch) {
    const bearer = await token();
    for (const [which, name] of [
      ['full', realm],
      ['empty', probeRealm],
    ] as const) {
      const batch = Array.from({ length: Math.min(probeBatch, probeUsers - start) }, (_, i) => {
        const n = start + i;
        return {
          username: `probe-${which}-${n}`,
          email: `probe-${which}-${n}@probe.example`,
          emailVerified: true,
          firstName: 'Probe',
          lastName: `User ${n}`,
          enabled: true,
          attributes: { cognito_sub: [randomUUID()], cognito_username: [`probe-${which}-${n}`] },
        };
      });
      const started = performance.now();
      const response = await fetch(`${keycloakUrl}/admin/realms/${name}/partialImport`, {
        method: 'POST',
        headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
        body: JSON.stringify({ ifResourceExists: 'SKIP', users: batch }),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`partialImport into ${name}: HTTP ${response.status} ${text.slice(0, 300)}`);
      timings[which] += performance.now() - started;
    }
  }
  const fullPerSecond = probeUsers / (timings.full / 1000);
  const emptyPerSecond = probeUsers / (timings.empty / 1000);
  return { fullPerSecond, emptyPerSecond, ratio: fullPerSecond / emptyPerSecond };
}

async function adminToken(): Promise<string> {
  return keycloakAdminToken(keycloakUrl, await keycloakAdminLogin(env));
}

async function adminCall(method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${keycloakUrl}/admin/realms${path}`, {
    method,
    headers: { authorization: `Bearer ${await adminToken()}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(600_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${text.slice(0, 300)}`);
  return text === '' ? undefined : (JSON.parse(text) as unknown);
}

/**
 * A realm with the settings and user profile `ledger import` gave `from`, without its users:
 * the probe then compares Keycloak on the same realm definition, empty and full.
 */
async function copyRealmSettings(from: string, to: string): Promise<void> {
  // Without the ids (and the default role, which is the realm's own): Keycloak gives the copy new ones.
  const settings = withoutIds(await adminCall('GET', `/${from}`)) as Record<string, unknown>;
  delete settings.defaultRole;
  await adminCall('POST', '', { ...settings, realm: to });
  await adminCall('PUT', `/${to}/users/profile`, await adminCall('GET', `/${from}/users/profile`));
}

function withoutIds(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutIds);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== 'id')
      .map(([key, inner]) => [key, withoutIds(inner)]),
  );
}

async function deleteRealm(name: string): Promise<void> {
  await adminCall('DELETE', `/${name}`);
}

const round = (n: number, digits = 0) => (Number.isFinite(n) ? Number(n.toFixed(digits)) : null);

function describeStage(result: StageResult, peak: ComponentPeak | undefined): string {
  const lines = [`${result.name}: ${result.seconds.toFixed(1)} s wall`];
  if (result.deciles !== undefined) {
    const { startupSeconds, perSecond } = result.deciles;
    lines.push(`  start-up before the first fact ${startupSeconds.toFixed(1)} s`);
    lines.push(`  users/s by tenth  ${perSecond.map((r) => String(round(r))).join('  ')}`);
    lines.push(
      `  last tenth / first tenth  ${round((perSecond[9]! / perSecond[0]!) * 100)} %  (${round(perSecond[0]!)} → ${round(perSecond[9]!)})`,
    );
  }
  if (result.loadByTenth !== undefined)
    lines.push(`  load average by tenth  ${result.loadByTenth.map((l) => l.toFixed(1)).join('  ')}`);
  if (peak !== undefined) lines.push(`  peak RSS ${peak.processMb} MB (process high-water mark)`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const wallStarted = performance.now();
  log(`bench:scale with ${users} users, run ${run}, stack in ${stack.dir}`);
  // Left over by a run that was killed: a fresh cluster and an empty emulator (cognito-local
  // would load the last run's pool at start, 250 MB at 200,000 users) for every run.
  await removeRunData();
  memory.start();
  const client = new pg.Client({ connectionString: databaseUrl });
  const results: StageResult[] = [];
  let probe: ProbeResult | undefined;
  try {
    const upStarted = performance.now();
    await localStack.up(log);
    const stackSeconds = (performance.now() - upStarted) / 1000;
    log(`stack up in ${stackSeconds.toFixed(1)} s`);
    await client.connect();
    results.push(await stage('seed', ['seed', '--users', String(users), '--pool-id', poolId, '--seed', '17']));
    results.push(await stage('export', ['export'], { read: userEventRecords, total: userEventRecords }));
    const exported = await userEventRecords();
    const imported = async () => (await userEventRecords()) - exported;
    results.push(await stage('import', ['import'], { read: imported, total: imported }));
    const records = await userEventRecords();
    results.push(
      await stage('project', ['project'], { read: () => projectedRecords(client), total: async () => records }),
    );
    const migrationSeconds = (performance.now() - wallStarted) / 1000 - stackSeconds;

    log(`Keycloak probe: ${probeRealm}, an empty copy of ${realm}'s settings and user profile`);
    await copyRealmSettings(realm, probeRealm);
    log(`Keycloak probe: ${probeUsers} users in batches of ${probeBatch} into each realm`);
    probe = await keycloakProbe();
    log(
      `Keycloak partialImport: ${round(probe.fullPerSecond)} users/s into the realm of ${users} users, ` +
        `${round(probe.emptyPerSecond)} users/s into an empty realm (ratio ${round(probe.ratio, 2)})`,
    );

    await memory.stop();
    const peaks: Record<string, number> = {};
    const ours = ['seed', 'export', 'import', 'project'];
    for (const name of [...ours, ...kafka.nodes.map((n) => `kafka_${n.ports.nodeId}`)]) {
      const peak = memory.peak(name);
      if (peak !== undefined) peaks[name] = peak.processMb;
    }
    for (const name of ['keycloak', 'postgres', 'cognito_local']) {
      const peak = memory.peak(name);
      if (peak !== undefined) {
        peaks[name] = peak.treeMb;
        log(`${name}: peak ${peak.treeMb} MB over ${peak.processes} processes (largest one ${peak.processMb} MB)`);
      }
    }
    const decile = (name: string, k: number) =>
      round(results.find((r) => r.name === name)?.deciles?.perSecond[k] ?? Number.NaN);
    const seconds = (name: string) => round(results.find((r) => r.name === name)?.seconds ?? Number.NaN, 1);
    const ratio = (name: string) => {
      const rates = results.find((r) => r.name === name)!.deciles!.perSecond;
      return rates[9]! / rates[0]!;
    };
    const result = {
      bench: 'scale',
      users,
      kafka_brokers: kafka.nodes.length,
      keycloak_db: 'postgres',
      stack_up_s: round(stackSeconds, 1),
      seed_s: seconds('seed'),
      export_s: seconds('export'),
      import_s: seconds('import'),
      project_s: seconds('project'),
      export_first_decile_per_s: decile('export', 0),
      export_last_decile_per_s: decile('export', 9),
      import_first_decile_per_s: decile('import', 0),
      import_last_decile_per_s: decile('import', 9),
      project_first_decile_per_s: decile('project', 0),
      project_last_decile_per_s: decile('project', 9),
      export_deciles_per_s: results.find((r) => r.name === 'export')!.deciles!.perSecond.map((r) => round(r)),
      import_deciles_per_s: results.find((r) => r.name === 'import')!.deciles!.perSecond.map((r) => round(r)),
      project_deciles_per_s: results.find((r) => r.name === 'project')!.deciles!.perSecond.map((r) => round(r)),
      load_first_last_decile: Object.fromEntries(
        ['export', 'import', 'project'].map((name) => {
          const loads = results.find((r) => r.name === name)!.loadByTenth!;
          return [name, [round(loads[0]!, 1), round(loads[9]!, 1)]];
        }),
      ),
      keycloak_probe_users: probeUsers,
      keycloak_full_realm_per_s: round(probe.fullPerSecond),
      keycloak_empty_realm_per_s: round(probe.emptyPerSecond),
      keycloak_full_vs_empty: round(probe.ratio, 2),
      end_to_end_s: round(migrationSeconds, 1),
      peak_rss_mb: peaks,
      goal_last_decile_80pct: ['export', 'import', 'project'].every((name) => ratio(name) >= 0.8),
      goal_ours_under_1gb: ours.every((name) => (peaks[name] ?? 0) <= 1024),
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await memory.stop();
    await client.end().catch(() => undefined);
    await teardown();
  }
}

/** Stops what the bench started and drops what it wrote; the Keycloak and Kafka downloads stay for the next run. */
async function teardown(): Promise<void> {
  for (const child of children.values()) {
    try {
      process.kill(child, 'SIGTERM');
    } catch {
      // Already gone.
    }
  }
  log('dropping the realms, stopping the stack');
  for (const name of [realm, probeRealm]) await deleteRealm(name).catch(() => undefined);
  await dropSchema().catch(() => undefined);
  await localStack.down();
  await removeRunData();
}

async function removeRunData(): Promise<void> {
  await rm(join(stack.dir, 'kafka', 'cluster-3'), { recursive: true, force: true });
  await rm(join(cognito.dir, '.cognito', 'db', `${poolId}.json`), { force: true });
}

async function dropSchema(): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`drop schema if exists ${client.escapeIdentifier(projectionSchema)} cascade`);
  } finally {
    await client.end();
  }
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping what the bench started`);
    void teardown().finally(() => process.exit(130));
  });
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench:scale failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
