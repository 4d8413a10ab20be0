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
  readonly passwordMigratedVia: 'jit' | 'reset' | null;
}

/**
 * Finds a user by what they type at login: username, login name, e-mail or phone number. A port
 * because the bridge reads the projector's table, and the tests and the benchmark read their own.
 */
export interface MigrationUserDirectory {
  find(login: string): Promise<MigrationUser | undefined>;
  close(): Promise<void>;
}
