import pMap from 'p-map';
import { passwordGrant, type GrantResult, type PasswordGrant } from './keycloak-password-grant.js';

export interface WaveLogin {
  readonly username: string;
  /** The user's Cognito password; held only for the grant. */
  readonly password: string;
}

export interface LoginWaveOptions {
  readonly target: PasswordGrant;
  readonly logins: readonly WaveLogin[];
  readonly concurrency?: number;
}

export type LoginWaveCounts = Readonly<Record<GrantResult['kind'], number>>;

/**
 * Users log in to the target with their Cognito passwords (password grant), as they would after
 * the cutover: the first login of each moves the password through the bridge. Returns how many
 * logins ended how.
 */
export async function runLoginWave(options: LoginWaveOptions): Promise<LoginWaveCounts> {
  const counts: Record<GrantResult['kind'], number> = {
    tokens: 0,
    'invalid-credentials': 0,
    'required-action': 0,
    disabled: 0,
    unavailable: 0,
    other: 0,
  };
  await pMap(
    options.logins,
    async (login) => {
      const result = await passwordGrant(options.target, login.username, login.password).catch((): GrantResult => ({
        kind: 'other',
        status: 0,
        error: 'no answer',
      }));
      counts[result.kind]++;
    },
    { concurrency: options.concurrency ?? 4 },
  );
  return counts;
}
