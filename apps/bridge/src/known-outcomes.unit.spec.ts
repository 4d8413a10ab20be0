import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import { KnownOutcomes } from './known-outcomes.js';

function givenCache(ttlMs = 30_000, capacity = 3) {
  let now = 1_000_000;
  const cache = new KnownOutcomes({ ttlMs, capacity, now: () => now });
  return { cache, advance: (ms: number) => (now += ms) };
}

describe('KnownOutcomes: a known user-level answer is not asked of Cognito again within a short window', () => {
  it('given a disabled answer, when asked again within the window, then it is repeated', () => {
    const { cache, advance } = givenCache();
    cache.remember('sub-1', 'disabled');
    advance(29_999);
    assert.equal(cache.get('sub-1'), 'disabled');
  });

  it('given an answer, when the window has passed, then Cognito is asked again', () => {
    const { cache, advance } = givenCache();
    cache.remember('sub-1', 'reset-required');
    advance(30_000);
    assert.equal(cache.get('sub-1'), undefined);
    assert.equal(cache.size, 0);
  });

  it('keeps reset-required and unknown-user too', () => {
    const { cache } = givenCache();
    cache.remember('a', 'reset-required');
    cache.remember('b', 'unknown-user');
    assert.equal(cache.get('a'), 'reset-required');
    assert.equal(cache.get('b'), 'unknown-user');
  });

  it('never keeps what depends on the password: valid, wrong password, not-confirmed, challenges, outages', () => {
    const { cache } = givenCache();
    for (const kind of [
      'valid',
      'valid-with-challenge',
      'wrong-password',
      'not-confirmed',
      'locked-out',
      'temporarily-unavailable',
    ])
      cache.remember(kind, kind);
    assert.equal(cache.size, 0);
  });

  it('is bounded: beyond capacity the oldest entry goes first', () => {
    const { cache } = givenCache(30_000, 2);
    cache.remember('a', 'disabled');
    cache.remember('b', 'disabled');
    cache.remember('c', 'disabled');
    assert.equal(cache.size, 2);
    assert.equal(cache.get('a'), undefined);
    assert.equal(cache.get('c'), 'disabled');
  });

  it('a new answer for a user replaces the old one and starts a new window', () => {
    const { cache, advance } = givenCache();
    cache.remember('a', 'disabled');
    advance(20_000);
    cache.remember('a', 'reset-required');
    advance(20_000);
    assert.equal(cache.get('a'), 'reset-required');
  });
});
