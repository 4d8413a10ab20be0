import type { KeycloakRealm } from './keycloak-realm.js';

/** A public client with direct access grants, for password-grant logins (demo, tests); created when missing. */
export async function ensureDirectGrantClient(realm: KeycloakRealm, clientId: string): Promise<void> {
  const existing = await realm.call('client lookup', (c) => c.clients.find({ clientId }));
  if (existing.length > 0) return;
  await realm.call('client creation', (c) =>
    c.clients.create({ clientId, publicClient: true, directAccessGrantsEnabled: true }),
  );
}
