import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import { DeciderSpecification } from '../../../test/support/decider-specification.js';
import {
  aloneWriteVia,
  decideBatchWrite,
  decideCaseVariantLoginName,
  decideImportPath,
  decideMatchLinks,
  decideStoredOutcome,
  decideUnbatchedImport,
  linkHeldElsewhere,
  linksClaimedEarlierInBatch,
  linksToAdd,
  routeImportBatch,
  type ImportCandidate,
  type TargetAccount,
  type TargetLookups,
} from './import-matching.js';
import type { LoginPolicy } from './login-policy.js';
import type { ImportRecord } from './user-migration.js';

const freeForm: LoginPolicy = { usernameAttribute: null, emailSignIn: true };
const freeFormEmailsNotUnique: LoginPolicy = { usernameAttribute: null, emailSignIn: false };
const byEmail: LoginPolicy = { usernameAttribute: 'email', emailSignIn: true };
const byPhone: LoginPolicy = { usernameAttribute: 'phone_number', emailSignIn: false };

const sub = 'a0000000-0000-4000-8000-000000000001';
const otherSub = 'b0000000-0000-4000-8000-000000000002';
const google = { identityProvider: 'google', userId: 'g-1' };
const saml = { identityProvider: 'AcmeEntraID', userId: 's-1' };

const user = (overrides: Partial<ImportCandidate> = {}): ImportCandidate => ({
  sub,
  id: 'kc-derived-1',
  loginName: 'zoe',
  email: 'zoe@example.com',
  links: [],
  needsValidation: false,
  ...overrides,
});
/** An account that came from Cognito (carries a `cognito_sub`). */
const imported = (overrides: Partial<TargetAccount> = {}): TargetAccount => ({
  id: 'kc-other',
  username: 'zoe',
  cognitoSub: otherSub,
  matchedBy: null,
  withheldEmail: false,
  ...overrides,
});
/** An account the target had before the migration (no `cognito_sub`). */
const own = (overrides: Partial<TargetAccount> = {}): TargetAccount =>
  imported({ id: 'kc-own', cognitoSub: null, ...overrides });

describe('import matching: a user that goes alone (decideUnbatchedImport)', () => {
  const given = DeciderSpecification.for({ decide: decideUnbatchedImport });
  const nobody = { byId: null, bySub: null, byUsername: null, byEmail: null } satisfies TargetLookups;

  describe('what it asks the target, one lookup at a time', () => {
    const cases: [given: string, TargetLookups, ImportCandidate, LoginPolicy, by: string][] = [
      ['nothing known', {}, user(), freeForm, 'id'],
      ['no account with its derived id', { byId: null }, user(), freeForm, 'sub'],
      ['nor with its cognito_sub', { byId: null, bySub: null }, user(), freeForm, 'username'],
      [
        'nor with its login name, in a realm keeping e-mails unique',
        { byId: null, bySub: null, byUsername: null },
        user(),
        freeForm,
        'email',
      ],
    ];
    for (const [past, target, candidate, policy, by] of cases) {
      it(`given ${past}, when settling it, then it looks up by ${by}`, () => {
        given(target)
          .when({ user: candidate, policy })
          .then({ kind: 'look-up', by: by as 'id' });
      });
    }
  });

  it('given an account with its derived id, then it is already in the target (an earlier delivery wrote it)', () => {
    const account = imported({ id: 'kc-derived-1', cognitoSub: sub });
    given({ byId: account }).when({ user: user(), policy: freeForm }).then({ kind: 'already-in-target', account });
  });

  it('given an account with its cognito_sub (matched earlier), then it is already in the target', () => {
    const account = own({ cognitoSub: sub, matchedBy: 'email' });
    given({ byId: null, bySub: account })
      .when({ user: user(), policy: freeForm })
      .then({ kind: 'already-in-target', account });
  });

  it('given an account of its own with its username, then that account is matched by username', () => {
    const account = own();
    given({ ...nobody, byUsername: account, byEmail: undefined })
      .when({ user: user(), policy: freeForm })
      .then({ kind: 'match', account, by: 'username' });
  });

  it('given another Cognito user holding its login name, which is its e-mail, then it is written without the e-mail', () => {
    given({ ...nobody, byUsername: imported({ username: 'zoe@example.com' }) })
      .when({ user: user({ loginName: 'zoe@example.com' }), policy: byEmail })
      .then({ kind: 'write', adjust: { kind: 'without-email' } });
  });

  it('given a case variant (another sub) holding the name in a free-form pool, then it signs in with its sub', () => {
    given({ ...nobody, byUsername: imported() })
      .when({ user: user({ loginName: 'ZOE' }), policy: freeForm })
      .then({ kind: 'write', adjust: { kind: 'login-name', loginName: sub, heldBy: otherSub } });
  });

  it('given another Cognito user holding the name in a pool whose usernames are phone numbers, then it is written as is (the target refuses it, and says why)', () => {
    given({ ...nobody, byUsername: imported({ username: '+12125550100' }) })
      .when({ user: user({ loginName: '+12125550100', email: null }), policy: byPhone })
      .then({ kind: 'write', adjust: { kind: 'none' } });
  });

  it('given the name held by an account carrying its own sub, then it is written as is', () => {
    given({ ...nobody, byUsername: imported({ cognitoSub: sub }) })
      .when({ user: user(), policy: freeForm })
      .then({ kind: 'write', adjust: { kind: 'none' } });
  });

  it('given another Cognito user holding its e-mail where e-mails are unique, then it is written without the e-mail', () => {
    given({ ...nobody, byEmail: imported() })
      .when({ user: user(), policy: freeForm })
      .then({ kind: 'write', adjust: { kind: 'without-email' } });
  });

  it('given an account of its own holding its e-mail where e-mails are unique, then that account is matched by e-mail', () => {
    const account = own({ username: 'kept-own-name' });
    given({ ...nobody, byEmail: account })
      .when({ user: user(), policy: freeForm })
      .then({ kind: 'match', account, by: 'email' });
  });

  it('given a realm where e-mails are not unique, then the e-mail is never looked up and it is written as is', () => {
    given({ byId: null, bySub: null, byUsername: null })
      .when({ user: user(), policy: freeFormEmailsNotUnique })
      .then({ kind: 'write', adjust: { kind: 'none' } });
  });

  it('given a user without e-mail and a free name, then it is written as is', () => {
    given({ byId: null, bySub: null, byUsername: null })
      .when({ user: user({ email: null }), policy: freeForm })
      .then({ kind: 'write', adjust: { kind: 'none' } });
  });

  it('given nobody holding its name or e-mail, then it is written as is', () => {
    given(nobody)
      .when({ user: user(), policy: freeForm })
      .then({ kind: 'write', adjust: { kind: 'none' } });
  });
});

describe('import matching: which path an exported user takes (decideImportPath)', () => {
  const record = { basedOn: 'export-1' } as ImportRecord;
  const given = DeciderSpecification.for({
    decide: (exportId: string, recorded: ImportRecord | undefined) => decideImportPath(recorded, exportId),
  });

  it('given no recorded import, when export-1 arrives, then it is imported', () => {
    given(undefined).when('export-1').then('import');
  });
  it('given an import computed from export-1, when export-1 arrives again, then nothing changes', () => {
    given(record).when('export-1').then('unchanged');
  });
  it('given an import computed from export-1, when export-2 arrives, then the import is reviewed', () => {
    given(record).when('export-2').then('review');
  });
});

describe('import matching: login names that differ only in case (decideCaseVariantLoginName)', () => {
  const claims = [
    { sub, loginName: 'user.19', holds: false },
    { sub: otherSub, loginName: 'USER.19', holds: true },
  ];
  const given = DeciderSpecification.for({
    decide: (policy: LoginPolicy, candidate: { sub: string; loginName: string }) =>
      decideCaseVariantLoginName(candidate, claims, policy),
  });

  it('given a free-form pool where a case variant holds the name, then this user signs in with its sub', () => {
    given({ sub, loginName: 'user.19' }).when(freeForm).then({ loginName: sub, heldBy: otherSub });
  });
  it('given a pool whose usernames are e-mails, then the name stays (Cognito has no such pairs)', () => {
    given({ sub, loginName: 'user.19' }).when(byEmail).then({ loginName: 'user.19', heldBy: null });
  });
});

describe('import matching: batches (routeImportBatch, linksClaimedEarlierInBatch)', () => {
  it('given users with distinct names and e-mails, then all go in the batch', () => {
    const users = [user(), user({ sub: otherSub, loginName: 'ann', email: 'ann@example.com' })];
    assert.deepEqual(routeImportBatch(users, freeForm), ['batch', 'batch']);
  });

  it('given a user the target would refuse, then it goes alone', () => {
    assert.deepEqual(routeImportBatch([user({ needsValidation: true })], freeForm), ['alone']);
  });

  it('given two users whose names differ only in case, then the second goes alone', () => {
    const users = [user({ loginName: 'Zoe' }), user({ sub: otherSub, loginName: 'zoe', email: null })];
    assert.deepEqual(routeImportBatch(users, freeForm), ['batch', 'alone']);
  });

  it('given two users with one e-mail (any case), then the second goes alone where e-mails are unique, else not', () => {
    const users = [user(), user({ sub: otherSub, loginName: 'ann', email: 'ZOE@example.com' })];
    assert.deepEqual(routeImportBatch(users, freeForm), ['batch', 'alone']);
    assert.deepEqual(routeImportBatch(users, freeFormEmailsNotUnique), ['batch', 'batch']);
  });

  it('given a user that went alone, then its name still counts against the later ones', () => {
    const users = [user({ needsValidation: true }), user({ sub: otherSub, email: null })];
    assert.deepEqual(routeImportBatch(users, freeForm), ['alone', 'alone']);
  });

  it('given two users of a batch with one identity, then the first keeps it and the second is left without', () => {
    const users = [user({ links: [google] }), user({ sub: otherSub, links: [google, saml] }), user({ links: [saml] })];
    assert.deepEqual(linksClaimedEarlierInBatch(users), [[], [google], [saml]]);
  });
});

describe('import matching: links (linkHeldElsewhere, linksToAdd, decideMatchLinks)', () => {
  it('given nobody holding the identity, then it is not held elsewhere', () => {
    assert.equal(linkHeldElsewhere(user(), []), false);
  });
  it('given the identity on its own derived account, or on an account with its sub, then it is not held elsewhere', () => {
    assert.equal(linkHeldElsewhere(user(), [imported({ id: 'kc-derived-1' })]), false);
    assert.equal(linkHeldElsewhere(user(), [own({ cognitoSub: sub })]), false);
  });
  it('given the identity on another account, Cognito or not, then it is held elsewhere', () => {
    assert.equal(linkHeldElsewhere(user(), [imported()]), true);
    assert.equal(linkHeldElsewhere(user(), [own()]), true);
  });

  it('given an account holding one of two identities, then only the other is added', () => {
    assert.deepEqual(linksToAdd(user({ links: [google, saml] }), [google]), [saml]);
  });

  it('given a matched account without links, then every identity is linked', () => {
    assert.deepEqual(decideMatchLinks(user({ links: [google, saml] }), []), { link: [google, saml], held: [] });
  });
  it('given a matched account with the same identity, then it counts as re-bound and nothing is linked', () => {
    assert.deepEqual(decideMatchLinks(user({ links: [google] }), [google]), { link: [], held: [] });
  });
  it('given a matched account with another identity of the provider, then the candidate’s is left out', () => {
    const theirs = { identityProvider: 'google', userId: 'g-other' };
    assert.deepEqual(decideMatchLinks(user({ links: [google, saml] }), [theirs]), { link: [saml], held: [google] });
  });
});

describe('import matching: writes (decideBatchWrite, aloneWriteVia)', () => {
  const given = DeciderSpecification.for({ decide: decideBatchWrite });
  it('given partialImport added it under its derived id, then it is created', () => {
    given({ outcome: 'added', id: 'kc-derived-1' }).when(user()).then('added');
  });
  it('given its derived id already there, then it was written before', () => {
    given({ outcome: 'exists', id: 'kc-derived-1' }).when(user()).then('written-before');
  });
  it('given another account with its username, then it is looked at closer', () => {
    given({ outcome: 'exists', id: 'kc-other' }).when(user()).then('look-closer');
  });
  it('given a refusal or no answer, then it is looked at closer', () => {
    given({ outcome: 'refused' }).when(user()).then('look-closer');
    given(undefined).when(user()).then('look-closer');
  });

  it('given a user the target would refuse, then it is written through the validating endpoint, else partialImport first', () => {
    assert.equal(aloneWriteVia(user({ needsValidation: true })), 'validating-create');
    assert.equal(aloneWriteVia(user()), 'partial-import');
  });
});

describe('import matching: the fact for an account the target holds (decideStoredOutcome)', () => {
  it('given an account the import created, then created, under the username the target stores', () => {
    assert.deepEqual(decideStoredOutcome(user({ loginName: 'Zoe' }), imported({ cognitoSub: sub }), []), {
      outcome: 'created',
      matchedBy: null,
      loginName: 'zoe',
      withoutEmail: false,
      linksNotHeld: [],
    });
  });

  it('given an account matched by e-mail, then matched by e-mail', () => {
    const outcome = decideStoredOutcome(user(), own({ username: 'kept', matchedBy: 'email', cognitoSub: sub }), []);
    assert.deepEqual([outcome.outcome, outcome.matchedBy, outcome.loginName], ['matched', 'email', 'kept']);
  });

  it('given an account holding the e-mail as withheld, then the e-mail is recorded withheld (only if there is one)', () => {
    assert.equal(decideStoredOutcome(user(), imported({ withheldEmail: true }), []).withoutEmail, true);
    assert.equal(decideStoredOutcome(user({ email: null }), imported({ withheldEmail: true }), []).withoutEmail, false);
  });

  it('given links the account lacks, then those are not re-bound, unless the caller links them right after', () => {
    const candidate = user({ links: [google, saml] });
    assert.deepEqual(decideStoredOutcome(candidate, imported(), [google]).linksNotHeld, [saml]);
    assert.deepEqual(decideStoredOutcome(candidate, imported(), [google], [saml]).linksNotHeld, []);
  });
});
