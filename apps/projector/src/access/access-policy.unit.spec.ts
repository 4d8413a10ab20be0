import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import { decideAccess, isLoopbackAddress, visibleFact, visibleUser, type Caller } from './access-policy.js';

const caller = (...roles: string[]): Caller => ({ subject: 's', username: 'u', roles });
const viewer = caller('migration-viewer', 'offline_access');
const operator = caller('migration-operator');
const nobody = caller('offline_access', 'uma_authorization');

describe('who may use a route', () => {
  it('lets anyone use an open route', () => {
    assert.deepEqual(decideAccess('open', null, false), { kind: 'allow' });
  });

  it('lets this machine use a loopback route without a token, others with a viewer role', () => {
    assert.deepEqual(decideAccess('loopback', null, true), { kind: 'allow' });
    assert.equal(decideAccess('loopback', null, false).kind, 'unauthenticated');
    assert.deepEqual(decideAccess('loopback', viewer, false), { kind: 'allow' });
  });

  it('asks for a sign-in without a caller, and names the missing role with one', () => {
    assert.equal(decideAccess('viewer', null, true).kind, 'unauthenticated');
    assert.deepEqual(decideAccess('viewer', nobody, true), {
      kind: 'forbidden',
      message: 'requires the realm role migration-viewer',
    });
    assert.deepEqual(decideAccess('operator', viewer, true), {
      kind: 'forbidden',
      message: 'requires the realm role migration-operator',
    });
  });

  it('counts an operator as a viewer (whether or not Keycloak expanded the composite role)', () => {
    assert.deepEqual(decideAccess('viewer', operator, false), { kind: 'allow' });
    assert.deepEqual(decideAccess('operator', operator, false), { kind: 'allow' });
  });
});

describe('loopback addresses', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['10.0.0.1', false],
    ['::ffff:10.0.0.1', false],
    ['fe80::1', false],
    ['1127.0.0.1', false],
    [undefined, false],
  ])('%s is loopback: %s', (address, expected) => {
    assert.equal(isLoopbackAddress(address), expected);
  });
});

describe('what a viewer sees of a user', () => {
  const row = {
    sub: 's1',
    username: 'nora',
    email: 'nora@example.org',
    phoneNumber: '+1555',
    loginName: 'nora',
    status: 'imported',
    state: { x: 1 },
  };

  it('hides the personal columns and the folded state from a viewer', () => {
    assert.deepEqual(visibleUser(row, viewer), {
      sub: 's1',
      username: null,
      email: null,
      phoneNumber: null,
      loginName: null,
      status: 'imported',
    });
    assert.deepEqual(visibleUser(row, null).email, null);
  });

  it('shows an operator everything', () => {
    assert.deepEqual(visibleUser(row, operator), row);
  });

  it("keeps a fact's id and type for a viewer, without its data", () => {
    const fact = { eventId: 'e1', type: 'UserExported', data: { email: 'nora@example.org' } };
    assert.deepEqual(visibleFact(fact, viewer), { eventId: 'e1', type: 'UserExported', data: null });
    assert.deepEqual(visibleFact(fact, operator), fact);
  });
});
