/** A Cognito user's MFA as the export records it. */
export interface CognitoMfa {
  readonly sms: boolean;
  /** Null when the export did not look TOTP up (it costs one AdminGetUser per user). */
  readonly totp: boolean | null;
  readonly preferred: string | null;
}

/**
 * Whether the user had a second factor in Cognito, which the target must have them enrol again.
 * `NOMFA` is how Amplify's `setPreferredMFA` says "none": should it reach a record, it is no factor.
 */
export function hadMfaInCognito(mfa: CognitoMfa): boolean {
  return mfa.sms || mfa.totp === true || (mfa.preferred !== null && mfa.preferred !== 'NOMFA');
}
