import {
  UnmanagedAttributePolicy,
  type UserProfileAttribute,
} from '@keycloak/keycloak-admin-client/lib/defs/userProfileMetadata.js';
import type { KeycloakRealm } from './keycloak-realm.js';
import { KeycloakRequestError } from './keycloak-request-error.js';
import {
  requirableUserFields,
  type DeclaredAttribute,
  type RealmSpec,
  type RequirableUserField,
} from './realm-spec.js';

export interface RealmBootstrapResult {
  readonly realmCreated: boolean;
  readonly attributesDeclared: readonly string[];
  /** Built-in attributes whose `required` this run changed (to what the spec says). */
  readonly requirementsChanged: readonly string[];
  readonly requiredActionsEnabled: readonly string[];
  readonly identityProvidersCreated: readonly string[];
}

/**
 * Keycloak 24+ validates attribute names of the declarative user profile; names it would refuse are
 * left to the unmanaged-attribute policy instead of failing the bootstrap.
 */
const declarableName = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Makes the realm ready for an import; every step is idempotent, so it runs at each importer start.
 * - realm: created when missing; its login settings follow the pool's.
 * - user profile: `email`, `firstName`, `lastName` are required exactly as the spec says (the pool
 *   required them), not as Keycloak's default profile does (all three); the imported attributes are declared (validated on later admin edits, hidden from
 *   users where they are bookkeeping); anything else imported is kept by setting the unmanaged-
 *   attribute policy to ADMIN_EDIT on purpose: with Keycloak's default (DISABLED) such attributes
 *   are silently not kept, and with ENABLED users could edit e.g. their own `cognito_sub`
 *   (https://www.keycloak.org/docs/latest/server_admin/#_understanding-managed-and-unmanaged-attributes).
 * - required actions used by the import are enabled (a disabled one is ignored at login).
 * - user events are saved, for the watcher.
 */
export async function bootstrapRealm(realm: KeycloakRealm, spec: RealmSpec): Promise<RealmBootstrapResult> {
  const realmCreated = await ensureRealm(realm, spec);
  const { attributesDeclared, requirementsChanged } = await shapeUserProfile(realm, spec);
  const requiredActionsEnabled = await enableRequiredActions(realm, spec.requiredActions);
  await enableEvents(realm, spec.eventsExpirationSeconds);
  const identityProvidersCreated = await ensureIdentityProviders(realm, spec);
  return { realmCreated, attributesDeclared, requirementsChanged, requiredActionsEnabled, identityProvidersCreated };
}

/**
 * Set when the realm is created, left to the operator afterwards; both as a Cognito pool has them.
 * - Cognito locks a user out for a while after 5 wrong passwords; Keycloak counts nothing unless
 *   told to. Wrong passwords of users not migrated yet are counted exactly like native ones (the
 *   provider answers them as Keycloak's own validator does); bridge outages are not counted.
 * - "Forgot password?" on the login page: users whose reset the ledger requires are sent there by
 *   the provider's message, and without the link that page would be a dead end.
 */
const asCognitoHasIt = {
  bruteForceProtected: true,
  failureFactor: 5,
  permanentLockout: false,
  resetPasswordAllowed: true,
} as const;

async function ensureRealm(realm: KeycloakRealm, spec: RealmSpec): Promise<boolean> {
  const settings = {
    displayName: spec.displayName,
    loginWithEmailAllowed: spec.loginWithEmailAllowed,
    duplicateEmailsAllowed: spec.duplicateEmailsAllowed,
    registrationEmailAsUsername: spec.registrationEmailAsUsername,
    internationalizationEnabled: spec.internationalizationEnabled,
  };
  const existing = await realm.call('realm lookup', (c) => c.realms.findOne({ realm: realm.name }));
  if (!existing) {
    try {
      await realm.call('realm creation', (c) =>
        c.realms.create({ realm: realm.name, enabled: true, ...settings, ...asCognitoHasIt }),
      );
      return true;
    } catch (error) {
      // Another importer created it in the meantime: fall through to the update.
      if (!(error instanceof KeycloakRequestError && error.status === 409)) throw error;
    }
  }
  await realm.call('realm settings update', (c) => c.realms.update({ realm: realm.name }, settings));
  return false;
}

function profileAttribute(attribute: DeclaredAttribute): UserProfileAttribute {
  const validations: Record<string, unknown> = {
    string: { length: { max: 2048 } },
    number: { double: {} },
    boolean: { options: { options: ['true', 'false'] } },
    datetime: {},
  }[attribute.kind];
  return {
    name: attribute.name,
    displayName: attribute.displayName,
    multivalued: false,
    permissions: { view: attribute.adminOnly ? ['admin'] : ['admin', 'user'], edit: ['admin'] },
    validations,
    annotations: { migratedFrom: 'cognito', kind: attribute.kind },
  };
}

async function shapeUserProfile(
  realm: KeycloakRealm,
  spec: RealmSpec,
): Promise<{ attributesDeclared: string[]; requirementsChanged: string[] }> {
  const profile = await realm.call('user profile read', (c) => c.users.getProfile({ realm: realm.name }));
  const present = new Set((profile.attributes ?? []).map((a) => a.name));
  const added = spec.attributes.filter((a) => !present.has(a.name) && declarableName.test(a.name));
  const requirementsChanged: string[] = [];
  const attributes = (profile.attributes ?? []).map((attribute) => {
    if (!(requirableUserFields as readonly (string | undefined)[]).includes(attribute.name)) return attribute;
    const wanted = spec.requiredUserFields.includes(attribute.name as RequirableUserField);
    if (wanted === (attribute.required !== undefined)) return attribute;
    requirementsChanged.push(attribute.name!);
    if (!wanted) {
      const optional = { ...attribute };
      delete optional.required;
      return optional;
    }
    // As Keycloak's default profile has it (measured on 26.5): required of users at login and in
    // the account console, while administrators (and the importer's own updates) may save without it.
    return { ...attribute, required: { roles: ['user'] } };
  });
  if (
    added.length === 0 &&
    requirementsChanged.length === 0 &&
    profile.unmanagedAttributePolicy === UnmanagedAttributePolicy.AdminEdit
  )
    return { attributesDeclared: [], requirementsChanged };
  await realm.call('user profile update', (c) =>
    c.users.updateProfile({
      ...profile,
      realm: realm.name,
      attributes: [...attributes, ...added.map(profileAttribute)],
      unmanagedAttributePolicy: UnmanagedAttributePolicy.AdminEdit,
    }),
  );
  return { attributesDeclared: added.map((a) => a.name), requirementsChanged };
}

async function enableRequiredActions(realm: KeycloakRealm, aliases: readonly string[]): Promise<string[]> {
  const actions = (await realm.call('required actions read', (c) =>
    c.authenticationManagement.getRequiredActions(),
  )) as {
    alias: string;
    enabled: boolean;
  }[];
  const enabled: string[] = [];
  for (const alias of aliases) {
    const action = actions.find((a) => a.alias === alias);
    if (!action)
      throw new KeycloakRequestError(
        `required action ${alias}`,
        404,
        'not registered in this Keycloak',
        'requiredActions',
      );
    if (action.enabled) continue;
    await realm.call(`required action ${alias} update`, (c) =>
      c.authenticationManagement.updateRequiredAction({ alias }, { ...action, enabled: true }),
    );
    enabled.push(alias);
  }
  return enabled;
}

async function enableEvents(realm: KeycloakRealm, expirationSeconds: number): Promise<void> {
  const current = await realm.call('events config read', (c) => c.realms.getConfigEvents({ realm: realm.name }));
  await realm.call('events config update', (c) =>
    c.realms.updateConfigEvents(
      { realm: realm.name },
      {
        ...current,
        eventsEnabled: true,
        eventsExpiration: expirationSeconds,
        // Admin events stay as the operator set them: the watcher reads user events only, and an
        // admin event per imported user cost a quarter of partialImport's throughput (measured).
      },
    ),
  );
}

async function ensureIdentityProviders(realm: KeycloakRealm, spec: RealmSpec): Promise<string[]> {
  if (spec.identityProviders.length === 0) return [];
  const existing = new Set(
    (await realm.call('identity providers read', (c) => c.identityProviders.find())).map((p) => p.alias),
  );
  const created: string[] = [];
  for (const provider of spec.identityProviders) {
    if (existing.has(provider.alias)) continue;
    await realm.call(`identity provider ${provider.alias} creation`, (c) => c.identityProviders.create(provider));
    created.push(provider.alias!);
  }
  return created;
}
