import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import { encodeEvent, decodeRecord } from '#ledger';
import { bridgeTrafficFact, emptyTally, tallyOf, type ObservedInterval } from './bridge-traffic-fact.js';

const instance = '6d1f7c52-8f0e-4a8e-9c3b-2f1d0e9a7b61';
const tally = [
  { kind: 'valid' },
  { kind: 'valid' },
  { kind: 'wrong-password' },
  { kind: 'temporarily-unavailable', cause: 'throttled' },
  { kind: 'valid-with-challenge', challenge: 'SOFTWARE_TOKEN_MFA', codeSent: false },
] as const;
const observed: ObservedInterval = {
  realm: 'acme',
  instance,
  start: new Date('2026-03-10T11:00:00.000Z'),
  end: new Date('2026-03-10T12:00:00.000Z'),
  complete: true,
  tally: tally.reduce(tallyOf, emptyTally()),
};

describe('bridgeTrafficFact', () => {
  it('counts answers by kind and unavailable ones by cause, nothing else', () => {
    const { data } = bridgeTrafficFact(observed);
    assert.equal(data.outcomes.valid, 2);
    assert.equal(data.outcomes['wrong-password'], 1);
    assert.equal(data.outcomes['valid-with-challenge'], 1);
    assert.equal(data.unavailable.throttled, 1);
    assert.deepEqual(Object.keys(data).sort(), [
      'complete',
      'instance',
      'interval',
      'outcomes',
      'target',
      'unavailable',
    ]);
  });

  it('given the same interval built twice (a retried publish), then the same id and the same bytes', () => {
    const first = encodeEvent(bridgeTrafficFact(observed));
    const again = encodeEvent(bridgeTrafficFact({ ...observed, tally: tally.reduce(tallyOf, emptyTally()) }));
    assert.deepEqual(again, first);
    assert.equal(first.headers.ce_time, '2026-03-10T12:00:00.000Z', 'time is the interval end, not the clock');
  });

  it('given another instance (a restart) or another interval, then another id', () => {
    const id = bridgeTrafficFact(observed).id;
    const restarted = bridgeTrafficFact({ ...observed, instance: '0a0b0c0d-0000-4000-8000-000000000001' });
    const next = bridgeTrafficFact({
      ...observed,
      start: new Date('2026-03-10T12:00:00.000Z'),
      end: new Date('2026-03-10T13:00:00.000Z'),
    });
    assert.notEqual(restarted.id, id);
    assert.notEqual(next.id, id);
  });

  it('is read back as the same fact', () => {
    const event = bridgeTrafficFact({ ...observed, end: new Date('2026-03-10T11:17:03.120Z'), complete: false });
    const encoded = encodeEvent(event);
    const decoded = decodeRecord({
      topic: 'control',
      partition: 0,
      offset: '0',
      key: Buffer.from(encoded.key),
      value: Buffer.from(encoded.value),
      headers: encoded.headers,
    });
    assert.deepEqual({ id: decoded.id, data: decoded.data }, { id: event.id, data: event.data });
  });

  it('refuses an interval that does not end after it starts', () => {
    assert.throws(() => bridgeTrafficFact({ ...observed, end: observed.start }), /interval/);
  });
});
