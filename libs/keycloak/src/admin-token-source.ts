import KeycloakAdminClient from '@keycloak/keycloak-admin-client';
import type { TokenProvider } from '@keycloak/keycloak-admin-client/lib/client.js';
import type { AdminCredentials } from './admin-credentials.js';
import { KeycloakAuthError } from './keycloak-auth-error.js';
import { toKeycloakFailure } from './keycloak-failure.js';
import { KeycloakRequestError } from './keycloak-request-error.js';

/** Renew this long before expiry: a request that starts with a token must still hold a valid one when it arrives. */
const RENEW_MARGIN_MS = 15_000;

/**
 * Admin access tokens for the master realm's `admin-cli`. Keycloak issues them for 60 s, and the
 * admin client does not renew them by itself once its refresh token has expired (30 min idle,
 * 10 h max), which a long import outlives; so every renewal is a fresh password grant, taken
 * before the current token expires. Concurrent callers share one renewal.
 */
export class AdminTokenSource implements TokenProvider {
  private readonly login: KeycloakAdminClient;
  private current: { readonly value: string; readonly expiresAt: number } | undefined;
  private renewal: Promise<string> | undefined;
  /** How many tokens were obtained so far; lets a test prove that renewals happen. */
  renewals = 0;

  constructor(
    private readonly url: string,
    private readonly credentials: AdminCredentials,
    timeoutMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.login = new KeycloakAdminClient({ baseUrl: url, realmName: 'master', timeout: timeoutMs });
  }

  async getAccessToken(): Promise<string> {
    if (this.current && this.current.expiresAt - this.now() > RENEW_MARGIN_MS) return this.current.value;
    this.renewal ??= this.renew().finally(() => {
      this.renewal = undefined;
    });
    return this.renewal;
  }

  private async renew(): Promise<string> {
    try {
      await this.login.auth({
        grantType: 'password',
        clientId: 'admin-cli',
        username: this.credentials.username,
        password: this.credentials.password,
      });
    } catch (error) {
      const failure = toKeycloakFailure(error, this.url, 'the admin login');
      if (failure instanceof KeycloakRequestError && (failure.status === 400 || failure.status === 401)) {
        throw new KeycloakAuthError(this.url, this.credentials.username, failure.reason);
      }
      throw failure;
    }
    const value = this.login.accessToken!;
    this.current = { value, expiresAt: expiryOf(value) };
    this.renewals++;
    return value;
  }
}

function expiryOf(jwt: string): number {
  const payload = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: number };
  return (payload.exp ?? 0) * 1000;
}
