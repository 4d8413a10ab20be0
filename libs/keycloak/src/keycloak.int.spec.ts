import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { keycloakConfig } from '#config';
import { keycloakAdminLogin } from '#stack';
import { AdminTokenSource } from './admin-token-source.js';
import { GroupDirectory } from './group-directory.js';
import { KeycloakAuthError } from './keycloak-auth-error.js';
import { KeycloakRealm } from './keycloak-realm.js';
import { KeycloakUnavailableError } from './keycloak-unavailable-error.js';
import { bootstrapRealm } from './realm-bootstrap.js';
import type { RealmSpec } from './realm-spec.js';
import { UserBatchWriter } from './user-batch-writer.js';
import { UserDirectory } from './user-directory.js';

const config = { ...keycloakConfig(process.env), realm: `test-kc-${randomUUID().slice(0, 8)}` };
const spec: RealmSpec = {
  displayName: 'test',
  loginWithEmailAllowed: true,
  duplicateEmailsAllowed: false,
  registrationEmailAsUsername: false,
  internationalizationEnabled: true,
  requiredUserFields: ['email'],
  attributes: [
    { name: 'cognito_sub', displayName: 'cognito_sub', adminOnly: true, kind: 'string' },
    { name: 'tier', displayName: 'tier', adminOnly: false, kind: 'number' },
  ],
  requiredActions: ['CONFIGURE_TOTP', 'UPDATE_PASSWORD', 'VERIFY_EMAIL'],
  eventsExpirationSeconds: 3600,
  identityProviders: [
    {
      alias: 'google',
      providerId: 'oidc',
      enabled: true,
      config: {
        clientId: 'x',
        clientAuthMethod: 'client_secret_jwt',
        authorizationUrl: 'http://127.0.0.1:9/a',
        tokenUrl: 'http://127.0.0.1:9/t',
      },
    },
  ],
};

const user = (n: number, overrides: Record<string, unknown> = {}) => ({
  id: randomUUID(),
  username: `user-${n}`,
  email: `user-${n}@example.com`,
  enabled: true,
  attributes: { cognito_sub: [`sub-${n}`], tier: ['3'], 'free-form': ['kept'] },
  groups: ['/staff'],
  ...overrides,
});

describe('Keycloak target on a real server', () => {
  let realm: KeycloakRealm;

  beforeAll(async () => {
    realm = new KeycloakRealm(config, await keycloakAdminLogin(process.env));
  });

  afterAll(async () => {
    await realm.call('realm deletion', (c) => c.realms.del({ realm: config.realm }));
  });

  it('bootstraps a realm once: a second run changes nothing, events and required actions are on', async () => {
    const first = await bootstrapRealm(realm, spec);
    assert.equal(first.realmCreated, true);
    assert.deepEqual(first.attributesDeclared, ['cognito_sub', 'tier']);
    // Keycloak's default profile requires all three; the spec only e-mail.
    assert.deepEqual(first.requirementsChanged, ['firstName', 'lastName']);
    assert.deepEqual(first.identityProvidersCreated, ['google']);
    const second = await bootstrapRealm(realm, spec);
    assert.deepEqual(second, {
      realmCreated: false,
      attributesDeclared: [],
      requirementsChanged: [],
      requiredActionsEnabled: [],
      identityProvidersCreated: [],
    });
    const events = await realm.call('events', (c) => c.realms.getConfigEvents({ realm: config.realm }));
    assert.equal(events.eventsEnabled, true);
    const actions = (await realm.call('actions', (c) => c.authenticationManagement.getRequiredActions())) as {
      alias: string;
      enabled: boolean;
    }[];
    for (const alias of spec.requiredActions)
      assert.equal(actions.find((a) => a.alias === alias)?.enabled, true, alias);
  });

  it('requires in the user profile exactly the built-in fields the spec names, and follows a changed spec', async () => {
    const requiredOf = async () =>
      (await realm.call('profile', (c) => c.users.getProfile({ realm: config.realm })))
        .attributes!.filter((a) => ['email', 'firstName', 'lastName'].includes(a.name!) && a.required !== undefined)
        .map((a) => a.name)
        .sort();
    assert.deepEqual(await requiredOf(), ['email']);
    const changed = await bootstrapRealm(realm, { ...spec, requiredUserFields: ['lastName'] });
    assert.deepEqual([...changed.requirementsChanged].sort(), ['email', 'lastName']);
    assert.deepEqual(await requiredOf(), ['lastName']);
    await bootstrapRealm(realm, spec);
    assert.deepEqual(await requiredOf(), ['email']);
  });

  it('writes a batch, keeps declared and undeclared attributes, and answers a re-sent user as already there with its id', async () => {
    await new GroupDirectory(realm).ensure(['staff']);
    const writer = new UserBatchWriter(realm);
    const users = [user(1), user(2)];
    const first = await writer.write(users.map((u) => ({ key: u.username, user: u })));
    assert.deepEqual(
      first.map((r) => r.outcome),
      ['added', 'added'],
    );
    const again = await writer.write(users.map((u) => ({ key: u.username, user: u })));
    assert.deepEqual(
      again,
      users.map((u) => ({ key: u.username, outcome: 'exists', id: u.id })),
    );
    const stored = await new UserDirectory(realm).detail(users[0]!.id);
    assert.deepEqual(stored?.attributes, { cognito_sub: ['sub-1'], tier: ['3'], 'free-form': ['kept'] });
    assert.deepEqual(stored?.groups, ['/staff']);
  });

  it('splits a batch Keycloak refuses until the refused user stands alone, and writes every other user', async () => {
    const writer = new UserBatchWriter(realm);
    // Same e-mail as user-1 in a realm that keeps e-mails unique: partialImport fails its whole batch.
    const batch = [user(3), user(4, { email: 'user-1@example.com' }), user(5), user(6)];
    const results = await writer.write(batch.map((u) => ({ key: u.username, user: u })));
    assert.deepEqual(
      results.map((r) => r.outcome),
      ['added', 'refused', 'added', 'added'],
    );
    assert.ok(writer.requests > 1);
    const refused = results[1]!;
    assert.ok(refused.outcome === 'refused' && refused.failure.status >= 400);
    assert.equal(await new UserDirectory(realm).byUsername('user-4'), undefined);
  });

  it('finds users by username, e-mail, attribute and federated link', async () => {
    const users = new UserDirectory(realm);
    const linked = user(7, {
      federatedIdentities: [{ identityProvider: 'google', userId: 'g-7', userName: 'user-7@example.com' }],
    });
    await new UserBatchWriter(realm).write([{ key: 'user-7', user: linked }]);
    assert.equal((await users.byUsername('USER-7'))?.id, linked.id);
    assert.equal((await users.byEmail('user-7@example.com'))[0]?.id, linked.id);
    assert.equal((await users.byAttribute('cognito_sub', 'sub-7'))[0]?.id, linked.id);
    assert.equal((await users.byIdentity('google', 'g-7'))[0]?.id, linked.id);
  });

  it('renews the admin token before it expires', async () => {
    let now = Date.now();
    const tokens = new AdminTokenSource(config.url, await keycloakAdminLogin(process.env), 10_000, () => now);
    const first = await tokens.getAccessToken();
    assert.equal(await tokens.getAccessToken(), first);
    now += 50_000; // 10 s left of Keycloak's 60 s: inside the renewal margin.
    const second = await tokens.getAccessToken();
    assert.notEqual(second, first);
    assert.equal(tokens.renewals, 2);
  });

  it('refuses wrong admin credentials at once, and retries an unreachable server until its patience runs out', async () => {
    const wrong = new KeycloakRealm(config, { username: 'admin', password: 'wrong' });
    await assert.rejects(
      wrong.call('count', (c) => c.users.count({ realm: config.realm })),
      KeycloakAuthError,
    );
    let retries = 0;
    const away = new KeycloakRealm(
      { ...config, url: 'http://127.0.0.1:9' },
      { username: 'a', password: 'b' },
      { patienceMs: 1500, onRetry: () => retries++ },
    );
    const began = Date.now();
    await assert.rejects(
      away.call('count', (c) => c.users.count({ realm: config.realm })),
      KeycloakUnavailableError,
    );
    assert.ok(retries >= 2, `retried ${retries} times`);
    assert.ok(Date.now() - began >= 1000);
  });
});
