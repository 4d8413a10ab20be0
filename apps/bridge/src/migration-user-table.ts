import type pg from 'pg';
import type { LedgerEvent } from '#events';
import type { MigrationUser } from './migration-user.js';

/**
 * The columns of the projector's `migration_user` the bridge reads, for tests and the benchmark
 * that run without the projector. The projector's migrations own the real table.
 */
export async function createMigrationUserTable(client: pg.ClientBase, schema: string): Promise<void> {
  await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  await client.query(`
    CREATE TABLE IF NOT EXISTS "${schema}".migration_user (
      sub text PRIMARY KEY,
      username text NOT NULL,
      email text,
      phone_number text,
      enabled boolean NOT NULL,
      source_status text NOT NULL,
      mfa_required boolean NOT NULL DEFAULT false,
      target_user_id text,
      login_name text,
      password_migrated_via text,
      password_migrated_at timestamptz
    )`);
  await client.query(
    `CREATE INDEX IF NOT EXISTS migration_user_username ON "${schema}".migration_user (lower(username))`,
  );
  await client.query(
    `CREATE INDEX IF NOT EXISTS migration_user_login ON "${schema}".migration_user (lower(login_name))`,
  );
  await client.query(`CREATE INDEX IF NOT EXISTS migration_user_email ON "${schema}".migration_user (email)`);
  // Every column the lookup ORs over has an index, so PostgreSQL can answer it with a bitmap OR.
  await client.query(`CREATE INDEX IF NOT EXISTS migration_user_phone ON "${schema}".migration_user (phone_number)`);
  await client.query(`CREATE INDEX IF NOT EXISTS migration_user_target ON "${schema}".migration_user (target_user_id)`);
}

export async function insertMigrationUsers(
  client: pg.ClientBase,
  schema: string,
  users: readonly MigrationUser[],
): Promise<void> {
  for (let start = 0; start < users.length; start += 500) {
    const chunk = users.slice(start, start + 500);
    const values: unknown[] = [];
    const rows = chunk.map((u, i) => {
      values.push(
        u.sub,
        u.username,
        u.email,
        u.phoneNumber,
        u.enabled,
        u.sourceStatus,
        u.mfaRequired,
        u.targetUserId,
        u.loginName,
        u.passwordMigratedVia,
      );
      const at = i * 10;
      return `(${Array.from({ length: 10 }, (_, k) => `$${at + k + 1}`).join(',')})`;
    });
    await client.query(
      `INSERT INTO "${schema}".migration_user (sub, username, email, phone_number, enabled, source_status,
         mfa_required, target_user_id, login_name, password_migrated_via)
       VALUES ${rows.join(',')} ON CONFLICT (sub) DO NOTHING`,
      values,
    );
  }
  await client.query(`ANALYZE "${schema}".migration_user`);
}

/**
 * What the projector's table would hold for these facts (UserExported, UserImported,
 * PasswordMigrated), for runs without the projector.
 */
export function migrationUsersOf(events: readonly LedgerEvent[]): MigrationUser[] {
  const bySub = new Map<string, MigrationUser>();
  for (const event of events) {
    const known = bySub.get(event.subject);
    if (event.type === 'UserExported') {
      const d = event.data;
      bySub.set(d.sub, {
        sub: d.sub,
        username: d.username,
        email: d.attributes.email?.toLowerCase() ?? null,
        phoneNumber: d.attributes.phone_number ?? null,
        enabled: d.enabled,
        sourceStatus: d.status,
        mfaRequired: d.mfa.sms || d.mfa.totp === true || (d.mfa.preferred !== null && d.mfa.preferred !== 'NOMFA'),
        targetUserId: known?.targetUserId ?? null,
        loginName: known?.loginName ?? null,
        passwordMigratedVia: known?.passwordMigratedVia ?? null,
      });
    } else if (event.type === 'UserImported' && known) {
      bySub.set(event.subject, { ...known, targetUserId: event.data.targetUserId, loginName: event.data.loginName });
    } else if (event.type === 'PasswordMigrated' && known) {
      bySub.set(event.subject, { ...known, passwordMigratedVia: event.data.via });
    }
  }
  return [...bySub.values()];
}
