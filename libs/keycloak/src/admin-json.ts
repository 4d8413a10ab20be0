import type KeycloakAdminClient from '@keycloak/keycloak-admin-client';
import type { KeycloakRealm } from './keycloak-realm.js';
import { KeycloakRequestError } from './keycloak-request-error.js';
import { KeycloakUnavailableError } from './keycloak-unavailable-error.js';

/**
 * GET on an admin REST endpoint the admin client has no method with every query parameter for
 * (the event logs: `dateFrom` in milliseconds, `direction`), with the client's token and the realm's
 * timeout; a gateway error is "unavailable" (retried by `realm.call`), any other refusal names the operation.
 */
export async function getAdminJson(
  realm: KeycloakRealm,
  client: KeycloakAdminClient,
  url: URL,
  operation: string,
): Promise<unknown> {
  const token = await client.getAccessToken();
  const response = await fetch(url, {
    headers: { authorization: `Bearer ${token ?? ''}`, accept: 'application/json' },
    signal: AbortSignal.timeout(realm.config.requestTimeoutMs),
  });
  if (response.ok) return response.json();
  const text = await response.text();
  if (response.status >= 502 && response.status <= 504)
    throw new KeycloakUnavailableError(realm.config.url, operation, new Error(`HTTP ${response.status}`));
  throw new KeycloakRequestError(operation, response.status, text || response.statusText, null);
}
