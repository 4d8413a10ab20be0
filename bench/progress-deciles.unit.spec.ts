import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import { progressDeciles } from './progress-deciles.js';

describe('progressDeciles', () => {
  it('given an even rate after 5 s of start-up, then start-up is apart and every tenth has that rate', () => {
    const samples = [0, 1, 2, 3, 4, 5].map((seconds) => ({ seconds, done: 0 }));
    for (let s = 6; s <= 15; s++) samples.push({ seconds: s, done: (s - 5) * 100 });
    const deciles = progressDeciles(samples, 1000, 1000);
    assert.equal(deciles.startupSeconds, 5);
    assert.deepEqual(
      deciles.perSecond.map((r) => Math.round(r)),
      Array.from({ length: 10 }, () => 100),
    );
  });

  it('given twice as many records as users, then a tenth of the records counts as a tenth of the users', () => {
    const samples = [{ seconds: 0, done: 0 }];
    for (let s = 1; s <= 10; s++) samples.push({ seconds: s, done: s * 200 });
    const deciles = progressDeciles(samples, 2000, 1000);
    assert.equal(Math.round(deciles.perSecond[0]!), 100);
  });

  it('given a stage that halves its rate halfway, then the last tenth is half the first', () => {
    const samples = [{ seconds: 0, done: 0 }];
    // 500 items at 100/s, then 500 at 50/s, read once a second.
    for (let s = 1; s <= 5; s++) samples.push({ seconds: s, done: s * 100 });
    for (let s = 6; s <= 15; s++) samples.push({ seconds: s, done: 500 + (s - 5) * 50 });
    const { perSecond } = progressDeciles(samples, 1000, 1000);
    assert.equal(Math.round(perSecond[0]!), 100);
    assert.equal(Math.round(perSecond[9]!), 50);
  });
});
