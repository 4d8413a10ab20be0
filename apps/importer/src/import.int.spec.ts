import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { AdminGetUserCommand, type UserType } from '@aws-sdk/client-cognito-identity-provider';
import { createEvent, type LedgerEvent, type UserExportedData } from '#events';
import { UserDirectory } from '#keycloak';
import { generateSyntheticPool, KeycloakServer } from '#stack';
import type { CognitoPoolReader, MeteredCognitoClient } from '#cognito';
import type { ImportReport } from './import-run.js';
import {
  collect,
  deleteRealm,
  facts,
  importAll,
  scenario,
  seedAndExport,
  snapshot,
  type Scenario,
} from '../../../test/support/import-scenario.js';

/*
 * The importer end to end on the real stack: a synthetic pool seeded into cognito-local, exported
 * into Kafka by the exporter, imported into a realm of the real Keycloak, then read back from
 * Keycloak's admin API and from Cognito and compared field by field.
 */

const attribute = (user: UserType, name: string) => user.Attributes?.find((a) => a.Name === name)?.Value;

/** The documented treatment of each status (docs/importer-mapping.md). */
const actionsByStatus: Record<string, string[]> = {
  CONFIRMED: [],
  UNCONFIRMED: ['VERIFY_EMAIL'],
  RESET_REQUIRED: ['UPDATE_PASSWORD'],
  FORCE_CHANGE_PASSWORD: ['UPDATE_PASSWORD'],
  EXTERNAL_PROVIDER: [],
};
const aliasOf: Record<string, string> = {
  Google: 'google',
  SignInWithApple: 'apple',
  AcmeEntraID: 'AcmeEntraID',
  GlobexOkta: 'GlobexOkta',
};
const renamed: Record<string, string> = {
  phone_number: 'phoneNumber',
  phone_number_verified: 'phoneNumberVerified',
  middle_name: 'middleName',
  updated_at: 'cognito_updated_at',
};
const userFields = new Set(['sub', 'identities', 'email', 'email_verified', 'given_name', 'family_name']);

describe('importer on the real stack (cognito-local, Kafka, Keycloak)', () => {
  describe('a 1,000-user pool with free-form usernames', () => {
    let s: Scenario;
    let reader: CognitoPoolReader;
    let client: MeteredCognitoClient;
    let preExisting: { id: string; username: string };
    let report: ImportReport;

    beforeAll(async () => {
      s = await scenario('main', 'us-east-1_ImportIt1');
      ({ reader, client } = await seedAndExport(
        s,
        generateSyntheticPool({ users: 1000, seed: 21, poolId: s.poolId, usernameMode: 'username' }),
      ));
      // A Keycloak account that exists before the import, with the username of a Cognito user.
      await s.realm.call('realm creation', (c) => c.realms.create({ realm: s.realm.name, enabled: true }));
      const [page] = await collect(reader.userPages());
      const target = page!.find((u) => u.UserStatus === 'CONFIRMED' && !attribute(u, 'identities'))!;
      const id = await new UserDirectory(s.realm).create({
        username: target.Username!,
        email: 'already-here@example.org',
        enabled: true,
      });
      preExisting = { id, username: target.Username! };
      report = await importAll(s, 'importer');
    });

    afterAll(() => deleteRealm(s));

    it('settles every exported user: 999 created, 1 matched, nothing failed', () => {
      assert.equal(report.users, 1000);
      assert.equal(report.created, 999);
      assert.equal(report.matched, 1);
      assert.equal(report.failed, 0);
      assert.ok(report.links > 0);
    });

    it('holds each Cognito user in Keycloak with the same attributes, groups, links, enabled flag and required actions', async () => {
      const cognitoUsers = (await collect(reader.userPages())).flat();
      const groupsOf = new Map<string, string[]>();
      for await (const group of reader.groupNames()) {
        for await (const username of reader.usernamesInGroup(group))
          groupsOf.set(username, [...(groupsOf.get(username) ?? []), `/${group}`]);
      }
      const bySub = new Map([...(await snapshot(s)).values()].map((u) => [u.attributes.cognito_sub?.[0], u]));
      assert.equal(cognitoUsers.length, 1000);
      let compared = 0;
      for (const c of cognitoUsers) {
        const sub = attribute(c, 'sub')!;
        const k = bySub.get(sub);
        assert.ok(k, `no Keycloak user for ${c.Username}`);
        if (c.Username === preExisting.username) continue; // checked in its own test
        const where = `user ${c.Username}`;
        assert.equal(k.username, c.Username!.toLowerCase(), where);
        assert.equal(k.email, attribute(c, 'email')?.toLowerCase() ?? null, where);
        assert.equal(k.emailVerified, attribute(c, 'email_verified') === 'true', where);
        assert.equal(k.firstName, attribute(c, 'given_name') ?? null, where);
        assert.equal(k.lastName, attribute(c, 'family_name') ?? null, where);
        assert.equal(k.enabled, c.Enabled, where);

        const expected: Record<string, string[]> = {
          cognito_sub: [sub],
          cognito_username: [c.Username!],
          cognito_status: [c.UserStatus!],
        };
        for (const { Name: name, Value: value } of c.Attributes ?? []) {
          if (userFields.has(name!)) continue;
          expected[name!.startsWith('custom:') ? name!.slice(7) : (renamed[name!] ?? name!)] = [value!];
        }
        assert.deepEqual(sorted(k.attributes), sorted(expected), where);

        assert.deepEqual([...k.groups].sort(), (groupsOf.get(c.Username!) ?? []).sort(), where);

        const identities = JSON.parse(attribute(c, 'identities') ?? '[]') as { providerName: string; userId: string }[];
        assert.deepEqual(
          k.federatedIdentities.map((l) => `${l.identityProvider}/${l.userId}`).sort(),
          identities.map((i) => `${aliasOf[i.providerName]}/${i.userId}`).sort(),
          where,
        );

        const mfa = await client.client.send(new AdminGetUserCommand({ UserPoolId: s.poolId, Username: c.Username! }));
        const hadMfa = (mfa.UserMFASettingList ?? []).length > 0 || (mfa.MFAOptions ?? []).length > 0;
        const actions = [...actionsByStatus[c.UserStatus!]!, ...(hadMfa ? ['CONFIGURE_TOTP'] : [])];
        assert.deepEqual([...k.requiredActions].sort(), actions.sort(), where);
        compared++;
      }
      assert.equal(compared, 999);
    });

    it('matches the account that already had the username, marks it and leaves its own data alone', async () => {
      const matched = (await new UserDirectory(s.realm).detail(preExisting.id))!;
      assert.equal(matched.email, 'already-here@example.org');
      assert.deepEqual(matched.attributes.cognito_matched_by, ['username']);
      assert.ok(matched.attributes.cognito_sub);
      const imported = (await facts(s)).find(
        (e) => e.type === 'UserImported' && e.data.targetUserId === preExisting.id,
      );
      assert.ok(imported && imported.type === 'UserImported');
      assert.equal(imported.data.outcome, 'matched');
      assert.equal(imported.data.matchedBy, 'username');
      assert.equal(imported.subject, matched.attributes.cognito_sub![0]);
    });

    it('records one UserImported per user with its Keycloak id, and a pre-linked FederationRebound per link', async () => {
      const all = await facts(s);
      const imported = all.filter((e) => e.type === 'UserImported');
      assert.equal(new Set(imported.map((e) => e.subject)).size, 1000);
      const keycloakIds = new Set((await snapshot(s)).keys());
      for (const event of imported)
        assert.ok(event.type === 'UserImported' && keycloakIds.has(event.data.targetUserId));
      const rebound = all.filter((e) => e.type === 'FederationRebound');
      assert.equal(rebound.length, report.links);
      assert.ok(rebound.every((e) => e.type === 'FederationRebound' && e.data.via === 'pre-linked'));
      for (const event of imported) assert.equal(event.causationid !== undefined, true);
    });

    it('re-running the import (another consumer group) changes nothing in Keycloak and records no new fact', async () => {
      const before = await snapshot(s);
      const factIds = new Set(
        (await facts(s)).filter((e) => e.type !== 'UserExported').map((e) => `${e.id}/${e.contenthash}`),
      );
      const again = await importAll(s, `rerun-${randomUUID()}`);
      assert.equal(again.users, 1000);
      assert.equal(again.alreadyImported, 1000);
      assert.equal(again.failed, 0);
      assert.equal(again.partialImportRequests, 0);
      assert.deepEqual(await snapshot(s), before);
      const afterIds = new Set(
        (await facts(s)).filter((e) => e.type !== 'UserExported').map((e) => `${e.id}/${e.contenthash}`),
      );
      assert.deepEqual(afterIds, factIds);
    });
  });

  describe('a pool that signs in by e-mail', () => {
    let s: Scenario;
    let pool: ReturnType<typeof generateSyntheticPool>;
    let all: LedgerEvent[];
    let matchedSub: string;

    beforeAll(async () => {
      s = await scenario('email', 'us-east-1_ImportIt2');
      pool = generateSyntheticPool({ users: 120, seed: 5, poolId: s.poolId, usernameMode: 'email' });
      await seedAndExport(s, pool);
      await s.realm.call('realm creation', (c) => c.realms.create({ realm: s.realm.name, enabled: true }));
      const target = pool.users.find(
        (u) => u.status === 'CONFIRMED' && u.password !== null && u.attributes.email && !u.attributes.identities,
      )!;
      matchedSub = target.sub;
      await new UserDirectory(s.realm).create({
        username: 'kept-own-name',
        email: target.attributes.email!,
        enabled: true,
      });
      // Two users Keycloak refuses, added to the ledger as the exporter would have written them.
      const context = { source: '/test', correlationId: 'test', time: new Date() };
      const bad = (n: number, change: Partial<UserExportedData>) =>
        createEvent(
          'UserExported',
          {
            poolId: s.poolId,
            sub: `00000000-0000-4000-8000-00000000000${n}`,
            username: `00000000-0000-4000-8000-00000000000${n}`,
            status: 'CONFIRMED',
            enabled: true,
            createdAt: '2024-01-01T00:00:00.000Z',
            updatedAt: '2024-01-01T00:00:00.000Z',
            attributes: { email: `bad${n}@example.com`, email_verified: 'true' },
            customAttributes: {},
            groups: [],
            mfa: { sms: false, totp: false, preferred: null },
            identities: [],
            anomalies: [],
            ...change,
          },
          context,
        );
      const publisher = await s.ledger.publisher();
      await publisher.publish([
        bad(1, { attributes: { email: 'not-an-email', email_verified: 'false' } }),
        bad(2, { customAttributes: { tenant: { type: 'String', value: 'x'.repeat(3000) } } }),
      ]);
      await publisher.close();
      await importAll(s, 'importer');
      all = await facts(s);
    });

    afterAll(() => deleteRealm(s));

    it('matches the Keycloak account that already had the e-mail, and marks it', async () => {
      const imported = all.find((e) => e.type === 'UserImported' && e.subject === matchedSub);
      assert.ok(imported?.type === 'UserImported');
      assert.equal(imported.data.outcome, 'matched');
      assert.equal(imported.data.matchedBy, 'email');
      const account = (await new UserDirectory(s.realm).byId(imported.data.targetUserId))!;
      assert.equal(imported.data.loginName, account.username);
      assert.deepEqual(account.attributes.cognito_sub, [matchedSub]);
      assert.deepEqual(account.attributes.cognito_matched_by, ['email']);
    });

    it('imports both users who share an e-mail: one keeps it, the other has it in cognito_email, unverified, and its fact says so', async () => {
      const shared = pool.users.find(
        (u) => pool.users.filter((other) => other.attributes.email === u.attributes.email).length > 1,
      )!.attributes.email!;
      const twins = pool.users.filter((u) => u.attributes.email === shared);
      assert.equal(twins.length, 2);
      const users = new UserDirectory(s.realm);
      const stored = await Promise.all(twins.map(async (u) => (await users.byAttribute('cognito_sub', u.sub))[0]!));
      assert.notEqual(stored[0]!.id, stored[1]!.id);
      const holder = stored.find((u) => u.email !== null)!;
      const other = stored.find((u) => u.email === null)!;
      assert.equal(holder.email, shared.toLowerCase());
      assert.deepEqual(other.attributes.cognito_email, [shared]);
      assert.equal(other.emailVerified, false);
      const fact = all.find((e) => e.type === 'UserImported' && e.subject === other.attributes.cognito_sub![0]);
      assert.ok(fact?.type === 'UserImported');
      assert.deepEqual(
        fact.data.adjustments.map((a) => a.field),
        ['email'],
      );
    });

    it("records a user Keycloak refuses as UserImportFailed with Keycloak's reason, and imports the rest", () => {
      const failed = all.filter((e) => e.type === 'UserImportFailed');
      assert.deepEqual(
        failed
          .map(
            (e) =>
              e.type === 'UserImportFailed' && [e.subject.slice(-1), e.data.field, e.data.reason, e.data.httpStatus],
          )
          .sort(),
        [
          ['1', 'email', 'error-invalid-email', 400],
          ['2', 'tenant', 'error-invalid-length-too-long', 400],
        ],
      );
      assert.equal(all.filter((e) => e.type === 'UserImported').length, pool.users.length);
    });
  });

  describe('a Keycloak restart in the middle of an import', () => {
    let s: Scenario;

    beforeAll(async () => {
      s = await scenario('restart', 'us-east-1_ImportIt3');
      await seedAndExport(
        s,
        generateSyntheticPool({ users: 1000, seed: 33, poolId: s.poolId, usernameMode: 'username' }),
      );
    });

    afterAll(() => deleteRealm(s));

    it('ends with every user imported exactly once', async () => {
      const keycloak = new KeycloakServer(process.env);
      let restart: Promise<void> | undefined;
      const report = await importAll(s, 'importer', (records) => {
        restart ??= records >= 200 ? keycloak.down().then(() => keycloak.up(() => undefined)) : undefined;
      });
      await restart;
      assert.ok(restart, 'Keycloak was restarted during the import');
      assert.ok(report.keycloakRetries > 0, 'the import had to wait for Keycloak');
      assert.equal(report.failed, 0);

      const users = [...(await snapshot(s)).values()];
      assert.equal(users.length, 1000);
      assert.equal(new Set(users.map((u) => u.attributes.cognito_sub?.[0])).size, 1000);
      const imported = (await facts(s)).filter((e) => e.type === 'UserImported');
      const targetBySub = new Map<string, Set<string>>();
      for (const e of imported)
        if (e.type === 'UserImported')
          targetBySub.set(e.subject, (targetBySub.get(e.subject) ?? new Set()).add(e.data.targetUserId));
      assert.equal(targetBySub.size, 1000);
      assert.ok([...targetBySub.values()].every((ids) => ids.size === 1));
    });
  });
});

function sorted(record: Readonly<Record<string, readonly string[]>>): Record<string, readonly string[]> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}
