import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { passwordGrant } from '#bridge';
import { keycloakConfig } from '#config';
import { userMigrationOf, type UserFact } from '#domain';
import { createEvent, type LedgerEvent, type LedgerEventOf, type UserExportedData } from '#events';
import { PoolExport } from '#exporter';
import { UserDirectory } from '#keycloak';
import { partitionOfKey } from '#ledger';
import { generateSyntheticPool, type SyntheticUser } from '#stack';
import type { ImportReport } from './import-run.js';
import {
  deleteRealm,
  facts,
  importAll,
  scenario,
  seedAndExport,
  snapshot,
  type Scenario,
} from '../../../test/support/import-scenario.js';

/*
 * What the importer records must be true of the realm, and nothing it records may be recorded
 * twice with other content: users the realm's profile would block, an outcome a later export
 * changes, a re-run under another consumer group, and usernames that differ only in case.
 */

const idsWithTwoContents = (events: readonly LedgerEvent[]) => {
  const hashes = new Map<string, Set<string>>();
  for (const e of events) hashes.set(e.id, (hashes.get(e.id) ?? new Set()).add(e.contenthash));
  return [...hashes].filter(([, h]) => h.size > 1).map(([id]) => id);
};
const keyOf = (e: LedgerEvent) => `${e.id}/${e.contenthash}`;
const importedOf = (events: readonly LedgerEvent[], sub: string) =>
  events.find((e): e is LedgerEventOf<'UserImported'> => e.type === 'UserImported' && e.subject === sub);

describe('import outcomes on the real stack', () => {
  describe('a pool without required names: export, import, export --totp, import, import under another group', () => {
    let s: Scenario;
    let noFamilyName: SyntheticUser;
    let phoneOnly: SyntheticUser;
    let totpUser: SyntheticUser;
    let exportAgain: () => Promise<unknown>;
    let first: ImportReport;

    beforeAll(async () => {
      s = await scenario('outcomes', 'us-east-1_Outcome1');
      const pool = generateSyntheticPool({ users: 40, seed: 12, poolId: s.poolId, usernameMode: 'username' });
      // No user has TOTP but one, so that `export --totp` changes exactly one import outcome.
      for (const user of pool.users)
        user.mfa = user.mfa.sms ? { sms: true, totp: false, preferred: 'SMS_MFA' } : { sms: false, totp: false };
      const plain = pool.users.filter(
        (u) => u.status === 'CONFIRMED' && u.password !== null && u.enabled && !u.mfa.sms && !u.attributes.identities,
      );
      [noFamilyName, phoneOnly, totpUser] = plain as [SyntheticUser, SyntheticUser, SyntheticUser];
      delete noFamilyName.attributes.family_name;
      delete noFamilyName.attributes.name;
      delete phoneOnly.attributes.email;
      delete phoneOnly.attributes.email_verified;
      phoneOnly.attributes.phone_number = '+12125550199';
      phoneOnly.attributes.phone_number_verified = 'true';
      totpUser.mfa = { sms: false, totp: true, preferred: 'SOFTWARE_TOKEN_MFA' };

      const { reader, client } = await seedAndExport(s, pool, false);
      exportAgain = () => new PoolExport(s.ledger, reader, client).run({ totpLookup: true });
      first = await importAll(s, 'importer-a');
    });

    afterAll(() => deleteRealm(s));

    it('a user without family_name and a phone-only user get a token with their password, nothing adjusted', async () => {
      assert.equal(first.failed, 0);
      const all = await facts(s);
      const users = new UserDirectory(s.realm);
      for (const user of [noFamilyName, phoneOnly]) {
        const imported = importedOf(all, user.sub)!;
        assert.deepEqual(imported.data.adjustments, [], user.username);
        await s.realm.call('password set by the test', (c) =>
          c.users.resetPassword({
            realm: s.realm.name,
            id: imported.data.targetUserId,
            credential: { type: 'password', value: user.password!, temporary: false },
          }),
        );
        const grant = await passwordGrant(
          { keycloakUrl: keycloakConfig(s.env).url, realm: s.realm.name, clientId: 'admin-cli' },
          imported.data.loginName,
          user.password!,
        );
        assert.equal(grant.kind, 'tokens', `${user.username}: ${JSON.stringify(grant)}`);
        assert.ok(await users.byId(imported.data.targetUserId));
      }
    });

    it('export --totp, then import: one new fact (UserImportRevised), applied to Keycloak; no id with two contents', async () => {
      const before = await facts(s);
      await exportAgain();
      const report = await importAll(s, 'importer-a');
      const all = await facts(s);
      assert.deepEqual(idsWithTwoContents(all), []);

      const known = new Set(before.map(keyOf));
      const added = all.filter((e) => e.type !== 'UserExported' && !known.has(keyOf(e)));
      assert.deepEqual(
        added.map((e) => [e.type, e.subject]),
        [['UserImportRevised', totpUser.sub]],
      );
      const revised = added[0] as LedgerEventOf<'UserImportRevised'>;
      assert.deepEqual(revised.data.requiredActionsAdded, ['CONFIGURE_TOTP']);
      assert.deepEqual(revised.data.requiredActions, ['CONFIGURE_TOTP']);
      assert.equal(revised.data.revision, 1);
      assert.equal(report.revised, 1);
      assert.equal(report.alreadyImported, 39);

      const stored = await new UserDirectory(s.realm).byId(revised.data.targetUserId);
      assert.deepEqual(stored?.requiredActions, ['CONFIGURE_TOTP']);
      const state = userMigrationOf(
        totpUser.sub,
        all.filter((e): e is UserFact => e.subject === totpUser.sub),
      );
      assert.deepEqual(state.imports[`keycloak/${s.realm.name}`]?.requiredActions, ['CONFIGURE_TOTP']);
    });

    it('import again under another consumer group: no new fact, nothing written to Keycloak, all already imported', async () => {
      const before = new Set((await facts(s)).map(keyOf));
      const realmBefore = await snapshot(s);
      const report = await importAll(s, 'importer-b');
      assert.equal(report.alreadyImported, 40);
      assert.equal(report.created + report.matched + report.revised + report.failed, 0);
      assert.equal(report.partialImportRequests, 0);
      assert.deepEqual(new Set((await facts(s)).map(keyOf)), before);
      assert.deepEqual(await snapshot(s), realmBefore);
    });
  });

  describe('usernames that differ only in case (a case-sensitive pool)', () => {
    const poolId = 'us-east-1_CaseVar1';
    // Two subs whose facts share a partition, so that the order they are published in is the
    // order the importer reads them in.
    const [smaller, larger] = samePartitionSubs();
    const exported = (sub: string, username: string) =>
      createEvent(
        'UserExported',
        {
          poolId,
          sub,
          username,
          status: 'CONFIRMED',
          enabled: true,
          createdAt: '2024-01-01T00:00:00.000Z',
          updatedAt: '2024-01-01T00:00:00.000Z',
          attributes: { email: `${sub}@example.com`, email_verified: 'false' },
          customAttributes: {},
          groups: [],
          mfa: { sms: false, totp: false, preferred: null },
          identities: [],
          anomalies: [],
        } satisfies UserExportedData,
        { source: '/test', correlationId: 'test', time: new Date('2024-01-02T00:00:00.000Z') },
      );
    const lower = exported(larger, 'user.19');
    const upper = exported(smaller, 'USER.19');
    const scenarios: Scenario[] = [];

    async function importInOrder(name: string, order: LedgerEvent[]) {
      const s = await scenario(name, poolId);
      scenarios.push(s);
      await s.ledger.ensureTopics();
      const publisher = await s.ledger.publisher();
      await publisher.publish(order);
      await publisher.close();
      const report = await importAll(s, 'importer');
      const users = new UserDirectory(s.realm);
      const outcome = await Promise.all(
        [smaller, larger].map(async (sub) => {
          const [stored] = await users.byAttribute('cognito_sub', sub);
          const imported = importedOf(await facts(s), sub);
          assert.ok(imported, `${name}: no UserImported for ${sub}`);
          return {
            username: stored?.username,
            loginName: imported.data.loginName,
            adjustments: imported.data.adjustments.map((a) => a.field),
          };
        }),
      );
      return { report, outcome };
    }

    afterAll(() => Promise.all(scenarios.map(deleteRealm)));

    it('the smaller sub keeps the name, the other signs in with its sub and its fact says so, in either order', async () => {
      const ab = await importInOrder('case-ab', [lower, upper]);
      const ba = await importInOrder('case-ba', [upper, lower]);
      for (const { report } of [ab, ba]) {
        assert.equal(report.failed, 0);
        assert.equal(report.created, 2);
      }
      const expected = [
        { username: 'user.19', loginName: 'user.19', adjustments: [] },
        { username: larger, loginName: larger, adjustments: ['username'] },
      ];
      assert.deepEqual(ab.outcome, expected);
      assert.deepEqual(ba.outcome, expected);
    });
  });
});

/** Two sub-like UUIDs, in ascending order, that the ledger's producer puts in one partition. */
function samePartitionSubs(): [string, string] {
  const partitionOf = (key: string) => partitionOfKey(key, 12);
  const sub = (prefix: string, n: number) => `${prefix}0000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  const first = sub('a', 1);
  for (let n = 1; ; n++) {
    const candidate = sub('b', n);
    if (partitionOf(candidate) === partitionOf(first)) return [first, candidate];
  }
}
