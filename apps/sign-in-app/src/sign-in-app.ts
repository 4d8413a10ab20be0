import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as oidc from 'openid-client';
import { PendingSignIns } from './pending-sign-ins.js';
import { errorPage, homePage, signedInPage } from './sign-in-pages.js';

export interface SignInAppOptions {
  readonly keycloakUrl: string;
  readonly realm: string;
  /** A public client with the standard flow and this app's redirect URI (`ensureSignInClient`). */
  readonly clientId: string;
  /** 0: any free port. */
  readonly port: number;
  readonly host: string;
}

export interface RunningSignInApp {
  readonly url: string;
  /** `${url}/callback`: register it on the client. */
  readonly redirectUri: string;
  close(): Promise<void>;
}

const cookieName = 'sign_in_pending';
const pendingTtlSeconds = 600;

/** A Keycloak answer this app cannot finish a sign-in with: shown as a 400 page. */
class SignInRefused extends Error {
  constructor(
    readonly problem: string,
    detail: string,
  ) {
    super(detail);
  }
}

/**
 * The demo's relying party: a page with a "Sign in" link, the authorization request (PKCE S256,
 * state and nonce, kept server-side under a random cookie), and a callback that exchanges the
 * code and shows the ID token's claims, `cognito_sub` among them. All OAuth is openid-client's.
 */
export async function startSignInApp(options: SignInAppOptions): Promise<RunningSignInApp> {
  const issuer = new URL(`${options.keycloakUrl.replace(/\/+$/, '')}/realms/${encodeURIComponent(options.realm)}`);
  let config: oidc.Configuration;
  try {
    config = await oidc.discovery(issuer, options.clientId, undefined, oidc.None(), {
      // The local stack's Keycloak speaks plain HTTP on the loopback interface.
      execute: issuer.protocol === 'http:' ? [oidc.allowInsecureRequests] : [],
    });
  } catch (error) {
    throw new Error(
      `sign-in app: no OpenID configuration at ${issuer.href} (is realm ${options.realm} there?): ${(error as Error).message}`,
      { cause: error },
    );
  }
  const pending = new PendingSignIns(pendingTtlSeconds * 1000);
  /** Known once the server listens (the port may be 0). */
  let redirectUri = '';

  async function login(response: ServerResponse): Promise<void> {
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const authorization = oidc.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid profile email',
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    const id = pending.add({ codeVerifier, state, nonce });
    // Lax: the callback is a top-level navigation from Keycloak, which Lax cookies accompany.
    response.writeHead(302, {
      location: authorization.href,
      'set-cookie': `${cookieName}=${id}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${pendingTtlSeconds}`,
      'cache-control': 'no-store',
    });
    response.end();
  }

  async function callback(request: IncomingMessage, response: ServerResponse, query: URLSearchParams): Promise<void> {
    const signIn = pending.take(cookieOf(request, cookieName));
    // Whatever the answer, this browser's pending sign-in is used up.
    const clearCookie = `${cookieName}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`;
    const error = query.get('error');
    if (error) {
      const description = query.get('error_description');
      throw new SignInRefused(
        'keycloak-error',
        `Keycloak refused the sign-in: ${error}${description ? ` (${description})` : ''}.`,
      );
    }
    if (!signIn) {
      throw new SignInRefused(
        'no-pending-sign-in',
        'No sign-in was started in this browser, or it expired. Start again.',
      );
    }
    if (query.get('state') !== signIn.state) {
      throw new SignInRefused(
        'state-mismatch',
        'The answer does not belong to the sign-in this browser started (state mismatch).',
      );
    }
    let tokens;
    try {
      // The current URL is rebuilt from the registered redirect URI, not from the Host header.
      tokens = await oidc.authorizationCodeGrant(config, new URL(`${redirectUri}?${query.toString()}`), {
        pkceCodeVerifier: signIn.codeVerifier,
        expectedState: signIn.state,
        expectedNonce: signIn.nonce,
      });
    } catch (failure) {
      throw new SignInRefused('code-exchange', `Keycloak did not exchange the code: ${(failure as Error).message}`);
    }
    const claims = tokens.claims();
    if (!claims) throw new SignInRefused('no-id-token', 'Keycloak answered without an ID token.');
    send(response, 200, signedInPage(claims), { 'set-cookie': clearCookie });
  }

  const server = createServer((request, response) => {
    const target = new URL(request.url ?? '/', 'http://app.invalid');
    const route = async () => {
      if (request.method !== 'GET') return send(response, 405, errorPage('method', 'Only GET is served.'));
      switch (target.pathname) {
        case '/':
          return send(response, 200, homePage(options.realm));
        case '/login':
          return login(response);
        case '/callback':
          return callback(request, response, target.searchParams);
        default:
          return send(response, 404, errorPage('not-found', `No page at ${target.pathname}.`));
      }
    };
    route().catch((error: unknown) => {
      if (response.headersSent) return response.destroy();
      if (error instanceof SignInRefused) return send(response, 400, errorPage(error.problem, error.message));
      send(response, 500, errorPage('internal', `The sign-in app failed: ${(error as Error).message}`));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`;
  redirectUri = `${url}/callback`;
  return {
    url,
    redirectUri,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function send(response: ServerResponse, status: number, html: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...headers });
  response.end(html);
}

function cookieOf(request: IncomingMessage, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}
