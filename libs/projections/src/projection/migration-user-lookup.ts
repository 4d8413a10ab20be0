import type { DataSource } from 'typeorm';
import { selectColumns } from '../entity-columns.js';
import { preparedQuery } from '../prepared-query.js';
import { quoteIdentifier } from '../schema-name.js';
import { MigrationUser } from './entities/index.js';

const signInColumns = [
  'sub',
  'username',
  'email',
  'phoneNumber',
  'enabled',
  'sourceStatus',
  'mfaRequired',
  'targetUserId',
  'loginName',
  'treatment',
  'needsPasswordMigration',
  'requiredActions',
  'passwordMigratedVia',
] as const satisfies readonly (keyof MigrationUser)[];

/** What the JIT bridge reads of a user: the exported Cognito record and how far the migration got. */
export type SignInUser = Pick<MigrationUser, (typeof signInColumns)[number]>;

/**
 * The JIT bridge's reads of `migration_user`. A name can match more than one user (one user's
 * username is another's e-mail): the username wins, then the login name, then the e-mail, then
 * the phone number — Cognito resolves a sign-in name the same way, username first. Names match
 * case-insensitively like Cognito's default (`UsernameConfiguration.CaseSensitive` false); in a
 * case-sensitive pool `user.19` and `USER.19` are two users, so the exact spelling wins and the
 * sub breaks any remaining tie. Each name has its index (see the migration), so the OR-ed
 * condition is one bitmap OR. Both statements are prepared once per connection: on the login
 * path, planning the OR-ed query cost more than running it.
 */
export class MigrationUserLookup {
  private readonly byName: string;
  private readonly byIdentity: string;

  constructor(
    private readonly db: DataSource,
    private readonly schema: string,
  ) {
    const table = `${quoteIdentifier(schema)}.migration_user`;
    const columns = selectColumns(MigrationUser, signInColumns);
    this.byName = `
      select ${columns}
        from ${table}
       where lower(username) = $1 or lower(login_name) = $1 or email = $1 or phone_number = $2
          or sub = $2 or target_user_id = $2
       order by case when username = $2 then 0 when lower(username) = $1 then 1
                     when login_name = $2 then 2 when lower(login_name) = $1 then 3
                     when email = $1 then 4 when phone_number = $2 then 5 else 6 end, sub
       limit 1`;
    this.byIdentity = `
      select ${columns}
        from ${table}
       where sub = $1 or ($1 is null and target_user_id = $2)
       limit 1`;
  }

  /** By what the user types at login: username, login name, e-mail or phone number (or sub, target id). */
  async bySignInName(login: string): Promise<SignInUser | undefined> {
    const rows = await preparedQuery<SignInUser>(this.db, `migration-user-by-login:${this.schema}`, this.byName, [
      login.toLowerCase(),
      login,
    ]);
    return rows[0];
  }

  /** Exactly: by sub, else (no sub given) by the target's user id; never by a name. */
  async byIds(sub: string | null, targetUserId: string | null): Promise<SignInUser | undefined> {
    const rows = await preparedQuery<SignInUser>(
      this.db,
      `migration-user-by-identity:${this.schema}`,
      this.byIdentity,
      [sub, targetUserId],
    );
    return rows[0];
  }
}
