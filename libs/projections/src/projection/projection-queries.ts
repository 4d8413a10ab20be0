import type { DataSource } from 'typeorm';
import { doneStatuses, migrationStatuses, type MigrationStatus } from '#domain';
import { selectColumns } from '../entity-columns.js';
import { MigrationUser, UserEvent } from './entities/index.js';
import { userListCursor } from './user-list-cursor.js';
import { userListWhere, type UserListFilter } from './user-list-filter.js';

/** The columns of the `user_list` view (every column of `migration_user` but its folded state), keyed like the entity. */
export const userListColumns = [
  'sub',
  'poolId',
  'username',
  'email',
  'phoneNumber',
  'enabled',
  'sourceStatus',
  'status',
  'active',
  'mfaRequired',
  'mfaReenrolledAt',
  'mfaMethods',
  'expectedProviders',
  'reboundProviders',
  'target',
  'targetUserId',
  'loginName',
  'needsPasswordMigration',
  'treatment',
  'lastImportFailure',
  'exportedAt',
  'importedAt',
  'importFailedAt',
  'passwordMigratedVia',
  'passwordMigratedAt',
  'migratedAt',
  'resetsSent',
  'lastResetAt',
  'sourceUpdatedAt',
] as const satisfies readonly (keyof MigrationUser)[];

export interface CompletionMetrics {
  readonly users: number;
  readonly byStatus: Readonly<Record<MigrationStatus, number>>;
  readonly migrated: number;
  readonly pctMigrated: number;
  readonly active: number;
  readonly activeMigrated: number;
  readonly pctActiveMigrated: number;
  readonly mfa: { readonly required: number; readonly reenrolled: number; readonly pctReenrolled: number };
  readonly federation: readonly {
    readonly provider: string;
    readonly expected: number;
    readonly rebound: number;
    readonly pctRebound: number;
  }[];
  readonly passwordVia: { readonly jit: number; readonly reset: number };
  readonly resets: { readonly sent: number; readonly users: number };
  /** Open disagreements between the ledger and the target (TargetDisagreementFound not resolved), and the users they concern. */
  readonly disagreements: { readonly open: number; readonly users: number };
}

export interface BurnDownDay {
  readonly day: string;
  readonly exported: number;
  readonly imported: number;
  readonly migrated: number;
  readonly mfaReenrolled: number;
  readonly resetsSent: number;
  readonly exportedTotal: number;
  readonly importedTotal: number;
  readonly migratedTotal: number;
  /** Exported so far and not migrated yet. */
  readonly remaining: number;
}

/** A row of a user list, keyed in camelCase like every name the API answers. */
export type UserListRow = Pick<MigrationUser, (typeof userListColumns)[number]>;

export interface UserListPage {
  readonly items: UserListRow[];
  /** Pass as `after` for the next page (opaque, see `userListCursor`); null on the last page. */
  readonly nextCursor: string | null;
}

/** The read side of the projections: what the query API and the CLI report. */
export class ProjectionQueries {
  constructor(
    private readonly dataSource: DataSource,
    private readonly schema: string,
  ) {}

  private table(name: string): string {
    return `"${this.schema}".${name}`;
  }

  /** From the maintained counters: a few dozen rows, whatever the number of users. */
  async completion(): Promise<CompletionMetrics> {
    const rows: { measure: string; dimension: string; count: string }[] = await this.dataSource.query(
      `select measure, dimension, count from ${this.table('progress_counter')}`,
    );
    const count = (measure: string, dimension = '') =>
      Number(rows.find((r) => r.measure === measure && r.dimension === dimension)?.count ?? 0);
    const users = count('users');
    const active = count('active');
    // Migrated: the statuses the domain counts as done.
    const migrated = doneStatuses.reduce((sum, status) => sum + count('status', status), 0);
    const activeMigrated = count('active-migrated');
    const mfaRequired = count('mfa-required');
    const mfaReenrolled = count('mfa-reenrolled');
    const providers = [...new Set(rows.filter((r) => r.measure === 'federation-expected').map((r) => r.dimension))];
    return {
      users,
      byStatus: Object.fromEntries(migrationStatuses.map((s) => [s, count('status', s)])) as Record<
        MigrationStatus,
        number
      >,
      migrated,
      pctMigrated: percent(migrated, users),
      active,
      activeMigrated,
      pctActiveMigrated: percent(activeMigrated, active),
      mfa: { required: mfaRequired, reenrolled: mfaReenrolled, pctReenrolled: percent(mfaReenrolled, mfaRequired) },
      federation: providers.sort().map((provider) => {
        const expected = count('federation-expected', provider);
        const rebound = count('federation-rebound', provider);
        return { provider, expected, rebound, pctRebound: percent(rebound, expected) };
      }),
      passwordVia: { jit: count('password-via', 'jit'), reset: count('password-via', 'reset') },
      resets: { sent: count('resets-sent'), users: count('users-reset') },
      disagreements: { open: count('disagreements-open'), users: count('users-disagreeing') },
    };
  }

  async burnDown(): Promise<BurnDownDay[]> {
    const rows: Record<string, string>[] = await this.dataSource.query(`
      with daily as (
        select day,
          coalesce(sum(count) filter (where measure = 'exported'), 0) as exported,
          coalesce(sum(count) filter (where measure = 'imported'), 0) as imported,
          coalesce(sum(count) filter (where measure = 'migrated'), 0) as migrated,
          coalesce(sum(count) filter (where measure = 'mfa-reenrolled'), 0) as mfa_reenrolled,
          coalesce(sum(count) filter (where measure = 'resets-sent'), 0) as resets_sent
        from ${this.table('daily_progress')} group by day
      )
      select to_char(day, 'YYYY-MM-DD') as day, exported, imported, migrated, mfa_reenrolled, resets_sent,
        sum(exported) over w as exported_total,
        sum(imported) over w as imported_total,
        sum(migrated) over w as migrated_total,
        sum(exported) over w - sum(migrated) over w as remaining
      from daily window w as (order by day) order by day`);
    return rows.map((r) => ({
      day: r.day!,
      exported: Number(r.exported),
      imported: Number(r.imported),
      migrated: Number(r.migrated),
      mfaReenrolled: Number(r.mfa_reenrolled),
      resetsSent: Number(r.resets_sent),
      exportedTotal: Number(r.exported_total),
      importedTotal: Number(r.imported_total),
      migratedTotal: Number(r.migrated_total),
      remaining: Number(r.remaining),
    }));
  }

  async user(sub: string): Promise<{ user: MigrationUser; history: UserEvent[] } | null> {
    const user = await this.dataSource.getRepository(MigrationUser).findOneBy({ sub });
    if (!user) return null;
    const history = await this.dataSource.getRepository(UserEvent).find({
      where: { sub },
      order: { topic: 'ASC', partition: 'ASC', offset: 'ASC' },
    });
    return { user, history };
  }

  /**
   * One page in `sub` order (keyset pagination: as fast on the last page as on the first), after
   * the user `afterSub` (the `sub` of a cursor, `userListCursorSub`).
   */
  async users(filter: UserListFilter, afterSub: string | null, limit: number): Promise<UserListPage> {
    const where = userListWhere(filter, 3);
    const items: UserListRow[] = await this.dataSource.query(
      `select ${selectColumns(MigrationUser, userListColumns)} from ${this.table('user_list')}
       where ($1::text is null or sub > $1) and ${where.sql}
       order by sub limit $2`,
      [afterSub, limit + 1, ...where.params],
    );
    const more = items.length > limit;
    if (more) items.pop();
    return { items, nextCursor: more ? userListCursor(items[items.length - 1]!.sub) : null };
  }

  /** Every row of a list, page after page, for the CSV export. */
  async *allUsers(filter: UserListFilter): AsyncGenerator<UserListRow[]> {
    let after: string | null = null;
    do {
      const page = await this.users(filter, after, 5000);
      if (page.items.length > 0) yield page.items;
      after = page.nextCursor === null ? null : page.items[page.items.length - 1]!.sub;
    } while (after !== null);
  }
}

function percent(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((10000 * part) / whole) / 100;
}
