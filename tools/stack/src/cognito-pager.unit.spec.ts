import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import { CognitoPager, type CognitoReply } from './cognito-pager.js';

function pagerAt(clock: { now: number }): CognitoPager {
  let issued = 0;
  return new CognitoPager({ tokenTtlMs: 60_000, now: () => clock.now, newToken: () => `token-${++issued}` });
}

const users = ['a', 'b', 'c', 'd', 'e'].map((Username) => ({ Username }));

/** A listing source that counts how often the emulator was asked for the full list. */
function listing(body: Record<string, unknown>) {
  const source = { calls: 0, listAll: async () => (source.calls++, body) };
  return source;
}

function usernames(reply: CognitoReply): unknown[] {
  return (reply.body.Users as { Username: string }[]).map((user) => user.Username);
}

describe('CognitoPager', () => {
  it('cuts one listing into Limit-sized pages, with a token on every page but the last', async () => {
    const pager = pagerAt({ now: 0 });
    const source = listing({ Users: users });
    const request = { UserPoolId: 'p_1', Limit: 2 };

    const first = await pager.page('ListUsers', request, source.listAll);
    const second = await pager.page(
      'ListUsers',
      { ...request, PaginationToken: first.body.PaginationToken },
      source.listAll,
    );
    const last = await pager.page(
      'ListUsers',
      { ...request, PaginationToken: second.body.PaginationToken },
      source.listAll,
    );

    assert.deepEqual([usernames(first), usernames(second), usernames(last)], [['a', 'b'], ['c', 'd'], ['e']]);
    assert.equal(first.body.PaginationToken, 'token-1');
    assert.equal(second.body.PaginationToken, 'token-2');
    assert.equal('PaginationToken' in last.body, false);
    assert.equal(source.calls, 1, 'the emulator is asked once per chain');
  });

  it('names the token NextToken for the other list operations and pages their Groups', async () => {
    const pager = pagerAt({ now: 0 });
    const groups = listing({ Groups: [{ GroupName: 'x' }, { GroupName: 'y' }] });
    const first = await pager.page(
      'AdminListGroupsForUser',
      { UserPoolId: 'p_1', Username: 'a', Limit: 1 },
      groups.listAll,
    );
    assert.deepEqual(first.body, { Groups: [{ GroupName: 'x' }], NextToken: 'token-1' });
    const next = await pager.page(
      'AdminListGroupsForUser',
      { UserPoolId: 'p_1', Username: 'a', Limit: 1, NextToken: 'token-1' },
      groups.listAll,
    );
    assert.deepEqual(next.body, { Groups: [{ GroupName: 'y' }] });
  });

  it('uses 60 when Limit is absent or 0, and answers InvalidParameterException above 60 or below 0', async () => {
    const pager = pagerAt({ now: 0 });
    const many = listing({ Users: Array.from({ length: 61 }, (_, n) => ({ Username: `u${n}` })) });
    for (const Limit of [undefined, 0]) {
      const reply = await pager.page('ListUsers', { UserPoolId: 'p_1', Limit }, many.listAll);
      assert.equal((reply.body.Users as unknown[]).length, 60);
      assert.ok(reply.body.PaginationToken);
    }
    for (const Limit of [61, -1, 2.5, '2']) {
      const reply = await pager.page('ListUsers', { UserPoolId: 'p_1', Limit }, many.listAll);
      assert.equal(reply.status, 400);
      assert.equal(reply.body.__type, 'InvalidParameterException');
    }
    assert.match(
      String((await pager.page('ListUsers', { Limit: 61 }, many.listAll)).body.message),
      /Value '61' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 60/,
    );
  });

  it('answers InvalidParameterException for an unknown, foreign or expired token', async () => {
    const clock = { now: 0 };
    const pager = pagerAt(clock);
    const source = listing({ Users: users });
    const first = await pager.page('ListUsers', { UserPoolId: 'p_1', Limit: 2 }, source.listAll);
    const token = first.body.PaginationToken;

    const garbage = await pager.page(
      'ListUsers',
      { UserPoolId: 'p_1', Limit: 2, PaginationToken: 'garbage' },
      source.listAll,
    );
    const otherPool = await pager.page(
      'ListUsers',
      { UserPoolId: 'p_2', Limit: 2, PaginationToken: token },
      source.listAll,
    );
    const otherOperation = await pager.page(
      'ListUsersInGroup',
      { UserPoolId: 'p_1', NextToken: token },
      source.listAll,
    );
    clock.now = 60_000;
    const expired = await pager.page(
      'ListUsers',
      { UserPoolId: 'p_1', Limit: 2, PaginationToken: token },
      source.listAll,
    );

    for (const reply of [garbage, otherPool, otherOperation, expired]) {
      assert.equal(reply.status, 400);
      assert.equal(reply.body.__type, 'InvalidParameterException');
    }
    assert.equal(source.calls, 1);
  });

  it('lets a token be used again (a retried request gets the same page)', async () => {
    const pager = pagerAt({ now: 0 });
    const source = listing({ Users: users });
    const first = await pager.page('ListUsers', { UserPoolId: 'p_1', Limit: 2 }, source.listAll);
    const request = { UserPoolId: 'p_1', Limit: 2, PaginationToken: first.body.PaginationToken };
    assert.deepEqual(usernames(await pager.page('ListUsers', request, source.listAll)), ['c', 'd']);
    assert.deepEqual(usernames(await pager.page('ListUsers', request, source.listAll)), ['c', 'd']);
  });
});
