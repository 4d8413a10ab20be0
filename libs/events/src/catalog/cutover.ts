import { z } from 'zod';
import { defineEvent } from '../event-definition.js';
import { cognitoSub, isoTime, target } from './shared-fields.js';

/** The phases of the cutover, in order; see docs/reconciler.md. */
export const cutoverPhase = z.enum(['parallel-run', 'target-writes', 'cognito-read-only', 'retire-ready', 'retired']);

/** One "done" criterion as evaluated when a decision was taken: the numbers the decision rests on. */
export const evaluatedCriterion = z.object({
  id: z.string().min(1),
  /** null: not measured (e.g. no source of bridge traffic); an unmeasured criterion is never met. */
  value: z.number().nullable(),
  threshold: z.number(),
  comparison: z.enum(['at-least', 'at-most']),
  unit: z.string().min(1),
  met: z.boolean(),
});

export const cutoverPhaseChanged = defineEvent({
  type: 'CutoverPhaseChanged',
  version: 1,
  stream: 'control',
  schema: z.object({
    target,
    /** 1 for the first change of this target's cutover, then 2, 3...: two deciders racing produce one fact. */
    sequence: z.number().int().min(1),
    from: cutoverPhase,
    to: cutoverPhase,
    /** `reconciler`: its criteria held; `operator`: a person decided (`ledger phase ...`). */
    by: z.enum(['reconciler', 'operator']),
    /** Who the operator was, as they gave it; null for the reconciler. */
    operator: z.string().min(1).nullable(),
    reason: z.string().min(1),
    /** The operator advanced although a criterion of the phase was not met. */
    override: z.boolean(),
    decidedAt: isoTime,
    /** The criteria the phase being left requires, as they stood. */
    criteria: z.array(evaluatedCriterion),
  }),
  subjectOf: (data) => `${data.target.kind}/${data.target.realm}`,
  factKeyOf: (data) => String(data.sequence),
});

export const resetSkipped = defineEvent({
  type: 'ResetSkipped',
  version: 1,
  stream: 'control',
  schema: z.object({
    sub: cognitoSub,
    target,
    /** The attempt that would have been sent. */
    attempt: z.number().int().min(1),
    reason: z.enum(['disabled-in-cognito', 'disabled-in-target', 'deleted-in-target', 'no-email']),
  }),
  subjectOf: (data) => data.sub,
  factKeyOf: (data) => `${data.target.kind}/${data.target.realm}/${data.attempt}`,
});

export type CutoverPhaseName = z.infer<typeof cutoverPhase>;
export type EvaluatedCriterion = z.infer<typeof evaluatedCriterion>;
export type CutoverPhaseChangedData = z.infer<typeof cutoverPhaseChanged.schema>;
export type ResetSkippedData = z.infer<typeof resetSkipped.schema>;
