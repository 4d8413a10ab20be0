import type { DataSource } from 'typeorm';
import { doneStatuses, planLongTailResets, type ReconcilerPolicy, type ResetSkipReason } from '#domain';
import { quoteIdentifier } from '../schema-name.js';
import { ProjectionReader } from './projection-reader.js';

/** The skips of one reason (`ResetSkipped.reason`): attempts and the users they concern. */
export interface ResetSkips {
  readonly reason: ResetSkipReason;
  readonly attempts: number;
  readonly users: number;
}

/** Where the long tail stands: who the policy makes due now, what was sent, what came of it. */
export interface ResetPipeline {
  /** `planLongTailResets` at `at`, the reconciler's own plan: e-mails due, and due ones it will skip (disabled in Cognito). */
  readonly due: { readonly users: number; readonly disabledInCognito: number };
  /** `ResetSent` facts: attempts, the users they went to, and those of them not migrated yet. */
  readonly sent: { readonly attempts: number; readonly users: number; readonly awaiting: number };
  /** Users whose password was set through a reset e-mail. */
  readonly completed: number;
  /** `ResetSkipped` facts by reason. */
  readonly skipped: readonly ResetSkips[];
  /**
   * Bounces are not in the ledger: the reconciler learns only that Keycloak accepted the e-mail
   * (its execute-actions call), nothing the mail server says afterwards. So no number is given.
   */
  readonly bounces: { readonly recorded: false; readonly count: null };
  readonly at: string;
}

/**
 * The long-tail pipeline for the dashboard, from the user rows and the projected `ResetSkipped`
 * facts. Counts every target (a migration has one), as the completion counters do.
 */
export class ResetPipelineQueries {
  private readonly reader: ProjectionReader;

  constructor(
    private readonly db: DataSource,
    private readonly schema: string,
  ) {
    this.reader = new ProjectionReader(db, schema);
  }

  async pipeline(policy: ReconcilerPolicy, now: Date): Promise<ResetPipeline> {
    const s = quoteIdentifier(this.schema);
    const [candidates, sentRows, skipRows] = await Promise.all([
      this.reader.resetCandidates(policy, now),
      this.db.query(
        `select coalesce(sum(resets_sent), 0) as attempts,
                count(*) filter (where resets_sent > 0) as users,
                count(*) filter (where resets_sent > 0 and not status = any($1::text[])) as awaiting,
                count(*) filter (where password_migrated_via = 'reset' and status = any($1::text[])) as completed
           from ${s}.migration_user`,
        [doneStatuses],
      ) as Promise<Record<string, string>[]>,
      this.db.query(
        `select reason, count(*) as attempts, count(distinct sub) as users
           from ${s}.reset_skip group by reason order by reason`,
      ) as Promise<{ reason: ResetSkipReason; attempts: string; users: string }[]>,
    ]);
    const plan = planLongTailResets(candidates, policy, now);
    const sent = sentRows[0]!;
    return {
      due: { users: plan.due.length, disabledInCognito: plan.skipped.length },
      sent: { attempts: Number(sent.attempts), users: Number(sent.users), awaiting: Number(sent.awaiting) },
      completed: Number(sent.completed),
      skipped: skipRows.map((r) => ({ reason: r.reason, attempts: Number(r.attempts), users: Number(r.users) })),
      bounces: { recorded: false, count: null },
      at: now.toISOString(),
    };
  }
}
