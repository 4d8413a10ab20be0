import type { LoginOutcome } from '#domain';

/** Who is logging in, as the target saw them; Cognito's threat protection scores this, not the bridge. */
export interface LoginContext {
  /** The end user's IP address, when the caller passes it on. */
  readonly ip?: string | undefined;
  readonly userAgent?: string | undefined;
}

/** One password check against the source of truth: Cognito in production, a fake in tests. */
export interface PasswordCheck {
  check(cognitoUsername: string, password: string, context: LoginContext): Promise<LoginOutcome>;
}
