/**
 * The target, asked whether it holds a user's password: the bridge records `PasswordMigrated`
 * only on its word. A port because the tests without a Keycloak use their own.
 */
export interface StoredPasswords {
  /**
   * When the target stored the password of its user `targetUserId`, which must be the Cognito user
   * `sub`; null when it holds none (or the id names someone else). Throws when the target cannot be asked.
   */
  storedAt(targetUserId: string, sub: string): Promise<Date | null>;
}
