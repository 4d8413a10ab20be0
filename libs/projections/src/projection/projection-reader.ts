import type { DataSource } from 'typeorm';
import {
  doneStatuses,
  longTailCutoff,
  resetCandidateStatuses,
  measurementCutoffs,
  bridgeTrafficWindow,
  type BridgeTraffic,
  type MigrationMeasurements,
  type CriteriaUserRow,
  type ReconcilerPolicy,
  type ResetCandidate,
  type RollbackUserRow,
} from '#domain';
import { selectColumns } from '../entity-columns.js';
import { ResetAttempt } from '../reset-journal/reset-attempt.entity.js';
import { quoteIdentifier } from '../schema-name.js';
import { MigrationUser } from './entities/index.js';

/** A reset candidate with where they live in the target. */
export interface TargetedCandidate extends ResetCandidate {
  readonly target: string | null;
  readonly targetUserId: string | null;
  readonly email: string | null;
}

const candidateColumns = [
  'sub',
  'status',
  'importedAt',
  'resetsSent',
  'lastResetAt',
  'target',
  'targetUserId',
  'email',
] as const satisfies readonly (keyof MigrationUser)[];

const criteriaColumns = [
  'status',
  'active',
  'mfaRequired',
  'mfaReenrolledAt',
  'expectedProviders',
  'reboundProviders',
  'migratedAt',
  'importedAt',
  'lastResetAt',
  'openDisagreements',
] as const satisfies readonly (keyof MigrationUser & keyof CriteriaUserRow)[];

const rollbackColumns = [
  'sub',
  'username',
  'status',
  'active',
  'mfaRequired',
  'mfaReenrolledAt',
] as const satisfies readonly (keyof MigrationUser)[];

/**
 * What the reconciler and `ledger status` read, never write: the projector's `migration_user`,
 * the bridge's projected traffic facts and the reconciler's own journal. The measurements are the done
 * criteria's counts (libs/domain, `measureUsers`) computed where the rows are.
 */
export class ProjectionReader {
  constructor(
    private readonly db: DataSource,
    private readonly schema: string,
  ) {}

  private get table(): string {
    return `${quoteIdentifier(this.schema)}.migration_user`;
  }

  /**
   * Whether the projection holds the fact `eventId` about `sub` (its per-user history,
   * `user_event`): the fact is in the ledger. False may only mean it is not projected yet.
   */
  async holdsFact(sub: string, eventId: string): Promise<boolean> {
    const rows: { held: boolean }[] = await this.db.query(
      `select exists (select 1 from ${quoteIdentifier(this.schema)}.user_event where sub = $1 and event_id = $2) as held`,
      [sub, eventId],
    );
    return rows[0]?.held === true;
  }

  /**
   * Imported, not migrated users who may be due now; `planLongTailResets` decides. A first reset
   * waits for the import to be old enough; a reminder counts from the last reset only, so a user
   * already reset stays a candidate whatever the import time (a policy whose `afterDays` grew
   * since must not hold their reminders back).
   */
  async resetCandidates(policy: ReconcilerPolicy, now: Date): Promise<TargetedCandidate[]> {
    const rows: Pick<MigrationUser, (typeof candidateColumns)[number]>[] = await this.db.query(
      `select ${selectColumns(MigrationUser, candidateColumns)}
         from ${this.table}
        where status = any($3::text[]) and (imported_at <= $1 or resets_sent > 0) and resets_sent < $2
        order by imported_at, sub`,
      [longTailCutoff(policy, now), policy.resets.maxPerUser, resetCandidateStatuses],
    );
    return rows;
  }

  /**
   * The counts of `measureUsers` (libs/domain, done-criteria.ts) in one aggregate query: the same
   * definitions, computed where the rows are, with the domain's `doneStatuses` as a parameter.
   * Change one, change the other: test/done-definition.int.spec.ts and
   * projection-reader.int.spec.ts hold the two equal over generated ledgers.
   */
  async measurements(policy: ReconcilerPolicy, now: Date): Promise<MigrationMeasurements> {
    const { resetBefore, windowStart } = measurementCutoffs(policy, now);
    const rows: Record<string, string | Date | null>[] = await this.db.query(
      `select
         count(*) filter (where active) as active,
         count(*) filter (where active and status = any($3::text[])) as active_migrated,
         count(*) filter (where active and mfa_required) as mfa_required,
         count(*) filter (where active and mfa_required and mfa_reenrolled_at is not null) as mfa_reenrolled,
         count(*) filter (where active and cardinality(expected_providers) > 0) as federated,
         count(*) filter (where active and cardinality(expected_providers) > 0
                            and expected_providers <@ rebound_providers) as federated_rebound,
         count(*) filter (where active and not status = any($3::text[])) as remaining,
         count(*) filter (where active and not status = any($3::text[]) and last_reset_at <= $1) as remaining_reset_long_ago,
         count(*) filter (where active and status = any($3::text[]) and migrated_at >= $2) as migrated_in_window,
         min(imported_at) as first_imported_at,
         coalesce(sum(open_disagreements), 0) as open_disagreements
       from ${this.table}`,
      [resetBefore, windowStart, doneStatuses],
    );
    const r = rows[0]!;
    const n = (key: string) => Number(r[key] ?? 0);
    return {
      active: n('active'),
      activeMigrated: n('active_migrated'),
      mfaRequired: n('mfa_required'),
      mfaReenrolled: n('mfa_reenrolled'),
      federated: n('federated'),
      federatedRebound: n('federated_rebound'),
      remaining: n('remaining'),
      remainingResetLongAgo: n('remaining_reset_long_ago'),
      migratedInWindow: n('migrated_in_window'),
      firstImportedAt: (r.first_imported_at as Date | null) ?? null,
      openDisagreements: n('open_disagreements'),
    };
  }

  /**
   * Every user's row as `measureUsers` (libs/domain) counts it: the same numbers as
   * `measurements`, computed in memory (the benchmark's naive method, and the tests' reference).
   */
  async criteriaRows(): Promise<CriteriaUserRow[]> {
    const rows: Pick<MigrationUser, (typeof criteriaColumns)[number]>[] = await this.db.query(
      `select ${selectColumns(MigrationUser, criteriaColumns)} from ${this.table}`,
    );
    return rows;
  }

  /**
   * The bridge criteria's inputs from the projected `BridgeTrafficObserved` facts
   * (`bridge_traffic`): `measureBridgeTraffic` (libs/domain) in one query, with the same window
   * (`bridgeTrafficWindow`). Without any traffic fact, the JIT `PasswordMigrated` of the window as
   * the lower bound of the calls and an unmeasured error rate, as the domain says.
   * test/done-definition.int.spec.ts holds the two equal over generated ledgers. `jitMigrations`
   * counts the JIT password migrations of a span: by default over the user rows, or from the
   * projector's counters (`CriteriaCounters.jitPasswordMigrations`).
   */
  async bridgeTraffic(
    policy: ReconcilerPolicy,
    now: Date,
    jitMigrations: (since: Date, until: Date) => Promise<number> = (since, until) => this.jitMigrations(since, until),
  ): Promise<BridgeTraffic> {
    const { after, days, jitSince } = bridgeTrafficWindow(policy, now);
    const traffic = `${quoteIdentifier(this.schema)}.bridge_traffic`;
    // A schema the projector has not migrated since these facts exist has no table: no facts yet.
    const found: { traffic: string | null }[] = await this.db.query(`select to_regclass($1) as traffic`, [traffic]);
    if (found[0]!.traffic !== null) {
      const rows: { observed: boolean; calls: string; unavailable: string }[] = await this.db.query(
        `select exists (select 1 from ${traffic}) as observed,
                coalesce(sum(cognito_calls), 0) as calls, coalesce(sum(unavailable), 0) as unavailable
           from ${traffic} where interval_end > $1 and interval_end <= $2`,
        [after, now],
      );
      const r = rows[0]!;
      const calls = Number(r.calls);
      if (r.observed) {
        return { cognitoAuthCallsPerDay: calls / days, errorRate: calls === 0 ? 0 : Number(r.unavailable) / calls };
      }
    }
    return { cognitoAuthCallsPerDay: (await jitMigrations(jitSince, now)) / days, errorRate: null };
  }

  /** Users whose password moved by JIT within [since, until], counted over their rows. */
  async jitMigrations(since: Date, until: Date): Promise<number> {
    const rows: { jit: string }[] = await this.db.query(
      `select count(*) as jit from ${this.table}
        where password_migrated_via = 'jit' and password_migrated_at >= $1 and password_migrated_at <= $2`,
      [since, until],
    );
    return Number(rows[0]!.jit);
  }

  /**
   * Users something happened to in the target (a password set, MFA enrolled, a provider bound, a
   * row without export) or whose target account the reconciler found disabled or deleted (its
   * journal's skipped attempts: the projection does not follow the target's account state).
   * `rollbackAttentionOf` (libs/domain) decides which of them need attention.
   */
  async rollbackCandidates(journalSchema: string): Promise<RollbackUserRow[]> {
    const journal = `${quoteIdentifier(journalSchema)}.reset_attempt`;
    const found: { journal: string | null }[] = await this.db.query(`select to_regclass($1) as journal`, [journal]);
    // Before the first reconciler pass there is no journal: no target account was looked at.
    const targetAccounts =
      found[0]!.journal === null
        ? `select null::text as sub, null::text as reason where false`
        : `select distinct on (sub) ${selectColumns(ResetAttempt, ['sub', 'reason'])} from ${journal}
            where state = 'skipped' and reason in ('disabled-in-target', 'deleted-in-target')
            order by sub, attempt desc`;
    const rows: (Pick<MigrationUser, (typeof rollbackColumns)[number]> & {
      passwordVias: ('jit' | 'reset')[];
      relinked: string[];
      targetAccount: ResetAttempt['reason'] | null;
    })[] = await this.db.query(
      `with target_account as (${targetAccounts})
       select ${selectColumns(MigrationUser, rollbackColumns, 'm')},
              array(select distinct p.value ->> 'via' from jsonb_each(m.state -> 'passwordMigrations') p) as "passwordVias",
              array(select distinct b.value ->> 'provider' from jsonb_each(m.state -> 'federationBindings') b
                     where b.value ->> 'via' = 'first-login') as relinked,
              t.reason as "targetAccount"
         from ${this.table} m left join target_account t on t.sub = m.sub
        where m.status = 'unexported' or m.mfa_reenrolled_at is not null or t.sub is not null
           or (m.password_migrated_via is not null
               and jsonb_path_exists(m.state, '$.passwordMigrations.*.via ? (@ == "reset")'))
           or (cardinality(m.rebound_providers) > 0
               and jsonb_path_exists(m.state, '$.federationBindings.*.via ? (@ == "first-login")'))
        order by m.sub`,
    );
    return rows.map((r) => ({
      sub: r.sub,
      username: r.username,
      inCognito: r.status !== 'unexported',
      enabledInCognito: r.active,
      mfaInCognito: r.mfaRequired,
      passwordVia: r.passwordVias,
      mfaEnrolledInTarget: r.mfaReenrolledAt !== null,
      relinkedProviders: r.relinked.sort(),
      targetAccount:
        r.targetAccount === 'disabled-in-target'
          ? 'disabled'
          : r.targetAccount === 'deleted-in-target'
            ? 'deleted'
            : null,
    }));
  }
}
