import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import { LoginGuard, type LoginGuardLimits } from './login-guard.js';

const limits: LoginGuardLimits = {
  attemptsPerIpPerMinute: 3,
  attemptsPerUserPerMinute: 2,
  failuresPerUser: 2,
  failureWindowSeconds: 900,
  cognitoRps: 5,
};

describe('LoginGuard', () => {
  it('admits an address up to its per-minute attempts, then says when to come back', async () => {
    const guard = new LoginGuard(limits);
    for (let i = 0; i < 3; i++) assert.equal(await guard.admitIp('198.51.100.1'), undefined);
    const refusal = await guard.admitIp('198.51.100.1');
    assert.equal(refusal?.scope, 'ip');
    assert.ok(refusal!.retryAfterSeconds >= 1 && refusal!.retryAfterSeconds <= 60);
    assert.equal(await guard.admitIp('198.51.100.2'), undefined, 'other addresses are not affected');
  });

  it('admits a user up to their per-minute attempts', async () => {
    const guard = new LoginGuard({ ...limits, failuresPerUser: 100 });
    for (let i = 0; i < 2; i++) {
      assert.equal(await guard.admitUser('sub-1'), undefined);
      await guard.settle('sub-1', 'other');
    }
    assert.equal((await guard.admitUser('sub-1'))?.scope, 'user');
  });

  it('refuses a user whose wrong-password budget is spent, for the whole window', async () => {
    const guard = new LoginGuard({ ...limits, attemptsPerUserPerMinute: 100 });
    for (let i = 0; i < 2; i++) {
      assert.equal(await guard.admitUser('sub-2'), undefined);
      await guard.settle('sub-2', 'wrong-password');
    }
    const refusal = await guard.admitUser('sub-2');
    assert.equal(refusal?.scope, 'failures');
    assert.ok(refusal!.retryAfterSeconds > 800);
  });

  it('counts checks in flight against the budget, so concurrent guesses cannot overrun it', async () => {
    const guard = new LoginGuard({ ...limits, attemptsPerUserPerMinute: 100 });
    const admissions = await Promise.all(Array.from({ length: 5 }, () => guard.admitUser('sub-4')));
    assert.equal(admissions.filter((a) => a === undefined).length, 2);
  });

  it('a correct password clears the budget; other outcomes give the reservation back', async () => {
    const guard = new LoginGuard({ ...limits, attemptsPerUserPerMinute: 100 });
    await guard.admitUser('sub-3');
    await guard.settle('sub-3', 'wrong-password');
    await guard.admitUser('sub-3');
    await guard.settle('sub-3', 'correct-password');
    for (let i = 0; i < 5; i++) {
      assert.equal(await guard.admitUser('sub-3'), undefined);
      await guard.settle('sub-3', 'other');
    }
  });

  it("paces Cognito calls and turns callers away once a second's worth waits", async () => {
    const guard = new LoginGuard(limits);
    const started = performance.now();
    const admissions = await Promise.all(Array.from({ length: 12 }, () => guard.admitCognitoCall()));
    const refused = admissions.filter((a) => a !== undefined);
    assert.equal(refused.length, 2, '5 now + 5 queued for the next second; the rest are refused');
    assert.equal(refused[0]!.scope, 'cognito-quota');
    assert.ok(performance.now() - started >= 900, 'the queued ones waited for the next second');
  });
});
