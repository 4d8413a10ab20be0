import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { parse } from 'node-html-parser';
import { CookieJar } from 'tough-cookie';
import { keycloakConfig, type Env } from '#config';
import { BrowserSession, ensureSignInClient, KeycloakRealm, signInThroughLoginPage } from '#keycloak';
import { keycloakAdminLogin } from '#stack';
import { startSignInApp, type RunningSignInApp } from './sign-in-app.js';

/*
 * The sign-in application against the real Keycloak of the local stack, in a throwaway realm with
 * one native user: the whole authorization-code flow through Keycloak's login page, driven at
 * HTTP level by the login-page client (no browser).
 */

const run = randomUUID().slice(0, 8);
const env: Env = { ...process.env, KEYCLOAK_REALM: `test-sign-in-${run}` };
const clientId = 'sign-in-app';
const password = `Native-${randomBytes(9).toString('base64url')}!1`;
const user = { username: 'nora', sub: randomUUID() };
let realm: KeycloakRealm;
let app: RunningSignInApp;

/** The app's callback fetched with the browser's cookies, as the browser would after Keycloak's redirect. */
async function followToApp(jar: CookieJar, url: string): Promise<{ status: number; html: string }> {
  const response = await new BrowserSession(jar).get(url);
  return { status: response.status, html: response.body };
}

/** Signs in from the app's /login and returns the callback URL Keycloak sent the browser to. */
async function authorizedCallback(jar: CookieJar): Promise<string> {
  const outcome = await signInThroughLoginPage({
    authorizationUrl: `${app.url}/login`,
    username: user.username,
    password,
    cookies: jar,
  });
  assert.equal(outcome.kind, 'authorized');
  return outcome.kind === 'authorized' ? outcome.callbackUrl : '';
}

describe('the sign-in app on real Keycloak', () => {
  beforeAll(async () => {
    realm = new KeycloakRealm(keycloakConfig(env), await keycloakAdminLogin(env));
    await realm.call('realm creation', (c) => c.realms.create({ realm: realm.name, enabled: true }));
    // Keycloak drops attributes its user profile does not declare unless the policy keeps them
    // (the importer does the same for cognito_sub).
    const profile = await realm.call('user profile', (c) => c.users.getProfile({ realm: realm.name }));
    await realm.call('user profile update', (c) =>
      c.users.updateProfile({ ...profile, realm: realm.name, unmanagedAttributePolicy: 'ADMIN_EDIT' as never }),
    );
    const { id } = await realm.call('user creation', (c) =>
      c.users.create({
        username: user.username,
        enabled: true,
        email: `nora.${run}@example.org`,
        emailVerified: true,
        firstName: 'Nora',
        lastName: 'Example',
        attributes: { cognito_sub: [user.sub] },
        credentials: [{ type: 'password', value: password, temporary: false }],
      }),
    );
    assert.ok(id);
    app = await startSignInApp({
      keycloakUrl: keycloakConfig(env).url,
      realm: realm.name,
      clientId,
      port: 0,
      host: '127.0.0.1',
    });
    await ensureSignInClient(realm, { clientId, redirectUris: [app.redirectUri] });
  });

  afterAll(async () => {
    await app?.close();
    await realm?.call('realm deletion', (c) => c.realms.del({ realm: realm.name })).catch(() => undefined);
  });

  it('the client is a public PKCE S256 client with the cognito_sub mapper, and ensuring it again changes only its redirect URIs', async () => {
    await ensureSignInClient(realm, { clientId, redirectUris: ['http://127.0.0.1:1/elsewhere'] });
    await ensureSignInClient(realm, { clientId, redirectUris: [app.redirectUri], webOrigins: [app.url] });
    const [client] = await realm.call('client', (c) => c.clients.find({ clientId }));
    assert.equal(client!.publicClient, true);
    assert.equal(client!.standardFlowEnabled, true);
    assert.equal(client!.directAccessGrantsEnabled, true);
    assert.equal(client!.attributes?.['pkce.code.challenge.method'], 'S256');
    assert.deepEqual(client!.redirectUris, [app.redirectUri]);
    assert.deepEqual(client!.webOrigins, [app.url]);
    const mappers = await realm.call('mappers', (c) => c.clients.listProtocolMappers({ id: client!.id! }));
    assert.equal(mappers.filter((m) => m.protocolMapper === 'oidc-usermodel-attribute-mapper').length, 1);
  });

  it('the home page offers the sign-in', async () => {
    const { status, html } = await followToApp(new CookieJar(), `${app.url}/`);
    assert.equal(status, 200);
    assert.equal(parse(html).querySelector('#sign-in')?.getAttribute('href'), '/login');
  });

  it("a user signs in through Keycloak's login page and the callback shows their claims, cognito_sub included, and no token", async () => {
    const jar = new CookieJar();
    const callbackUrl = await authorizedCallback(jar);
    assert.ok(callbackUrl.startsWith(app.redirectUri));
    const { status, html } = await followToApp(jar, callbackUrl);
    assert.equal(status, 200);
    const page = parse(html);
    assert.equal(page.querySelector('#signed-in-as')?.text, `Signed in as ${user.username}`);
    const claim = (name: string) => page.querySelector(`dd[data-claim="${name}"]`)?.text;
    assert.equal(claim('cognito_sub'), user.sub);
    assert.equal(claim('preferred_username'), user.username);
    assert.equal(claim('email'), `nora.${run}@example.org`);
    assert.equal(page.querySelector('#claim-cognito_sub')?.text, user.sub);
    assert.doesNotMatch(html, /eyJ[\w-]+\.eyJ/, 'no JWT on the page');
    assert.ok(!html.includes(password));
  });

  it('an answer with another state is refused with 400, and the pending sign-in is used up', async () => {
    const jar = new CookieJar();
    const callbackUrl = new URL(await authorizedCallback(jar));
    callbackUrl.searchParams.set('state', 'not-the-state-of-this-sign-in');
    const refused = await followToApp(jar, callbackUrl.href);
    assert.equal(refused.status, 400);
    assert.equal(parse(refused.html).querySelector('#error')?.getAttribute('data-problem'), 'state-mismatch');
    const replay = await followToApp(jar, callbackUrl.href);
    assert.equal(replay.status, 400);
    assert.equal(parse(replay.html).querySelector('#error')?.getAttribute('data-problem'), 'no-pending-sign-in');
  });

  it("Keycloak's error answer is shown as a 400 page naming it", async () => {
    const jar = new CookieJar();
    await new BrowserSession(jar).get(`${app.url}/login`);
    const { status, html } = await followToApp(
      jar,
      `${app.redirectUri}?error=access_denied&error_description=${encodeURIComponent('User denied <consent>')}`,
    );
    assert.equal(status, 400);
    const error = parse(html).querySelector('#error');
    assert.equal(error?.getAttribute('data-problem'), 'keycloak-error');
    assert.equal(error?.text, 'Keycloak refused the sign-in: access_denied (User denied <consent>).');
  });

  it('the login-page client signs in on its own (PKCE, code exchange) and tells a wrong password apart', async () => {
    const client = { keycloakUrl: keycloakConfig(env).url, realm: realm.name, clientId, redirectUri: app.redirectUri };
    const signedIn = await signInThroughLoginPage({ ...client, username: user.username, password });
    assert.equal(signedIn.kind, 'signed-in');
    if (signedIn.kind === 'signed-in') assert.equal(signedIn.claims.cognito_sub, user.sub);
    assert.ok(signedIn.timings.formPostMs! > 0 && signedIn.timings.codeExchangeMs! > 0);
    const wrong = await signInThroughLoginPage({ ...client, username: user.username, password: `${password}x` });
    assert.equal(wrong.kind, 'invalid-credentials');
  });

  it('Keycloak refuses an authorization request without PKCE for this client', async () => {
    const url = new URL(`${keycloakConfig(env).url}/realms/${realm.name}/protocol/openid-connect/auth`);
    url.search = new URLSearchParams({
      client_id: clientId,
      redirect_uri: app.redirectUri,
      response_type: 'code',
      scope: 'openid',
      state: 's',
    }).toString();
    const outcome = await signInThroughLoginPage({ authorizationUrl: url.href, username: user.username, password });
    assert.equal(outcome.kind, 'error-page');
    if (outcome.kind === 'error-page') assert.match(outcome.text, /code_challenge/);
  });
});
