import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { DeleteUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import pg from 'pg';
import { cognitoConfig, databaseConfig, kafkaConfig, keycloakConfig, loadConfig, stackConfig, type Env } from '#config';
import { CognitoPoolReader, createCognitoClient, type MeteredCognitoClient } from '#cognito';
import { PoolExport } from '#exporter';
import { ensureDirectGrantClient, ensurePasswordMigrationStorage, KeycloakRealm } from '#keycloak';
import { Ledger } from '#ledger';
import { projectorSections, projectUntilCaughtUp } from '#projector';
import { CognitoComponent, keycloakAdminLogin, KeycloakServer, localConfig, projectRoot } from '#stack';
import {
  BridgeProxy,
  capturingLogger,
  createBridgePool,
  createPoolUser,
  distinctFacts,
  eventually,
  exportedSubOf,
  importFromLedger,
  recordShapedExports,
  signUpUnconfirmed,
  startPoolBridge,
  userFacts,
  watcherPass,
} from '#test-support';
import { runDemoLoginWave } from '#demo';
import { bridgeSections, type RunningBridge } from './bridge-runtime.js';
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
/** erin: a first login during a broker stall; frank: a bridge answer that comes too late; gina: a lost confirmation. */
const people = { alice: pw(), bob: pw(), carol: pw(), erin: pw(), frank: pw(), gina: pw() };
/** RESET_REQUIRED in the ledger while cognito-local still accepts the password (it never enforces the status). */
const resetUser = { username: 'dave', password: pw() };
/** Signed up, never confirmed: Cognito answers UserNotConfirmedException for the right password only. */
const unconfirmedUser = { username: 'una', password: pw() };
const wrongPassword = pw();

const env: Env = {
  ...process.env,
  // Another directory and ports give this test a Keycloak of its own; set them to a running one to reuse it.
  STACK_DIR: process.env.BRIDGE_E2E_STACK_DIR ?? join(projectRoot, '.stack', 'bridge-e2e'),
  KEYCLOAK_PORT: process.env.BRIDGE_E2E_KEYCLOAK_PORT ?? '18280',
  KEYCLOAK_MANAGEMENT_PORT: process.env.BRIDGE_E2E_KEYCLOAK_MANAGEMENT_PORT ?? '18281',
  KEYCLOAK_REALM: `test-jit-${run}`,
  KAFKA_TOPIC_PREFIX: `test-jit-${run}`,
  COGNITO_ENDPOINT: new CognitoComponent(process.env).endpoint,
  PROJECTION_SCHEMA: schema,
  WATCHER_SCHEMA: `${schema}_watcher`,
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
const proxyMode = { verifyDelayMs: 0, dropConfirmations: false };
/** Between Keycloak and the bridge, to delay the bridge's answers or lose the provider's confirmations. */
const proxy = new BridgeProxy(
  () => bridge?.url,
  (path) =>
    path.endsWith('/stored') && proxyMode.dropConfirmations
      ? { kind: 'drop' }
      : { kind: 'forward', delayMs: path === '/v1/verify' ? proxyMode.verifyDelayMs : 0 },
);
/** The provider's deadline for one bridge call in these tests. */
const providerTimeoutMs = 1500;

function subOf(username: string): Promise<string> {
  return exportedSubOf(env, username);
}

/** The verify log lines the bridge wrote for one user. */
function verifyLines(sub: string): Record<string, unknown>[] {
  return logLines
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.msg === 'password verify' && line.sub === sub);
}

async function seedCognito(): Promise<void> {
  cognito = createCognitoClient({ ...cognitoConfig(env), maxAttempts: 1 }, { paced: false });
  ({ poolId, clientId } = await createBridgePool(cognito, `jit-${run}`));
  // Both names: Keycloak's default user profile asks for missing ones first ("Account is not fully
  // set up"), which a password grant cannot answer.
  for (const [username, password] of Object.entries(people)) {
    await createPoolUser(cognito, poolId, { username, password, tag: run });
  }
  await signUpUnconfirmed(cognito, clientId, { ...unconfirmedUser, tag: run });
}

/**
 * A user the ledger has as RESET_REQUIRED while cognito-local (which cannot be put in that status
 * through its API and never enforces it) still accepts the password: created after the export and
 * recorded as the export of a RESET_REQUIRED user would be, so only the ledger says "reset".
 */
async function seedResetRequiredUser(): Promise<void> {
  await recordShapedExports(
    env,
    { cognito, poolId },
    {
      template: 'alice',
      tag: run,
      source: 'urn:test:bridge-e2e',
      users: { [resetUser.username]: { password: resetUser.password, shape: { status: 'RESET_REQUIRED' } } },
    },
  );
}

async function exportAndImport(): Promise<void> {
  const ledger = new Ledger({ kafka: kafkaConfig(env) });
  await new PoolExport(ledger, new CognitoPoolReader(cognito, poolId), cognito).run({ totpLookup: false });
  await seedResetRequiredUser();
  await importFromLedger(env, `test-jit-import-${run}`);
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
  beforeAll(async () => {
    keycloakWasUp = (await keycloak.status()).state === 'up';
    await keycloak.up((line) => process.stderr.write(`[bridge-e2e keycloak] ${line}\n`));
    await db.connect();
    await seedCognito();
    await exportAndImport();
    await projectUntilCaughtUp(
      loadConfig({ ...env, PROJECTOR_GROUP_ID: `test-jit-project-${run}` }, projectorSections),
    );

    bridge = await startPoolBridge(env, { poolId, clientId }, capturingLogger(logLines));
    realm = new KeycloakRealm(keycloakConfig(env), await keycloakAdminLogin(env));
    await proxy.start();
    await ensurePasswordMigrationStorage(realm, {
      verifyUrl: `${proxy.url}/v1/verify`,
      sharedSecret,
      timeoutMs: providerTimeoutMs,
    });
    await ensureDirectGrantClient(realm, 'app');
    target = { keycloakUrl: keycloakConfig(env).url, realm: realm.name, clientId: 'app' };
  });

  afterAll(async () => {
    await bridge?.close();
    await proxy.close();
    await realm?.call('realm deletion', (c) => c.realms.del({ realm: realm.name })).catch(() => undefined);
    if (poolId) await cognito.client.send(new DeleteUserPoolCommand({ UserPoolId: poolId })).catch(() => undefined);
    await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await db.query(`DROP SCHEMA IF EXISTS "${schema}_watcher" CASCADE`).catch(() => undefined);
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

  it('records PasswordMigrated (via jit) in the ledger once Keycloak has confirmed the store', async () => {
    const alice = await subOf('alice');
    const migrated = await eventually(
      () => distinctFacts(env, 'PasswordMigrated', alice),
      (found) => found.length > 0,
    );
    assert.equal(migrated.length, 1);
    assert.deepEqual(migrated[0]!.data, {
      sub: alice,
      target: { kind: 'keycloak', realm: realm.name },
      via: 'jit',
    });
  });

  it('a wrong password fails, stores nothing and records no success', async () => {
    const result = await passwordGrant(target, 'bob', wrongPassword);
    assert.equal(result.kind, 'invalid-credentials');
    assert.equal(await hasPassword('bob'), false);
    const bob = (await userFacts(env)).find((e) => e.type === 'UserExported' && e.data.username === 'bob')!;
    assert.ok(!(await userFacts(env)).some((e) => e.type === 'PasswordMigrated' && e.subject === bob.subject));
  });

  it('a broker stall during a first login strands nobody: the password signs in later and the ledger gets one fact', async () => {
    const kafkaPid = Number.parseInt(
      await readFile(resolve(projectRoot, stackConfig(process.env).dir, 'kafka', 'kafka.pid'), 'utf8'),
      10,
    );
    assert.ok(kafkaPid > 0, 'the local broker runs');
    const erin = await subOf('erin');
    let first;
    process.kill(kafkaPid, 'SIGSTOP');
    try {
      first = await passwordGrant(target, 'erin', people.erin);
      // Longer than the provider's deadline: whatever the bridge writes to the ledger cannot finish in time.
      await sleep(providerTimeoutMs * 4);
    } finally {
      process.kill(kafkaPid, 'SIGCONT');
    }
    assert.ok(first.kind === 'tokens' || first.kind === 'unavailable', first.kind);
    const later = await passwordGrant(target, 'erin', people.erin);
    assert.equal(later.kind, 'tokens', 'the right password signs in after the stall');
    assert.equal(await hasPassword('erin'), true);
    await eventually(
      () => distinctFacts(env, 'PasswordMigrated', erin),
      (found) => found.length > 0,
    );
    await watcherPass(env);
    const migrated = await distinctFacts(env, 'PasswordMigrated', erin);
    assert.equal(migrated.length, 1);
    assert.equal(migrated[0]!.type === 'PasswordMigrated' && migrated[0]!.data.via, 'jit');
  });

  it('a bridge answer that reaches Keycloak after its deadline records nothing, and the user signs in later', async () => {
    const frank = await subOf('frank');
    proxyMode.verifyDelayMs = providerTimeoutMs * 2;
    let first;
    try {
      first = await passwordGrant(target, 'frank', people.frank);
      await sleep(providerTimeoutMs * 2);
    } finally {
      proxyMode.verifyDelayMs = 0;
    }
    assert.equal(first.kind, 'unavailable');
    assert.equal(await hasPassword('frank'), false);
    assert.deepEqual(
      await distinctFacts(env, 'PasswordMigrated', frank),
      [],
      'no PasswordMigrated while Keycloak holds no password',
    );
    assert.equal((await passwordGrant(target, 'frank', people.frank)).kind, 'tokens');
    assert.equal(await hasPassword('frank'), true);
    const migrated = await eventually(
      () => distinctFacts(env, 'PasswordMigrated', frank),
      (found) => found.length > 0,
    );
    assert.equal(migrated.length, 1);
  });

  it("a lost store confirmation is recorded by the watcher's reconciliation pass, as the same fact the bridge would record", async () => {
    const gina = await subOf('gina');
    proxyMode.dropConfirmations = true;
    try {
      assert.equal((await passwordGrant(target, 'gina', people.gina)).kind, 'tokens');
      await sleep(1000);
    } finally {
      proxyMode.dropConfirmations = false;
    }
    assert.equal(await hasPassword('gina'), true);
    assert.deepEqual(await distinctFacts(env, 'PasswordMigrated', gina), []);
    await watcherPass(env);
    const migrated = await distinctFacts(env, 'PasswordMigrated', gina);
    assert.equal(migrated.length, 1);
    const fact = migrated[0]!;
    assert.deepEqual(fact.data, { sub: gina, target: { kind: 'keycloak', realm: realm.name }, via: 'jit' });
    // The confirmation, had it arrived, records the very same event: same id, same bytes.
    const confirmed = await fetch(`${bridge!.url}/v1/verify/stored`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${sharedSecret}` },
      body: JSON.stringify({ sub: gina, userId: await userId('gina') }),
    });
    assert.equal(confirmed.status, 200);
    assert.equal((await distinctFacts(env, 'PasswordMigrated', gina)).length, 1);
  });

  it('a RESET_REQUIRED user is not migrated with the right password, and Cognito is not asked', async () => {
    const dave = await subOf(resetUser.username);
    const result = await passwordGrant(target, resetUser.username, resetUser.password);
    assert.equal(result.kind, 'invalid-credentials');
    assert.equal(await hasPassword(resetUser.username), false);
    assert.deepEqual(await distinctFacts(env, 'PasswordMigrated', dave), []);
    const lines = verifyLines(dave);
    assert.ok(lines.length > 0, 'the bridge was asked');
    for (const line of lines) {
      assert.equal(line.outcome, 'reset-required');
      assert.equal(line.cognitoMs, undefined, 'Cognito was not asked');
    }
  });

  it('an UNCONFIRMED user with the right password keeps it and is sent to confirm the address', async () => {
    const una = await subOf(unconfirmedUser.username);
    const result = await passwordGrant(target, unconfirmedUser.username, unconfirmedUser.password);
    // VERIFY_EMAIL waits for a browser login: the password grant says "not fully set up", not "invalid".
    assert.equal(result.kind, 'required-action');
    assert.equal(await hasPassword(unconfirmedUser.username), true);
    const [user] = await realm.call('user', (c) => c.users.find({ username: unconfirmedUser.username, exact: true }));
    assert.ok(user!.requiredActions?.includes('VERIFY_EMAIL'));
    const migrated = await eventually(
      () => distinctFacts(env, 'PasswordMigrated', una),
      (found) => found.length > 0,
    );
    assert.equal(migrated.length, 1);
    assert.equal((await passwordGrant(target, unconfirmedUser.username, pw())).kind, 'invalid-credentials');
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
      await localConfig({ ...env, COGNITO_USER_POOL_ID: poolId, COGNITO_CLIENT_ID: clientId }, bridgeSections),
      [
        { username: 'carol', password: people.carol },
        { username: 'bob', password: wrongPassword },
      ],
      { clientId: 'app' },
    );
    assert.equal(counts['signed-in'], 1);
    assert.equal(counts['invalid-credentials'], 1);
    assert.equal(await hasPassword('carol'), true);
    // The wave returns once Keycloak's store confirmations are recorded.
    assert.equal((await distinctFacts(env, 'PasswordMigrated', await subOf('carol'))).length, 1);
  });

  it('no password used in this run is in any topic, log line (bridge and Keycloak) or table of the run', async () => {
    const secrets = [...Object.values(people), resetUser.password, unconfirmedUser.password, wrongPassword];
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
