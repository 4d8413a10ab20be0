import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import { hadMfaInCognito } from './cognito-mfa.js';

describe('MFA in Cognito', () => {
  it('counts SMS, a TOTP token and a preferred factor', () => {
    assert.equal(hadMfaInCognito({ sms: true, totp: null, preferred: null }), true);
    assert.equal(hadMfaInCognito({ sms: false, totp: true, preferred: null }), true);
    assert.equal(hadMfaInCognito({ sms: false, totp: null, preferred: 'SOFTWARE_TOKEN_MFA' }), true);
  });

  it('does not count a TOTP never looked up, nor Amplify’s NOMFA', () => {
    assert.equal(hadMfaInCognito({ sms: false, totp: null, preferred: null }), false);
    assert.equal(hadMfaInCognito({ sms: false, totp: false, preferred: 'NOMFA' }), false);
  });
});
