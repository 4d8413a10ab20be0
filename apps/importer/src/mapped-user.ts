import type { FederatedLink, UserRepresentation } from '#keycloak';
import type { StatusTreatment } from '#domain';

/** Where the Keycloak record differs from the Cognito one on purpose; recorded in UserImported. */
export interface Adjustment {
  readonly field: string;
  readonly reason: string;
}

/** Something Keycloak's user-profile validation would refuse; such users go through the validating endpoint. */
export interface Finding {
  readonly field: string;
  readonly problem: string;
}

/** One Cognito user as it will be written to Keycloak, with everything the import records about it. */
export interface MappedUser {
  readonly sub: string;
  readonly poolId: string;
  /** Derived from realm, pool and sub, so that a re-delivered user is recognised by its id. */
  readonly id: string;
  readonly cognitoUsername: string;
  readonly loginName: string;
  readonly email: string | null;
  readonly representation: UserRepresentation & { readonly id: string; readonly username: string };
  /** Cognito group names. */
  readonly groups: readonly string[];
  /** Federated identities Keycloak will hold from the start. */
  readonly links: readonly FederatedLink[];
  /** Target identity-provider alias -> the Cognito provider name the link came from. */
  readonly linkedFrom: Readonly<Record<string, string>>;
  readonly treatment: StatusTreatment;
  readonly requiredActions: readonly string[];
  readonly adjustments: readonly Adjustment[];
  readonly findings: readonly Finding[];
}
