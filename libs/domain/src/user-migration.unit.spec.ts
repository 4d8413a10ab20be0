import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import {
  disagreementFound,
  disagreementResolved,
  exported,
  federationRebound,
  identity,
  importFailed,
  imported,
  importRevised,
  mfaReenrolled,
  passwordMigrated,
  resetSent,
  sub,
} from '../../../test/support/user-facts.js';
import type { UserFact } from './user-fact.js';
import { evolveUserMigration, userMigrationOf, type UserMigrationState } from './user-migration.js';
import { summarizeUserMigration, type UserMigrationSummary } from './user-migration-summary.js';
import { UserStateConflictError } from './user-state-conflict-error.js';

/** Given these past facts, when this fact arrives, then the summary has these values. */
function given(...past: UserFact[]) {
  const before = userMigrationOf(sub, past);
  return {
    when(fact: UserFact) {
      return {
        then(expected: Partial<UserMigrationSummary>): UserMigrationState {
          const after = evolveUserMigration(before, fact);
          const summary = summarizeUserMigration(after);
          for (const [field, value] of Object.entries(expected)) {
            assert.deepEqual(summary[field as keyof UserMigrationSummary], value, `summary.${field}`);
          }
          return after;
        },
        thenUnchanged(): void {
          assert.deepEqual(evolveUserMigration(before, fact), before);
        },
        thenRejected(pattern: RegExp): void {
          assert.throws(
            () => evolveUserMigration(before, fact),
            (e: unknown) => e instanceof UserStateConflictError && pattern.test(e.message),
          );
        },
      };
    },
  };
}

describe('user migration: transitions', () => {
  it('UserExported: the user is exported, active, with the e-mail lower-cased', () => {
    const state = given()
      .when(exported('2026-01-01T10:00:00Z'))
      .then({ status: 'exported', active: true, exportedAt: '2026-01-01T10:00:00.000Z', mfaRequired: false });
    assert.equal(state.profile?.email, 'zoe@example.com');
    assert.equal(state.profile?.phoneNumber, '+12125550100');
  });

  it('UserExported of a disabled user: disabled, not active', () => {
    given()
      .when(exported('2026-01-01T10:00:00Z', { enabled: false }))
      .then({ status: 'disabled', active: false });
  });

  it('a later export (newer Cognito updatedAt) replaces the profile; the first export time stays', () => {
    given(exported('2026-01-01T10:00:00Z'))
      .when(exported('2026-01-05T10:00:00Z', { enabled: false, updatedAt: '2025-03-01T00:00:00.000Z' }))
      .then({ status: 'disabled', exportedAt: '2026-01-01T10:00:00.000Z' });
  });

  it('an older export arriving late does not overwrite the newer profile', () => {
    given(exported('2026-01-05T10:00:00Z', { enabled: false, updatedAt: '2025-03-01T00:00:00.000Z' }))
      .when(exported('2026-01-01T10:00:00Z'))
      .then({ status: 'disabled', exportedAt: '2026-01-01T10:00:00.000Z' });
  });

  it('UserImported: imported with the target id, awaiting the password', () => {
    const state = given(exported('2026-01-01T10:00:00Z'))
      .when(imported('2026-01-02T10:00:00Z'))
      .then({ status: 'imported', importedAt: '2026-01-02T10:00:00.000Z', passwordMigratedAt: null });
    assert.equal(summarizeUserMigration(state).import?.targetUserId, 'kc-1');
    assert.equal(summarizeUserMigration(state).import?.target, 'keycloak/acme');
  });

  it('UserImported with another target id for the same realm is refused as a conflict', () => {
    given(exported('2026-01-01T10:00:00Z'), imported('2026-01-02T10:00:00Z', 'kc-1'))
      .when(imported('2026-01-03T10:00:00Z', 'kc-2'))
      .thenRejected(/targetUserId.*kc-2.*kc-1/);
  });

  it('UserImportRevised: the revised outcome is current; the import time stays the first one', () => {
    const state = given(imported('2026-01-02T10:00:00Z'))
      .when(importRevised('2026-01-05T10:00:00Z', 1, ['CONFIGURE_TOTP']))
      .then({ status: 'imported', importedAt: '2026-01-02T10:00:00.000Z' });
    const record = state.imports['keycloak/acme']!;
    assert.deepEqual(record.requiredActions, ['CONFIGURE_TOTP']);
    assert.equal(record.revision, 1);
    assert.equal(record.basedOn, 'export-1');
  });

  it('UserImportRevised arriving before its UserImported: the same state as in order', () => {
    const inOrder = userMigrationOf(sub, [
      imported('2026-01-02T10:00:00Z'),
      importRevised('2026-01-05T10:00:00Z', 1, ['CONFIGURE_TOTP']),
      importRevised('2026-01-06T10:00:00Z', 2, []),
    ]);
    const late = userMigrationOf(sub, [
      importRevised('2026-01-06T10:00:00Z', 2, []),
      importRevised('2026-01-05T10:00:00Z', 1, ['CONFIGURE_TOTP']),
      imported('2026-01-02T10:00:00Z'),
    ]);
    assert.deepEqual(late, inOrder);
    assert.deepEqual(inOrder.imports['keycloak/acme']!.requiredActions, []);
    assert.equal(inOrder.imports['keycloak/acme']!.at, '2026-01-02T10:00:00.000Z');
  });

  it('UserImportRevised with another target id for the same realm is refused as a conflict', () => {
    given(imported('2026-01-02T10:00:00Z', 'kc-1'))
      .when(importRevised('2026-01-05T10:00:00Z', 1, [], 'kc-2'))
      .thenRejected(/already recorded as kc-1/);
  });

  it('UserImportFailed: import-failed with the reason, until an import succeeds', () => {
    const failed = importFailed('2026-01-02T10:00:00Z');
    given(exported('2026-01-01T10:00:00Z'))
      .when(failed)
      .then({
        status: 'import-failed',
        lastImportFailure: { reason: 'User exists with same email', at: '2026-01-02T10:00:00.000Z' },
      });
    given(exported('2026-01-01T10:00:00Z'), failed).when(imported('2026-01-03T10:00:00Z')).then({ status: 'imported' });
  });

  it('PasswordMigrated: migrated, with how and when', () => {
    given(exported('2026-01-01T10:00:00Z'), imported('2026-01-02T10:00:00Z'))
      .when(passwordMigrated('2026-01-10T08:00:00Z', 'jit'))
      .then({
        status: 'migrated',
        passwordMigratedVia: 'jit',
        passwordMigratedAt: '2026-01-10T08:00:00.000Z',
        migratedAt: '2026-01-10T08:00:00.000Z',
      });
  });

  it('PasswordMigrated before its UserImported is recorded is kept, not lost', () => {
    given(exported('2026-01-01T10:00:00Z'), passwordMigrated('2026-01-10T08:00:00Z', 'reset'))
      .when(imported('2026-01-02T10:00:00Z'))
      .then({ status: 'migrated', passwordMigratedVia: 'reset', importedAt: '2026-01-02T10:00:00.000Z' });
  });

  it('a migrated user disabled in a later export still counts as migrated', () => {
    given(exported('2026-01-01T10:00:00Z'), passwordMigrated('2026-01-10T08:00:00Z'))
      .when(exported('2026-02-01T10:00:00Z', { enabled: false, updatedAt: '2026-01-20T00:00:00.000Z' }))
      .then({ status: 'migrated', active: false });
  });

  it('MfaReenrolled: the MFA user has re-enrolled', () => {
    given(exported('2026-01-01T10:00:00Z', { mfa: { sms: false, totp: true, preferred: 'SOFTWARE_TOKEN_MFA' } }))
      .when(mfaReenrolled('2026-01-11T08:00:00Z'))
      .then({ mfaRequired: true, mfaReenrolledAt: '2026-01-11T08:00:00.000Z', mfaMethods: ['totp'] });
  });

  it('SMS MFA counts as MFA required; a TOTP not looked up (null) does not by itself', () => {
    given()
      .when(exported('2026-01-01T10:00:00Z', { mfa: { sms: true, totp: null, preferred: 'SMS_MFA' } }))
      .then({ mfaRequired: true });
    given()
      .when(exported('2026-01-01T10:00:00Z', { mfa: { sms: false, totp: null, preferred: null } }))
      .then({ mfaRequired: false });
  });

  it('FederationRebound: the Cognito provider it re-binds counts as re-bound, whatever the target calls it', () => {
    given(exported('2026-01-01T10:00:00Z', { identities: [identity('Google'), identity('AcmeEntraID')] }))
      .when(federationRebound('2026-01-02T10:00:00Z', 'Google'))
      .then({ expectedProviders: ['AcmeEntraID', 'Google'], reboundProviders: ['Google'], status: 'exported' });
  });

  it('a federated-only user is migrated once every Cognito provider is re-bound, at the last binding', () => {
    const federatedOnly = exported('2026-01-01T10:00:00Z', {
      status: 'EXTERNAL_PROVIDER',
      identities: [identity('Google'), identity('AcmeEntraID')],
    });
    given(federatedOnly, imported('2026-01-02T10:00:00Z'))
      .when(federationRebound('2026-01-02T11:00:00Z', 'Google'))
      .then({ status: 'imported', migratedAt: null });
    given(federatedOnly, imported('2026-01-02T10:00:00Z'), federationRebound('2026-01-02T11:00:00Z', 'Google'))
      .when(federationRebound('2026-01-09T11:00:00Z', 'AcmeEntraID', 'first-login'))
      .then({ status: 'migrated', migratedAt: '2026-01-09T11:00:00.000Z', passwordMigratedVia: null });
  });

  it('a pre-link and a later first login of the same binding are one binding, kept at its first time', () => {
    const state = given(federationRebound('2026-01-02T10:00:00Z', 'Google', 'pre-linked'))
      .when(federationRebound('2026-01-05T10:00:00Z', 'Google', 'first-login'))
      .then({ reboundProviders: ['Google'] });
    assert.deepEqual(
      Object.values(state.federationBindings).map((b) => [b.via, b.at]),
      [['pre-linked', '2026-01-02T10:00:00.000Z']],
    );
  });

  it('ResetSent: counts attempts and remembers the last one', () => {
    given(exported('2026-01-01T10:00:00Z'), imported('2026-01-02T10:00:00Z'), resetSent('2026-03-01T00:00:00Z', 1))
      .when(resetSent('2026-03-15T00:00:00Z', 2))
      .then({ resetsSent: 2, lastResetAt: '2026-03-15T00:00:00.000Z', status: 'imported' });
  });

  it('a fact about no export yet gives an unexported user', () => {
    given().when(passwordMigrated('2026-01-10T08:00:00Z')).then({ status: 'migrated', active: false });
    given().when(imported('2026-01-02T10:00:00Z')).then({ status: 'imported', exportedAt: null });
    given().when(resetSent('2026-01-02T10:00:00Z')).then({ status: 'unexported' });
  });

  it('the same fact delivered again changes nothing', () => {
    for (const fact of [
      exported('2026-01-01T10:00:00Z'),
      imported('2026-01-02T10:00:00Z'),
      importFailed('2026-01-02T09:00:00Z'),
      passwordMigrated('2026-01-10T08:00:00Z'),
      mfaReenrolled('2026-01-11T08:00:00Z'),
      federationRebound('2026-01-02T10:00:00Z'),
      resetSent('2026-03-01T00:00:00Z'),
    ]) {
      given(fact).when(fact).thenUnchanged();
    }
  });

  it('the same fact re-published later keeps its first time', () => {
    given(passwordMigrated('2026-01-10T08:00:00Z'))
      .when(passwordMigrated('2026-01-12T08:00:00Z'))
      .then({ passwordMigratedAt: '2026-01-10T08:00:00.000Z' });
    given(passwordMigrated('2026-01-12T08:00:00Z'))
      .when(passwordMigrated('2026-01-10T08:00:00Z'))
      .then({ passwordMigratedAt: '2026-01-10T08:00:00.000Z' });
  });

  it('refuses a fact about another user', () => {
    const other = userMigrationOf('someone-else', []);
    assert.throws(() => evolveUserMigration(other, exported('2026-01-01T10:00:00Z')), UserStateConflictError);
  });

  it('TargetDisagreementFound on a migrated password: back to imported (password still to migrate), one open disagreement', () => {
    const jit = passwordMigrated('2026-01-10T08:00:00Z');
    given(exported('2026-01-01T10:00:00Z'), imported('2026-01-02T10:00:00Z'), jit)
      .when(disagreementFound('2026-01-11T08:00:00Z', jit))
      .then({ status: 'imported', passwordMigratedVia: null, migratedAt: null, openDisagreements: 1 });
  });

  it('after that correction, a password migrated later (a reset) counts again; the disagreement stays open until resolved', () => {
    const jit = passwordMigrated('2026-01-10T08:00:00Z');
    const found = disagreementFound('2026-01-11T08:00:00Z', jit);
    given(exported('2026-01-01T10:00:00Z'), imported('2026-01-02T10:00:00Z'), jit, found)
      .when(passwordMigrated('2026-01-20T08:00:00Z', 'reset'))
      .then({ status: 'migrated', passwordMigratedVia: 'reset', openDisagreements: 1 });
  });

  it('TargetDisagreementResolved closes it: migrated again, no open disagreement', () => {
    const jit = passwordMigrated('2026-01-10T08:00:00Z');
    const found = disagreementFound('2026-01-11T08:00:00Z', jit);
    given(exported('2026-01-01T10:00:00Z'), imported('2026-01-02T10:00:00Z'), jit, found)
      .when(disagreementResolved('2026-01-12T08:00:00Z', found))
      .then({ status: 'migrated', passwordMigratedVia: 'jit', openDisagreements: 0 });
  });

  it('a user the target does not have is again a user to import (exported), whatever the ledger recorded', () => {
    const importFact = imported('2026-01-02T10:00:00Z');
    given(exported('2026-01-01T10:00:00Z'), importFact, passwordMigrated('2026-01-10T08:00:00Z'))
      .when(disagreementFound('2026-01-11T08:00:00Z', importFact, 'exists'))
      .then({ status: 'exported', migratedAt: null, openDisagreements: 1 });
  });

  it('the correction facts fold in any order and delivered twice to the same state', () => {
    const jit = passwordMigrated('2026-01-10T08:00:00Z');
    const found = disagreementFound('2026-01-11T08:00:00Z', jit);
    const facts = [exported('2026-01-01T10:00:00Z'), imported('2026-01-02T10:00:00Z'), jit, found];
    const state = userMigrationOf(sub, facts);
    assert.deepEqual(userMigrationOf(sub, [...facts].reverse()), state);
    assert.deepEqual(evolveUserMigration(state, found), state);
  });

  it('a state without any disagreement has no disagreement fields (stored states stay byte for byte)', () => {
    const state = userMigrationOf(sub, [exported('2026-01-01T10:00:00Z'), imported('2026-01-02T10:00:00Z')]);
    assert.equal('targetDisagreements' in state, false);
    assert.equal(summarizeUserMigration(state).openDisagreements, 0);
  });
});
