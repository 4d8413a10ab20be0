import * as oidc from 'openid-client';
import type { CookieJar } from 'tough-cookie';
import { BrowserSession, type BrowserResponse } from './browser-session.js';
import { readLoginPage } from './login-page.js';
import {
  outcomeOfPage,
  type IdTokenClaims,
  type LoginPageOutcome,
  type LoginPageTimings,
  type LoginPageVerdict,
} from './login-page-outcome.js';

/** A public client of a Keycloak realm with the standard flow, and one of its redirect URIs. */
export interface LoginPageClient {
  readonly keycloakUrl: string;
  readonly realm: string;
  readonly clientId: string;
  readonly redirectUri: string;
}

export type SignInThroughLoginPageOptions = (
  | LoginPageClient
  /**
   * Where a browser would start: Keycloak's authorization URL as an application built it, or the
   * application's own login URL that redirects there. The sign-in then ends at the application's
   * redirect URI (`authorized`), whose code only the application can exchange.
   */
  | { readonly authorizationUrl: string }
) & {
  readonly username: string;
  /** Held only for the form POST. */
  readonly password: string;
  readonly fetch?: typeof fetch;
  /** Cookies to start from and keep (e.g. to continue at an application's callback); default a fresh jar. */
  readonly cookies?: CookieJar;
};

const maxRedirects = 10;

/**
 * Signs a user in through Keycloak's real login page without a browser: authorization request
 * (PKCE S256, state, nonce), the `kc-form-login` form, the redirects, and the code exchange, each
 * timed. Returns how it ended; a page it does not recognise is an `error-page` with its text, and
 * only transport failures (Keycloak unreachable, a timeout) throw.
 */
export async function signInThroughLoginPage(options: SignInThroughLoginPageOptions): Promise<LoginPageOutcome> {
  const session = new BrowserSession(options.cookies, options.fetch);
  const timings: { -readonly [K in keyof LoginPageTimings]: LoginPageTimings[K] } = {
    authorizationMs: 0,
    formPostMs: null,
    afterPostMs: null,
    codeExchangeMs: null,
  };
  const client = 'authorizationUrl' in options ? null : await ownAuthorization(options);
  const start = 'authorizationUrl' in options ? options.authorizationUrl : client!.url;
  let redirectUri = client ? client.redirectUri : redirectUriOf(start);

  // Up to the login page; a session cookie in `cookies` may already lead to the redirect URI.
  let response = await session.get(start);
  timings.authorizationMs += response.ms;
  for (let hops = 0; response.location; hops++) {
    redirectUri ??= redirectUriOf(response.location);
    if (redirectUri && isAt(response.location, redirectUri)) return { ...(await arrived(response, client)), timings };
    if (hops === maxRedirects) return { ...tooManyRedirects(response), timings };
    response = await session.get(response.location);
    timings.authorizationMs += response.ms;
  }
  const form = readLoginPage(response.body);
  if (form.kind !== 'login-form') return { ...outcomeOfPage(form, response.status), timings };
  if (!form.action)
    return { kind: 'error-page', status: response.status, text: 'login form without an action', timings };

  response = await session.postForm(form.action, {
    ...form.hiddenFields,
    username: options.username,
    password: options.password,
  });
  timings.formPostMs = response.ms;
  timings.afterPostMs = 0;
  for (let hops = 0; response.location; hops++) {
    if (redirectUri && isAt(response.location, redirectUri)) {
      const started = performance.now();
      const verdict = await arrived(response, client);
      if (client) timings.codeExchangeMs = performance.now() - started;
      return { ...verdict, timings };
    }
    if (hops === maxRedirects) return { ...tooManyRedirects(response), timings };
    response = await session.get(response.location);
    timings.afterPostMs += response.ms;
  }
  return { ...outcomeOfPage(readLoginPage(response.body), response.status), timings };
}

interface OwnAuthorization {
  readonly config: oidc.Configuration;
  readonly url: string;
  readonly redirectUri: string;
  readonly verifier: string;
  readonly state: string;
  readonly nonce: string;
}

/**
 * The authorization request of this sign-in. The realm's endpoints are Keycloak's fixed paths, so
 * no discovery request is made per sign-in (a benchmark would otherwise time discovery too).
 */
async function ownAuthorization(
  options: LoginPageClient & { readonly fetch?: typeof fetch },
): Promise<OwnAuthorization> {
  const issuer = `${options.keycloakUrl.replace(/\/+$/, '')}/realms/${encodeURIComponent(options.realm)}`;
  const config = new oidc.Configuration(
    {
      issuer,
      authorization_endpoint: `${issuer}/protocol/openid-connect/auth`,
      token_endpoint: `${issuer}/protocol/openid-connect/token`,
    },
    options.clientId,
    undefined,
    oidc.None(),
  );
  if (new URL(issuer).protocol === 'http:') oidc.allowInsecureRequests(config);
  if (options.fetch) config[oidc.customFetch] = options.fetch as oidc.CustomFetch;
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: options.redirectUri,
    scope: 'openid',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  return { config, url: url.href, redirectUri: options.redirectUri, verifier, state, nonce };
}

/** At the redirect URI: Keycloak's error, the application's to handle, or the code to exchange. */
async function arrived(response: BrowserResponse, client: OwnAuthorization | null): Promise<LoginPageVerdict> {
  const callback = new URL(response.location!);
  const error = callback.searchParams.get('error');
  if (error) {
    const description = callback.searchParams.get('error_description');
    return { kind: 'error-page', status: response.status, text: description ? `${error}: ${description}` : error };
  }
  if (!client) return { kind: 'authorized', callbackUrl: callback.href };
  let tokens;
  try {
    tokens = await oidc.authorizationCodeGrant(client.config, callback, {
      pkceCodeVerifier: client.verifier,
      expectedState: client.state,
      expectedNonce: client.nonce,
    });
  } catch (failure) {
    // openid-client's messages name the check that failed, never a token.
    const reason = failure instanceof Error ? failure.message : String(failure);
    throw new Error(`code exchange at ${client.config.serverMetadata().token_endpoint} failed: ${reason}`, {
      cause: failure,
    });
  }
  const claims = tokens.claims();
  if (!claims) throw new Error(`code exchange at ${client.config.serverMetadata().token_endpoint}: no ID token`);
  return { kind: 'signed-in', claims: { ...claims } as IdTokenClaims };
}

/** The `redirect_uri` of a URL that is an OIDC authorization request, else null. */
function redirectUriOf(url: string): string | null {
  const parsed = new URL(url);
  if (!parsed.pathname.endsWith('/protocol/openid-connect/auth')) return null;
  return parsed.searchParams.get('redirect_uri');
}

/** Whether `location` is the redirect URI (with the response's query). */
function isAt(location: string, redirectUri: string): boolean {
  const at = new URL(location);
  const expected = new URL(redirectUri);
  return at.origin === expected.origin && at.pathname === expected.pathname;
}

function tooManyRedirects(response: BrowserResponse): LoginPageVerdict {
  return {
    kind: 'error-page',
    status: response.status,
    text: `more than ${maxRedirects} redirects, last to ${new URL(response.location!).origin}${new URL(response.location!).pathname}`,
  };
}
