import type { DataSource } from 'typeorm';
import { affectedRows } from '../affected-rows.js';
import { selectColumns } from '../entity-columns.js';
import { migrateSchema } from '../schema-migrations.js';
import { quoteIdentifier } from '../schema-name.js';
import { ResetAttempt, type ResetAttemptState } from './reset-attempt.entity.js';

export type { ResetAttemptState };

/** One attempt as the reconciler handles it (ResetAttempt without its bookkeeping time). */
export type ResetAttemptRow = Omit<ResetAttempt, 'updatedAt'>;

const attemptColumns = [
  'sub',
  'target',
  'attempt',
  'reason',
  'targetUserId',
  'state',
  'intendedAt',
] as const satisfies readonly (keyof ResetAttempt)[];

/**
 * The reconciler's send journal (table `reset_attempt`, see ResetAttempt): an attempt is claimed
 * before its e-mail is asked for, so one attempt is sent at most once across crashes, passes and
 * reconcilers.
 */
export class ResetJournal {
  constructor(
    private readonly db: DataSource,
    private readonly schema: string,
  ) {}

  private get table(): string {
    return `${quoteIdentifier(this.schema)}.reset_attempt`;
  }

  /** Creates or brings up to date the journal's schema (the reconciler's first pass, never a status read). */
  async ensure(): Promise<void> {
    await migrateSchema(this.db, 'reset-journal', this.schema);
  }

  /** Claims the attempt; false when it was already claimed (by a previous pass or another reconciler). */
  async intend(
    row: Omit<ResetAttemptRow, 'state' | 'intendedAt'>,
    state: 'intended' | 'skipped' = 'intended',
  ): Promise<boolean> {
    const inserted = await affectedRows(
      this.db,
      `insert into ${this.table} (sub, target, attempt, reason, target_user_id, state, intended_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, now(), now()) on conflict do nothing`,
      [row.sub, row.target, row.attempt, row.reason, row.targetUserId, state],
    );
    return inserted === 1;
  }

  /** Claims an attempt skipped earlier (the account was disabled and is enabled again). */
  async reclaimSkipped(row: Pick<ResetAttemptRow, 'sub' | 'target' | 'attempt'>): Promise<boolean> {
    const updated = await affectedRows(
      this.db,
      `update ${this.table} set state = 'intended', intended_at = now(), updated_at = now()
        where sub = $1 and target = $2 and attempt = $3 and state = 'skipped'`,
      [row.sub, row.target, row.attempt],
    );
    return updated === 1;
  }

  async advance(row: Pick<ResetAttemptRow, 'sub' | 'target' | 'attempt'>, state: ResetAttemptState): Promise<void> {
    await this.db.query(
      `update ${this.table} set state = $4, updated_at = now() where sub = $1 and target = $2 and attempt = $3`,
      [row.sub, row.target, row.attempt, state],
    );
  }

  /** Attempts a crash left between the intent and the ledger. */
  async unfinished(): Promise<ResetAttemptRow[]> {
    return this.db.query(
      `select ${selectColumns(ResetAttempt, attemptColumns)} from ${this.table}
        where state in ('intended', 'sent') order by intended_at, sub`,
    );
  }

  async counts(): Promise<Record<ResetAttemptState, number>> {
    const rows: { state: ResetAttemptState; n: string }[] = await this.db.query(
      `select state, count(*) as n from ${this.table} group by state`,
    );
    const counts: Record<ResetAttemptState, number> = { intended: 0, sent: 0, recorded: 0, skipped: 0 };
    for (const r of rows) counts[r.state] = Number(r.n);
    return counts;
  }
}
