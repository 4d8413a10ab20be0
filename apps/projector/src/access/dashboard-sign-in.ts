import * as oidc from 'openid-client';
import { AccessTokenVerifier, type VerifiedAccess } from '#keycloak';
import type { Caller } from './access-policy.js';
import { ExpiringStore } from './expiring-store.js';

export interface DashboardSignInOptions {
  readonly keycloakUrl: string;
  readonly realm: string;
  readonly clientId: string;
  /** Where browsers reach the projector, e.g. http://127.0.0.1:18070 */
  readonly publicUrl: string;
}

interface PendingSignIn {
  readonly codeVerifier: string;
  readonly state: string;
  readonly nonce: string;
}

interface Session {
  readonly accessToken: string;
  readonly refreshToken: string | undefined;
  readonly idToken: string | undefined;
  readonly access: VerifiedAccess;
}

/** A sign-in the callback cannot finish: shown as a 400 page naming the problem. */
export class SignInRefused extends Error {}

const pendingTtlMs = 10 * 60_000;
/** A session lasts as long as Keycloak's SSO session lets it refresh; this bounds it in memory. */
const sessionTtlMs = 10 * 60 * 60_000;

/**
 * The page's sign-in through the realm's login page (authorization code + PKCE S256, state and
 * nonce; all OAuth is openid-client's) and the sessions it opens. A session keeps the tokens on
 * the server (the browser holds a random id in an HttpOnly cookie), its access token checked by
 * the same verifier as a bearer token and refreshed shortly before it expires.
 */
export class DashboardSignIn {
  readonly redirectUri: string;
  readonly afterSignOutUri: string;
  private config: Promise<oidc.Configuration> | undefined;
  private readonly pending = new ExpiringStore<PendingSignIn>();
  private readonly sessions = new ExpiringStore<Session>();

  constructor(
    private readonly options: DashboardSignInOptions,
    readonly verifier: AccessTokenVerifier,
  ) {
    this.redirectUri = `${options.publicUrl}/dashboard/callback`;
    this.afterSignOutUri = `${options.publicUrl}/dashboard`;
  }

  /** Discovered at first use, so that the projector starts (and projects) while Keycloak is down. */
  private configuration(): Promise<oidc.Configuration> {
    if (!this.config) {
      const issuer = new URL(
        `${this.options.keycloakUrl.replace(/\/+$/, '')}/realms/${encodeURIComponent(this.options.realm)}`,
      );
      this.config = oidc
        .discovery(issuer, this.options.clientId, undefined, oidc.None(), {
          // The local stack's Keycloak speaks plain HTTP on the loopback interface.
          execute: issuer.protocol === 'http:' ? [oidc.allowInsecureRequests] : [],
        })
        .catch((error: unknown) => {
          this.config = undefined;
          throw error;
        });
    }
    return this.config;
  }

  /** The authorization URL to send the browser to, and the id of its pending sign-in (for a cookie). */
  async start(): Promise<{ url: string; pendingId: string }> {
    const config = await this.configuration();
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.redirectUri,
      scope: 'openid profile email',
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { url: url.href, pendingId: this.pending.add({ codeVerifier, state, nonce }, pendingTtlMs) };
  }

  /** Finishes the sign-in of `pendingId` with Keycloak's answer; returns the new session's id. */
  async finish(pendingId: string | undefined, query: URLSearchParams): Promise<string> {
    const signIn = this.pending.take(pendingId);
    const error = query.get('error');
    if (error) throw new SignInRefused(`Keycloak refused the sign-in: ${error}`);
    if (!signIn) throw new SignInRefused('No sign-in was started in this browser, or it expired. Start again.');
    if (query.get('state') !== signIn.state)
      throw new SignInRefused('The answer does not belong to the sign-in this browser started (state mismatch).');
    const config = await this.configuration();
    let tokens: oidc.TokenEndpointResponse;
    try {
      tokens = await oidc.authorizationCodeGrant(config, new URL(`${this.redirectUri}?${query.toString()}`), {
        pkceCodeVerifier: signIn.codeVerifier,
        expectedState: signIn.state,
        expectedNonce: signIn.nonce,
      });
    } catch (failure) {
      throw new SignInRefused(`Keycloak did not exchange the code: ${(failure as Error).message}`);
    }
    const access = await this.verifier.verify(tokens.access_token);
    return this.sessions.add(
      { accessToken: tokens.access_token, refreshToken: tokens.refresh_token, idToken: tokens.id_token, access },
      sessionTtlMs,
    );
  }

  /** The caller a session speaks for, refreshing its tokens when they are about to expire; null when none. */
  async caller(sessionId: string | undefined): Promise<Caller | null> {
    const session = this.sessions.get(sessionId);
    if (!session || !sessionId) return null;
    if (session.access.expiresAt * 1000 - Date.now() > 30_000) return callerOf(session.access);
    if (!session.refreshToken) {
      this.sessions.take(sessionId);
      return null;
    }
    try {
      const tokens = await oidc.refreshTokenGrant(await this.configuration(), session.refreshToken);
      const access = await this.verifier.verify(tokens.access_token);
      this.sessions.set(sessionId, {
        accessToken: tokens.access_token,
        refreshToken: tokens.refresh_token ?? session.refreshToken,
        idToken: tokens.id_token ?? session.idToken,
        access,
      });
      return callerOf(access);
    } catch {
      // Keycloak ended the SSO session (signed out elsewhere, expired): sign in again.
      this.sessions.take(sessionId);
      return null;
    }
  }

  /** Ends the session here and returns Keycloak's end-session URL, which ends it there too. */
  async signOut(sessionId: string | undefined): Promise<string> {
    const session = this.sessions.take(sessionId);
    const config = await this.configuration();
    return oidc.buildEndSessionUrl(config, {
      post_logout_redirect_uri: this.afterSignOutUri,
      ...(session?.idToken ? { id_token_hint: session.idToken } : { client_id: this.options.clientId }),
    }).href;
  }
}

export function callerOf(access: VerifiedAccess): Caller {
  return { subject: access.subject, username: access.username, roles: access.roles };
}
