import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import { stuckUserCursor, userListCursor } from '#projections';
import { checkParameters, noQuery, stuckUserQuery, subParameter, userListQuery } from './query-parameters.js';

/** The parameter a query is refused for, and the message, or null when it is accepted. */
function refusal(raw: Record<string, unknown>, schema = userListQuery): { parameter: string; message: string } | null {
  const checked = checkParameters(schema, raw);
  return checked.ok ? null : { parameter: checked.bad.parameter, message: checked.bad.message };
}

describe('query parameters of the user list', () => {
  it('accepts the documented filters in camelCase, with the defaults', () => {
    const checked = checkParameters(userListQuery, {
      status: 'imported',
      active: 'true',
      mfaRequired: 'false',
      mfaReenrolled: 'true',
      provider: 'Google',
      providerRebound: 'false',
      passwordMigratedVia: 'jit',
      minResets: '2',
      search: "o'brien",
    });
    assert.ok(checked.ok);
    assert.deepEqual(checked.value, {
      status: 'imported',
      active: true,
      mfaRequired: false,
      mfaReenrolled: true,
      provider: 'Google',
      providerRebound: false,
      passwordMigratedVia: 'jit',
      minResets: 2,
      search: "o'brien",
      limit: 100,
      format: 'json',
    });
  });

  it.each([
    ['-1', 'limit'],
    ['0', 'limit'],
    ['1001', 'limit'],
    ['99999999999999999999', 'limit'],
    ['1e3', 'limit'],
    ['0x10', 'limit'],
    [' 5', 'limit'],
    ['ten', 'limit'],
    ['', 'limit'],
  ])('refuses limit=%j by name', (limit, parameter) => {
    assert.deepEqual(refusal({ limit }), { parameter, message: 'limit must be a whole number from 1 to 1000' });
  });

  it('accepts the bounds of limit and minResets', () => {
    assert.equal(refusal({ limit: '1' }), null);
    assert.equal(refusal({ limit: '1000' }), null);
    assert.equal(refusal({ minResets: '0' }), null);
    assert.equal(refusal({ minResets: '-1' })?.parameter, 'minResets');
  });

  it('refuses a parameter it does not know, snake_case spellings included', () => {
    assert.deepEqual(refusal({ mfa_required: 'true' }), {
      parameter: 'mfa_required',
      message: 'mfa_required is not a parameter of this route',
    });
    assert.equal(refusal({ 'status; drop table x': 'imported' })?.parameter, 'status; drop table x');
  });

  it('refuses values outside an enumeration, injection strings included', () => {
    assert.deepEqual(refusal({ status: "imported' or '1'='1" }), {
      parameter: 'status',
      message: 'status must be one of migrated, disabled, imported, import-failed, exported, unexported',
    });
    assert.equal(refusal({ active: 'yes' })?.parameter, 'active');
    assert.equal(refusal({ format: 'xml' })?.parameter, 'format');
    assert.equal(refusal({ passwordMigratedVia: 'magic' })?.parameter, 'passwordMigratedVia');
  });

  it('refuses control characters (a NUL byte), empty and over-long text', () => {
    assert.deepEqual(refusal({ search: '\u0000' }), {
      parameter: 'search',
      message: 'search must not contain control characters',
    });
    assert.equal(refusal({ search: 'a\u001bb' })?.parameter, 'search');
    assert.equal(refusal({ provider: 'Goo\u0000gle' })?.parameter, 'provider');
    assert.equal(refusal({ search: '' })?.message, 'search must not be empty');
    assert.equal(refusal({ search: 'x'.repeat(257) })?.message, 'search must be at most 256 characters');
    // Text that merely looks like SQL is a search like any other: it goes to PostgreSQL as a parameter.
    assert.equal(refusal({ search: "'; drop table migration_user; --" }), null);
  });

  it('refuses a parameter given twice', () => {
    assert.deepEqual(refusal({ limit: ['1', '2'] }), { parameter: 'limit', message: 'limit must be given once' });
  });

  it('takes only the cursors it hands out, and gives back their sub', () => {
    const cursor = userListCursor('4f1c2a9e-0000-4000-8000-000000000001');
    const checked = checkParameters(userListQuery, { after: cursor });
    assert.ok(checked.ok);
    assert.equal(checked.value.after, '4f1c2a9e-0000-4000-8000-000000000001');
    for (const after of [
      '4f1c2a9e-0000-4000-8000-000000000001', // a raw sub is not a cursor
      cursor.slice(0, -2), // truncated
      `${cursor}=`, // padded
      Buffer.from('{"sub":1}').toString('base64url'),
      Buffer.from('{"sub":"a","more":true}').toString('base64url'),
      Buffer.from('{"sub":"a\\u0000"}').toString('base64url'),
      Buffer.from('["a"]').toString('base64url'),
      "' or 1=1 --",
      '',
    ]) {
      assert.deepEqual(
        refusal({ after }),
        { parameter: 'after', message: 'after is not a cursor this API handed out (`nextCursor`)' },
        `after=${after}`,
      );
    }
  });
});

describe('routes without query parameters, and the sub of a user', () => {
  it('refuses any query parameter where none is taken', () => {
    assert.equal(refusal({}, noQuery as never), null);
    assert.equal(refusal({ limit: '5' }, noQuery as never)?.parameter, 'limit');
  });

  it('refuses a sub with a NUL byte or over 128 characters', () => {
    assert.equal(refusal({ sub: 'abc' }, subParameter as never), null);
    assert.equal(refusal({ sub: 'a\u0000' }, subParameter as never)?.parameter, 'sub');
    assert.equal(refusal({ sub: 'a'.repeat(129) }, subParameter as never)?.parameter, 'sub');
  });
});

describe('query parameters of the stuck users', () => {
  const refused = (raw: Record<string, unknown>) => refusal(raw, stuckUserQuery as never);

  it('accepts the kind, a reason prefix and a page, in camelCase, with the default page size', () => {
    const checked = checkParameters(stuckUserQuery, { kind: 'dead-letter', reason: 'User exists' });
    assert.ok(checked.ok);
    assert.deepEqual(checked.value, { kind: 'dead-letter', reason: 'User exists', limit: 25 });
  });

  it('refuses each bad parameter by name', () => {
    assert.deepEqual(refused({ kind: 'bounced' }), {
      parameter: 'kind',
      message: 'kind must be one of import-failed, dead-letter',
    });
    assert.deepEqual(refused({ limit: '201' }), {
      parameter: 'limit',
      message: 'limit must be a whole number from 1 to 200',
    });
    assert.equal(refused({ limit: '0' })?.parameter, 'limit');
    assert.equal(refused({ reason: 'a\u0000' })?.parameter, 'reason');
    assert.equal(refused({ reason: 'x'.repeat(257) })?.parameter, 'reason');
    assert.equal(refused({ fact_type: 'UserImported' })?.message, 'fact_type is not a parameter of this route');
    assert.equal(refused({ kind: ['import-failed', 'dead-letter'] })?.message, 'kind must be given once');
  });

  it('takes only the cursors it hands out, and gives back their position', () => {
    const position = { kind: 'dead-letter' as const, sub: 'a-sub', ref: 'ledger.user-events/0/199' };
    const checked = checkParameters(stuckUserQuery, { after: stuckUserCursor(position) });
    assert.ok(checked.ok);
    assert.deepEqual(checked.value.after, position);
    for (const after of [
      userListCursor('a-sub'), // a cursor of the user list
      stuckUserCursor(position).slice(0, -2),
      Buffer.from('{"kind":"bounced","sub":"a","ref":""}').toString('base64url'),
      Buffer.from('{"kind":"import-failed","sub":"a","ref":"","more":1}').toString('base64url'),
      Buffer.from('{"kind":"import-failed","sub":"a\\u0000","ref":""}').toString('base64url'),
      "' or 1=1 --",
    ]) {
      assert.equal(refused({ after })?.parameter, 'after', `after=${after}`);
    }
  });
});
