import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DeleteUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { NestFactory } from '@nestjs/core';
import pg from 'pg';
import { pino } from 'pino';
import { cognitoConfig, databaseConfig, importerConfig, kafkaConfig, keycloakConfig, type Env } from '#config';
import { CognitoPoolReader, createCognitoClient, type MeteredCognitoClient } from '#cognito';
import type { LedgerEvent } from '#events';
import { PoolExport } from '#exporter';
import { ImporterModule, ImportRun } from '#importer';
import { KeycloakRealm } from '#keycloak';
import { decodeRecord, Ledger } from '#ledger';
import { projectUntilCaughtUp } from '#projector';
import { CognitoComponent, keycloakAdminLogin, KeycloakServer, projectRoot } from '#stack';
import { startBridge, type RunningBridge } from './bridge-runtime.js';
import { runDemoLoginWave } from './demo-login-wave.js';
import { ensureDirectGrantClient, installJitDirectGrantFlow } from './keycloak-jit-flow.js';
import { passwordGrant, type PasswordGrant } from './keycloak-password-grant.js';

/*
 * End to end on the real pieces: a pool in cognito-local, exported into Kafka and imported into
 * a real Keycloak (its own instance, started by the stack's own KeycloakServer with the JIT
 * provider built and deployed, on ports of its own so the shared dev Keycloak keeps running),
 * the bridge in front of cognito-local, users logging in with the password grant.
 */

const run = randomUUID().slice(0, 8);
const schema = `bridge_e2e_${run}`;
const sharedSecret = randomBytes(24).toString('base64url');
const pw = () => `Cg-${randomBytes(9).toString('base64url')}!9a`;
const people = { alice: pw(), bob: pw(), carol: pw() };
const wrongPassword = pw();

const env: Env = {
  ...process.env,
  STACK_DIR: join(projectRoot, '.stack', 'bridge-e2e'),
  KEYCLOAK_PORT: process.env.BRIDGE_E2E_KEYCLOAK_PORT ?? '18280',
  KEYCLOAK_MANAGEMENT_PORT: process.env.BRIDGE_E2E_KEYCLOAK_MANAGEMENT_PORT ?? '18281',
  KEYCLOAK_REALM: `test-jit-${run}`,
  KAFKA_TOPIC_PREFIX: `test-jit-${run}`,
  COGNITO_ENDPOINT: new CognitoComponent(process.env).endpoint,
  PROJECTION_SCHEMA: schema,
  BRIDGE_SHARED_SECRET: sharedSecret,
  BRIDGE_PORT: '0',
};
const keycloak = new KeycloakServer(env);
const logLines: string[] = [];
const db = new pg.Client({ connectionString: databaseConfig(env).url });
let cognito: MeteredCognitoClient;
let poolId: string;
let clientId: string;
let realm: KeycloakRealm;
let bridge: RunningBridge | undefined;
let target: PasswordGrant;
let keycloakWasUp = false;

async function facts(): Promise<LedgerEvent[]> {
  const ledger = new Ledger({ kafka: kafkaConfig(env) });
  const events: LedgerEvent[] = [];
  await ledger.scan([ledger.topics.userEvents], (record) => void events.push(decodeRecord(record)));
  return events;
}

async function seedCognito(): Promise<void> {
  cognito = createCognitoClient({ ...cognitoConfig(env), maxAttempts: 1 }, { paced: false });
  const pool = await cognito.client.send(new CreateUserPoolCommand({ PoolName: `jit-${run}` }));
  poolId = pool.UserPool!.Id!;
  const client = await cognito.client.send(
    new CreateUserPoolClientCommand({
      UserPoolId: poolId,
      ClientName: 'migration-bridge',
      ExplicitAuthFlows: ['ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    }),
  );
  clientId = client.UserPoolClient!.ClientId!;
  for (const [username, password] of Object.entries(people)) {
    await cognito.client.send(
      new AdminCreateUserCommand({
        UserPoolId: poolId,
        Username: username,
        MessageAction: 'SUPPRESS',
        UserAttributes: [
          { Name: 'email', Value: `${username}.${run}@example.org` },
          { Name: 'email_verified', Value: 'true' },
          // Keycloak's default user profile requires both names; without them it asks for them
          // first ("Account is not fully set up"), which a password grant cannot answer.
          { Name: 'given_name', Value: username[0]!.toUpperCase() + username.slice(1) },
          { Name: 'family_name', Value: 'Example' },
        ],
      }),
    );
    await cognito.client.send(
      new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: username, Password: password, Permanent: true }),
    );
  }
}

async function exportAndImport(): Promise<void> {
  const ledger = new Ledger({ kafka: kafkaConfig(env) });
  await new PoolExport(ledger, new CognitoPoolReader(cognito, poolId), cognito).run({ totpLookup: false });
  const admin = await keycloakAdminLogin(env);
  const settings = { kafka: kafkaConfig(env), keycloak: keycloakConfig(env), importer: importerConfig(env), admin };
  const app = await NestFactory.createApplicationContext(ImporterModule.register(settings), { logger: false });
  try {
    await app.get(ImportRun).run({ groupId: `test-jit-import-${run}`, follow: false, identityProviders: [] });
  } finally {
    await app.close();
  }
}

async function userId(username: string): Promise<string> {
  const [user] = await realm.call('user', (c) => c.users.find({ username, exact: true }));
  return user!.id!;
}

async function hasPassword(username: string): Promise<boolean> {
  const id = await userId(username);
  const credentials = await realm.call('credentials', (c) => c.users.getCredentials({ id }));
  return credentials.some((credential) => credential.type === 'password');
}

describe('JIT password migration through real Keycloak, the bridge and cognito-local', () => {
  before(async () => {
    keycloakWasUp = (await keycloak.status()).state === 'up';
    await keycloak.up((line) => process.stderr.write(`[bridge-e2e keycloak] ${line}\n`));
    await db.connect();
    await seedCognito();
    await exportAndImport();
    await projectUntilCaughtUp({ ...env, PROJECTOR_GROUP_ID: `test-jit-project-${run}` });

    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    bridge = await startBridge(
      { ...env, COGNITO_USER_POOL_ID: poolId, COGNITO_CLIENT_ID: clientId, BRIDGE_COGNITO_MAX_ATTEMPTS: '1' },
      { logger: pino({ level: 'debug' }, sink) },
    );
    realm = new KeycloakRealm(keycloakConfig(env), await keycloakAdminLogin(env));
    await installJitDirectGrantFlow(realm, { verifyUrl: `${bridge.url}/v1/verify`, sharedSecret });
    await ensureDirectGrantClient(realm, 'app');
    target = { keycloakUrl: keycloakConfig(env).url, realm: realm.name, clientId: 'app' };
  });

  after(async () => {
    await bridge?.close();
    await realm?.call('realm deletion', (c) => c.realms.del({ realm: realm.name })).catch(() => undefined);
    if (poolId) await cognito.client.send(new DeleteUserPoolCommand({ UserPoolId: poolId })).catch(() => undefined);
    await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await db.end();
    if (!keycloakWasUp) await keycloak.down();
  });

  it('imported users have no password in Keycloak yet', async () => {
    assert.equal(await hasPassword('alice'), false);
    assert.equal(await hasPassword('bob'), false);
  });

  it('a user logs in with the Cognito password and gets tokens; Keycloak now holds the password', async () => {
    const result = await passwordGrant(target, 'alice', people.alice);
    assert.equal(result.kind, 'tokens');
    assert.equal(await hasPassword('alice'), true);
  });

  it('records PasswordMigrated (via jit) in the ledger', async () => {
    const alice = (await facts()).find((e) => e.type === 'UserExported' && e.data.username === 'alice')!;
    const migrated = (await facts()).filter((e) => e.type === 'PasswordMigrated' && e.subject === alice.subject);
    assert.equal(migrated.length, 1);
    assert.deepEqual(migrated[0]!.data, {
      sub: alice.subject,
      target: { kind: 'keycloak', realm: realm.name },
      via: 'jit',
    });
  });

  it('a wrong password fails, stores nothing and records no success', async () => {
    const result = await passwordGrant(target, 'bob', wrongPassword);
    assert.equal(result.kind, 'invalid-credentials');
    assert.equal(await hasPassword('bob'), false);
    const bob = (await facts()).find((e) => e.type === 'UserExported' && e.data.username === 'bob')!;
    assert.ok(!(await facts()).some((e) => e.type === 'PasswordMigrated' && e.subject === bob.subject));
  });

  it('with the bridge stopped, the migrated user still logs in; a pending one is told to retry, not that the password is wrong', async () => {
    await bridge!.close();
    bridge = undefined;
    assert.equal((await passwordGrant(target, 'alice', people.alice)).kind, 'tokens');
    assert.equal((await passwordGrant(target, 'alice', wrongPassword)).kind, 'invalid-credentials');
    assert.equal((await passwordGrant(target, 'carol', people.carol)).kind, 'unavailable');
    assert.equal(await hasPassword('carol'), false);
  });

  it('the demo login wave migrates the users who give their Cognito password and counts the others', async () => {
    const counts = await runDemoLoginWave(
      { ...env, COGNITO_USER_POOL_ID: poolId, COGNITO_CLIENT_ID: clientId, BRIDGE_SHARED_SECRET: undefined },
      [
        { username: 'carol', password: people.carol },
        { username: 'bob', password: wrongPassword },
      ],
      { clientId: 'app' },
    );
    assert.equal(counts.tokens, 1);
    assert.equal(counts['invalid-credentials'], 1);
    assert.equal(await hasPassword('carol'), true);
  });

  it('no password used in this run is in any topic, log line (bridge and Keycloak) or table of the run', async () => {
    const secrets = [...Object.values(people), wrongPassword];
    const ledger = new Ledger({ kafka: kafkaConfig(env) });
    await ledger.scan([ledger.topics.userEvents, ledger.topics.controlEvents, ledger.topics.deadLetter], (record) => {
      const text = `${record.key?.toString('utf8') ?? ''} ${record.value?.toString('utf8') ?? ''} ${JSON.stringify(record.headers)}`;
      for (const secret of secrets) assert.ok(!text.includes(secret), `password in ${record.topic}@${record.offset}`);
    });
    const keycloakLog = await readFile(join(env.STACK_DIR!, 'keycloak', 'keycloak.log'), 'utf8');
    assert.ok(logLines.length > 0);
    for (const secret of secrets) {
      assert.ok(!keycloakLog.includes(secret), 'password in the Keycloak log');
      for (const line of logLines) assert.ok(!line.includes(secret), 'password in a bridge log line');
    }
    const rows = await db.query(`SELECT * FROM "${schema}".migration_user`);
    for (const secret of secrets) assert.ok(!JSON.stringify(rows.rows).includes(secret), 'password in the projection');
  });
});
