/** Keycloak answered and refused the request; carries its own words and, when it names one, the field at fault. */
export class KeycloakRequestError extends Error {
  constructor(
    readonly operation: string,
    readonly status: number,
    /** Keycloak's `errorMessage` / `error` (or the raw body when it is not JSON). */
    readonly reason: string,
    readonly field: string | null,
  ) {
    super(`Keycloak refused ${operation}: HTTP ${status} ${reason}${field ? ` (field ${field})` : ''}`);
    this.name = 'KeycloakRequestError';
  }
}
