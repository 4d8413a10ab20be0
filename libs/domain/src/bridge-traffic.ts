import type { BridgeTrafficObservedData } from '#events';
import type { BridgeTraffic } from './done-criteria.js';
import { measurementCutoffs } from './done-criteria.js';
import type { ReconcilerPolicy } from './reconciler-policy.js';

const DAY_MS = 86_400_000;

/** One interval of bridge traffic as the criteria count it: what a `BridgeTrafficObserved` says. */
export interface ObservedTraffic {
  /** The end of the interval the counts cover. */
  readonly end: Date;
  /** Cognito AdminInitiateAuth calls, whatever their answer. */
  readonly cognitoCalls: number;
  /** Those of them that ended "temporarily unavailable" (the bridge's errors). */
  readonly unavailable: number;
}

/**
 * The interval of the bridge's clock `at` falls in: `[start, start + intervalMs)`, `start` a
 * multiple of `intervalMs` since the epoch, so that every bridge cuts the same hours.
 */
export function trafficIntervalOf(at: Date, intervalMs: number): { start: Date; end: Date } {
  if (!Number.isInteger(intervalMs) || intervalMs <= 0) {
    throw new RangeError(`traffic interval must be a positive whole number of milliseconds, got ${intervalMs}`);
  }
  const start = Math.floor(at.getTime() / intervalMs) * intervalMs;
  return { start: new Date(start), end: new Date(start + intervalMs) };
}

/** What one `BridgeTrafficObserved` adds to the criteria. */
export function observedTrafficOf(data: BridgeTrafficObservedData): ObservedTraffic {
  const sum = (counts: Readonly<Record<string, number>>) => Object.values(counts).reduce((a, b) => a + b, 0);
  const unavailable = sum(data.unavailable);
  return { end: new Date(data.interval.end), cognitoCalls: sum(data.outcomes) + unavailable, unavailable };
}

/**
 * The bridge criteria (`cognito-auth-calls-per-day`, `bridge-error-rate`) from the ledger's
 * `BridgeTrafficObserved` facts: the intervals that ended within the last
 * max(observationWindowDays, 1) days up to `now`, calls per day and the share of calls that
 * ended "temporarily unavailable". A window without calls has an error rate of 0: no call failed,
 * and a bridge nobody needs is what the cutover waits for.
 *
 * A ledger without any traffic fact (no bridge ran, or only bridges older than these facts) has
 * one measure left: each JIT `PasswordMigrated` within the window is one successful call, a lower
 * bound of the calls; the error rate is then unmeasured (null), never met.
 *
 * `ProjectionReader.bridgeTraffic` (libs/projections) computes the same in SQL;
 * test/done-definition.int.spec.ts holds the two equal.
 */
export function measureBridgeTraffic(
  observed: Iterable<ObservedTraffic>,
  jitMigratedInWindow: number,
  policy: ReconcilerPolicy,
  now: Date,
): BridgeTraffic {
  const { after, days } = bridgeTrafficWindow(policy, now);
  let any = false;
  let calls = 0;
  let unavailable = 0;
  for (const interval of observed) {
    any = true;
    if (interval.end > after && interval.end <= now) {
      calls += interval.cognitoCalls;
      unavailable += interval.unavailable;
    }
  }
  if (!any) return { cognitoAuthCallsPerDay: jitMigratedInWindow / days, errorRate: null };
  return { cognitoAuthCallsPerDay: calls / days, errorRate: calls === 0 ? 0 : unavailable / calls };
}

/**
 * The traffic window: intervals that ended after `after` and up to `now` count; `days` divides the
 * calls. `jitSince`: where the JIT lower bound starts counting (the observation window's start).
 */
export function bridgeTrafficWindow(
  policy: ReconcilerPolicy,
  now: Date,
): { after: Date; days: number; jitSince: Date } {
  const days = Math.max(policy.observationWindowDays, 1);
  return {
    after: new Date(now.getTime() - days * DAY_MS),
    days,
    jitSince: measurementCutoffs(policy, now).windowStart,
  };
}
