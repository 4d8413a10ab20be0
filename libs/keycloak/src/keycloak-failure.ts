import { NetworkError } from '@keycloak/keycloak-admin-client';
import { KeycloakRequestError } from './keycloak-request-error.js';
import { KeycloakUnavailableError } from './keycloak-unavailable-error.js';

/** Statuses a gateway or a starting/stopping server gives; the request may well succeed later. */
const transientStatuses = new Set([502, 503, 504]);

interface ErrorBody {
  readonly errorMessage?: unknown;
  readonly error?: unknown;
  readonly error_description?: unknown;
  readonly field?: unknown;
  readonly errors?: readonly ErrorBody[];
}

/**
 * Turns what the admin client throws into the project's typed errors: no answer at all (connection
 * refused, reset, timed out) or a transient status becomes KeycloakUnavailableError; any other
 * answer becomes KeycloakRequestError with Keycloak's reason and field.
 */
export function toKeycloakFailure(error: unknown, url: string, operation: string): Error {
  if (error instanceof KeycloakUnavailableError || error instanceof KeycloakRequestError) return error;
  if (error instanceof NetworkError) {
    const status = error.response.status;
    if (transientStatuses.has(status)) return new KeycloakUnavailableError(url, operation, new Error(`HTTP ${status}`));
    const body = (
      typeof error.responseData === 'object' && error.responseData !== null ? error.responseData : {}
    ) as ErrorBody;
    const first = body.errors?.[0] ?? body;
    const reason =
      [first.errorMessage, first.error_description, first.error].find(
        (v): v is string => typeof v === 'string' && v !== '',
      ) ?? (typeof error.responseData === 'string' && error.responseData !== '' ? error.responseData : error.message);
    return new KeycloakRequestError(operation, status, reason, typeof first.field === 'string' ? first.field : null);
  }
  if (isNoAnswer(error)) return new KeycloakUnavailableError(url, operation, error);
  return error instanceof Error ? error : new Error(String(error));
}

function isNoAnswer(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  // undici reports refused/reset connections as TypeError('fetch failed') with the socket error as cause.
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return true;
  return (
    error instanceof TypeError &&
    /fetch failed|terminated|socket/i.test(
      `${error.message} ${String((error.cause as Error | undefined)?.message ?? '')}`,
    )
  );
}
