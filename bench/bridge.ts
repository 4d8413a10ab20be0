/**
 * bench:bridge — logins/s and latency of password checks through the bridge (HTTP, projection
 * lookup in PostgreSQL, limits, AdminInitiateAuth through the AWS SDK, PasswordMigrated to Kafka)
 * against the same AdminInitiateAuth sent straight to the same Cognito endpoint, in the same run:
 * throughput with autocannon (closed loop), latency with loadtest at an even 100/s (open loop).
 * Every login is a different user with the right password, so each one reaches Cognito and is
 * migrated once. Then brute force against one user with the default limits.
 *
 * The Cognito endpoint is FakeCognito (AWS's JSON protocol and documented answers) in a process of
 * its own: cognito-local rewrites its whole pool file on every successful AdminInitiateAuth and
 * manages a few logins per second, so it would measure itself, not the bridge. The bridge runs as
 * `ledger bridge` in a process of its own, as deployed; the load tools run here.
 */
import './local-profile.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { loadTest } from 'loadtest';
import pg from 'pg';
import { databaseConfig, type Env } from '#config';
import { localStack, projectRoot } from '#stack';
import { createBridgeLedger, projectExportedUsers, type ExportedUser } from '../test/support/exported-users.js';

const logins = Number(process.env.BENCH_USERS ?? 10_000);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 16);
const bruteForceAttempts = 1000;
/** Logins per second for the latency run: the bridge's default Cognito pace, below AWS's 120/s quota. */
const pacedRate = Number(process.env.BENCH_PACED_RATE ?? 100);
const pacedLogins = pacedRate * 20;
const run = randomUUID().slice(0, 8);
const schema = `bench_bridge_${run}`;
const sharedSecret = randomBytes(24).toString('base64url');
// The bridge signs every call with SECRET_HASH, as with an app client that has a secret; the fake checks no signature.
const clientSecret = randomBytes(24).toString('base64url');
const password = `Bench-${randomBytes(9).toString('base64url')}!1`;
const poolId = 'us-east-1_BenchBridge';
const clientId = 'benchclient';
const dir = join(projectRoot, '.stack', 'bench-bridge');

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

interface Load {
  readonly loginsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly statuses: Record<string, number>;
}

/** Closed loop with autocannon, one request body per login taken in turn: the throughput. */
async function load(url: string, headers: Record<string, string>, bodies: readonly string[]): Promise<Load> {
  let next = 0;
  const result = await autocannon({
    url,
    connections,
    amount: bodies.length,
    timeout: 20,
    requests: [{ method: 'POST', headers, setupRequest: (request) => ({ ...request, body: bodies[next++]! }) }],
  });
  const statuses: Record<string, number> = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([code, stat]) => [code, stat.count ?? 0]),
  );
  if (result.errors > 0) statuses.errors = result.errors;
  return {
    loginsPerSecond: Math.round(result.requests.total / result.duration),
    p50: result.latency.p50,
    p99: result.latency.p99,
    statuses,
  };
}

/**
 * Open loop at a fixed rate with evenly spaced arrivals (loadtest's requestsPerSecond), for the
 * latency a login sees: autocannon's rate limit sends each second's requests in one burst at the
 * start of the second, so its latencies at "100/s" are those of bursts of `connections` logins.
 */
async function paced(
  url: string,
  headers: Record<string, string>,
  contentType: string,
  bodies: readonly string[],
  rate: number,
): Promise<Load> {
  let next = 0;
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const started = performance.now();
  await new Promise<void>((resolve, reject) =>
    loadTest(
      {
        url,
        method: 'POST',
        headers,
        contentType,
        body: (() => bodies[next++]!) as unknown as string,
        requestsPerSecond: rate,
        maxRequests: bodies.length,
        agentKeepAlive: true,
        timeout: 20_000,
        quiet: true,
        statusCallback: (error: Error | null, result: { statusCode?: number; requestElapsed?: number } | undefined) => {
          const status = String(result?.statusCode ?? 'errors');
          statuses[status] = (statuses[status] ?? 0) + 1;
          if (!error && result?.requestElapsed !== undefined) latencies.push(result.requestElapsed);
        },
      },
      (error: unknown) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve()),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    Number(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!.toFixed(2));
  return { loginsPerSecond: Math.round(bodies.length / seconds), p50: at(0.5), p99: at(0.99), statuses };
}

/** Starts a node script and waits for a stdout line matching `ready`; all its output goes on into `logFile`. */
async function startProcess(
  args: string[],
  env: Env,
  ready: RegExp,
  logFile: string,
): Promise<{ child: ChildProcess; match: RegExpMatchArray }> {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = createWriteStream(logFile, { flags: 'a' });
  child.stderr!.pipe(out, { end: false });
  child.stdout!.pipe(out, { end: false });
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString('utf8');
      const match = new RegExp(ready.source, 'm').exec(seen);
      if (!match) return;
      child.stdout!.off('data', onData);
      resolve({ child, match });
    };
    child.stdout!.on('data', onData);
    child.once('exit', () => reject(new Error(`${args.join(' ')} ended before it was ready (log: ${logFile})`)));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const ended = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await ended;
}

async function main(): Promise<void> {
  log('bringing the stack up (Kafka, PostgreSQL)');
  await localStack(process.env).up(log);
  await mkdir(dir, { recursive: true });

  const users: ExportedUser[] = Array.from({ length: logins + pacedLogins + 1 }, (_, i) => ({
    sub: randomUUID(),
    username: `bench-user-${i}`,
    email: `bench-user-${i}@example.org`,
  }));
  log(`projecting ${users.length} exported users into ${schema}`);
  await projectExportedUsers(
    { ...process.env, PROJECTION_SCHEMA: schema },
    `bench-bridge-${run}-export`,
    poolId,
    users,
  );
  const db = new pg.Client({ connectionString: databaseConfig(process.env).url });
  await db.connect();
  const victim = users.pop()!;
  const pacedUsers = users.splice(logins, pacedLogins);

  const fake = await startProcess(
    ['--enable-source-maps', 'dist/test/support/fake-cognito-main.js'],
    { ...process.env, FAKE_COGNITO_PASSWORD: password },
    /^(http:\S+)$/,
    join(dir, 'fake-cognito.log'),
  );
  const endpoint = fake.match[1]!;
  const bridgeEnv = (limits: Env): Env => ({
    ...process.env,
    ...limits,
    COGNITO_ENDPOINT: endpoint,
    COGNITO_USER_POOL_ID: poolId,
    COGNITO_CLIENT_ID: clientId,
    COGNITO_CLIENT_SECRET: clientSecret,
    BRIDGE_SHARED_SECRET: sharedSecret,
    BRIDGE_PORT: '0',
    PROJECTION_SCHEMA: schema,
    KAFKA_TOPIC_PREFIX: `bench-bridge-${run}`,
    KEYCLOAK_REALM: 'bench',
    LOG_LEVEL: 'info',
  });
  const startBridge = (limits: Env) =>
    startProcess(
      ['--enable-source-maps', 'dist/apps/cli/src/main.js', 'bridge'],
      bridgeEnv(limits),
      /^bridge listening on (http:\S+)/,
      join(dir, 'bridge.log'),
    );
  await createBridgeLedger(bridgeEnv({}));
  log(`${logins} users log in once each, ${connections} connections`);

  const directBody = (u: ExportedUser) =>
    JSON.stringify({
      UserPoolId: poolId,
      ClientId: clientId,
      AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: u.username, PASSWORD: password },
    });
  const cognitoHeaders = {
    'content-type': 'application/x-amz-json-1.1',
    'x-amz-target': 'AWSCognitoIdentityProviderService.AdminInitiateAuth',
  };
  const direct = await load(endpoint, cognitoHeaders, users.map(directBody));
  const { 'content-type': cognitoType, ...cognitoRest } = cognitoHeaders;
  const directPaced = await paced(endpoint, cognitoRest, cognitoType, pacedUsers.map(directBody), pacedRate);
  log(`direct at ${pacedRate}/s: ${JSON.stringify(directPaced)}`);
  log(`direct: ${JSON.stringify(direct)}`);

  // Limits out of the way for throughput: every login comes from the load tool's one address.
  let bridge = await startBridge({
    BRIDGE_ATTEMPTS_PER_IP_PER_MINUTE: '100000000',
    BRIDGE_COGNITO_RPS: '100000',
  });
  const url = `${bridge.match[1]}/v1/verify`;
  const auth = { 'content-type': 'application/json', authorization: `Bearer ${sharedSecret}` };
  const through = await load(
    url,
    auth,
    users.map((u) => JSON.stringify({ login: u.username, password, ip: '198.51.100.7' })),
  );
  log(`bridge: ${JSON.stringify(through)}`);
  const throughPaced = await paced(
    url,
    { authorization: auth.authorization },
    'application/json',
    pacedUsers.map((u) => JSON.stringify({ login: u.username, password, ip: '198.51.100.7' })),
    pacedRate,
  );
  log(`bridge at ${pacedRate}/s: ${JSON.stringify(throughPaced)}`);
  await stop(bridge.child);

  // Brute force with the default limits: one user, wrong passwords, from one address and from many.
  const guesses = Array.from({ length: bruteForceAttempts }, (_, i) => `Guess-${i}-${randomBytes(4).toString('hex')}!`);
  bridge = await startBridge({});
  const oneIp = await load(
    `${bridge.match[1]}/v1/verify`,
    auth,
    guesses.map((guess) => JSON.stringify({ login: victim.username, password: guess, ip: '203.0.113.66' })),
  );
  log(`brute force, one IP: ${JSON.stringify(oneIp.statuses)}`);
  await stop(bridge.child);
  bridge = await startBridge({});
  const manyIps = await load(
    `${bridge.match[1]}/v1/verify`,
    auth,
    guesses.map((guess, i) =>
      JSON.stringify({ login: victim.username, password: guess, ip: `10.0.${i >> 8}.${i & 255}` }),
    ),
  );
  log(`brute force, ${bruteForceAttempts} IPs: ${JSON.stringify(manyIps.statuses)}`);
  await stop(bridge.child);
  await stop(fake.child);
  await db.query(`DROP SCHEMA "${schema}" CASCADE`);
  await db.end();

  // A guess that reached Cognito came back 401 (wrong password); one refused before Cognito, 429.
  const reachedCognito = (statuses: Record<string, number>) => statuses['401'] ?? 0;
  process.stdout.write(
    `${JSON.stringify({
      bench: 'bridge',
      logins,
      connections,
      direct_logins_per_s: direct.loginsPerSecond,
      direct_p50_ms: direct.p50,
      direct_p99_ms: direct.p99,
      bridge_logins_per_s: through.loginsPerSecond,
      bridge_p50_ms: through.p50,
      bridge_p99_ms: through.p99,
      added_p50_ms: through.p50 - direct.p50,
      added_p99_ms: through.p99 - direct.p99,
      paced_rate_per_s: pacedRate,
      paced_logins: pacedLogins,
      paced_direct_p50_ms: directPaced.p50,
      paced_direct_p99_ms: directPaced.p99,
      paced_bridge_p50_ms: throughPaced.p50,
      paced_bridge_p99_ms: throughPaced.p99,
      paced_added_p50_ms: throughPaced.p50 - directPaced.p50,
      paced_added_p99_ms: throughPaced.p99 - directPaced.p99,
      paced_bridge_statuses: throughPaced.statuses,
      direct_statuses: direct.statuses,
      bridge_statuses: through.statuses,
      brute_force_attempts: bruteForceAttempts,
      brute_force_one_ip_reached_cognito: reachedCognito(oneIp.statuses),
      brute_force_one_ip_statuses: oneIp.statuses,
      brute_force_many_ips_reached_cognito: reachedCognito(manyIps.statuses),
      brute_force_many_ips_statuses: manyIps.statuses,
    })}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench:bridge failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
