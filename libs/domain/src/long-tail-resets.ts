import type { ResetSkippedData } from '#events';
import { isResetCandidate } from './done-definition.js';
import type { MigrationStatus, UserMigrationSummary } from './user-migration-summary.js';
import type { ReconcilerPolicy } from './reconciler-policy.js';

const DAY_MS = 86_400_000;

/** What the reconciler needs to know of one user (the projection's `migration_user` columns). */
export interface ResetCandidate {
  readonly sub: string;
  readonly status: MigrationStatus;
  /** When the user was first imported into the target; null: not in the target. */
  readonly importedAt: Date | null;
  readonly resetsSent: number;
  readonly lastResetAt: Date | null;
}

/** A user's summary as the reset rules read it (the projection's row holds the same). */
export function resetCandidateOf(sub: string, summary: UserMigrationSummary): ResetCandidate {
  return {
    sub,
    status: summary.status,
    importedAt: summary.importedAt === null ? null : new Date(summary.importedAt),
    resetsSent: summary.resetsSent,
    lastResetAt: summary.lastResetAt === null ? null : new Date(summary.lastResetAt),
  };
}

export interface DueReset {
  readonly sub: string;
  /** 1 for the first reset, then one more per reminder: part of the `ResetSent` fact key. */
  readonly attempt: number;
  readonly reason: string;
}

export type ResetSkipReason = ResetSkippedData['reason'];

export interface SkippedReset {
  readonly sub: string;
  readonly attempt: number;
  readonly reason: ResetSkipReason;
}

export interface ResetPlan {
  readonly due: readonly DueReset[];
  /** Users who would be due but must not get an e-mail; the reconciler records each once. */
  readonly skipped: readonly SkippedReset[];
}

/**
 * Who is due a forced reset at `now`: imported users who have not migrated `longTail.afterDays`
 * after their import get attempt 1; after reset n, attempt n+1 is due `reminderAfterDays[n-1]`
 * days later (the last interval repeats), up to `maxPerUser`. Users disabled in Cognito since
 * they were imported are skipped: nobody expects them to log in, and a reset would let them.
 */
export function planLongTailResets(users: Iterable<ResetCandidate>, policy: ReconcilerPolicy, now: Date): ResetPlan {
  const due: DueReset[] = [];
  const skipped: SkippedReset[] = [];
  for (const user of users) {
    const next = nextReset(user, policy, now);
    if (next === null) continue;
    if (user.status === 'disabled')
      skipped.push({ sub: user.sub, attempt: next.attempt, reason: 'disabled-in-cognito' });
    else due.push({ sub: user.sub, ...next });
  }
  return { due, skipped };
}

/** The reset a user is due now, whatever their Cognito state; null when none is. */
function nextReset(
  user: ResetCandidate,
  policy: ReconcilerPolicy,
  now: Date,
): { attempt: number; reason: string } | null {
  if (user.importedAt === null) return null;
  if (!isResetCandidate(user.status)) return null;
  const { afterDays } = policy.longTail;
  const { reminderAfterDays, maxPerUser } = policy.resets;
  if (user.resetsSent >= maxPerUser) return null;
  if (user.resetsSent === 0 || user.lastResetAt === null) {
    if (now.getTime() - user.importedAt.getTime() < afterDays * DAY_MS) return null;
    return { attempt: 1, reason: `no login ${afterDays} days after import` };
  }
  const wait = reminderAfterDays[Math.min(user.resetsSent - 1, reminderAfterDays.length - 1)]!;
  if (now.getTime() - user.lastResetAt.getTime() < wait * DAY_MS) return null;
  return {
    attempt: user.resetsSent + 1,
    reason: `reminder ${user.resetsSent} of ${maxPerUser - 1}: no login ${wait} days after reset ${user.resetsSent}`,
  };
}

/**
 * The latest import time at which a user never reset can be due a first reset at `now`: lets a
 * store pre-filter candidates. Reminders count from the last reset, not from the import.
 */
export function longTailCutoff(policy: ReconcilerPolicy, now: Date): Date {
  return new Date(now.getTime() - policy.longTail.afterDays * DAY_MS);
}
