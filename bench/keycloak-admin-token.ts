import type { KeycloakAdminLogin } from '#stack';

/**
 * An admin access token from the master realm's password grant, for the benchmarks that call
 * Keycloak's REST API directly (the naive per-user import, Keycloak's own partialImport) rather
 * than through the product's admin client, so that what they time is Keycloak alone.
 */
export async function keycloakAdminToken(keycloakUrl: string, admin: KeycloakAdminLogin): Promise<string> {
  const response = await fetch(`${keycloakUrl}/realms/master/protocol/openid-connect/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'password',
      client_id: 'admin-cli',
      username: admin.username,
      password: admin.password,
    }),
  });
  if (!response.ok) throw new Error(`Keycloak admin login at ${keycloakUrl}: HTTP ${response.status}`);
  return ((await response.json()) as { access_token: string }).access_token;
}
