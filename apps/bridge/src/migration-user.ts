import type { ImportedTreatment } from '#domain';

/** A user as the projections know them: the exported Cognito record and how far their migration got. */
export interface MigrationUser {
  readonly sub: string;
  /** The Cognito username: what AdminInitiateAuth is asked with. */
  readonly username: string;
  /** Lower-cased. */
  readonly email: string | null;
  readonly phoneNumber: string | null;
  readonly enabled: boolean;
  readonly sourceStatus: string;
  readonly mfaRequired: boolean;
  readonly targetUserId: string | null;
  /** The name the user signs in with at the target; null until imported. */
  readonly loginName: string | null;
  /** What the import decided for the user; null until imported. */
  readonly imported: ImportedTreatment | null;
  readonly passwordMigratedVia: 'jit' | 'reset' | null;
}

/** How a caller that knows the user names them: the Keycloak provider sends both. */
export interface MigrationUserIdentity {
  /** The user's `cognito_sub` attribute. */
  readonly sub?: string | undefined;
  /** The target's user id. */
  readonly targetUserId?: string | undefined;
}

/**
 * Finds a user by what they type at login (username, login name, e-mail or phone number), or,
 * for callers that know them already, by sub or target id. A port because the bridge reads the
 * projector's table, and the tests and the benchmark read their own.
 */
export interface MigrationUserDirectory {
  find(login: string): Promise<MigrationUser | undefined>;
  /** Exact: the sub, else the target id; never a name. */
  findByIdentity(identity: MigrationUserIdentity): Promise<MigrationUser | undefined>;
  /** Whether the projection holds the fact `eventId` about `sub`; false may only mean not projected yet. */
  holdsFact(sub: string, eventId: string): Promise<boolean>;
  close(): Promise<void>;
}
