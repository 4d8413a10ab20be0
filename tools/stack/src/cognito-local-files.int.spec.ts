import {
  AdminGetUserCommand,
  AdminInitiateAuthCommand,
  CognitoIdentityProviderClient,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  ListGroupsCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  ListUsersCommand,
  ListUsersInGroupCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { writeCognitoLocalData } from './cognito-local-files.js';
import { freeLoopbackPort } from './loopback-port.js';
import { generateSyntheticPool, type SyntheticPool, type SyntheticUser } from './synthetic-pool.js';

const pool = generateSyntheticPool({ users: 1000, seed: 1 });
/** Same pool id, written first: the second write must replace it, client included. */
const stale = generateSyntheticPool({ users: 50, seed: 2 });
const emailPool = generateSyntheticPool({ users: 40, seed: 3, poolId: 'us-east-1_Email01', usernameMode: 'email' });

function jwtClaims(token: string | undefined): Record<string, unknown> {
  const payload = token?.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

function signIn(client: CognitoIdentityProviderClient, target: SyntheticPool, username: string, password: string) {
  return client.send(
    new AdminInitiateAuthCommand({
      UserPoolId: target.poolId,
      ClientId: target.clientId,
      AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: username, PASSWORD: password },
    }),
  );
}

function signableUser(users: SyntheticUser[]): SyntheticUser & { password: string } {
  const user = users.find((u) => u.status === 'CONFIRMED' && u.enabled && u.password !== null);
  assert.ok(user, 'the pool has no enabled CONFIRMED user');
  return user as SyntheticUser & { password: string };
}

describe('writeCognitoLocalData against cognito-local', () => {
  let dir: string;
  let server: ReturnType<typeof spawn> | undefined;
  let cognito: CognitoIdentityProviderClient;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cognito-local-files-'));
    await writeCognitoLocalData(dir, stale);
    await writeCognitoLocalData(dir, emailPool);
    await writeCognitoLocalData(dir, pool);

    const port = await freeLoopbackPort();
    const start = fileURLToPath(import.meta.resolve('cognito-local/lib/bin/start.js'));
    server = spawn(process.execPath, [start], {
      cwd: dir,
      env: { PORT: String(port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    server.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    server.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));

    const endpoint = `http://127.0.0.1:${port}`;
    for (const deadline = Date.now() + 20_000; ; await sleep(100)) {
      if (server.exitCode !== null) throw new Error(`cognito-local exited with ${server.exitCode}:\n${output}`);
      if (Date.now() > deadline) throw new Error(`cognito-local did not answer ${endpoint}/health:\n${output}`);
      const healthy = await fetch(`${endpoint}/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (healthy) break;
    }
    // maxAttempts 1: cognito-local answers unsupported operations with HTTP 500, which the SDK would retry.
    cognito = new CognitoIdentityProviderClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
  });

  afterAll(async () => {
    cognito?.destroy();
    if (server && server.exitCode === null) {
      const exited = once(server, 'exit');
      server.kill('SIGTERM');
      await exited;
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('lists every user with its attributes, status, enabled flag, dates and SMS MFAOptions', async () => {
    const { Users = [] } = await cognito.send(new ListUsersCommand({ UserPoolId: pool.poolId }));
    assert.equal(Users.length, pool.users.length);
    const expected = new Map(pool.users.map((u) => [u.username, u]));
    for (const listed of Users) {
      const user = expected.get(listed.Username ?? '');
      assert.ok(user, `unexpected user ${listed.Username}`);
      expected.delete(user.username);
      assert.deepEqual(Object.fromEntries((listed.Attributes ?? []).map((a) => [a.Name, a.Value])), user.attributes);
      assert.equal(listed.UserStatus, user.status);
      assert.equal(listed.Enabled, user.enabled);
      assert.equal(listed.UserCreateDate?.getTime(), user.createdAt.getTime());
      assert.equal(listed.UserLastModifiedDate?.getTime(), user.updatedAt.getTime());
      assert.deepEqual(
        listed.MFAOptions,
        user.mfa.sms ? [{ DeliveryMedium: 'SMS', AttributeName: 'phone_number' }] : undefined,
        user.username,
      );
    }
    assert.equal(expected.size, 0);
  });

  it('reproduces every group and its members, the 100+-group user included', async () => {
    const { Groups = [] } = await cognito.send(new ListGroupsCommand({ UserPoolId: pool.poolId }));
    assert.deepEqual(
      Groups.map((g) => ({ name: g.GroupName, description: g.Description, precedence: g.Precedence })),
      pool.groups.map((g) => ({ name: g.name, description: g.description, precedence: g.precedence })),
    );
    const membersOf = new Map<string, string[]>(pool.groups.map((g) => [g.name, []]));
    for (const u of pool.users) for (const g of u.groups) membersOf.get(g)?.push(u.username);
    for (const [group, members] of membersOf) {
      const { Users = [] } = await cognito.send(
        new ListUsersInGroupCommand({ UserPoolId: pool.poolId, GroupName: group }),
      );
      assert.deepEqual(Users.map((u) => u.Username).sort(), [...members].sort(), group);
    }
  });

  it('shows TOTP and SMS MFA settings through AdminGetUser', async () => {
    const mfaUsers = pool.users.filter((u) => u.mfa.totp || u.mfa.sms);
    assert.ok(mfaUsers.some((u) => u.mfa.totp && !u.mfa.sms));
    const withoutMfa = pool.users.find((u) => !u.mfa.totp && !u.mfa.sms) as SyntheticUser;
    for (const user of [...mfaUsers, withoutMfa]) {
      const got = await cognito.send(new AdminGetUserCommand({ UserPoolId: pool.poolId, Username: user.username }));
      const settings = [...(user.mfa.sms ? ['SMS_MFA'] : []), ...(user.mfa.totp ? ['SOFTWARE_TOKEN_MFA'] : [])];
      assert.deepEqual(got.UserMFASettingList, settings.length > 0 ? settings : undefined, user.username);
      assert.equal(got.PreferredMfaSetting, user.mfa.preferred, user.username);
    }
  });

  it('describes the pool with its custom schema, username attributes and MFA configuration', async () => {
    const { UserPool } = await cognito.send(new DescribeUserPoolCommand({ UserPoolId: pool.poolId }));
    assert.equal(UserPool?.Name, pool.poolName);
    assert.deepEqual(UserPool?.UsernameAttributes, []);
    assert.equal(UserPool?.MfaConfiguration, 'OPTIONAL');
    const schema = new Map((UserPool?.SchemaAttributes ?? []).map((a) => [a.Name, a.AttributeDataType]));
    for (const { name, type } of pool.customAttributes) assert.equal(schema.get(`custom:${name}`), type, name);
    for (const standard of ['sub', 'email', 'email_verified', 'phone_number', 'identities'])
      assert.ok(schema.has(standard), standard);
  });

  it('signs a CONFIRMED user in with their password and refuses a wrong one', async () => {
    const user = signableUser(pool.users);
    const { AuthenticationResult } = await signIn(cognito, pool, user.username, user.password);
    assert.equal(jwtClaims(AuthenticationResult?.IdToken).sub, user.sub);
    // cognito-local answers a wrong password with InvalidPasswordException; AWS with NotAuthorizedException.
    await assert.rejects(signIn(cognito, pool, user.username, `${user.password}x`), (error: Error) =>
      ['InvalidPasswordException', 'NotAuthorizedException'].includes(error.name),
    );
  });

  it('keeps the other pool and its client, and replaces the rewritten pool and its client', async () => {
    const { UserPools = [] } = await cognito.send(new ListUserPoolsCommand({ MaxResults: 60 }));
    assert.deepEqual(UserPools.map((p) => p.Id).sort(), [emailPool.poolId, pool.poolId].sort());
    const { UserPoolClients = [] } = await cognito.send(new ListUserPoolClientsCommand({ UserPoolId: pool.poolId }));
    assert.deepEqual(
      UserPoolClients.map((c) => c.ClientId),
      [pool.clientId],
    );
    const { UserPoolClient } = await cognito.send(
      new DescribeUserPoolClientCommand({ UserPoolId: pool.poolId, ClientId: pool.clientId }),
    );
    assert.deepEqual(UserPoolClient?.ExplicitAuthFlows, ['ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']);
    assert.equal(UserPoolClient?.ClientSecret, undefined);
    const { Users = [] } = await cognito.send(new ListUsersCommand({ UserPoolId: emailPool.poolId }));
    assert.equal(Users.length, emailPool.users.length);
  });

  it('signs an e-mail-pool user in by e-mail, with the sub as Username', async () => {
    const user = signableUser(emailPool.users);
    const { AuthenticationResult } = await signIn(cognito, emailPool, user.attributes.email ?? '', user.password);
    const claims = jwtClaims(AuthenticationResult?.IdToken);
    assert.equal(claims['cognito:username'], user.sub);
    assert.equal(claims.sub, user.sub);
  });
});
