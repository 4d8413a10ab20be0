import type ComponentRepresentation from '@keycloak/keycloak-admin-client/lib/defs/componentRepresentation.js';
import type { KeycloakRealm } from './keycloak-realm.js';

/** The provider id of infra/keycloak-provider's User Storage provider. */
export const PASSWORD_MIGRATION_PROVIDER = 'cognito-password-migration';
const userStorageType = 'org.keycloak.storage.UserStorageProvider';
const componentName = 'cognito-password-migration';

export interface PasswordMigrationBridge {
  /** The bridge's POST /v1/verify URL as Keycloak reaches it. */
  readonly verifyUrl: string;
  readonly sharedSecret: string;
  /** One bridge call's limit in Keycloak; default 3000. */
  readonly timeoutMs?: number;
}

/**
 * The realm's password-migration component: the User Storage provider that users imported from
 * Cognito are federation-linked to, so that every flow checking a password asks the bridge for
 * them until Keycloak holds their own (docs/bridge.md). Created when missing and never deleted:
 * deleting it deletes every user still linked to it (measured on 26.7.3). Without `bridge` an
 * existing component keeps its settings and a new one has none (it then answers "temporarily
 * unavailable", never "wrong password", until the bridge is configured). Returns the component id,
 * the users' `federationLink`.
 */
export async function ensurePasswordMigrationStorage(
  realm: KeycloakRealm,
  bridge?: PasswordMigrationBridge,
): Promise<string> {
  const realmId = await realm.call('realm lookup', async (c) => (await c.realms.findOne({ realm: realm.name }))?.id);
  if (!realmId) throw new Error(`realm ${realm.name} does not exist; the importer creates it`);
  const config: Record<string, string[]> = bridge
    ? {
        bridgeUrl: [bridge.verifyUrl],
        bridgeSecret: [bridge.sharedSecret],
        timeoutMs: [String(bridge.timeoutMs ?? 3000)],
      }
    : {};
  const existing = (
    await realm.call('password migration component lookup', (c) =>
      c.components.find({ parent: realmId, type: userStorageType }),
    )
  ).find((component) => component.providerId === PASSWORD_MIGRATION_PROVIDER);
  if (existing) {
    if (bridge) {
      await realm.call('password migration component update', (c) =>
        c.components.update({ id: existing.id! }, { ...existing, config: { ...existing.config, ...config } }),
      );
    }
    return existing.id!;
  }
  const component: ComponentRepresentation = {
    name: componentName,
    providerId: PASSWORD_MIGRATION_PROVIDER,
    providerType: userStorageType,
    parentId: realmId,
    config: { ...config, enabled: ['true'], priority: ['0'], cachePolicy: ['DEFAULT'] },
  };
  const { id } = await realm.call('password migration component creation', (c) => c.components.create(component));
  return id;
}
