import type ClientRepresentation from '@keycloak/keycloak-admin-client/lib/defs/clientRepresentation.js';
import type ProtocolMapperRepresentation from '@keycloak/keycloak-admin-client/lib/defs/protocolMapperRepresentation.js';
import type { KeycloakRealm } from './keycloak-realm.js';
import { KeycloakRequestError } from './keycloak-request-error.js';

/**
 * The realm roles of the migration dashboard and its API. A viewer sees the numbers; an operator
 * also personal columns (e-mail, username, phone) and the CSV exports. `migration-operator` is a
 * composite of `migration-viewer`, so granting the operator role is enough.
 */
export const dashboardRoles = {
  viewer: 'migration-viewer',
  operator: 'migration-operator',
} as const;
export type DashboardRole = (typeof dashboardRoles)[keyof typeof dashboardRoles];

export interface DashboardClientSettings {
  readonly clientId: string;
  /** Exact redirect URIs of the page's sign-in callback. */
  readonly redirectUris: readonly string[];
  /** Where Keycloak may send the browser after signing out. */
  readonly postLogoutRedirectUris: readonly string[];
}

/** Puts the client's id into the access token's `aud`: the API accepts tokens issued for the dashboard only. */
function audienceMapper(clientId: string): ProtocolMapperRepresentation {
  return {
    name: 'dashboard-audience',
    protocol: 'openid-connect',
    protocolMapper: 'oidc-audience-mapper',
    config: {
      'included.client.audience': clientId,
      'access.token.claim': 'true',
      'id.token.claim': 'false',
      'introspection.token.claim': 'true',
    },
  };
}

/**
 * The dashboard's access in the realm: its two roles (the operator's a composite of the viewer's)
 * and a public OIDC client for the page (authorization code with PKCE S256 required, direct
 * access grants for scripts and tests) whose access tokens name it as audience. Idempotent: what
 * is missing is created, the client's settings and redirect URIs are set to these.
 */
export async function ensureDashboardAccess(realm: KeycloakRealm, settings: DashboardClientSettings): Promise<void> {
  if (settings.redirectUris.length === 0)
    throw new Error(`dashboard client ${settings.clientId}: at least one redirect URI is needed`);
  await ensureRole(realm, dashboardRoles.viewer, 'Sees the migration dashboard and the numbers of the query API');
  await ensureRole(
    realm,
    dashboardRoles.operator,
    'Also sees personal columns (e-mail, username, phone) and downloads CSV exports',
  );
  const viewer = await realm.call('role lookup', (c) => c.roles.findOneByName({ name: dashboardRoles.viewer }));
  const operator = await realm.call('role lookup', (c) => c.roles.findOneByName({ name: dashboardRoles.operator }));
  const composites = await realm.call('composite roles', (c) => c.roles.getCompositeRoles({ id: operator!.id! }));
  if (!composites.some((r) => r.name === dashboardRoles.viewer)) {
    await realm.call('composite role', (c) => c.roles.createComposite({ roleId: operator!.id! }, [viewer!]));
  }

  const wanted: ClientRepresentation = {
    clientId: settings.clientId,
    name: 'Migration dashboard',
    protocol: 'openid-connect',
    enabled: true,
    publicClient: true,
    standardFlowEnabled: true,
    directAccessGrantsEnabled: true,
    implicitFlowEnabled: false,
    serviceAccountsEnabled: false,
    redirectUris: [...settings.redirectUris],
    webOrigins: [],
  };
  const attributes = {
    'pkce.code.challenge.method': 'S256',
    'post.logout.redirect.uris': settings.postLogoutRedirectUris.join('##'),
  };
  const [existing] = await realm.call('client lookup', (c) => c.clients.find({ clientId: settings.clientId }));
  if (!existing) {
    await realm.call('dashboard client creation', (c) =>
      c.clients.create({ ...wanted, attributes, protocolMappers: [audienceMapper(settings.clientId)] }),
    );
    return;
  }
  const id = existing.id!;
  await realm.call('dashboard client update', (c) =>
    c.clients.update({ id }, { ...existing, ...wanted, attributes: { ...existing.attributes, ...attributes } }),
  );
  const mappers = await realm.call('dashboard client mappers', (c) => c.clients.listProtocolMappers({ id }));
  if (!mappers.some((m) => m.name === 'dashboard-audience')) {
    await realm.call('dashboard client mapper creation', (c) =>
      c.clients.addProtocolMapper({ id }, audienceMapper(settings.clientId)),
    );
  }
}

async function ensureRole(realm: KeycloakRealm, name: string, description: string): Promise<void> {
  const found = await realm.call('role lookup', (c) => c.roles.findOneByName({ name }));
  if (found) return;
  try {
    await realm.call('role creation', (c) => c.roles.create({ name, description }));
  } catch (error) {
    // Created by another process in the meantime.
    if (!(error instanceof KeycloakRequestError && error.status === 409)) throw error;
  }
}
