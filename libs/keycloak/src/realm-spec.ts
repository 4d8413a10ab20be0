import type IdentityProviderRepresentation from '@keycloak/keycloak-admin-client/lib/defs/identityProviderRepresentation.js';

/** How a declared attribute's values are checked when an administrator edits them later. */
export type DeclaredAttributeKind = 'string' | 'number' | 'boolean' | 'datetime';

export interface DeclaredAttribute {
  readonly name: string;
  readonly displayName: string;
  /** Only administrators see it (migration bookkeeping such as the Cognito `sub`); users see the rest. */
  readonly adminOnly: boolean;
  readonly kind: DeclaredAttributeKind;
}

/** The built-in user-profile attributes whose `required` the bootstrap sets. */
export const requirableUserFields = ['email', 'firstName', 'lastName'] as const;
export type RequirableUserField = (typeof requirableUserFields)[number];

/** What the target realm must look like before users arrive. */
export interface RealmSpec {
  readonly displayName: string;
  /** Users sign in with their e-mail address (the pool had `email` as username or alias attribute). */
  readonly loginWithEmailAllowed: boolean;
  /** Two users may share an e-mail (the pool did not sign in by e-mail, so Cognito did not keep them unique). */
  readonly duplicateEmailsAllowed: boolean;
  /** The pool used the e-mail as username. */
  readonly registrationEmailAsUsername: boolean;
  /**
   * Keycloak stores a user's `locale` attribute either way but shows and uses it only with
   * internationalization on (measured on 26.5): imported locales would look lost without it.
   */
  readonly internationalizationEnabled: boolean;
  /**
   * Of Keycloak's built-in `email`, `firstName`, `lastName`: those the user profile requires.
   * The others are made optional: Keycloak's default profile requires all three, and a user
   * lacking one cannot finish a login ("Account is not fully set up") until they type it.
   */
  readonly requiredUserFields: readonly RequirableUserField[];
  /** User-profile attributes to declare; existing declarations are left as the operator made them. */
  readonly attributes: readonly DeclaredAttribute[];
  /** Required actions the import may set; each is enabled in the realm. */
  readonly requiredActions: readonly string[];
  /** How long user events are kept for the watcher to read. */
  readonly eventsExpirationSeconds: number;
  /** Identity providers to create when missing (configured by the operator; never changed once present). */
  readonly identityProviders: readonly IdentityProviderRepresentation[];
}

export type { IdentityProviderRepresentation };
