import type { DataSource } from 'typeorm';
import {
  doneStatuses,
  longTailCutoff,
  planLongTailResets,
  resetCandidateStatuses,
  type ReconcilerPolicy,
  type ResetSkipReason,
} from '#domain';
import { quoteIdentifier } from '../schema-name.js';
import { ProjectionReader } from './projection-reader.js';
import { pipelineMeasures, resetBasisMeasure, type ResetBasis } from './reset-pipeline-contributions.js';

const DAY_MS = 86_400_000;

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
 * The long-tail pipeline for the dashboard from the counters the projector keeps
 * (`addResetPipelineContribution`) and the projected `ResetSkipped` facts: a few dozen rows and
 * the one day each due rule's cutoff falls into, whatever the number of users. `recount` is the
 * same from every user row and the reconciler's own plan: the reference the counters are held
 * equal to. Counts every target (a migration has one), as the completion counters do.
 */
export class ResetPipelineQueries {
  private readonly reader: ProjectionReader;

  constructor(
    private readonly db: DataSource,
    private readonly schema: string,
  ) {
    this.reader = new ProjectionReader(db, schema);
  }

  private table(name: string): string {
    return `${quoteIdentifier(this.schema)}.${name}`;
  }

  async pipeline(policy: ReconcilerPolicy, now: Date): Promise<ResetPipeline> {
    const [due, counterRows, skipped] = await Promise.all([
      this.due(policy, now),
      this.db.query(
        `select measure, count from ${this.table('progress_counter')} where starts_with(measure, 'pipeline:')`,
      ) as Promise<{ measure: string; count: string }[]>,
      this.skipped(),
    ]);
    const counters = new Map(counterRows.map((r) => [r.measure, Number(r.count)]));
    const n = (measure: string) => counters.get(measure) ?? 0;
    return {
      due,
      sent: {
        attempts: n(pipelineMeasures.sentAttempts),
        users: n(pipelineMeasures.sentUsers),
        awaiting: n(pipelineMeasures.awaiting),
      },
      completed: n(pipelineMeasures.completed),
      skipped,
      bounces: { recorded: false, count: null },
      at: now.toISOString(),
    };
  }

  /**
   * `planLongTailResets`' counts at `now` without listing the candidates: per rule and number of
   * resets sent, the whole days before the rule's cutoff from `criteria_daily`, and the cutoff's
   * own day from the user rows over an index (`migration_user_imported_at`, `…_last_reset_at`).
   */
  async due(policy: ReconcilerPolicy, now: Date): Promise<ResetPipeline['due']> {
    const { reminderAfterDays, maxPerUser } = policy.resets;
    const rules: { basis: ResetBasis; sent: number; cutoff: Date }[] = [];
    for (let sent = 0; sent < maxPerUser; sent++) {
      // A user with resets but no time of the last one is due by the import rule, as in the plan.
      rules.push({ basis: 'import', sent, cutoff: longTailCutoff(policy, now) });
      if (sent === 0) continue;
      const wait = reminderAfterDays[Math.min(sent - 1, reminderAfterDays.length - 1)]!;
      rules.push({ basis: 'reset', sent, cutoff: new Date(now.getTime() - wait * DAY_MS) });
    }
    const measures = rules.flatMap((rule) =>
      resetCandidateStatuses.map((status) => ({
        ...rule,
        status,
        measure: resetBasisMeasure(rule.basis, rule.sent, status),
      })),
    );
    const rows: { status: string; users: string }[] = await this.db.query(
      `with rule as (
         select basis, sent, cutoff, status, measure, (cutoff at time zone 'UTC')::date as day,
                date_trunc('day', cutoff at time zone 'UTC') at time zone 'UTC' as start
           from unnest($1::text[], $2::int[], $3::timestamptz[], $4::text[], $5::text[])
                as r(basis, sent, cutoff, status, measure)
       )
       select r.status,
              sum((select coalesce(sum(d.count), 0) from ${this.table('criteria_daily')} d
                    where d.measure = r.measure and d.day < r.day)
                  + case when r.basis = 'import' then
                      (select count(*) from ${this.table('migration_user')} u
                        where u.imported_at >= r.start and u.imported_at <= r.cutoff
                          and u.status = r.status and u.resets_sent = r.sent
                          and (u.resets_sent = 0 or u.last_reset_at is null))
                    else
                      (select count(*) from ${this.table('migration_user')} u
                        where u.last_reset_at >= r.start and u.last_reset_at <= r.cutoff
                          and u.status = r.status and u.resets_sent = r.sent)
                    end) as users
         from rule r group by r.status`,
      [
        measures.map((m) => m.basis),
        measures.map((m) => m.sent),
        measures.map((m) => m.cutoff),
        measures.map((m) => m.status),
        measures.map((m) => m.measure),
      ],
    );
    const users = (status: string) => Number(rows.find((r) => r.status === status)?.users ?? 0);
    // The plan skips the candidates disabled in Cognito and e-mails the others.
    return { users: users('imported'), disabledInCognito: users('disabled') };
  }

  private async skipped(): Promise<ResetSkips[]> {
    const rows: { reason: ResetSkipReason; attempts: string; users: string }[] = await this.db.query(
      `select reason, count(*) as attempts, count(distinct sub) as users
         from ${this.table('reset_skip')} group by reason order by reason`,
    );
    return rows.map((r) => ({ reason: r.reason, attempts: Number(r.attempts), users: Number(r.users) }));
  }

  /** The same pipeline from every user row and the reconciler's plan over the candidates it lists. */
  async recount(policy: ReconcilerPolicy, now: Date): Promise<ResetPipeline> {
    const [candidates, sentRows, skipped] = await Promise.all([
      this.reader.resetCandidates(policy, now),
      this.db.query(
        `select coalesce(sum(resets_sent), 0) as attempts,
                count(*) filter (where resets_sent > 0) as users,
                count(*) filter (where resets_sent > 0 and not status = any($1::text[])) as awaiting,
                count(*) filter (where password_migrated_via = 'reset' and status = any($1::text[])) as completed
           from ${this.table('migration_user')}`,
        [doneStatuses],
      ) as Promise<Record<string, string>[]>,
      this.skipped(),
    ]);
    const plan = planLongTailResets(candidates, policy, now);
    const sent = sentRows[0]!;
    return {
      due: { users: plan.due.length, disabledInCognito: plan.skipped.length },
      sent: { attempts: Number(sent.attempts), users: Number(sent.users), awaiting: Number(sent.awaiting) },
      completed: Number(sent.completed),
      skipped,
      bounces: { recorded: false, count: null },
      at: now.toISOString(),
    };
  }
}
