import type ClientRepresentation from '@keycloak/keycloak-admin-client/lib/defs/clientRepresentation.js';
import type ProtocolMapperRepresentation from '@keycloak/keycloak-admin-client/lib/defs/protocolMapperRepresentation.js';
import type { KeycloakRealm } from './keycloak-realm.js';

/** A public client with direct access grants, for password-grant logins (demo, tests); created when missing. */
export async function ensureDirectGrantClient(realm: KeycloakRealm, clientId: string): Promise<void> {
  const existing = await realm.call('client lookup', (c) => c.clients.find({ clientId }));
  if (existing.length > 0) return;
  await realm.call('client creation', (c) =>
    c.clients.create({ clientId, publicClient: true, directAccessGrantsEnabled: true }),
  );
}

export interface SignInClientSettings {
  readonly clientId: string;
  /** Exact redirect URIs (Keycloak compares them literally, port included). */
  readonly redirectUris: readonly string[];
  /** Origins allowed to call Keycloak from a browser; default none. */
  readonly webOrigins?: readonly string[];
}

/** The user attribute the importer sets, and the claim the sign-in client receives it in. */
const cognitoSubMapper: ProtocolMapperRepresentation = {
  name: 'cognito_sub',
  protocol: 'openid-connect',
  protocolMapper: 'oidc-usermodel-attribute-mapper',
  config: {
    'user.attribute': 'cognito_sub',
    'claim.name': 'cognito_sub',
    'jsonType.label': 'String',
    'id.token.claim': 'true',
    'access.token.claim': 'true',
    'userinfo.token.claim': 'true',
    'introspection.token.claim': 'true',
    multivalued: 'false',
  },
};

/**
 * A public OIDC client for signing in through Keycloak's own login page: authorization code with
 * PKCE S256 required (a public client has no secret, so PKCE is what binds the code to the app
 * that asked for it), plus direct access grants so benchmarks and tests can compare the password
 * grant on the same client. Its tokens carry the user's `cognito_sub`, so an application can map
 * a signed-in user back to the Cognito identity it knew.
 *
 * Idempotent: created when missing; when present its settings, redirect URIs and web origins are
 * set to these (replacing earlier ones) and the mapper is added or corrected.
 */
export async function ensureSignInClient(realm: KeycloakRealm, settings: SignInClientSettings): Promise<void> {
  if (settings.redirectUris.length === 0)
    throw new Error(`sign-in client ${settings.clientId}: at least one redirect URI is needed`);
  const wanted: ClientRepresentation = {
    clientId: settings.clientId,
    protocol: 'openid-connect',
    enabled: true,
    publicClient: true,
    standardFlowEnabled: true,
    directAccessGrantsEnabled: true,
    implicitFlowEnabled: false,
    serviceAccountsEnabled: false,
    redirectUris: [...settings.redirectUris],
    webOrigins: [...(settings.webOrigins ?? [])],
  };
  const [existing] = await realm.call('client lookup', (c) => c.clients.find({ clientId: settings.clientId }));
  if (!existing) {
    await realm.call('sign-in client creation', (c) =>
      c.clients.create({
        ...wanted,
        attributes: { 'pkce.code.challenge.method': 'S256' },
        protocolMappers: [cognitoSubMapper],
      }),
    );
    return;
  }
  const id = existing.id!;
  await realm.call('sign-in client update', (c) =>
    c.clients.update(
      { id },
      { ...existing, ...wanted, attributes: { ...existing.attributes, 'pkce.code.challenge.method': 'S256' } },
    ),
  );
  const mappers = await realm.call('sign-in client mappers', (c) => c.clients.listProtocolMappers({ id }));
  const present = mappers.find((m) => m.name === cognitoSubMapper.name);
  if (!present) {
    await realm.call('sign-in client mapper creation', (c) => c.clients.addProtocolMapper({ id }, cognitoSubMapper));
  } else if (JSON.stringify(present.config) !== JSON.stringify({ ...present.config, ...cognitoSubMapper.config })) {
    await realm.call('sign-in client mapper update', (c) =>
      c.clients.updateProtocolMapper({ id, mapperId: present.id! }, { ...present, ...cognitoSubMapper }),
    );
  }
}
