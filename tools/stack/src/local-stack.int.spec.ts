import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolCommand,
  DeleteUserPoolCommand,
  DescribeUserPoolCommand,
  InvalidParameterException,
  ListUsersCommand,
  paginateListUsers,
  paginateListUsersInGroup,
  type ListUsersCommandOutput,
} from '@aws-sdk/client-cognito-identity-provider';
import pg from 'pg';
import { databaseConfig, stackConfig, type Env } from '#config';
import {
  CognitoComponent,
  freeLoopbackPorts,
  KafkaComponent,
  KeycloakServer,
  LocalStack,
  loopbackPortFree,
  PostgresComponent,
} from './index.js';

// A stack of its own (ports, folder, database), so the test neither disturbs nor depends on a
// developer's running stack. The folder is kept between runs: the broker jars are fetched once.
const [kafkaPort, controllerPort, cognitoPort, cognitoLocalPort, otherPort, anotherPort] = await freeLoopbackPorts(6);
const ports = {
  kafka: kafkaPort!,
  controller: controllerPort!,
  cognito: cognitoPort!,
  cognitoLocal: cognitoLocalPort!,
};
const database = `stack_test_${randomUUID().slice(0, 8)}`;
const sharedUrl = new URL(databaseConfig(process.env).url);
const env: Env = {
  ...process.env,
  STACK_DIR: resolve('.stack', 'stack-test'),
  KAFKA_PORT: String(ports.kafka),
  KAFKA_CONTROLLER_PORT: String(ports.controller),
  KAFKA_BROKERS: `127.0.0.1:${ports.kafka}`,
  COGNITO_PORT: String(ports.cognito),
  COGNITO_LOCAL_PORT: String(ports.cognitoLocal),
  DATABASE_URL: new URL(`/${database}`, sharedUrl).href,
};

const cognito = new CognitoComponent(env);
const stack = new LocalStack([[new PostgresComponent(env)], [new KafkaComponent(env), cognito]]);
const client = new CognitoIdentityProviderClient({
  endpoint: `http://127.0.0.1:${ports.cognito}`,
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  maxAttempts: 1,
});
const quiet = () => undefined;

describe('local stack', () => {
  beforeAll(async () => {
    for (const port of Object.values(ports)) {
      assert.ok(await loopbackPortFree(port), `port ${port} must be free for this test`);
    }
  });

  afterAll(async () => {
    client.destroy();
    await stack.down();
    const admin = new pg.Client({ connectionString: new URL('/postgres', sharedUrl).href });
    await admin.connect();
    await admin.query(`drop database if exists ${admin.escapeIdentifier(database)}`);
    await admin.end();
  });

  it('brings every component up, and a second up is a fast no-op', async () => {
    const lines: string[] = [];
    const first = await stack.up((line) => lines.push(line));
    const kafka = first.find((outcome) => outcome.status.name === 'kafka')!;
    const fetched = lines.some((line) => line.includes('fetching the broker'));
    console.log(`kafka ${fetched ? 'cold (fetch + format + start)' : 'start'}: ${kafka.seconds.toFixed(1)} s`);
    assert.deepEqual(
      first.map((outcome) => [outcome.status.name, outcome.status.state, outcome.wasUp]),
      [
        ['postgres', 'up', false],
        ['kafka', 'up', false],
        ['cognito', 'up', false],
      ],
    );
    assert.ok(lines.includes(`postgres: creating database ${database}`));

    const started = performance.now();
    const second = await stack.up((line) => lines.push(`again: ${line}`));
    const seconds = (performance.now() - started) / 1000;
    console.log(`second up: ${seconds.toFixed(2)} s`);
    assert.ok(second.every((outcome) => outcome.wasUp && outcome.status.state === 'up'));
    assert.deepEqual(
      lines.filter((line) => line.startsWith('again:')),
      [],
      'a second up reports no work',
    );
    assert.ok(seconds < 5, `second up took ${seconds} s`);

    const statuses = await stack.status();
    assert.deepEqual(
      statuses.map((status) => status.state),
      ['up', 'up', 'up'],
    );
    assert.match(statuses[1]!.detail, new RegExp(`127\\.0\\.0\\.1:${ports.kafka}, pid \\d+`));
  });

  it('pages ListUsers and ListUsersInGroup through the shim like AWS, for the SDK paginators', async () => {
    const { UserPool } = await client.send(new CreateUserPoolCommand({ PoolName: `paging-${randomUUID()}` }));
    const UserPoolId = UserPool!.Id!;
    const usernames = ['ada', 'bob', 'cy', 'dee', 'eve'];
    for (const Username of usernames) {
      // A username (not e-mail) pool, as AWS creates when UsernameAttributes is absent.
      await client.send(new AdminCreateUserCommand({ UserPoolId, Username, MessageAction: 'SUPPRESS' }));
    }
    const pages: ListUsersCommandOutput[] = [];
    for await (const page of paginateListUsers({ client, pageSize: 2 }, { UserPoolId })) pages.push(page);
    assert.deepEqual(
      pages.map((page) => page.Users!.length),
      [2, 2, 1],
    );
    assert.deepEqual(
      pages.map((page) => page.PaginationToken !== undefined),
      [true, true, false],
    );
    assert.deepEqual(pages.flatMap((page) => page.Users!.map((user) => user.Username)).sort(), usernames);

    await client.send(new CreateGroupCommand({ UserPoolId, GroupName: 'staff' }));
    for (const Username of usernames.slice(0, 3)) {
      await client.send(new AdminAddUserToGroupCommand({ UserPoolId, GroupName: 'staff', Username }));
    }
    const groupPages = [];
    for await (const page of paginateListUsersInGroup({ client, pageSize: 2 }, { UserPoolId, GroupName: 'staff' })) {
      groupPages.push(page);
    }
    assert.deepEqual(
      groupPages.map((page) => [page.Users!.length, page.NextToken !== undefined]),
      [
        [2, true],
        [1, false],
      ],
    );

    await assert.rejects(client.send(new ListUsersCommand({ UserPoolId, Limit: 61 })), InvalidParameterException);
    await assert.rejects(
      client.send(new ListUsersCommand({ UserPoolId, Limit: 2, PaginationToken: 'not-a-token' })),
      InvalidParameterException,
    );
    await client.send(new DeleteUserPoolCommand({ UserPoolId }));
  });

  it('reseeds cognito-local from files written while it is stopped', async () => {
    const UserPoolId = 'us-east-1_Seeded1';
    await cognito.reseed(async (cognitoDir) => {
      const db = join(cognitoDir, '.cognito', 'db');
      await mkdir(db, { recursive: true });
      const now = new Date().toISOString();
      const pool = {
        Options: { Id: UserPoolId, Name: 'seeded', UsernameAttributes: [], CreationDate: now, LastModifiedDate: now },
        Users: {},
        Groups: {},
      };
      await writeFile(join(db, `${UserPoolId}.json`), JSON.stringify(pool));
    });
    const { UserPool } = await client.send(new DescribeUserPoolCommand({ UserPoolId }));
    assert.equal(UserPool?.Name, 'seeded');
    assert.equal((await cognito.status()).state, 'up');
  });

  it('refuses to start Kafka on a port another program holds', async () => {
    const port = otherPort!;
    // Hangs up at once, so that the broker probe fails fast instead of waiting out its request timeout.
    const holder = createServer((socket) => socket.destroy()).listen(port, '127.0.0.1');
    try {
      const blocked = new KafkaComponent({
        ...env,
        STACK_DIR: resolve('.stack', `stack-test-${randomUUID()}`),
        KAFKA_PORT: String(port),
        KAFKA_BROKERS: `127.0.0.1:${port}`,
      });
      await assert.rejects(
        blocked.up(quiet),
        new RegExp(`port ${port} on 127\\.0\\.0\\.1 is used by another program.*KAFKA_PORT`),
      );
    } finally {
      holder.close();
    }
  });

  it('refuses to wait for a running broker that was started with other ports', async () => {
    const moved = new KafkaComponent({
      ...env,
      KAFKA_PORT: String(otherPort),
      KAFKA_BROKERS: `127.0.0.1:${otherPort}`,
    });
    await assert.rejects(
      moved.up(quiet),
      /runs with other settings than configured \(ports, or topic auto-creation\); run `ledger stack down` first/,
    );
    assert.equal((await stack.status())[1]!.state, 'up', 'the running broker is left alone');
  });

  it('refuses to wait for a running Keycloak that was started with other ports', async () => {
    // A process that looks like this stack's Keycloak (its command line names the distribution)
    // but listens elsewhere: as when KEYCLOAK_PORT changed while the stack ran.
    const dir = resolve('.stack', `stack-test-${randomUUID()}`);
    const keycloakEnv: Env = {
      ...env,
      STACK_DIR: dir,
      KEYCLOAK_PORT: String(otherPort),
      KEYCLOAK_MANAGEMENT_PORT: String(anotherPort),
    };
    const dist = join(dir, 'keycloak', `keycloak-${stackConfig(keycloakEnv).keycloakDistVersion}`);
    const impostor = spawn('/bin/sh', ['-c', 'sleep 60', join(dist, 'bin', 'kc.sh'), 'start-dev', '--http-port=1'], {
      stdio: 'ignore',
    });
    try {
      await mkdir(join(dir, 'keycloak'), { recursive: true });
      await writeFile(join(dir, 'keycloak', 'keycloak.pid'), String(impostor.pid));
      const started = performance.now();
      await assert.rejects(
        new KeycloakServer(keycloakEnv).up(quiet),
        new RegExp(`Keycloak \\(pid ${impostor.pid}\\) runs with other settings than configured`),
      );
      assert.ok(performance.now() - started < 10_000, 'refused at once, not after the ready timeout');
    } finally {
      impostor.kill('SIGKILL');
    }
  });

  it('down stops every process and frees every port', async () => {
    const statuses = await stack.down();
    assert.deepEqual(
      statuses.map((status) => [status.name, status.state]),
      [
        ['postgres', 'up'],
        ['kafka', 'down'],
        ['cognito', 'down'],
      ],
    );
    for (const port of Object.values(ports)) assert.ok(await loopbackPortFree(port), `port ${port} is still taken`);
    await stack.down();
  });
});
