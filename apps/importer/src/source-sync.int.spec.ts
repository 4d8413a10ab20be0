import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminUpdateUserAttributesCommand,
  CreateGroupCommand,
  type UserType,
} from '@aws-sdk/client-cognito-identity-provider';
import { CognitoPoolReader, type MeteredCognitoClient } from '#cognito';
import { rollbackAttentionOf, summarizeUserMigration, userMigrationOf, type UserFact } from '#domain';
import { createEvent, type LedgerEvent, type LedgerEventOf } from '#events';
import { PoolExport } from '#exporter';
import { keycloakConfig, type Env } from '#config';
import { BrowserSession, UserDirectory } from '#keycloak';
import { parse } from 'node-html-parser';
import { projectorSections, projectUntilCaughtUp } from '#projector';
import { openStatusReader, statusSections } from '#reconciler';
import { generateSyntheticPool, localConfig, type SyntheticUser } from '#stack';
import {
  deleteRealm,
  facts,
  importAll,
  scenario,
  seedAndExport,
  type Scenario,
} from '../../../test/support/import-scenario.js';
import { watcherPass } from '../../../test/support/watcher-pass.js';

/*
 * The parallel run on the real stack: changes made in cognito-local reach Keycloak after one
 * change-capture cycle (a rescan of the pool, then the importer), with one ledger fact per
 * change and nothing more on a second cycle; a listing cut short deletes nobody; and once writes
 * move to the target a Cognito change is a recorded conflict that Keycloak does not take.
 */

/** A reader whose listing stops with an error after its first page, as a crash or a lost connection would. */
class InterruptedReader extends CognitoPoolReader {
  override async *userPages(): AsyncGenerator<UserType[]> {
    for await (const page of super.userPages()) {
      yield page;
      throw new Error('listing interrupted after one page');
    }
  }
}

const ofType = <T extends LedgerEvent['type']>(events: readonly LedgerEvent[], type: T): LedgerEventOf<T>[] =>
  events.filter((e) => e.type === type) as unknown as LedgerEventOf<T>[];
const keyOf = (e: LedgerEvent) => `${e.id}/${e.contenthash}`;
const stateOf = (events: readonly LedgerEvent[], sub: string) =>
  summarizeUserMigration(
    userMigrationOf(
      sub,
      events.filter((e): e is UserFact => e.subject === sub),
    ),
  );

describe('parallel run: Cognito changes reach Keycloak until writes move', () => {
  let s: Scenario;
  let reader: CognitoPoolReader;
  let cognito: MeteredCognitoClient;
  let users: UserDirectory;
  let renamed: SyntheticUser, emailChanged: SyntheticUser, regrouped: SyntheticUser;
  let disabled: SyntheticUser, deleted: SyntheticUser, missedByListing: SyntheticUser;
  const newcomer = 'sync-newcomer';
  // Each command through the same metered client the exporter uses; `any` only to accept every command type.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const send = (command: any) => cognito.client.send(command);
  const cycle = async () => {
    const summary = await new PoolExport(s.ledger, reader, cognito).run({ totpLookup: false, detectDeletions: true });
    const report = await importAll(s, 'importer');
    return { summary, report };
  };
  const targetIdOf = (all: readonly LedgerEvent[], sub: string) =>
    ofType(all, 'UserImported').find((e) => e.subject === sub)!.data.targetUserId;

  beforeAll(async () => {
    s = await scenario('sync', 'us-east-1_Sync0001');
    const pool = generateSyntheticPool({ users: 80, seed: 21, poolId: s.poolId, usernameMode: 'username' });
    const plain = pool.users.filter(
      (u) => u.status === 'CONFIRMED' && u.enabled && !u.attributes.identities && u.attributes.email !== undefined,
    );
    [renamed, emailChanged, regrouped, disabled, deleted, missedByListing] = plain as [
      SyntheticUser,
      SyntheticUser,
      SyntheticUser,
      SyntheticUser,
      SyntheticUser,
      SyntheticUser,
    ];
    ({ reader, client: cognito } = await seedAndExport(s, pool, false));
    users = new UserDirectory(s.realm);
    const first = await importAll(s, 'importer');
    assert.equal(first.failed, 0);
  });

  afterAll(() => deleteRealm(s));

  it('one cycle carries e-mail, name, a group, enabled, a deletion and a new user to Keycloak, one fact each', async () => {
    const before = await facts(s);
    await send(
      new AdminUpdateUserAttributesCommand({
        UserPoolId: s.poolId,
        Username: emailChanged.username,
        UserAttributes: [
          { Name: 'email', Value: 'moved.away@example.org' },
          { Name: 'email_verified', Value: 'true' },
        ],
      }),
    );
    await send(
      new AdminUpdateUserAttributesCommand({
        UserPoolId: s.poolId,
        Username: renamed.username,
        UserAttributes: [{ Name: 'given_name', Value: 'Renamed' }],
      }),
    );
    await send(new CreateGroupCommand({ UserPoolId: s.poolId, GroupName: 'sync-testers' }));
    await send(
      new AdminAddUserToGroupCommand({ UserPoolId: s.poolId, Username: regrouped.username, GroupName: 'sync-testers' }),
    );
    await send(new AdminDisableUserCommand({ UserPoolId: s.poolId, Username: disabled.username }));
    await send(new AdminDeleteUserCommand({ UserPoolId: s.poolId, Username: deleted.username }));
    await send(
      new AdminCreateUserCommand({
        UserPoolId: s.poolId,
        Username: newcomer,
        UserAttributes: [{ Name: 'email', Value: 'newcomer@example.org' }],
        MessageAction: 'SUPPRESS',
      }),
    );

    const { summary, report } = await cycle();
    assert.equal(summary.capture.added, 1);
    assert.equal(summary.capture.changed, 4);
    assert.equal(summary.capture.deleted, 1);
    assert.equal(report.updated, 5);
    assert.equal(report.created, 1);

    const all = await facts(s);
    const known = new Set(before.map(keyOf));
    const added = all.filter((e) => !known.has(keyOf(e)));
    const updates = ofType(added, 'UserUpdatedInTarget');
    const bySub = new Map(updates.map((u) => [u.subject, u.data]));
    assert.equal(updates.length, 5);
    assert.deepEqual(bySub.get(emailChanged.sub)?.values.email, 'moved.away@example.org');
    assert.deepEqual(bySub.get(renamed.sub)?.fields, ['firstName']);
    assert.deepEqual(bySub.get(regrouped.sub)?.groupsJoined, ['sync-testers']);
    assert.deepEqual(bySub.get(disabled.sub)?.values, { enabled: false });
    assert.equal(bySub.get(deleted.sub)?.cause, 'source-deletion');
    assert.deepEqual(
      ofType(added, 'UserDeletedInSource').map((e) => e.subject),
      [deleted.sub],
    );
    assert.equal(ofType(added, 'UserImported').length, 1);

    // Keycloak holds each change.
    assert.equal((await users.byId(targetIdOf(all, emailChanged.sub)))?.email, 'moved.away@example.org');
    assert.equal((await users.byId(targetIdOf(all, renamed.sub)))?.firstName, 'Renamed');
    assert.ok((await users.groupNames(targetIdOf(all, regrouped.sub))).includes('sync-testers'));
    assert.equal((await users.byId(targetIdOf(all, disabled.sub)))?.enabled, false);
    assert.equal((await users.byId(targetIdOf(all, deleted.sub)))?.enabled, false);
    assert.ok(await users.byUsername(newcomer));

    // The user's state, as the projector folds it, agrees.
    assert.equal(stateOf(all, emailChanged.sub).currentEmail, 'moved.away@example.org');
    assert.equal(stateOf(all, disabled.sub).status, 'disabled');
    const gone = stateOf(all, deleted.sub);
    assert.equal(gone.deletedInSource, true);
    assert.equal(gone.status, 'disabled');
    assert.equal(gone.currentlyEnabled, false);
  });

  it('a second cycle adds nothing', async () => {
    const before = await facts(s);
    const { summary, report } = await cycle();
    const after = await facts(s);
    assert.deepEqual(
      after.filter((e) => !new Set(before.map(keyOf)).has(keyOf(e))).map((e) => e.type),
      [],
    );
    assert.equal(summary.capture.changed + summary.capture.added + summary.capture.deleted, 0);
    assert.equal(report.updated + report.rejected, 0);
  });

  it('an interrupted listing deletes nobody; the next complete one confirms the deletion', async () => {
    await send(new AdminDeleteUserCommand({ UserPoolId: s.poolId, Username: missedByListing.username }));
    const interrupted = new InterruptedReader(cognito, s.poolId);
    await assert.rejects(
      new PoolExport(s.ledger, interrupted, cognito).run({ totpLookup: false, detectDeletions: true }),
      /listing interrupted/,
    );
    assert.deepEqual(
      ofType(await facts(s), 'UserDeletedInSource').map((e) => e.subject),
      [deleted.sub],
    );
    const { summary } = await cycle();
    assert.equal(summary.capture.deleted, 1);
    assert.ok(ofType(await facts(s), 'UserDeletedInSource').some((e) => e.subject === missedByListing.sub));
  });

  it('after target-writes, a Cognito change is a recorded conflict and Keycloak keeps its value', async () => {
    const publisher = await s.ledger.publisher();
    try {
      await publisher.publish([
        createEvent(
          'CutoverPhaseChanged',
          {
            target: { kind: 'keycloak', realm: s.realm.name },
            sequence: 1,
            from: 'parallel-run',
            to: 'target-writes',
            by: 'operator',
            operator: 'sync test',
            reason: 'writes move to the target',
            override: true,
            decidedAt: new Date().toISOString(),
            criteria: [],
          },
          { source: '/test', correlationId: 'sync-test', time: new Date() },
        ),
      ]);
    } finally {
      await publisher.close();
    }
    await send(
      new AdminUpdateUserAttributesCommand({
        UserPoolId: s.poolId,
        Username: emailChanged.username,
        UserAttributes: [{ Name: 'email', Value: 'too.late@example.org' }],
      }),
    );
    const { report } = await cycle();
    assert.equal(report.rejected, 1);
    assert.equal(report.updated, 0);
    const all = await facts(s);
    const conflict = ofType(all, 'SourceChangeRejected').find((e) => e.subject === emailChanged.sub)!;
    assert.ok(conflict.data.fields.includes('email'));
    assert.equal(conflict.data.phase, 'target-writes');
    assert.equal(conflict.data.kept.email, 'moved.away@example.org');
    assert.equal((await users.byId(targetIdOf(all, emailChanged.sub)))?.email, 'moved.away@example.org');
    assert.equal(stateOf(all, emailChanged.sub).currentEmail, 'moved.away@example.org');
  });

  it('a user registered in Keycloak is recorded as born there: the state counts them and a rollback lists them', async () => {
    await s.realm.call('registration on', (c) =>
      c.realms.update({ realm: s.realm.name }, { registrationAllowed: true }),
    );
    const base = `${keycloakConfig(s.env).url}/realms/${s.realm.name}`;
    const browser = new BrowserSession();
    const page = await browser.get(
      `${base}/protocol/openid-connect/registrations?client_id=account&response_type=code&scope=openid` +
        `&redirect_uri=${encodeURIComponent(`${base}/account/`)}`,
    );
    const form = parse(page.body).querySelector('form#kc-register-form');
    assert.ok(form, `no registration form (HTTP ${page.status})`);
    const registered = `Rg-${randomBytes(9).toString('base64url')}!9a`;
    const done = await browser.postForm(form.getAttribute('action')!.replaceAll('&amp;', '&'), {
      username: 'born.here',
      email: 'born.here@example.org',
      firstName: 'Born',
      lastName: 'Here',
      password: registered,
      'password-confirm': registered,
    });
    assert.equal(done.status, 302, `registration was not accepted: ${done.body.slice(0, 300)}`);
    const account = await users.byUsername('born.here');
    assert.ok(account);

    await watcherPass(s.env);
    const all = await facts(s);
    const born = ofType(all, 'UserRegisteredInTarget');
    assert.deepEqual(
      born.map((e) => [e.subject, e.data.username, e.data.email]),
      [[account.id, 'born.here', 'born.here@example.org']],
    );
    const state = stateOf(all, account.id);
    assert.equal(state.status, 'unexported');
    assert.equal(state.currentEmail, 'born.here@example.org');
    // The rollback report's row, as the projection reader builds it: not in Cognito.
    assert.deepEqual(
      rollbackAttentionOf({
        sub: account.id,
        username: 'born.here',
        inCognito: state.status !== 'unexported',
        enabledInCognito: false,
        mfaInCognito: false,
        passwordVia: [],
        mfaEnrolledInTarget: false,
        relinkedProviders: [],
        targetAccount: null,
      }),
      ['created-in-target'],
    );

    // A second pass records nothing more.
    await watcherPass(s.env);
    assert.equal(ofType(await facts(s), 'UserRegisteredInTarget').length, 1);
  });

  it('a user an administrator creates in Keycloak is recorded once as born there, projected and listed for a rollback', async () => {
    const password = `Ad-${randomBytes(9).toString('base64url')}!9a`;
    const created = await s.realm.call('admin creates a user', (c) =>
      c.users.create({
        realm: s.realm.name,
        username: 'made.by.admin',
        email: 'made.by.admin@example.org',
        firstName: 'Made',
        lastName: 'ByAdmin',
        enabled: true,
        credentials: [{ type: 'password', value: password, temporary: false }],
      }),
    );
    // Created through the admin API as well, but carrying the importer's bookkeeping: not born in the target.
    const withSub = await s.realm.call('admin creates a Cognito user', (c) =>
      c.users.create({
        realm: s.realm.name,
        username: 'carries.cognito.sub',
        enabled: true,
        attributes: { cognito_sub: ['0f5e7c1a-1111-4222-8333-944455556666'] },
      }),
    );

    await watcherPass(s.env);
    const all = await facts(s);
    const born = ofType(all, 'UserRegisteredInTarget');
    assert.deepEqual(
      born.filter((e) => e.data.via === 'admin').map((e) => [e.subject, e.data.username, e.data.email]),
      [[created.id, 'made.by.admin', 'made.by.admin@example.org']],
    );
    assert.ok(!born.some((e) => e.subject === withSub.id), 'a user with cognito_sub is not born in the target');
    const imported = new Set(ofType(all, 'UserImported').map((e) => e.data.targetUserId));
    assert.ok(imported.size > 0);
    assert.deepEqual(
      born.filter((e) => imported.has(e.subject)),
      [],
      'an imported user is never recorded as born in the target',
    );
    assert.ok(!JSON.stringify(all).includes(password), 'the password the administrator set is in no fact');

    // The projection counts them and `ledger status --rollback` (its reader) lists them.
    const env: Env = { ...s.env, PROJECTION_SCHEMA: `it_born_${s.realm.name.replace(/[^a-z0-9]/g, '_')}`.slice(0, 60) };
    await projectUntilCaughtUp(await localConfig(env, projectorSections));
    const status = await openStatusReader(await localConfig(env, statusSections));
    try {
      const report = await status.status.rollbackReport();
      assert.deepEqual(
        report.users.filter((u) => u.sub === created.id),
        [{ sub: created.id, username: 'made.by.admin', reasons: ['created-in-target'] }],
      );
      const createdInTarget = report.users.filter((u) => u.reasons.includes('created-in-target')).map((u) => u.sub);
      assert.ok(!createdInTarget.some((sub) => sub === withSub.id || imported.has(sub)));
      assert.equal(report.counts['created-in-target'], born.length);
    } finally {
      await status.close();
    }

    // A second pass records nothing more.
    await watcherPass(s.env);
    const again = ofType(await facts(s), 'UserRegisteredInTarget');
    assert.deepEqual(again.map(keyOf).sort(), born.map(keyOf).sort());
  });
});
