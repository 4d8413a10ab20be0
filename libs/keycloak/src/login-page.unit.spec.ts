import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from '@jest/globals';
import { readLoginPage } from './login-page.js';
import { outcomeOfPage, type LoginPageVerdict } from './login-page-outcome.js';

/**
 * Pages captured from Keycloak 26.7.3 (keycloak.v2 theme) in a throwaway realm, with scripts,
 * styles and the TOTP secret removed and the realm renamed; none holds a password
 * (libs/keycloak/test/login-pages/README.md says how they were made).
 */
const fixtures = new URL('../../../../libs/keycloak/test/login-pages/', import.meta.url);
const page = (name: string) => readFileSync(new URL(`${name}.html`, fixtures), 'utf8');

/** Given the page Keycloak answered the form POST with, then this outcome. */
const afterPost: readonly [fixture: string, status: number, outcome: LoginPageVerdict][] = [
  ['invalid-credentials', 200, { kind: 'invalid-credentials' }],
  ['temporarily-unavailable', 200, { kind: 'temporarily-unavailable' }],
  ['account-disabled', 200, { kind: 'account-disabled' }],
  [
    'reset-required-message',
    200,
    {
      kind: 'message',
      text: 'Your password has to be reset before you can sign in. Choose "Forgot Password?" to set a new one.',
    },
  ],
  ['update-password', 200, { kind: 'required-action', action: 'UPDATE_PASSWORD', alias: 'UPDATE_PASSWORD' }],
  ['configure-totp', 200, { kind: 'required-action', action: 'CONFIGURE_TOTP', alias: 'CONFIGURE_TOTP' }],
  ['verify-email', 200, { kind: 'required-action', action: 'VERIFY_EMAIL', alias: 'VERIFY_EMAIL' }],
  ['update-profile', 200, { kind: 'required-action', action: 'UPDATE_PROFILE', alias: 'UPDATE_PROFILE' }],
  ['verify-profile', 200, { kind: 'required-action', action: 'UPDATE_PROFILE', alias: 'VERIFY_PROFILE' }],
  ['terms-and-conditions', 200, { kind: 'required-action', action: 'other', alias: 'TERMS_AND_CONDITIONS' }],
  ['error-invalid-redirect-uri', 400, { kind: 'error-page', status: 400, text: 'Invalid parameter: redirect_uri' }],
  ['error-client-not-found', 400, { kind: 'error-page', status: 400, text: 'Client not found.' }],
];

describe('Keycloak login pages (26.7.3)', () => {
  it('reads the login form: its absolute action with entities decoded and its hidden fields', () => {
    const read = readLoginPage(page('login-form'));
    assert.equal(read.kind, 'login-form');
    if (read.kind !== 'login-form') return;
    assert.match(read.action, /^http:\/\/127\.0\.0\.1:\d+\/realms\/fixture-realm\/login-actions\/authenticate\?/);
    assert.ok(!read.action.includes('&amp;'));
    assert.ok(new URL(read.action).searchParams.get('session_code'));
    assert.deepEqual(read.hiddenFields, { credentialId: '' });
    assert.equal(read.message, null);
  });

  it('reads the message of the form shown again: a field error for bad credentials, an alert otherwise', () => {
    assert.deepEqual((readLoginPage(page('invalid-credentials')) as { message: unknown }).message, {
      text: 'Invalid username or password.',
      type: 'error',
    });
    assert.deepEqual((readLoginPage(page('temporarily-unavailable')) as { message: unknown }).message, {
      text: 'Sign-in is temporarily unavailable. Please try again in a moment.',
      type: 'error',
    });
  });

  for (const [fixture, status, outcome] of afterPost) {
    it(`given the ${fixture} page after the POST, then ${JSON.stringify(outcome)}`, () => {
      assert.deepEqual(outcomeOfPage(readLoginPage(page(fixture)), status), outcome);
    });
  }

  it('the login form again without any message is not taken for a success', () => {
    assert.deepEqual(outcomeOfPage(readLoginPage(page('login-form')), 200), { kind: 'message', text: '' });
  });

  it('a page of no known kind is an error page carrying its title and text', () => {
    const html =
      '<html><body data-page-id="login-info"><main><h1 id="kc-page-title">Information</h1>' +
      '<div class="pf-v5-c-login__main-body">Your account is ready.</div></main></body></html>';
    assert.deepEqual(outcomeOfPage(readLoginPage(html), 200), {
      kind: 'error-page',
      status: 200,
      text: 'Information: Your account is ready.',
    });
  });

  it('without page ids, a required-action page is known by the action in its form', () => {
    const html =
      '<html><body><form action="http://kc/realms/r/login-actions/required-action?session_code=x&amp;execution=CONFIGURE_TOTP"></form></body></html>';
    assert.deepEqual(readLoginPage(html), {
      kind: 'required-action',
      page: 'CONFIGURE_TOTP',
      alias: 'CONFIGURE_TOTP',
      message: null,
    });
  });
});
