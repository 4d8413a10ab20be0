import {
  createEvent,
  JIT_BRIDGE_SOURCE,
  type CognitoOutcomeCounts,
  type LedgerEventOf,
  type UnavailableCauseCounts,
} from '#events';
import type { LoginOutcome } from '#domain';

/** What one bridge process counted of Cognito's answers within one interval. */
export interface TrafficTally {
  readonly outcomes: CognitoOutcomeCounts;
  readonly unavailable: UnavailableCauseCounts;
}

export function emptyTally(): TrafficTally {
  return {
    outcomes: {
      valid: 0,
      'valid-with-challenge': 0,
      'wrong-password': 0,
      'locked-out': 0,
      'reset-required': 0,
      'not-confirmed': 0,
      disabled: 0,
      'unknown-user': 0,
    },
    unavailable: {
      throttled: 0,
      'service-error': 0,
      unreachable: 0,
      misconfigured: 0,
      'pool-trigger': 0,
      'unexpected-challenge': 0,
      'unexpected-error': 0,
    },
  };
}

/** The tally with one more answer counted; only the answer's kind (and cause) is kept. */
export function tallyOf(tally: TrafficTally, outcome: LoginOutcome): TrafficTally {
  if (outcome.kind === 'temporarily-unavailable') {
    return { ...tally, unavailable: { ...tally.unavailable, [outcome.cause]: tally.unavailable[outcome.cause] + 1 } };
  }
  return { ...tally, outcomes: { ...tally.outcomes, [outcome.kind]: tally.outcomes[outcome.kind] + 1 } };
}

export interface ObservedInterval {
  readonly realm: string;
  /** The bridge process (drawn at its start). */
  readonly instance: string;
  readonly start: Date;
  /** The interval's end, or the shutdown time for the interval the bridge stopped in. */
  readonly end: Date;
  readonly complete: boolean;
  readonly tally: TrafficTally;
}

/**
 * The `BridgeTrafficObserved` fact of one interval. Everything in it, the envelope's `time`
 * included (the interval's end), follows from its arguments, so building it again (a retried
 * publish) gives the same id and the same bytes.
 */
export function bridgeTrafficFact(observed: ObservedInterval): LedgerEventOf<'BridgeTrafficObserved'> {
  return createEvent(
    'BridgeTrafficObserved',
    {
      target: { kind: 'keycloak', realm: observed.realm },
      instance: observed.instance,
      interval: { start: observed.start.toISOString(), end: observed.end.toISOString() },
      complete: observed.complete,
      outcomes: observed.tally.outcomes,
      unavailable: observed.tally.unavailable,
    },
    { source: JIT_BRIDGE_SOURCE, correlationId: observed.instance, time: observed.end },
  );
}
