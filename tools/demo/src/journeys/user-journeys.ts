import { Secret, TOTP } from 'otpauth';
import { LoginSession, titleOf, type Landing } from './login-session.js';

/** A public client of the target realm with the standard (browser) flow; see JourneyRealms.ensureClient. */
export interface JourneyClient {
  /** Keycloak's base URL, e.g. http://127.0.0.1:18080 */
  readonly keycloakUrl: string;
  readonly realm: string;
  readonly clientId: string;
  readonly redirectUri: string;
}

export interface TotpEnrolment {
  /** The shared secret Keycloak handed out on its setup page; the user's authenticator app would keep it. */
  readonly secret: string;
}

/**
 * A user signs in with username and password and completes CONFIGURE_TOTP on Keycloak's own setup
 * page: the secret is read from the page and the code computed from it (RFC 6238: HMAC-SHA1,
 * 30 s, 6 digits; Keycloak's key is the secret's UTF-8 bytes), as an authenticator app would.
 */
export async function enrolTotp(client: JourneyClient, username: string, password: string): Promise<TotpEnrolment> {
  const session = new LoginSession(client.redirectUri);
  const login = await session.open(authorizationUrl(client));
  const landing = await session.submit(login, { username, password });
  const { landing: done, secret } = await completeRequiredPages(session, landing);
  if (secret === null) throw new Error(`${username}: Keycloak did not ask to set up TOTP (${titleOf(landing)})`);
  expectApp(done, username);
  return { secret };
}

/** Starts the browser flow and stops at the first page (the login form), for journeys interrupted on purpose. */
export async function openLogin(client: JourneyClient): Promise<{ session: LoginSession; landing: Landing }> {
  const session = new LoginSession(client.redirectUri);
  return { session, landing: await session.open(authorizationUrl(client)) };
}

/** On the TOTP setup page: computes the code from the secret shown and submits it. */
export async function completeTotpSetup(
  session: LoginSession,
  landing: Landing,
): Promise<{ landing: Landing; secret: string | null }> {
  if (landing.kind !== 'page') return { landing, secret: null };
  const secret = landing.html.querySelector('input[name="totpSecret"]')?.attributes.value;
  if (!secret) return { landing, secret: null };
  const code = new TOTP({ secret: Secret.fromUTF8(secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate();
  return { landing: await session.submit(landing, { totp: code, userLabel: 'authenticator' }), secret };
}

/**
 * A user signs in through an identity provider of the target (`kc_idp_hint` skips the target's own
 * form): the provider's login form is filled in, and the target's first-broker-login flow runs
 * as configured (e.g. linking the existing user with the same e-mail). A TOTP setup the target
 * asks for on the way is completed too.
 */
export async function signInThroughProvider(
  client: JourneyClient,
  providerAlias: string,
  username: string,
  password: string,
): Promise<void> {
  const session = new LoginSession(client.redirectUri);
  const providerLogin = await session.open(authorizationUrl(client, { kc_idp_hint: providerAlias }));
  const landing = await session.submit(providerLogin, { username, password });
  expectApp((await completeRequiredPages(session, landing)).landing, username);
}

/**
 * The pages Keycloak puts between the password and the application, filled in as the user would:
 * the TOTP setup, and the profile form a realm shows when a field it requires is empty (Cognito
 * required no names, so imported users may have none).
 */
async function completeRequiredPages(
  session: LoginSession,
  landing: Landing,
): Promise<{ landing: Landing; secret: string | null }> {
  let current = landing;
  let secret: string | null = null;
  for (let step = 0; step < 4 && current.kind === 'page'; step++) {
    const totp = await completeTotpSetup(session, current);
    if (totp.secret !== null) {
      ({ landing: current, secret } = totp);
      continue;
    }
    const profile = current.html.querySelector('#kc-update-profile-form');
    if (!profile) break;
    const missing = Object.fromEntries(
      Object.entries(profileAnswers).filter(([name]) => {
        const input = profile.querySelector(`input[name="${name}"]`);
        return input !== null && !input.attributes.value;
      }),
    );
    current = await session.submit(current, missing, '#kc-update-profile-form');
  }
  return { landing: current, secret };
}

const profileAnswers: Readonly<Record<string, string>> = { firstName: 'Rehearsal', lastName: 'User' };

export function authorizationUrl(client: JourneyClient, extra: Readonly<Record<string, string>> = {}): string {
  const url = new URL(`${client.keycloakUrl}/realms/${encodeURIComponent(client.realm)}/protocol/openid-connect/auth`);
  url.searchParams.set('client_id', client.clientId);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('scope', 'openid');
  url.searchParams.set('redirect_uri', client.redirectUri);
  for (const [name, value] of Object.entries(extra)) url.searchParams.set(name, value);
  return url.href;
}

function expectApp(landing: Landing, username: string): void {
  if (landing.kind !== 'app' || !landing.url.searchParams.has('code'))
    throw new Error(`${username}: the login did not finish (${titleOf(landing)})`);
}
