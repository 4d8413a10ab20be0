import type { DataSource } from 'typeorm';
import { MigrationUserLookup, openPostgres, ProjectionReader, type SignInUser } from '#projections';
import type { MigrationUser, MigrationUserDirectory, MigrationUserIdentity } from './migration-user.js';

/**
 * The projections' users (`<schema>.migration_user`, read through libs/projections'
 * MigrationUserLookup, which documents how a sign-in name is resolved). Callers that know the
 * user (the Keycloak provider sends `cognito_sub` and its user id) find them by those, exactly,
 * never by a name.
 */
export class PostgresMigrationUserDirectory implements MigrationUserDirectory {
  private constructor(
    private readonly db: DataSource,
    private readonly lookup: MigrationUserLookup,
    private readonly projection: ProjectionReader,
  ) {}

  static async open(databaseUrl: string, schema: string): Promise<PostgresMigrationUserDirectory> {
    const db = await openPostgres({ url: databaseUrl, schema, application: 'bridge', maxConnections: 8 });
    return new PostgresMigrationUserDirectory(
      db,
      new MigrationUserLookup(db, schema),
      new ProjectionReader(db, schema),
    );
  }

  async find(login: string): Promise<MigrationUser | undefined> {
    return userOf(await this.lookup.bySignInName(login));
  }

  async findByIdentity(identity: MigrationUserIdentity): Promise<MigrationUser | undefined> {
    if (!identity.sub && !identity.targetUserId) return undefined;
    const user = userOf(await this.lookup.byIds(identity.sub ?? null, identity.targetUserId ?? null));
    // Both given: they must name the same user, or the caller is confused about whom it asks for.
    if (user && identity.sub && identity.targetUserId && user.targetUserId !== null) {
      if (user.targetUserId !== identity.targetUserId) return undefined;
    }
    return user;
  }

  holdsFact(sub: string, eventId: string): Promise<boolean> {
    return this.projection.holdsFact(sub, eventId);
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}

/** A row without an export (only target facts so far) has no Cognito record to check a password against. */
function userOf(row: SignInUser | undefined): MigrationUser | undefined {
  if (!row || row.username === null || row.enabled === null || row.sourceStatus === null) return undefined;
  return {
    sub: row.sub,
    username: row.username,
    email: row.email,
    phoneNumber: row.phoneNumber,
    enabled: row.enabled,
    sourceStatus: row.sourceStatus,
    mfaRequired: row.mfaRequired,
    targetUserId: row.targetUserId,
    loginName: row.loginName,
    imported:
      row.treatment === null
        ? null
        : {
            treatment: row.treatment,
            needsPasswordMigration: row.needsPasswordMigration ?? false,
            requiredActions: row.requiredActions,
          },
    passwordMigratedVia: row.passwordMigratedVia,
  };
}
