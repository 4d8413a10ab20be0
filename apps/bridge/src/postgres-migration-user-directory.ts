import pg from 'pg';
import type { MigrationUser, MigrationUserDirectory } from './migration-user.js';

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
  password_migrated_via: 'jit' | 'reset' | null;
}

/**
 * Reads `<schema>.migration_user`, the projector's table. A name can match more than one user
 * (one user's username is another's e-mail): the username wins, then the login name, then the
 * e-mail, then the phone number — Cognito resolves a sign-in name the same way, username first.
 * The sub and the target id also find the user (the Keycloak plugin can post to `/{id}`).
 * Case-insensitive like Cognito's default (`UsernameConfiguration.CaseSensitive` false).
 */
export class PostgresMigrationUserDirectory implements MigrationUserDirectory {
  private readonly pool: pg.Pool;
  private readonly query: string;

  constructor(databaseUrl: string, schema: string) {
    this.pool = new pg.Pool({ connectionString: databaseUrl, max: 8 });
    const table = `"${schema}".migration_user`;
    this.query = `
      SELECT sub, username, email, phone_number, enabled, source_status, mfa_required,
             target_user_id, login_name, password_migrated_via
        FROM ${table}
       WHERE lower(username) = $1 OR lower(login_name) = $1 OR email = $1 OR phone_number = $2
          OR sub = $2 OR target_user_id = $2
       ORDER BY CASE WHEN lower(username) = $1 THEN 0 WHEN lower(login_name) = $1 THEN 1
                     WHEN email = $1 THEN 2 WHEN phone_number = $2 THEN 3 ELSE 4 END
       LIMIT 1`;
  }

  async find(login: string): Promise<MigrationUser | undefined> {
    const result = await this.pool.query<Row>({
      name: 'migration-user-by-login',
      text: this.query,
      values: [login.toLowerCase(), login],
    });
    const row = result.rows[0];
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
      passwordMigratedVia: row.password_migrated_via,
    };
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
