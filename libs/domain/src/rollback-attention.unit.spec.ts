import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import { initialCutover, type CutoverState } from './cutover.js';
import { CutoverRefusedError } from './cutover-refused-error.js';
import {
  rollbackAttentionOf,
  rollbackReport,
  type RollbackAttention,
  type RollbackUserRow,
} from './rollback-attention.js';

/** An active user imported from Cognito who has done nothing in the target yet. */
const user = (overrides: Partial<RollbackUserRow> = {}): RollbackUserRow => ({
  sub: 'u1',
  username: 'ada',
  inCognito: true,
  enabledInCognito: true,
  mfaInCognito: false,
  passwordVia: [],
  mfaEnrolledInTarget: false,
  relinkedProviders: [],
  targetAccount: null,
  ...overrides,
});

/** Given this user, then these reasons. */
const cases: [given: string, row: RollbackUserRow, then: RollbackAttention[]][] = [
  ['imported and untouched', user(), []],
  ['migrated by the JIT bridge (Cognito checked that very password)', user({ passwordVia: ['jit'] }), []],
  ['who chose a new password after a reset', user({ passwordVia: ['reset'] }), ['password-changed-in-target']],
  ['migrated by JIT and by a reset', user({ passwordVia: ['jit', 'reset'] }), ['password-changed-in-target']],
  [
    'known to the ledger only through target facts',
    user({ inCognito: false, enabledInCognito: false, username: null }),
    ['created-in-target'],
  ],
  [
    'who had MFA in Cognito and re-enrolled in the target',
    user({ mfaInCognito: true, mfaEnrolledInTarget: true }),
    ['mfa-reenrolled-in-target'],
  ],
  [
    'who had no MFA in Cognito and set it up in the target',
    user({ mfaEnrolledInTarget: true }),
    ['mfa-added-in-target'],
  ],
  ['who had MFA in Cognito and has not re-enrolled', user({ mfaInCognito: true }), []],
  [
    're-linked to Google at first login in the target',
    user({ relinkedProviders: ['Google'] }),
    ['federation-relinked-in-target'],
  ],
  ['disabled in the target, enabled in Cognito', user({ targetAccount: 'disabled' }), ['disabled-in-target']],
  ['deleted in the target, enabled in Cognito', user({ targetAccount: 'deleted' }), ['deleted-in-target']],
  ['disabled in both', user({ targetAccount: 'disabled', enabledInCognito: false }), []],
  [
    'with a reset password, new MFA and a first-login link',
    user({ passwordVia: ['reset'], mfaEnrolledInTarget: true, relinkedProviders: ['Google', 'SignInWithApple'] }),
    ['password-changed-in-target', 'mfa-added-in-target', 'federation-relinked-in-target'],
  ],
];

describe('rollbackAttentionOf', () => {
  for (const [given, row, then] of cases) {
    it(`given a user ${given}, then ${then.length ? then.join(', ') : 'nothing needs attention'}`, () => {
      assert.deepEqual(rollbackAttentionOf(row), then);
    });
  }
});

describe('rollbackReport', () => {
  const rows = [
    user({ sub: 'a', passwordVia: ['reset'] }),
    user({ sub: 'b', passwordVia: ['jit'] }),
    user({ sub: 'c', passwordVia: ['reset'], targetAccount: 'disabled' }),
  ];

  it('given users in Cognito read-only, when reported, then only those needing attention are listed, counted per reason', () => {
    const cutover: CutoverState = { ...initialCutover, phase: 'cognito-read-only', changes: 2 };
    const report = rollbackReport(cutover, rows);
    assert.deepEqual(
      report.users.map((u) => u.sub),
      ['a', 'c'],
    );
    assert.equal(report.counts['password-changed-in-target'], 2);
    assert.equal(report.counts['disabled-in-target'], 1);
    assert.equal(report.counts['created-in-target'], 0);
    assert.equal(report.phase, 'cognito-read-only');
  });

  it('given Cognito retired, when a rollback report is asked for, then it is refused', () => {
    const retired: CutoverState = { ...initialCutover, phase: 'retired', changes: 4 };
    assert.throws(() => rollbackReport(retired, rows), CutoverRefusedError);
  });
});
