import { bookkeeping, loginPolicyOf, type ImportMapping } from '#domain';
import type { PoolSettings } from '#events';
import {
  requirableUserFields,
  type DeclaredAttribute,
  type DeclaredAttributeKind,
  type IdentityProviderRepresentation,
  type RealmSpec,
  type RequirableUserField,
} from '#keycloak';

/** Required actions the import may set; the realm must have them enabled. */
export const importRequiredActions = ['CONFIGURE_TOTP', 'UPDATE_PASSWORD', 'VERIFY_EMAIL'];

const kindOf: Record<string, DeclaredAttributeKind> = {
  String: 'string',
  Number: 'number',
  Boolean: 'boolean',
  DateTime: 'datetime',
};

/** A week of user events: the watcher polls far more often; the ledger keeps what it learns for good. */
const eventsExpirationSeconds = 7 * 24 * 3600;

/** The realm an import of this pool needs: login settings as the pool had them, the imported attributes declared. */
export function importRealmSpec(
  pool: PoolSettings | undefined,
  mapping: ImportMapping,
  identityProviders: readonly IdentityProviderRepresentation[],
): RealmSpec {
  const login = loginPolicyOf(pool);
  const adminOnly = (name: string): DeclaredAttribute => ({ name, displayName: name, adminOnly: true, kind: 'string' });
  const phone = mapping.attributes.phone_number ?? 'phone_number';
  const phoneVerified = mapping.attributes.phone_number_verified ?? 'phone_number_verified';
  const attributes: DeclaredAttribute[] = [
    ...Object.values(bookkeeping).map(adminOnly),
    { name: phone, displayName: 'Phone number', adminOnly: false, kind: 'string' },
    { name: phoneVerified, displayName: 'Phone number verified', adminOnly: false, kind: 'boolean' },
    ...(pool?.customAttributes ?? []).map((a): DeclaredAttribute => ({
      name: a.name,
      displayName: a.name,
      adminOnly: false,
      kind: kindOf[a.type] ?? 'string',
    })),
  ];
  return {
    displayName: pool ? `Migrated from Cognito pool ${pool.name}` : 'Migrated from Cognito',
    loginWithEmailAllowed: login.emailSignIn,
    // Cognito keeps e-mails unique only when they sign users in; Keycloak can only log in by
    // e-mail when they are unique, so both follow the pool.
    duplicateEmailsAllowed: !login.emailSignIn,
    registrationEmailAsUsername: login.usernameAttribute === 'email',
    internationalizationEnabled: true,
    requiredUserFields: requiredUserFieldsOf(pool, mapping),
    attributes,
    requiredActions: importRequiredActions,
    eventsExpirationSeconds,
    identityProviders,
  };
}

/**
 * The Keycloak fields the pool required, through the mapping (e.g. `family_name` -> `lastName`).
 * Without pool settings, or from an export that did not record them, nothing is known to be
 * required, and requiring nothing never blocks a user.
 */
export function requiredUserFieldsOf(pool: PoolSettings | undefined, mapping: ImportMapping): RequirableUserField[] {
  const required = new Set(pool?.requiredAttributes ?? []);
  const fields = Object.entries(mapping.attributes)
    .filter(([cognito]) => required.has(cognito))
    .map(([, keycloak]) => keycloak);
  return requirableUserFields.filter((field) => fields.includes(field));
}
