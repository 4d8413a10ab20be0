import { v5 as uuidV5 } from 'uuid';
import {
  bookkeeping,
  hadMfaInCognito,
  userFields,
  type IdentityLink,
  type ImportMapping,
  type LoginPolicy,
  type UserField,
} from '#domain';
import type { CustomAttribute, UserExportedData } from '#events';
import { GroupDirectory, type FederatedLink } from '#keycloak';
import type { Adjustment, Finding, MappedUser } from './mapped-user.js';

/** Namespace of the Keycloak user ids derived from `<realm>/<poolId>/<sub>` (UUID v5, RFC 9562). */
export const userIdNamespace = '5b0f3a52-7c1e-4d5a-9b6e-2f8c4d1a7e93';

export interface MappingContext {
  readonly realm: string;
  readonly mapping: ImportMapping;
  readonly login: LoginPolicy;
  /** Aliases of the identity providers the realm has; a link to any other would be dropped by Keycloak without a word. */
  readonly realmProviders: ReadonlySet<string>;
}

/** Keycloak's user-profile limits, measured on 26.5 (`error-invalid-length`). */
const maxAttributeLength = 2048;
const maxNameLength = 255;
/** Keycloak's `person-name-prohibited-characters` validator refuses these in first and last names. */
const prohibitedInNames = /[<>&"$%!#?§;*~/\\|^=[\]{}()\p{Cc}]/u;
/** The WHATWG e-mail grammar (https://html.spec.whatwg.org/#valid-e-mail-address); anything else is left to Keycloak to judge. */
const plainEmail =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** User ids are unique across all realms of a Keycloak (one table), so the realm is part of the name. */
export function keycloakUserId(realm: string, poolId: string, sub: string): string {
  return uuidV5(`${realm}/${poolId}/${sub}`, userIdNamespace);
}

/** Pure: one UserExported fact -> the Keycloak user to write, per the mapping table. */
export function mapUser(user: UserExportedData, context: MappingContext): MappedUser {
  const { mapping } = context;
  const adjustments: Adjustment[] = [];
  const fields: Partial<Record<UserField, string>> = {};
  const attributes: Record<string, string[]> = {};

  for (const [name, value] of Object.entries(user.attributes)) {
    const target = mapping.attributes[name] ?? name;
    if ((userFields as readonly string[]).includes(target)) fields[target as UserField] = value;
    else attributes[target] = [value];
  }
  Object.assign(attributes, {
    [bookkeeping.sub]: [user.sub],
    [bookkeeping.username]: [user.username],
    [bookkeeping.status]: [user.status],
  });
  for (const [name, value] of Object.entries(user.customAttributes)) {
    // The prefix goes, unless the bare name is taken by a standard or bookkeeping attribute.
    const target = name in attributes || (userFields as readonly string[]).includes(name) ? `custom:${name}` : name;
    if (target !== name)
      adjustments.push({
        field: `custom:${name}`,
        reason: `kept as "custom:${name}": "${name}" is taken by another attribute`,
      });
    attributes[target] = [customValue(value)];
  }

  const treatment = mapping.statuses[user.status] ?? mapping.unknownStatus;
  const federatedOnly = user.status === 'EXTERNAL_PROVIDER';
  const hadMfa = hadMfaInCognito(user.mfa);
  const requiredActions = [
    ...new Set([...treatment.requiredActions, ...(hadMfa && !federatedOnly ? ['CONFIGURE_TOTP'] : [])]),
  ];

  const email = fields.email ?? null;
  const loginName = loginNameOf(user, context.login, email, federatedOnly);
  const links = linksOf(user, context, email, adjustments);
  const linkedFrom = Object.fromEntries(
    user.identities.map((identity) => [
      context.mapping.providerAliases[identity.provider] ?? identity.provider,
      identity.provider,
    ]),
  );
  const id = keycloakUserId(context.realm, user.poolId, user.sub);

  const representation = {
    id,
    username: loginName,
    enabled: treatment.enabled === false ? false : user.enabled,
    ...(email !== null ? { email, emailVerified: fields.emailVerified === 'true' } : { emailVerified: false }),
    ...(fields.firstName !== undefined ? { firstName: fields.firstName } : {}),
    ...(fields.lastName !== undefined ? { lastName: fields.lastName } : {}),
    // Keycloak keeps the creation time given on import; the user's history starts when Cognito's did.
    createdTimestamp: Date.parse(user.createdAt),
    attributes,
    requiredActions,
    groups: user.groups.map((name) => GroupDirectory.pathOf(name)),
    federatedIdentities: links.map((l) => ({
      identityProvider: l.identityProvider,
      userId: l.userId,
      userName: l.userName,
    })),
  };

  return {
    sub: user.sub,
    poolId: user.poolId,
    id,
    cognitoUsername: user.username,
    loginName,
    email,
    representation,
    groups: user.groups,
    links,
    linkedFrom,
    treatment,
    requiredActions,
    adjustments,
    findings: findingsOf(representation),
  };
}

/**
 * The e-mail cannot be the Keycloak e-mail (another user holds it in a realm that keeps e-mails
 * unique): it is kept in an attribute, unverified, and a login name derived from it falls back
 * to the Cognito username.
 */
export function withoutEmail(user: MappedUser, reason: string): MappedUser {
  if (user.email === null) return user;
  const rest = { ...user.representation };
  delete rest.email;
  const loginName = user.loginName === user.email ? user.cognitoUsername : user.loginName;
  return {
    ...user,
    email: null,
    loginName,
    representation: {
      ...rest,
      username: loginName,
      emailVerified: false,
      attributes: { ...rest.attributes, [bookkeeping.withheldEmail]: [user.email] },
      federatedIdentities: user.links.map((l) => ({
        ...l,
        userName: l.userName === user.email ? l.userId : l.userName,
      })),
    },
    links: user.links.map((l) => ({ ...l, userName: l.userName === user.email ? l.userId : l.userName })),
    adjustments: [...user.adjustments, { field: 'email', reason }],
  };
}

/** Another user keeps the login name (it differs only in case): this one signs in with `loginName`. */
export function withLoginName(user: MappedUser, loginName: string, reason: string): MappedUser {
  return {
    ...user,
    loginName,
    representation: { ...user.representation, username: loginName },
    adjustments: [...user.adjustments, { field: 'username', reason }],
  };
}

/** The link belongs to someone else in Keycloak; the user is imported without it. */
export function withoutLink(user: MappedUser, link: IdentityLink, reason: string): MappedUser {
  const links = user.links.filter((l) => !(l.identityProvider === link.identityProvider && l.userId === link.userId));
  return {
    ...user,
    links,
    representation: { ...user.representation, federatedIdentities: links.map((l) => ({ ...l })) },
    adjustments: [...user.adjustments, { field: `identities.${link.identityProvider}`, reason }],
  };
}

function loginNameOf(user: UserExportedData, login: LoginPolicy, email: string | null, federatedOnly: boolean): string {
  // Federated users never typed a username (Cognito named them <Provider>_<id>); they keep it.
  if (federatedOnly) return user.username;
  if (login.usernameAttribute === 'email' && email) return email;
  const phone = user.attributes.phone_number;
  if (login.usernameAttribute === 'phone_number' && phone) return phone;
  return user.username;
}

function linksOf(
  user: UserExportedData,
  context: MappingContext,
  email: string | null,
  adjustments: Adjustment[],
): FederatedLink[] {
  const links: FederatedLink[] = [];
  for (const identity of user.identities) {
    const alias = context.mapping.providerAliases[identity.provider] ?? identity.provider;
    if (!context.realmProviders.has(alias)) {
      adjustments.push({
        field: `identities.${identity.provider}`,
        reason: `realm has no identity provider "${alias}": re-bound at the first ${identity.provider} login, matched by e-mail`,
      });
      continue;
    }
    if (links.some((l) => l.identityProvider === alias)) {
      adjustments.push({
        field: `identities.${identity.provider}`,
        reason: `a second ${alias} identity; Keycloak holds one link per provider`,
      });
      continue;
    }
    links.push({ identityProvider: alias, userId: identity.userId, userName: email ?? identity.userId });
  }
  return links;
}

function customValue(value: CustomAttribute): string {
  switch (value.type) {
    case 'Number':
      return String(value.value);
    case 'Boolean':
      return value.value ? 'true' : 'false';
    default:
      // String, DateTime and Unparsed are kept exactly as Cognito held them.
      return value.value;
  }
}

function findingsOf(rep: {
  username: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  attributes: Record<string, string[]>;
}): Finding[] {
  const findings: Finding[] = [];
  if (rep.username.length > maxNameLength)
    findings.push({ field: 'username', problem: `longer than ${maxNameLength} characters` });
  if (rep.email !== undefined && (rep.email.length > maxNameLength || !plainEmail.test(rep.email))) {
    findings.push({ field: 'email', problem: 'not a plain e-mail address' });
  }
  for (const field of ['firstName', 'lastName'] as const) {
    const value = rep[field];
    if (value !== undefined && (value.length > maxNameLength || prohibitedInNames.test(value))) {
      findings.push({ field, problem: 'too long or has characters Keycloak refuses in names' });
    }
  }
  for (const [name, values] of Object.entries(rep.attributes)) {
    if (values.some((v) => v.length > maxAttributeLength))
      findings.push({ field: `attributes.${name}`, problem: `longer than ${maxAttributeLength} characters` });
  }
  return findings;
}
