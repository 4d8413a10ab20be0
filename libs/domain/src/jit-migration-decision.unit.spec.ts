import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import {
  decideJitMigration,
  importRequiredActions,
  refusalBeforeCognito,
  type ImportedTreatment,
  type JitMigrationSubject,
} from './jit-migration-decision.js';
import type { LoginOutcome } from './login-outcome.js';

/** The importer's treatments (docs/importer-mapping.md), each with the required actions it sets. */
const imported = {
  confirmed: { treatment: 'password-via-bridge', needsPasswordMigration: true, requiredActions: [] },
  confirmedWithMfa: {
    treatment: 'password-via-bridge',
    needsPasswordMigration: true,
    requiredActions: ['CONFIGURE_TOTP'],
  },
  unconfirmed: {
    treatment: 'confirm-email-then-reset',
    needsPasswordMigration: false,
    requiredActions: ['VERIFY_EMAIL'],
  },
  resetRequired: { treatment: 'reset-required', needsPasswordMigration: false, requiredActions: ['UPDATE_PASSWORD'] },
  temporary: { treatment: 'temporary-password', needsPasswordMigration: true, requiredActions: ['UPDATE_PASSWORD'] },
  federatedOnly: { treatment: 'federated-only', needsPasswordMigration: false, requiredActions: [] },
  compromised: {
    treatment: 'compromised-password',
    needsPasswordMigration: false,
    requiredActions: ['UPDATE_PASSWORD'],
  },
  archived: { treatment: 'archived', needsPasswordMigration: false, requiredActions: [] },
} satisfies Record<string, ImportedTreatment>;

function given(
  treatment: ImportedTreatment | null,
  overrides: Partial<Omit<JitMigrationSubject, 'imported'>> = {},
): JitMigrationSubject {
  return { enabled: true, sourceStatus: 'CONFIRMED', mfaRequired: false, imported: treatment, ...overrides };
}

const valid: LoginOutcome = { kind: 'valid' };
const totpChallenge: LoginOutcome = { kind: 'valid-with-challenge', challenge: 'SOFTWARE_TOKEN_MFA', codeSent: false };
const newPassword: LoginOutcome = { kind: 'valid-with-challenge', challenge: 'NEW_PASSWORD_REQUIRED', codeSent: false };
const notConfirmed: LoginOutcome = { kind: 'not-confirmed' };

describe('refusalBeforeCognito: the ledger treatment decides before Cognito is asked', () => {
  const cases: [name: string, user: JitMigrationSubject, expected: string | undefined][] = [
    ['an imported CONFIRMED user -> ask Cognito', given(imported.confirmed), undefined],
    ['an imported FORCE_CHANGE_PASSWORD user -> ask Cognito', given(imported.temporary), undefined],
    ['an imported UNCONFIRMED user -> ask Cognito (it proves the password)', given(imported.unconfirmed), undefined],
    ['imported reset-required -> reset-required', given(imported.resetRequired), 'reset-required'],
    ['imported compromised -> reset-required', given(imported.compromised), 'reset-required'],
    ['imported federated-only -> federated-only', given(imported.federatedOnly), 'federated-only'],
    ['imported archived -> disabled', given(imported.archived), 'disabled'],
    ['disabled at Cognito -> disabled', given(imported.confirmed, { enabled: false }), 'disabled'],
    [
      'needsPasswordMigration false under a treatment the bridge does not know -> not-migratable',
      given({ treatment: 'something-new', needsPasswordMigration: false, requiredActions: [] }),
      'not-migratable',
    ],
    [
      'not imported, RESET_REQUIRED at export -> reset-required',
      given(null, { sourceStatus: 'RESET_REQUIRED' }),
      'reset-required',
    ],
    [
      'not imported, EXTERNAL_PROVIDER -> federated-only',
      given(null, { sourceStatus: 'EXTERNAL_PROVIDER' }),
      'federated-only',
    ],
    ['not imported, CONFIRMED -> ask Cognito', given(null), undefined],
  ];
  for (const [name, user, expected] of cases) it(name, () => assert.equal(refusalBeforeCognito(user), expected));
});

describe('importRequiredActions: the import’s actions, or its rule applied to the export', () => {
  it('the recorded actions when the import recorded them', () =>
    assert.deepEqual(importRequiredActions(given(imported.confirmedWithMfa)), ['CONFIGURE_TOTP']));
  it('not imported: CONFIGURE_TOTP for MFA, never for a federated-only user', () => {
    assert.deepEqual(importRequiredActions(given(null, { mfaRequired: true })), ['CONFIGURE_TOTP']);
    assert.deepEqual(importRequiredActions(given(null, { mfaRequired: true, sourceStatus: 'EXTERNAL_PROVIDER' })), []);
  });
  it('not imported: VERIFY_EMAIL for UNCONFIRMED, UPDATE_PASSWORD for a temporary or invalidated password', () => {
    assert.deepEqual(importRequiredActions(given(null, { sourceStatus: 'UNCONFIRMED' })), ['VERIFY_EMAIL']);
    assert.deepEqual(importRequiredActions(given(null, { sourceStatus: 'FORCE_CHANGE_PASSWORD' })), [
      'UPDATE_PASSWORD',
    ]);
    assert.deepEqual(importRequiredActions(given(null, { sourceStatus: 'RESET_REQUIRED' })), ['UPDATE_PASSWORD']);
  });
  it('a projection row from before the column: the rule on the export', () =>
    assert.deepEqual(
      importRequiredActions(given({ ...imported.confirmed, requiredActions: null }, { mfaRequired: true })),
      ['CONFIGURE_TOTP'],
    ));
});

describe('decideJitMigration: given the imported state, when Cognito answers, then', () => {
  it('valid for a plain imported user -> migrate, nothing more', () =>
    assert.deepEqual(decideJitMigration(valid, given(imported.confirmed)), { migrate: true, requiredActions: [] }));

  it('valid for a user imported with CONFIGURE_TOTP -> migrate with the import’s actions', () =>
    assert.deepEqual(decideJitMigration(valid, given(imported.confirmedWithMfa, { mfaRequired: true })), {
      migrate: true,
      requiredActions: ['CONFIGURE_TOTP'],
    }));

  it('the import’s actions win over a stale MFA flag of the export', () =>
    assert.deepEqual(decideJitMigration(valid, given(imported.confirmed, { mfaRequired: true })), {
      migrate: true,
      requiredActions: [],
    }));

  it('an MFA challenge -> migrate and re-enrol, even if the export saw no MFA (the import’s rule on fresher evidence)', () =>
    assert.deepEqual(decideJitMigration(totpChallenge, given(imported.confirmed)), {
      migrate: true,
      requiredActions: ['CONFIGURE_TOTP'],
    }));

  it('a temporary password -> migrate and replace it at once', () =>
    assert.deepEqual(decideJitMigration(newPassword, given(imported.temporary)), {
      migrate: true,
      requiredActions: ['UPDATE_PASSWORD'],
    }));

  it('not-confirmed (only sent for the right password) -> migrate and verify the e-mail, as the import does', () =>
    assert.deepEqual(decideJitMigration(notConfirmed, given(imported.unconfirmed, { sourceStatus: 'UNCONFIRMED' })), {
      migrate: true,
      requiredActions: ['VERIFY_EMAIL'],
    }));

  it('not imported: the import’s rule from the export (MFA, UNCONFIRMED)', () => {
    assert.deepEqual(decideJitMigration(valid, given(null, { mfaRequired: true })), {
      migrate: true,
      requiredActions: ['CONFIGURE_TOTP'],
    });
    assert.deepEqual(decideJitMigration(notConfirmed, given(null, { sourceStatus: 'UNCONFIRMED' })), {
      migrate: true,
      requiredActions: ['VERIFY_EMAIL'],
    });
  });

  for (const [name, treatment] of [
    ['reset-required', imported.resetRequired],
    ['federated-only', imported.federatedOnly],
    ['compromised', imported.compromised],
    ['archived', imported.archived],
  ] as const) {
    it(`a right password for a ${name} user -> no migration (Cognito’s word does not override the ledger)`, () => {
      for (const outcome of [valid, totpChallenge, notConfirmed])
        assert.deepEqual(decideJitMigration(outcome, given(treatment)), { migrate: false, requiredActions: [] });
    });
  }

  it('a federated-only user never gets CONFIGURE_TOTP from the bridge', () =>
    assert.deepEqual(decideJitMigration(totpChallenge, given(imported.federatedOnly, { mfaRequired: true })), {
      migrate: false,
      requiredActions: [],
    }));

  const refused: LoginOutcome[] = [
    { kind: 'wrong-password' },
    { kind: 'locked-out' },
    { kind: 'reset-required' },
    { kind: 'disabled' },
    { kind: 'unknown-user' },
    { kind: 'temporarily-unavailable', cause: 'throttled' },
  ];
  for (const outcome of refused) {
    it(`${outcome.kind} -> no migration`, () =>
      assert.deepEqual(decideJitMigration(outcome, given(imported.confirmed)), {
        migrate: false,
        requiredActions: [],
      }));
  }
});
