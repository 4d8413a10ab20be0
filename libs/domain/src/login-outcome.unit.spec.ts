import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import { classifyAuthAnswer, classifyAuthFailure, type AuthFailure, type LoginOutcome } from './login-outcome.js';

/** Given what AdminInitiateAuth threw, then this outcome; the AWS behaviour each row stands for is named. */
const failures: [behaviour: string, failure: AuthFailure, expected: LoginOutcome][] = [
  [
    'wrong password',
    { name: 'NotAuthorizedException', message: 'Incorrect username or password.', httpStatus: 400 },
    { kind: 'wrong-password' },
  ],
  [
    'wrong password on cognito-local (jagregory/cognito-local#314)',
    { name: 'InvalidPasswordException', message: 'Invalid password', httpStatus: 400 },
    { kind: 'wrong-password' },
  ],
  [
    'lockout after 5 failed sign-ins',
    { name: 'NotAuthorizedException', message: 'Password attempts exceeded', httpStatus: 400 },
    { kind: 'locked-out' },
  ],
  [
    'Enabled=false',
    { name: 'NotAuthorizedException', message: 'User is disabled.', httpStatus: 400 },
    { kind: 'disabled' },
  ],
  [
    'FORCE_CHANGE_PASSWORD past TemporaryPasswordValidityDays',
    {
      name: 'NotAuthorizedException',
      message: 'Temporary password has expired and must be reset by an administrator.',
    },
    { kind: 'reset-required' },
  ],
  [
    'app client has a secret, hash missing or wrong',
    { name: 'NotAuthorizedException', message: 'Unable to verify secret hash for client 4f3k2j' },
    { kind: 'temporarily-unavailable', cause: 'misconfigured' },
  ],
  [
    'RESET_REQUIRED user (admin reset, CSV import, compromised credentials)',
    { name: 'PasswordResetRequiredException', message: 'Password reset required for the user' },
    { kind: 'reset-required' },
  ],
  [
    'UNCONFIRMED user, correct password',
    { name: 'UserNotConfirmedException', message: 'User is not confirmed.' },
    { kind: 'not-confirmed' },
  ],
  [
    'unknown user, PreventUserExistenceErrors LEGACY',
    { name: 'UserNotFoundException', message: 'User does not exist.' },
    { kind: 'unknown-user' },
  ],
  [
    'UserAuthentication quota exceeded',
    { name: 'TooManyRequestsException', message: 'Too many requests', httpStatus: 400 },
    { kind: 'temporarily-unavailable', cause: 'throttled' },
  ],
  [
    'service fault',
    { name: 'InternalErrorException', message: 'Internal error', httpStatus: 500 },
    { kind: 'temporarily-unavailable', cause: 'service-error' },
  ],
  [
    'an unnamed 503',
    { name: 'Unknown', message: '', httpStatus: 503 },
    { kind: 'temporarily-unavailable', cause: 'service-error' },
  ],
  [
    'request timed out (abort signal)',
    { name: 'AbortError', message: 'Request aborted' },
    { kind: 'temporarily-unavailable', cause: 'unreachable' },
  ],
  [
    'endpoint refuses connections',
    { name: 'Error', message: 'connect ECONNREFUSED 127.0.0.1:1', code: 'ECONNREFUSED' },
    { kind: 'temporarily-unavailable', cause: 'unreachable' },
  ],
  [
    'pre-authentication trigger refused',
    { name: 'UserLambdaValidationException', message: 'PreAuthentication failed with error blocked.' },
    { kind: 'temporarily-unavailable', cause: 'pool-trigger' },
  ],
  [
    'ALLOW_ADMIN_USER_PASSWORD_AUTH not enabled on the client',
    { name: 'InvalidParameterException', message: 'Auth flow not enabled for this client' },
    { kind: 'temporarily-unavailable', cause: 'misconfigured' },
  ],
  [
    'an error Cognito may add later',
    { name: 'BrandNewException', message: 'something', httpStatus: 400 },
    { kind: 'temporarily-unavailable', cause: 'unexpected-error' },
  ],
];

describe('classifyAuthFailure', () => {
  for (const [behaviour, failure, expected] of failures) {
    it(`${behaviour} -> ${expected.kind}`, () => assert.deepEqual(classifyAuthFailure(failure), expected));
  }

  it('never turns anything but a verdict on the password into wrong-password', () => {
    const notWrongPassword = failures.filter(([, f]) => !/Incorrect|Invalid password/.test(f.message));
    for (const [, failure] of notWrongPassword) assert.notEqual(classifyAuthFailure(failure).kind, 'wrong-password');
  });
});

describe('classifyAuthAnswer', () => {
  it('tokens -> valid', () => assert.deepEqual(classifyAuthAnswer({ authenticated: true }), { kind: 'valid' }));

  const challenges: [string, boolean][] = [
    ['NEW_PASSWORD_REQUIRED', false],
    ['SMS_MFA', true],
    ['EMAIL_OTP', true],
    ['SOFTWARE_TOKEN_MFA', false],
    ['SELECT_MFA_TYPE', false],
    ['MFA_SETUP', false],
  ];
  for (const [challenge, codeSent] of challenges) {
    it(`${challenge} -> valid-with-challenge, code sent: ${codeSent}`, () =>
      assert.deepEqual(classifyAuthAnswer({ challengeName: challenge, authenticated: false }), {
        kind: 'valid-with-challenge',
        challenge,
        codeSent,
      }));
  }

  it('a challenge that does not prove the password (custom auth) -> temporarily-unavailable', () =>
    assert.deepEqual(classifyAuthAnswer({ challengeName: 'CUSTOM_CHALLENGE', authenticated: false }), {
      kind: 'temporarily-unavailable',
      cause: 'unexpected-challenge',
    }));
});
