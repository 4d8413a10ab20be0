import pg from 'pg';
import type { MigrationUser, MigrationUserDirectory, MigrationUserIdentity } from './migration-user.js';

interface Row {
  sub: string;
  username: string;
  email: string | null;
  phone_number: string | null;
  enabled: boolean;
  source_status: string;
  mfa_required: boolean;
  target_user_id: string | null;
  login_name: string | null;
  treatment: string | null;
  needs_password_migration: boolean | null;
  required_actions: string[] | null;
  password_migrated_via: 'jit' | 'reset' | null;
}

const columns = `sub, username, email, phone_number, enabled, source_status, mfa_required, target_user_id,
  login_name, treatment, needs_password_migration, required_actions, password_migrated_via`;

/**
 * Reads `<schema>.migration_user`, the projector's table. A name can match more than one user
 * (one user's username is another's e-mail): the username wins, then the login name, then the
 * e-mail, then the phone number — Cognito resolves a sign-in name the same way, username first.
 * Names match case-insensitively like Cognito's default (`UsernameConfiguration.CaseSensitive`
 * false); in a case-sensitive pool `user.19` and `USER.19` are two users, so the exact spelling
 * wins and the sub breaks any remaining tie. Callers that know the user (the Keycloak provider
 * sends `cognito_sub` and its user id) find them by those, exactly, never by a name.
 */
export class PostgresMigrationUserDirectory implements MigrationUserDirectory {
  private readonly pool: pg.Pool;
  private readonly byLogin: string;
  private readonly byIdentity: string;

  constructor(databaseUrl: string, schema: string) {
    this.pool = new pg.Pool({ connectionString: databaseUrl, max: 8 });
    const table = `"${schema}".migration_user`;
    this.byLogin = `
      SELECT ${columns}
        FROM ${table}
       WHERE lower(username) = $1 OR lower(login_name) = $1 OR email = $1 OR phone_number = $2
          OR sub = $2 OR target_user_id = $2
       ORDER BY CASE WHEN username = $2 THEN 0 WHEN lower(username) = $1 THEN 1
                     WHEN login_name = $2 THEN 2 WHEN lower(login_name) = $1 THEN 3
                     WHEN email = $1 THEN 4 WHEN phone_number = $2 THEN 5 ELSE 6 END, sub
       LIMIT 1`;
    this.byIdentity = `
      SELECT ${columns}
        FROM ${table}
       WHERE sub = $1 OR ($1 IS NULL AND target_user_id = $2)
       LIMIT 1`;
  }

  async find(login: string): Promise<MigrationUser | undefined> {
    const result = await this.pool.query<Row>({
      name: 'migration-user-by-login',
      text: this.byLogin,
      values: [login.toLowerCase(), login],
    });
    return userOf(result.rows[0]);
  }

  async findByIdentity(identity: MigrationUserIdentity): Promise<MigrationUser | undefined> {
    if (!identity.sub && !identity.targetUserId) return undefined;
    const result = await this.pool.query<Row>({
      name: 'migration-user-by-identity',
      text: this.byIdentity,
      values: [identity.sub ?? null, identity.targetUserId ?? null],
    });
    const user = userOf(result.rows[0]);
    // Both given: they must name the same user, or the caller is confused about whom it asks for.
    if (user && identity.sub && identity.targetUserId && user.targetUserId !== null) {
      if (user.targetUserId !== identity.targetUserId) return undefined;
    }
    return user;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

function userOf(row: Row | undefined): MigrationUser | undefined {
  if (!row) return undefined;
  return {
    sub: row.sub,
    username: row.username,
    email: row.email,
    phoneNumber: row.phone_number,
    enabled: row.enabled,
    sourceStatus: row.source_status,
    mfaRequired: row.mfa_required,
    targetUserId: row.target_user_id,
    loginName: row.login_name,
    imported:
      row.treatment === null
        ? null
        : {
            treatment: row.treatment,
            needsPasswordMigration: row.needs_password_migration ?? false,
            requiredActions: row.required_actions,
          },
    passwordMigratedVia: row.password_migrated_via,
  };
}
