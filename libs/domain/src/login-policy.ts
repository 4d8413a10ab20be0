import type { PoolSettings } from '#events';

/** How users signed in to the Cognito pool, which the realm and the usernames follow. */
export interface LoginPolicy {
  /** The attribute that was the username (UsernameAttributes), or null: a free-form Cognito username. */
  readonly usernameAttribute: 'email' | 'phone_number' | null;
  /** E-mail was a sign-in name (username or alias attribute), so Cognito kept e-mails unique. */
  readonly emailSignIn: boolean;
}

/**
 * From the ExportRunStarted pool settings. Without them (no export run in the ledger), Keycloak's
 * defaults apply: sign-in by username or e-mail, e-mails unique.
 */
export function loginPolicyOf(pool: PoolSettings | undefined): LoginPolicy {
  if (!pool) return { usernameAttribute: null, emailSignIn: true };
  const usernameAttribute = pool.usernameAttributes.includes('email')
    ? 'email'
    : pool.usernameAttributes.includes('phone_number')
      ? 'phone_number'
      : null;
  return { usernameAttribute, emailSignIn: usernameAttribute === 'email' || pool.aliasAttributes.includes('email') };
}
