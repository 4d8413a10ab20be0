/**
 * What one password check against Cognito (AdminInitiateAuth, ADMIN_USER_PASSWORD_AUTH) says,
 * classified from the SDK's answer or error alone. Pure: no I/O, no clock. Every Cognito error
 * gets a kind of its own; nothing that is not a verdict on the password becomes `wrong-password`.
 * Sources: AdminInitiateAuth API reference (errors, challenges) and the lockout section of
 * https://docs.aws.amazon.com/cognito/latest/developerguide/authentication.html#authentication-flow-lockout-behavior
 */

/** Challenges that Cognito only issues once the password in the same call was accepted. */
export type PasswordVerifiedChallenge =
  | 'NEW_PASSWORD_REQUIRED'
  | 'SMS_MFA'
  | 'EMAIL_OTP'
  | 'SOFTWARE_TOKEN_MFA'
  | 'SELECT_MFA_TYPE'
  | 'MFA_SETUP'
  | 'DEVICE_SRP_AUTH'
  | 'DEVICE_PASSWORD_VERIFIER';

export type UnavailableCause =
  /** TooManyRequestsException and the like: the account's UserAuthentication quota (shared by all pools). */
  | 'throttled'
  /** 5xx, InternalErrorException. */
  | 'service-error'
  /** No answer in time, or no connection. */
  | 'unreachable'
  /** The bridge's own setup: secret hash, auth flow not enabled on the client, unknown pool or client. */
  | 'misconfigured'
  /** A Lambda trigger of the pool (pre authentication, ...) failed or refused. */
  | 'pool-trigger'
  /** A challenge that does not prove the password (CUSTOM_CHALLENGE, ...). */
  | 'unexpected-challenge'
  /** An error this table does not know: reported as such, never as a wrong password. */
  | 'unexpected-error';

export type LoginOutcome =
  | { readonly kind: 'valid' }
  | {
      readonly kind: 'valid-with-challenge';
      readonly challenge: PasswordVerifiedChallenge;
      /** Cognito has already sent the user an SMS or e-mail code (SMS_MFA, EMAIL_OTP). */
      readonly codeSent: boolean;
    }
  | { readonly kind: 'wrong-password' }
  /** "Password attempts exceeded": Cognito's temporary lockout after 5 failures; over in at most ~15 min. */
  | { readonly kind: 'locked-out' }
  /** PasswordResetRequiredException, or a FORCE_CHANGE_PASSWORD user whose temporary password expired. */
  | { readonly kind: 'reset-required' }
  | { readonly kind: 'not-confirmed' }
  | { readonly kind: 'disabled' }
  | { readonly kind: 'unknown-user' }
  | { readonly kind: 'temporarily-unavailable'; readonly cause: UnavailableCause };

export type LoginOutcomeKind = LoginOutcome['kind'];

/** What the SDK resolved with: tokens, or a challenge instead of them. */
export interface AuthAnswer {
  readonly challengeName?: string | undefined;
  readonly authenticated: boolean;
}

/** What the SDK threw; `httpStatus` from `$metadata`, `code` from Node's network errors. */
export interface AuthFailure {
  readonly name: string;
  readonly message: string;
  readonly httpStatus?: number | undefined;
  readonly code?: string | undefined;
}

const passwordVerified: ReadonlySet<string> = new Set<PasswordVerifiedChallenge>([
  'NEW_PASSWORD_REQUIRED',
  'SMS_MFA',
  'EMAIL_OTP',
  'SOFTWARE_TOKEN_MFA',
  'SELECT_MFA_TYPE',
  'MFA_SETUP',
  'DEVICE_SRP_AUTH',
  'DEVICE_PASSWORD_VERIFIER',
]);

export function classifyAuthAnswer(answer: AuthAnswer): LoginOutcome {
  if (answer.challengeName === undefined) {
    return answer.authenticated ? { kind: 'valid' } : { kind: 'temporarily-unavailable', cause: 'unexpected-error' };
  }
  if (!passwordVerified.has(answer.challengeName)) {
    return { kind: 'temporarily-unavailable', cause: 'unexpected-challenge' };
  }
  const challenge = answer.challengeName as PasswordVerifiedChallenge;
  return { kind: 'valid-with-challenge', challenge, codeSent: challenge === 'SMS_MFA' || challenge === 'EMAIL_OTP' };
}

const throttling = new Set(['TooManyRequestsException', 'ThrottlingException', 'LimitExceededException']);
const misconfiguration = new Set([
  'InvalidParameterException',
  'ResourceNotFoundException',
  'InvalidUserPoolConfigurationException',
  'UnsupportedOperationException',
  'FeatureUnavailableInTierException',
  'OperationNotEnabledException',
  'MFAMethodNotFoundException',
  'InvalidSmsRoleAccessPolicyException',
  'InvalidSmsRoleTrustRelationshipException',
  'InvalidEmailRoleAccessPolicyException',
  'AccessDeniedException',
  'UnrecognizedClientException',
  'ForbiddenException',
]);
const triggers = new Set([
  'UserLambdaValidationException',
  'UnexpectedLambdaException',
  'InvalidLambdaResponseException',
]);
const network = /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EPIPE|UND_ERR_\w+)$/;

export function classifyAuthFailure(failure: AuthFailure): LoginOutcome {
  const { name, message } = failure;
  const unavailable = (cause: UnavailableCause): LoginOutcome => ({ kind: 'temporarily-unavailable', cause });
  switch (name) {
    case 'NotAuthorizedException':
      return classifyNotAuthorized(message);
    // cognito-local answers a wrong password this way (jagregory/cognito-local#314); AWS never
    // sends it for AdminInitiateAuth, so the two cannot be confused.
    case 'InvalidPasswordException':
      return { kind: 'wrong-password' };
    case 'UserNotFoundException':
      return { kind: 'unknown-user' };
    case 'UserNotConfirmedException':
      return { kind: 'not-confirmed' };
    case 'PasswordResetRequiredException':
      return { kind: 'reset-required' };
    case 'TimeoutError':
    case 'AbortError':
      return unavailable('unreachable');
  }
  if (throttling.has(name) || failure.httpStatus === 429) return unavailable('throttled');
  if (triggers.has(name)) return unavailable('pool-trigger');
  if (misconfiguration.has(name)) return unavailable('misconfigured');
  if (network.test(failure.code ?? '') || network.test(name)) return unavailable('unreachable');
  if (name === 'InternalErrorException' || (failure.httpStatus ?? 0) >= 500) return unavailable('service-error');
  return unavailable('unexpected-error');
}

/** NotAuthorizedException carries several verdicts; only its message tells them apart. */
function classifyNotAuthorized(message: string): LoginOutcome {
  if (/password attempts exceeded/i.test(message)) return { kind: 'locked-out' };
  if (/user is disabled/i.test(message)) return { kind: 'disabled' };
  if (/temporary password has expired/i.test(message)) return { kind: 'reset-required' };
  if (/secret hash|secret was not received|configured for secret|auth flow not enabled/i.test(message)) {
    return { kind: 'temporarily-unavailable', cause: 'misconfigured' };
  }
  // "Incorrect username or password." — also what an unknown user gets when the app client has
  // PreventUserExistenceErrors on; the bridge only asks for users the export knows.
  return { kind: 'wrong-password' };
}
