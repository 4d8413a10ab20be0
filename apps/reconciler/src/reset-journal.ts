import type { Pool } from 'pg';

export type ResetAttemptState = 'intended' | 'sent' | 'recorded' | 'skipped';

export interface ResetAttemptRow {
  readonly sub: string;
  readonly target: string;
  readonly attempt: number;
  readonly reason: string;
  readonly targetUserId: string | null;
  readonly state: ResetAttemptState;
  /** Wall-clock time of the intent (not the reconciler's clock): compared with Keycloak's admin events. */
  readonly intendedAt: Date;
}

/**
 * The reconciler's send journal, one row per (user, target, attempt), written *before* the
 * e-mail is asked for: `intended` -> `sent` (Keycloak answered) -> `recorded` (`ResetSent` is in
 * the ledger), or `skipped`. The primary key makes the intent itself once-only, so two passes (or
 * two reconcilers) cannot both send one attempt. The table is created here rather than by a
 * migration framework because it is the app's only table and has a single version so far.
 */
export class ResetJournal {
  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
  ) {}

  private get table(): string {
    return `"${this.schema}".reset_attempt`;
  }

  async ensure(): Promise<void> {
    await this.pool.query(`create schema if not exists "${this.schema}"`);
    await this.pool.query(
      `create table if not exists ${this.table} (
         sub text not null,
         target text not null,
         attempt integer not null,
         reason text not null,
         target_user_id text,
         state text not null check (state in ('intended', 'sent', 'recorded', 'skipped')),
         intended_at timestamptz not null,
         updated_at timestamptz not null,
         primary key (sub, target, attempt))`,
    );
  }

  /** Claims the attempt; false when it was already claimed (by a previous pass or another reconciler). */
  async intend(
    row: Omit<ResetAttemptRow, 'state' | 'intendedAt'>,
    state: 'intended' | 'skipped' = 'intended',
  ): Promise<boolean> {
    const result = await this.pool.query(
      `insert into ${this.table} (sub, target, attempt, reason, target_user_id, state, intended_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, now(), now()) on conflict do nothing`,
      [row.sub, row.target, row.attempt, row.reason, row.targetUserId, state],
    );
    return result.rowCount === 1;
  }

  /** Claims an attempt skipped earlier (the account was disabled and is enabled again). */
  async reclaimSkipped(row: Pick<ResetAttemptRow, 'sub' | 'target' | 'attempt'>): Promise<boolean> {
    const result = await this.pool.query(
      `update ${this.table} set state = 'intended', intended_at = now(), updated_at = now()
        where sub = $1 and target = $2 and attempt = $3 and state = 'skipped'`,
      [row.sub, row.target, row.attempt],
    );
    return result.rowCount === 1;
  }

  async advance(row: Pick<ResetAttemptRow, 'sub' | 'target' | 'attempt'>, state: ResetAttemptState): Promise<void> {
    await this.pool.query(
      `update ${this.table} set state = $4, updated_at = now() where sub = $1 and target = $2 and attempt = $3`,
      [row.sub, row.target, row.attempt, state],
    );
  }

  /** Attempts a crash left between the intent and the ledger. */
  async unfinished(): Promise<ResetAttemptRow[]> {
    const { rows } = await this.pool.query<{
      sub: string;
      target: string;
      attempt: number;
      reason: string;
      target_user_id: string | null;
      state: ResetAttemptState;
      intended_at: Date;
    }>(`select * from ${this.table} where state in ('intended', 'sent') order by intended_at, sub`);
    return rows.map((r) => ({
      sub: r.sub,
      target: r.target,
      attempt: r.attempt,
      reason: r.reason,
      targetUserId: r.target_user_id,
      state: r.state,
      intendedAt: r.intended_at,
    }));
  }

  async counts(): Promise<Record<ResetAttemptState, number>> {
    const { rows } = await this.pool.query<{ state: ResetAttemptState; n: string }>(
      `select state, count(*) as n from ${this.table} group by state`,
    );
    const counts: Record<ResetAttemptState, number> = { intended: 0, sent: 0, recorded: 0, skipped: 0 };
    for (const r of rows) counts[r.state] = Number(r.n);
    return counts;
  }
}
