import { KeycloakRequestError } from '#keycloak';

/** A read about a user deleted from the realm since the import: null (nothing more to tell) instead of a 404. */
export async function unlessDeleted<T>(read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof KeycloakRequestError && error.status === 404) return null;
    throw error;
  }
}
