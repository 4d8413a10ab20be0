/** The admin credentials were refused: retrying cannot help, the operator has to fix them. */
export class KeycloakAuthError extends Error {
  constructor(
    readonly url: string,
    readonly username: string,
    reason: string,
  ) {
    super(
      `Keycloak at ${url} refused the admin login of "${username}" (KEYCLOAK_ADMIN_USERNAME / KEYCLOAK_ADMIN_PASSWORD): ${reason}`,
    );
    this.name = 'KeycloakAuthError';
  }
}
