import { KeycloakRequestError, type KeycloakRealm } from '#keycloak';
import type { StoredPasswords } from './stored-passwords.js';

const SUB_ATTRIBUTE = 'cognito_sub';

/**
 * Reads the user and their credentials with the admin API. The realm is opened on first use, so
 * a bridge whose target is not Keycloak (plugin, FusionAuth contracts) never needs its admin.
 */
export class KeycloakStoredPasswords implements StoredPasswords {
  private realm: Promise<KeycloakRealm> | undefined;

  constructor(private readonly openRealm: () => Promise<KeycloakRealm>) {}

  async storedAt(targetUserId: string, sub: string): Promise<Date | null> {
    this.realm ??= this.openRealm().catch((error: unknown) => {
      this.realm = undefined;
      throw error;
    });
    const realm = await this.realm;
    try {
      const user = await realm.call('user read', (c) => c.users.findOne({ realm: realm.name, id: targetUserId }));
      if (!user?.attributes?.[SUB_ATTRIBUTE]?.includes(sub)) return null;
      const credentials = await realm.call('credentials read', (c) =>
        c.users.getCredentials({ realm: realm.name, id: targetUserId }),
      );
      const passwords = credentials.filter((c) => c.type === 'password');
      if (passwords.length === 0) return null;
      return new Date(Math.min(...passwords.map((c) => c.createdDate ?? Date.now())));
    } catch (error) {
      if (error instanceof KeycloakRequestError && error.status === 404) return null;
      throw error;
    }
  }
}
