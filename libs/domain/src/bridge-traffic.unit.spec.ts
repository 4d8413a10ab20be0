import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import { measureBridgeTraffic, observedTrafficOf, trafficIntervalOf, type ObservedTraffic } from './bridge-traffic.js';
import { parseReconcilerPolicy } from './reconciler-policy.js';

const HOUR = 3_600_000;
const policy = parseReconcilerPolicy({ observationWindowDays: 2 }, 'test');
const now = new Date('2026-03-10T12:30:00Z');
const endedAgo = (hours: number, cognitoCalls: number, unavailable: number): ObservedTraffic => ({
  end: new Date(now.getTime() - hours * HOUR),
  cognitoCalls,
  unavailable,
});

describe('trafficIntervalOf', () => {
  it('cuts the clock into intervals aligned on the epoch, start included, end excluded', () => {
    const at = (iso: string, ms = HOUR) => {
      const { start, end } = trafficIntervalOf(new Date(iso), ms);
      return [start.toISOString(), end.toISOString()];
    };
    assert.deepEqual(at('2026-03-10T12:00:00.000Z'), ['2026-03-10T12:00:00.000Z', '2026-03-10T13:00:00.000Z']);
    assert.deepEqual(at('2026-03-10T12:59:59.999Z'), ['2026-03-10T12:00:00.000Z', '2026-03-10T13:00:00.000Z']);
    assert.deepEqual(at('2026-03-10T13:00:00.000Z'), ['2026-03-10T13:00:00.000Z', '2026-03-10T14:00:00.000Z']);
    // Two bridges with the same setting cut the same intervals, whenever each started.
    assert.deepEqual(at('2026-03-10T12:00:07.250Z', 5000), ['2026-03-10T12:00:05.000Z', '2026-03-10T12:00:10.000Z']);
    assert.deepEqual(at('1970-01-01T00:00:00.000Z', 86_400_000), [
      '1970-01-01T00:00:00.000Z',
      '1970-01-02T00:00:00.000Z',
    ]);
  });

  it('refuses an interval that is not a positive whole number of milliseconds, naming it', () => {
    for (const bad of [0, -1000, 1.5, Number.NaN]) {
      assert.throws(() => trafficIntervalOf(now, bad), new RegExp(`got ${bad}`));
    }
  });
});

describe('observedTrafficOf', () => {
  it('counts every answer as a call and the temporarily unavailable ones, by any cause, as errors', () => {
    const zero = { valid: 0, 'valid-with-challenge': 0, 'wrong-password': 0, 'locked-out': 0 };
    const rest = { 'reset-required': 0, 'not-confirmed': 0, disabled: 0, 'unknown-user': 0 };
    const causes = { 'service-error': 0, unreachable: 0, misconfigured: 0, 'pool-trigger': 0 };
    assert.deepEqual(
      observedTrafficOf({
        target: { kind: 'keycloak', realm: 'r' },
        instance: '00000000-0000-4000-8000-000000000000',
        interval: { start: '2026-03-10T11:00:00.000Z', end: '2026-03-10T12:00:00.000Z' },
        complete: true,
        outcomes: { ...zero, ...rest, valid: 5, 'wrong-password': 3, disabled: 1 },
        unavailable: { ...causes, throttled: 2, 'unexpected-challenge': 0, 'unexpected-error': 1 },
      }),
      { end: new Date('2026-03-10T12:00:00.000Z'), cognitoCalls: 12, unavailable: 3 },
    );
  });
});

describe('measureBridgeTraffic', () => {
  it('given no traffic fact at all, then the JIT migrations are the calls and the error rate is unmeasured', () => {
    assert.deepEqual(measureBridgeTraffic([], 6, policy, now), { cognitoAuthCallsPerDay: 3, errorRate: null });
  });

  it('given intervals in and out of the window, then only those that ended within it count', () => {
    const observed = [
      endedAgo(49, 1000, 1000), // before the window (2 days)
      endedAgo(48, 500, 500), // on its start: excluded
      endedAgo(47, 30, 3),
      endedAgo(1, 10, 0),
      endedAgo(0, 40, 1), // ends now: included
      endedAgo(-1, 700, 700), // after now: not yet
    ];
    assert.deepEqual(measureBridgeTraffic(observed, 99, policy, now), {
      cognitoAuthCallsPerDay: 40,
      errorRate: 4 / 80,
    });
  });

  it('given traffic facts, none within the window, then a quiet bridge: no calls, no errors', () => {
    assert.deepEqual(measureBridgeTraffic([endedAgo(100, 5, 5)], 7, policy, now), {
      cognitoAuthCallsPerDay: 0,
      errorRate: 0,
    });
  });

  it('given an observation window of 0 days, then calls are per one day', () => {
    const zeroWindow = parseReconcilerPolicy({ observationWindowDays: 0 }, 'test');
    assert.deepEqual(measureBridgeTraffic([endedAgo(1, 8, 2), endedAgo(25, 8, 8)], 0, zeroWindow, now), {
      cognitoAuthCallsPerDay: 8,
      errorRate: 0.25,
    });
  });
});
