/**
 * bench:login — first sign-ins per second through Keycloak's real login page for users imported
 * from Cognito (the password checked through the bridge and stored by the provider: JIT), against
 * the same users' second sign-in (Keycloak's own password check), in the same run, with the same
 * HTTP-level client (signInThroughLoginPage: authorization request with PKCE, form POST, code
 * exchange), and where the time of the form POST goes.
 *
 * The pool is seeded in cognito-local, exported, imported and projected as in production. The
 * bridge checks passwords against FakeCognito by default (BENCH_COGNITO=fake): cognito-local
 * rewrites its whole pool file on every successful AdminInitiateAuth and manages a few logins per
 * second (bench:bridge), so it would measure itself; BENCH_COGNITO=local uses it anyway.
 */
import './local-profile.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { DeleteUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import pMap from 'p-map';
import pg from 'pg';
import { pino } from 'pino';
import { cognitoConfig, databaseConfig, kafkaConfig, keycloakConfig, loadConfig, type Env } from '#config';
import { CognitoPoolReader, createCognitoClient } from '#cognito';
import { bridgeSections, startBridge } from '#bridge';
import { PoolExport } from '#exporter';
import {
  ensurePasswordMigrationStorage,
  ensureSignInClient,
  KeycloakRealm,
  signInThroughLoginPage,
  type LoginPageOutcome,
} from '#keycloak';
import { decodeRecord, Ledger } from '#ledger';
import { projectorSections, projectUntilCaughtUp } from '#projector';
import { CognitoComponent, keycloakAdminLogin, localConfig, localStack } from '#stack';
import { createBridgePool, createPoolUser, importFromLedger } from '#test-support';

const users = Number(process.env.BENCH_USERS ?? 300);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 4);
/** Native users signed in before measuring, so that neither round pays for the JVM's warm-up. */
const warmup = Number(process.env.BENCH_WARMUP ?? 40);
const cognitoMode = process.env.BENCH_COGNITO === 'local' ? 'local' : 'fake';
const run = randomUUID().slice(0, 8);
const schema = `bench_login_${run}`;
/** One password for every user: FakeCognito accepts one; never printed or logged. */
const password = `Bench-${randomBytes(9).toString('base64url')}!1`;
const clientId = 'bench-login';
/** Never fetched: the client stops at the redirect URI and exchanges the code itself. */
const redirectUri = 'http://127.0.0.1:9/callback';

const env: Env = {
  ...process.env,
  KEYCLOAK_REALM: `bench-login-${run}`,
  KAFKA_TOPIC_PREFIX: `bench-login-${run}`,
  PROJECTION_SCHEMA: schema,
  COGNITO_ENDPOINT: new CognitoComponent(process.env).endpoint,
};

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return Number(sorted[Math.floor(sorted.length / 2)]!.toFixed(1));
}

async function seedPool(): Promise<{ poolId: string; appClientId: string; usernames: string[] }> {
  const cognito = createCognitoClient({ ...cognitoConfig(env), maxAttempts: 1 }, { paced: false });
  const { poolId, clientId: appClientId } = await createBridgePool(cognito, `bench-login-${run}`);
  const usernames = Array.from({ length: users }, (_, i) => `bench.${i}`);
  await pMap(usernames, (username) => createPoolUser(cognito, poolId, { username, password, tag: run }), {
    concurrency: 4,
  });
  return { poolId, appClientId, usernames };
}

async function exportImportProject(poolId: string): Promise<void> {
  const cognito = createCognitoClient({ ...cognitoConfig(env), maxAttempts: 3 }, { paced: false });
  await new PoolExport(new Ledger({ kafka: kafkaConfig(env) }), new CognitoPoolReader(cognito, poolId), cognito).run({
    totpLookup: false,
  });
  await importFromLedger(env, `bench-login-import-${run}`);
  await projectUntilCaughtUp(
    loadConfig({ ...env, PROJECTOR_GROUP_ID: `bench-login-project-${run}` }, projectorSections),
  );
}

/** FakeCognito in a process of its own (as bench:bridge runs it), accepting the run's one password. */
async function startFakeCognito(): Promise<{ endpoint: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--enable-source-maps', 'dist/test/support/fake-cognito-main.js'], {
    env: { ...process.env, FAKE_COGNITO_PASSWORD: password },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const endpoint = await new Promise<string>((resolve, reject) => {
    let seen = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString('utf8');
      const match = /^(http:\S+)$/m.exec(seen);
      if (match) resolve(match[1]!);
    });
    child.once('exit', () => reject(new Error('FakeCognito ended before it was ready')));
  });
  return { endpoint, child };
}

interface Round {
  readonly seconds: number;
  readonly outcomes: Record<string, number>;
  readonly signedIn: number;
  readonly formPostMs: number[];
  readonly authorizationMs: number[];
  readonly codeExchangeMs: number[];
  readonly withCognitoSub: number;
}

async function signInRound(keycloakUrl: string, realmName: string, usernames: readonly string[]): Promise<Round> {
  const outcomes: Record<string, number> = {};
  const formPostMs: number[] = [];
  const authorizationMs: number[] = [];
  const codeExchangeMs: number[] = [];
  let withCognitoSub = 0;
  const started = performance.now();
  await pMap(
    usernames,
    async (username) => {
      let outcome: LoginPageOutcome;
      try {
        outcome = await signInThroughLoginPage({
          keycloakUrl,
          realm: realmName,
          clientId,
          redirectUri,
          username,
          password,
        });
      } catch {
        outcomes.transport = (outcomes.transport ?? 0) + 1;
        return;
      }
      const key = outcome.kind === 'required-action' ? `required-action:${outcome.action}` : outcome.kind;
      outcomes[key] = (outcomes[key] ?? 0) + 1;
      if (outcome.kind !== 'signed-in') return;
      if (typeof outcome.claims.cognito_sub === 'string') withCognitoSub++;
      authorizationMs.push(outcome.timings.authorizationMs);
      formPostMs.push(outcome.timings.formPostMs!);
      codeExchangeMs.push(outcome.timings.codeExchangeMs!);
    },
    { concurrency },
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    seconds,
    outcomes,
    signedIn: outcomes['signed-in'] ?? 0,
    formPostMs,
    authorizationMs,
    codeExchangeMs,
    withCognitoSub,
  };
}

async function passwordMigratedFacts(): Promise<number> {
  const subs = new Set<string>();
  const ledger = new Ledger({ kafka: kafkaConfig(env) });
  await ledger.scan([ledger.topics.userEvents], (record) => {
    const event = decodeRecord(record);
    if (event.type === 'PasswordMigrated') subs.add(event.subject);
  });
  return subs.size;
}

async function main(): Promise<void> {
  log('bringing the stack up (Kafka, PostgreSQL, cognito-local, Keycloak)');
  await localStack(process.env).up(log);
  const seeding = performance.now();
  const { poolId, appClientId, usernames } = await seedPool();
  log(`seeded ${users} users in cognito-local in ${((performance.now() - seeding) / 1000).toFixed(1)} s`);
  const pipeline = performance.now();
  await exportImportProject(poolId);
  log(`exported, imported and projected in ${((performance.now() - pipeline) / 1000).toFixed(1)} s`);

  const fake = cognitoMode === 'fake' ? await startFakeCognito() : null;
  const bridgeLines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean))
        bridgeLines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const bridge = await startBridge(
    await localConfig(
      {
        ...env,
        ...(fake ? { COGNITO_ENDPOINT: fake.endpoint } : {}),
        COGNITO_USER_POOL_ID: poolId,
        COGNITO_CLIENT_ID: appClientId,
        BRIDGE_SHARED_SECRET: randomBytes(24).toString('base64url'),
        BRIDGE_PORT: '0',
        // Every sign-in comes from this machine.
        BRIDGE_ATTEMPTS_PER_IP_PER_MINUTE: '100000000',
      },
      bridgeSections,
    ),
    { logger: pino({ level: 'info' }, sink) },
  );
  const keycloak = keycloakConfig(env);
  const realm = new KeycloakRealm(keycloak, await keycloakAdminLogin(env));
  const db = new pg.Client({ connectionString: databaseConfig(env).url });
  try {
    await ensurePasswordMigrationStorage(realm, {
      verifyUrl: `${bridge.url}/v1/verify`,
      sharedSecret: bridge.config.sharedSecret,
    });
    await ensureSignInClient(realm, { clientId, redirectUris: [redirectUri] });

    const warmupUsers = Array.from({ length: warmup }, (_, i) => `warmup.${i}`);
    await pMap(
      warmupUsers,
      (username) =>
        realm.call('warm-up user', (c) =>
          c.users.create({
            username,
            enabled: true,
            email: `${username}.${run}@example.org`,
            emailVerified: true,
            firstName: 'Warm',
            lastName: 'Up',
            credentials: [{ type: 'password', value: password, temporary: false }],
          }),
        ),
      { concurrency },
    );
    const warm = await signInRound(keycloak.url, realm.name, warmupUsers);
    log(`warm-up: ${JSON.stringify(warm.outcomes)} in ${warm.seconds.toFixed(1)} s`);
    const linesAtStart = bridgeLines.length;

    log(`first sign-ins (JIT through the bridge, Cognito: ${cognitoMode}), ${concurrency} at a time`);
    const first = await signInRound(keycloak.url, realm.name, usernames);
    log(`first: ${JSON.stringify(first.outcomes)} in ${first.seconds.toFixed(1)} s`);
    await bridge.bridge.settled(10_000);
    const verifyLines = bridgeLines.slice(linesAtStart).filter((line) => line.msg === 'password verify');
    const linesBefore = bridgeLines.length;

    log('second sign-ins (Keycloak holds the passwords)');
    const second = await signInRound(keycloak.url, realm.name, usernames);
    log(`second: ${JSON.stringify(second.outcomes)} in ${second.seconds.toFixed(1)} s`);
    const secondRoundBridgeCalls = bridgeLines
      .slice(linesBefore)
      .filter((line) => line.msg === 'password verify' || line.msg === 'password store confirmation').length;

    const bridgeVerifyMs = median(verifyLines.map((line) => Number(line.ms)).filter(Number.isFinite));
    const cognitoMs = median(verifyLines.map((line) => Number(line.cognitoMs)).filter(Number.isFinite));
    const firstPost = median(first.formPostMs);
    const secondPost = median(second.formPostMs);
    const migrated = await passwordMigratedFacts();
    process.stdout.write(
      `${JSON.stringify({
        bench: 'login',
        users,
        concurrency,
        warmup_native_logins: warmup,
        cognito: cognitoMode === 'fake' ? 'FakeCognito (bridge), cognito-local (seed, export)' : 'cognito-local',
        attempted: usernames.length,
        migrated,
        jit_logins_per_s: Number((first.signedIn / first.seconds).toFixed(1)),
        native_logins_per_s: Number((second.signedIn / second.seconds).toFixed(1)),
        second_login_bridge_calls: secondRoundBridgeCalls,
        first_outcomes: first.outcomes,
        second_outcomes: second.outcomes,
        cognito_sub_claims: { first: first.withCognitoSub, second: second.withCognitoSub },
        median_ms: {
          auth_get: { first: median(first.authorizationMs), second: median(second.authorizationMs) },
          form_post: { first: firstPost, second: secondPost },
          code_exchange: { first: median(first.codeExchangeMs), second: median(second.codeExchangeMs) },
          bridge_verify: bridgeVerifyMs,
          bridge_cognito: cognitoMs,
          // First POST = Keycloak's flow + the bridge + hashing and storing the password;
          // second POST = Keycloak's flow + verifying against the stored hash.
          store_beyond_verify:
            firstPost !== null && secondPost !== null && bridgeVerifyMs !== null
              ? Number((firstPost - secondPost - bridgeVerifyMs).toFixed(1))
              : null,
        },
      })}\n`,
    );
  } finally {
    await bridge.close();
    fake?.child.kill('SIGTERM');
    await realm.call('realm deletion', (c) => c.realms.del({ realm: realm.name })).catch(() => undefined);
    const cognito = createCognitoClient({ ...cognitoConfig(env), maxAttempts: 1 }, { paced: false });
    await cognito.client.send(new DeleteUserPoolCommand({ UserPoolId: poolId })).catch(() => undefined);
    await db.connect();
    await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await db.end();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench:login failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
