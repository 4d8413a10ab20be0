import type UserRepresentation from '@keycloak/keycloak-admin-client/lib/defs/userRepresentation.js';

/** A user as the target realm holds it. */
export interface TargetUser {
  readonly id: string;
  readonly username: string;
  readonly email: string | null;
  readonly emailVerified: boolean;
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly enabled: boolean;
  readonly attributes: Readonly<Record<string, readonly string[]>>;
  readonly requiredActions: readonly string[];
}

export interface FederatedLink {
  readonly identityProvider: string;
  readonly userId: string;
  readonly userName: string;
}

/** A user with the memberships and links that need one more call each to read. */
export interface TargetUserDetail extends TargetUser {
  /** Group paths, e.g. `/admins`. */
  readonly groups: readonly string[];
  readonly federatedIdentities: readonly FederatedLink[];
}

export function toTargetUser(rep: UserRepresentation): TargetUser {
  return {
    id: rep.id!,
    username: rep.username!,
    email: rep.email ?? null,
    emailVerified: rep.emailVerified ?? false,
    firstName: rep.firstName ?? null,
    lastName: rep.lastName ?? null,
    enabled: rep.enabled ?? false,
    attributes: (rep.attributes ?? {}) as Record<string, string[]>,
    requiredActions: rep.requiredActions ?? [],
  };
}
