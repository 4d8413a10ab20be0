import pMap from 'p-map';
import { signInThroughLoginPage, type LoginPageClient, type LoginPageVerdict } from '#keycloak';

export interface WaveLogin {
  readonly username: string;
  /** The user's Cognito password; held only for the form POST. */
  readonly password: string;
}

export interface LoginWaveOptions {
  /** A public client with the standard flow (`ensureSignInClient`) and one of its redirect URIs. */
  readonly client: LoginPageClient;
  readonly logins: readonly WaveLogin[];
  readonly concurrency?: number;
}

/** Sign-ins by how they ended (`no-answer`: Keycloak did not answer at all). */
export type LoginWaveCounts = Readonly<Record<LoginPageVerdict['kind'] | 'no-answer', number>>;

/**
 * Users sign in to the target through its real login page with their Cognito passwords, as they
 * will after the cutover (authorization code with PKCE, the login form, the code exchange; no
 * browser, the same HTTP a browser sends): the first sign-in of each moves the password through the
 * bridge. Returns how many sign-ins ended how.
 */
export async function runLoginWave(options: LoginWaveOptions): Promise<LoginWaveCounts> {
  const counts: Record<LoginPageVerdict['kind'] | 'no-answer', number> = {
    'signed-in': 0,
    authorized: 0,
    'required-action': 0,
    'invalid-credentials': 0,
    'temporarily-unavailable': 0,
    'account-disabled': 0,
    message: 0,
    'error-page': 0,
    'no-answer': 0,
  };
  await pMap(
    options.logins,
    async (login) => {
      const outcome = await signInThroughLoginPage({ ...options.client, ...login }).catch(() => undefined);
      counts[outcome?.kind ?? 'no-answer']++;
    },
    { concurrency: options.concurrency ?? 4 },
  );
  return counts;
}
