import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import {
  compareWithTarget,
  credentialsNeeded,
  type LedgerClaims,
  type RecordedDisagreement,
  type TargetHolding,
} from './target-agreement.js';

const importId = '00000000-0000-5000-8000-00000000000a';
const exportId = '00000000-0000-5000-8000-00000000000b';
const jitId = '00000000-0000-5000-8000-00000000000c';
const target = { kind: 'keycloak' as const, realm: 'acme' };

/** Given: the ledger's claims about one imported user (defaults: enabled, no password yet, no actions). */
const claims = (overrides: Partial<LedgerClaims> = {}): LedgerClaims => ({
  sub: 'sub-1',
  target,
  targetUserId: 'kc-1',
  importEventId: importId,
  requiredActions: [],
  enabled: { value: true, eventId: exportId },
  passwordMigrations: [],
  mfaReenrolled: false,
  disagreements: [],
  ...overrides,
});

/** Given: the user as the target holds them (defaults: agreeing with `claims()`). */
const held = (overrides: Partial<Extract<TargetHolding, { exists: true }>> = {}): TargetHolding => ({
  exists: true,
  enabled: true,
  emailVerified: false,
  requiredActions: [],
  credentialTypes: [],
  ...overrides,
});

const migrated = claims({ passwordMigrations: [{ eventId: jitId, via: 'jit' }] });
const open = (field: RecordedDisagreement['field'], contradicts: string, occurrence = 1): RecordedDisagreement => ({
  id: `00000000-0000-5000-8000-0000000000${10 + occurrence}`,
  field,
  contradicts,
  occurrence,
  resolved: false,
});

describe('compareWithTarget (ledger vs target)', () => {
  it('given a user as the ledger says, when compared, then nothing is found or resolved', () => {
    assert.deepEqual(compareWithTarget(claims(), held()), { found: [], resolved: [] });
    assert.deepEqual(compareWithTarget(migrated, held({ credentialTypes: ['password'] })), { found: [], resolved: [] });
  });

  it('given PasswordMigrated, when the target holds no password, then one password disagreement names the fact', () => {
    const { found } = compareWithTarget(migrated, held({ credentialTypes: [] }));
    assert.deepEqual(found, [
      {
        sub: 'sub-1',
        target,
        targetUserId: 'kc-1',
        field: 'password',
        contradicts: jitId,
        occurrence: 1,
        ledger: 'password held (PasswordMigrated jit)',
        observed: 'no password credential',
      },
    ]);
  });

  it('given that password disagreement already open, when compared again, then nothing new is found', () => {
    const recorded = claims({ ...migrated, disagreements: [open('password', jitId)] });
    assert.deepEqual(compareWithTarget(recorded, held({ credentialTypes: [] })), { found: [], resolved: [] });
  });

  it('given that open disagreement, when the target holds a password again, then it is resolved', () => {
    const recorded = claims({ ...migrated, disagreements: [open('password', jitId)] });
    const { found, resolved } = compareWithTarget(recorded, held({ credentialTypes: ['password'] }));
    assert.deepEqual(found, []);
    assert.deepEqual(
      resolved.map((r) => [r.field, r.resolves, r.observed]),
      [['password', open('password', jitId).id, 'password credential held']],
    );
  });

  it('given a resolved disagreement, when it comes back, then it is a new one (next occurrence)', () => {
    const recorded = claims({ ...migrated, disagreements: [{ ...open('password', jitId), resolved: true }] });
    const { found } = compareWithTarget(recorded, held({ credentialTypes: [] }));
    assert.deepEqual(
      found.map((f) => f.occurrence),
      [2],
    );
  });

  it('given credentials not read, when a password disagreement is open, then it is neither found nor resolved', () => {
    const recorded = claims({ ...migrated, disagreements: [open('password', jitId)] });
    assert.deepEqual(compareWithTarget(recorded, held({ credentialTypes: null })), { found: [], resolved: [] });
    assert.equal(credentialsNeeded(recorded, held({ credentialTypes: null })), true);
  });

  it('given an imported user, when the target has no such user, then only existence is reported', () => {
    const { found } = compareWithTarget(migrated, { exists: false });
    assert.deepEqual(
      found.map((f) => [f.field, f.contradicts, f.ledger, f.observed]),
      [['exists', importId, 'imported as kc-1', 'no such user']],
    );
  });

  it('given the ledger says enabled, when the target disabled the user, then enabled disagrees with the export', () => {
    const { found } = compareWithTarget(claims(), held({ enabled: false }));
    assert.deepEqual(
      found.map((f) => [f.field, f.contradicts, f.ledger, f.observed]),
      [['enabled', exportId, 'true', 'false']],
    );
  });

  it('given CONFIGURE_TOTP set at import and no re-enrolment, when the target lacks it and has no OTP, then required actions disagree', () => {
    const flagged = claims({ requiredActions: ['CONFIGURE_TOTP'] });
    assert.equal(credentialsNeeded(flagged, held({ credentialTypes: null })), true);
    const { found } = compareWithTarget(flagged, held({ credentialTypes: [] }));
    assert.deepEqual(
      found.map((f) => [f.field, f.contradicts, f.ledger, f.observed]),
      [['requiredActions', importId, '["CONFIGURE_TOTP"]', '[]']],
    );
  });

  it('given CONFIGURE_TOTP done in the target (an OTP credential) before the ledger records it, then no disagreement', () => {
    const flagged = claims({ requiredActions: ['CONFIGURE_TOTP'] });
    assert.deepEqual(compareWithTarget(flagged, held({ credentialTypes: ['otp'] })).found, []);
  });

  it('given MfaReenrolled recorded, when the target no longer lists CONFIGURE_TOTP, then no disagreement', () => {
    const done = claims({ requiredActions: ['CONFIGURE_TOTP'], mfaReenrolled: true });
    assert.deepEqual(compareWithTarget(done, held({ credentialTypes: null })).found, []);
    assert.equal(credentialsNeeded(done, held({ credentialTypes: null })), false);
  });

  it('given VERIFY_EMAIL at import, when the target verified the e-mail, then no disagreement; unverified and missing, then one', () => {
    const verify = claims({ requiredActions: ['VERIFY_EMAIL'] });
    assert.deepEqual(compareWithTarget(verify, held({ emailVerified: true, credentialTypes: null })).found, []);
    assert.deepEqual(
      compareWithTarget(verify, held({ credentialTypes: null })).found.map((f) => f.field),
      ['requiredActions'],
    );
  });

  it('given actions the target lists beyond the ledger, then they are not the ledger claims and agree', () => {
    assert.deepEqual(compareWithTarget(claims(), held({ requiredActions: ['TERMS_AND_CONDITIONS'] })).found, []);
  });

  it('given an open enabled disagreement, when the target is enabled again, then it is resolved', () => {
    const recorded = claims({ disagreements: [open('enabled', exportId)] });
    const { resolved } = compareWithTarget(recorded, held({ credentialTypes: null }));
    assert.deepEqual(
      resolved.map((r) => [r.field, r.observed]),
      [['enabled', 'true']],
    );
  });

  it('given nothing rests on credentials, then they are not read', () => {
    assert.equal(credentialsNeeded(claims(), held({ credentialTypes: null })), false);
    assert.equal(credentialsNeeded(migrated, held({ credentialTypes: null })), true);
    assert.equal(credentialsNeeded(migrated, { exists: false }), false);
  });
});
