import { z } from 'zod';
import { defineEvent } from '../event-definition.js';
import { isoTime, target } from './shared-fields.js';

const count = z.number().int().min(0);

/**
 * Cognito's verdicts on the passwords the bridge checked (AdminInitiateAuth), one count per kind
 * of answer (libs/domain `LoginOutcome`), "temporarily unavailable" apart, by cause. Counts only:
 * no user, no username, no address.
 */
export const cognitoOutcomeCounts = z.object({
  valid: count,
  'valid-with-challenge': count,
  'wrong-password': count,
  'locked-out': count,
  'reset-required': count,
  'not-confirmed': count,
  disabled: count,
  'unknown-user': count,
});

/** The calls that ended "temporarily unavailable", by cause (libs/domain `UnavailableCause`). */
export const unavailableCauseCounts = z.object({
  throttled: count,
  'service-error': count,
  unreachable: count,
  misconfigured: count,
  'pool-trigger': count,
  'unexpected-challenge': count,
  'unexpected-error': count,
});

/**
 * What one bridge process observed of Cognito over one interval of its clock: the bridge error
 * rate and the Cognito calls per day are computed from these facts (docs/bridge.md, "Traffic
 * facts"). One bridge process (`instance`, a random id drawn at its start) records each interval
 * at most once: when the interval has ended, or, for the interval it is in, when it shuts down
 * (`complete: false`, `interval.end` then the shutdown time). A restarted bridge is another
 * instance, so the same id never carries two different counts.
 */
export const bridgeTrafficObserved = defineEvent({
  type: 'BridgeTrafficObserved',
  version: 1,
  stream: 'control',
  schema: z
    .object({
      target,
      /** The bridge process: drawn at its start, never reused (a restart is a new instance). */
      instance: z.uuid(),
      /** Half-open `[start, end)`; `start` is a multiple of the configured interval since the epoch. */
      interval: z.object({ start: isoTime, end: isoTime }),
      /** false: the bridge shut down within the interval; the counts stop at `interval.end`. */
      complete: z.boolean(),
      outcomes: cognitoOutcomeCounts,
      unavailable: unavailableCauseCounts,
    })
    .refine((d) => Date.parse(d.interval.start) < Date.parse(d.interval.end), {
      message: 'interval.start must be before interval.end',
      path: ['interval'],
    }),
  subjectOf: (data) => `${data.target.kind}/${data.target.realm}`,
  factKeyOf: (data) => `${data.instance}/${data.interval.start}`,
});

export type CognitoOutcomeCounts = z.infer<typeof cognitoOutcomeCounts>;
export type UnavailableCauseCounts = z.infer<typeof unavailableCauseCounts>;
export type BridgeTrafficObservedData = z.infer<typeof bridgeTrafficObserved.schema>;
