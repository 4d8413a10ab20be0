/**
 * Keycloak did not answer, or answered that it cannot serve right now (502/503/504, or a 500 while
 * its realm endpoint is not answering either). Retryable: callers back off and try again.
 */
export class KeycloakUnavailableError extends Error {
  constructor(
    readonly url: string,
    readonly operation: string,
    cause: unknown,
  ) {
    super(
      `Keycloak at ${url} (KEYCLOAK_URL) is unavailable during ${operation}: ${cause instanceof Error ? cause.message : String(cause)}`,
      {
        cause,
      },
    );
    this.name = 'KeycloakUnavailableError';
  }
}
