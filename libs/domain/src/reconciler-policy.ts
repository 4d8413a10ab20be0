import { z } from 'zod';
import { PolicyError } from './policy-error.js';

const share = z.number().min(0).max(1);
const days = z.number().min(0);

/**
 * The written policy the reconciler turns into resets and cutover decisions. Every field has a
 * default taken from common practice in pool migrations (see docs/reconciler.md for the reasons);
 * a policy file only states what it changes.
 */
export const reconcilerPolicySchema = z
  .object({
    longTail: z
      .object({
        /** Days after import without a login before a user counts as long tail and gets a forced reset. */
        afterDays: z.number().int().min(30).max(90).default(45),
      })
      .strict()
      .prefault({}),
    resets: z
      .object({
        /** Days to wait after reset n before reminder n+1; the last interval repeats. */
        reminderAfterDays: z.array(z.number().int().min(1)).min(1).default([14, 30]),
        /** Reset e-mails per user at most, the first one included. */
        maxPerUser: z.number().int().min(1).max(10).default(3),
        /** How long the e-mailed link works (Keycloak's execute-actions `lifespan`). */
        linkLifetimeHours: z.number().int().min(1).max(720).default(72),
        /** E-mails per hour at most: keeps the sending domain's reputation and the help desk's load in bounds. */
        sendRatePerHour: z.number().int().min(1).max(100_000).default(500),
      })
      .strict()
      .prefault({}),
    /** Days a phase must have run, its criteria holding, before the next one. */
    observationWindowDays: days.default(14),
    /** The last phase the reconciler may reach on its own; later ones need an operator. */
    automaticUpTo: z
      .enum(['parallel-run', 'target-writes', 'cognito-read-only', 'retire-ready'])
      .default('retire-ready'),
    done: z
      .object({
        /** Share of active (enabled in Cognito) users migrated. */
        activeMigratedShare: share.default(0.95),
        /** Share of users who had MFA in Cognito and re-enrolled in the target. */
        mfaReenrolledShare: share.default(0.9),
        /** Share of federated users whose every provider is re-bound in the target. */
        federationReboundShare: share.default(0.95),
        /** Cognito authentications through the JIT bridge per day, averaged over the observation window, at most. */
        cognitoAuthCallsPerDay: z.number().min(0).default(5),
        /** Share of bridge calls that failed for a reason other than a wrong password, at most. */
        bridgeErrorRate: share.default(0.01),
        /** Every active user not migrated yet got a reset at least this many days ago. */
        remainingResetDaysAgo: days.default(14),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type ReconcilerPolicy = z.infer<typeof reconcilerPolicySchema>;

/** Validates a parsed policy document; errors name the file and the field path, e.g. `resets.maxPerUser`. */
export function parseReconcilerPolicy(document: unknown, file: string): ReconcilerPolicy {
  const result = reconcilerPolicySchema.safeParse(document ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = issue.path.reduce<string>(
    (acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)),
    '',
  );
  throw new PolicyError(file, path || '(document)', issue.message);
}

/** The policy when no file is given. */
export const defaultReconcilerPolicy: ReconcilerPolicy = reconcilerPolicySchema.parse({});
