/**
 * The configurable table that turns a Cognito user into a Keycloak user; docs/importer-mapping.md
 * explains each row and why. Override attribute names and provider aliases with
 * IMPORT_ATTRIBUTE_NAMES / IMPORT_PROVIDER_ALIASES (JSON), merged over these defaults.
 */
export interface ImportMapping {
  /**
   * Cognito standard attribute -> Keycloak. A value naming a Keycloak user field (`email`,
   * `emailVerified`, `firstName`, `lastName`) writes that field; any other value is the name of
   * the user attribute that receives it. Attributes not listed keep their Cognito name.
   */
  readonly attributes: Readonly<Record<string, string>>;
  /** Cognito identity provider name -> alias of the Keycloak identity provider that takes its links. */
  readonly providerAliases: Readonly<Record<string, string>>;
  /** Cognito user status -> what the import does about it. */
  readonly statuses: Readonly<Record<string, StatusTreatment>>;
  /** For a status the table does not list (Cognito may add some). */
  readonly unknownStatus: StatusTreatment;
}

export interface StatusTreatment {
  /** Recorded in UserImported.treatment. */
  readonly name: string;
  readonly requiredActions: readonly string[];
  /** The Cognito password can still be verified by the JIT bridge. */
  readonly needsPasswordMigration: boolean;
  /** false: imported disabled whatever Cognito said; 'as-cognito': Cognito's Enabled flag. */
  readonly enabled: false | 'as-cognito';
}

/** Keycloak's own user fields that the attribute table may name. */
export const userFields = ['email', 'emailVerified', 'firstName', 'lastName'] as const;
export type UserField = (typeof userFields)[number];

/** Migration bookkeeping kept on every imported user (administrators only see them). */
export const bookkeeping = {
  sub: 'cognito_sub',
  username: 'cognito_username',
  status: 'cognito_status',
  /** Set only on a Keycloak user that existed before the import and was matched to the Cognito user. */
  matchedBy: 'cognito_matched_by',
  /** Set only when the e-mail could not be kept as the Keycloak e-mail (another user holds it). */
  withheldEmail: 'cognito_email',
} as const;

export const defaultMapping: ImportMapping = {
  attributes: {
    email: 'email',
    email_verified: 'emailVerified',
    given_name: 'firstName',
    family_name: 'lastName',
    // Keycloak's built-in `phone` client scope maps these two attributes to the phone_number claims.
    phone_number: 'phoneNumber',
    phone_number_verified: 'phoneNumberVerified',
    // Keycloak's `profile` scope mappers read these names.
    middle_name: 'middleName',
    updated_at: 'cognito_updated_at',
  },
  providerAliases: {
    Google: 'google',
    Facebook: 'facebook',
    SignInWithApple: 'apple',
    LoginWithAmazon: 'amazon',
  },
  statuses: {
    CONFIRMED: {
      name: 'password-via-bridge',
      requiredActions: [],
      needsPasswordMigration: true,
      enabled: 'as-cognito',
    },
    UNCONFIRMED: {
      name: 'confirm-email-then-reset',
      requiredActions: ['VERIFY_EMAIL'],
      needsPasswordMigration: false,
      enabled: 'as-cognito',
    },
    RESET_REQUIRED: {
      name: 'reset-required',
      requiredActions: ['UPDATE_PASSWORD'],
      needsPasswordMigration: false,
      enabled: 'as-cognito',
    },
    FORCE_CHANGE_PASSWORD: {
      name: 'temporary-password',
      requiredActions: ['UPDATE_PASSWORD'],
      needsPasswordMigration: true,
      enabled: 'as-cognito',
    },
    EXTERNAL_PROVIDER: {
      name: 'federated-only',
      requiredActions: [],
      needsPasswordMigration: false,
      enabled: 'as-cognito',
    },
    COMPROMISED: {
      name: 'compromised-password',
      requiredActions: ['UPDATE_PASSWORD'],
      needsPasswordMigration: false,
      enabled: 'as-cognito',
    },
    ARCHIVED: { name: 'archived', requiredActions: [], needsPasswordMigration: false, enabled: false },
  },
  unknownStatus: { name: 'unknown-status', requiredActions: [], needsPasswordMigration: true, enabled: 'as-cognito' },
};

/** The defaults with the operator's overrides (from ImporterConfig) on top. */
export function importMapping(overrides: {
  readonly attributeNames: Readonly<Record<string, string>>;
  readonly providerAliases: Readonly<Record<string, string>>;
}): ImportMapping {
  return {
    ...defaultMapping,
    attributes: { ...defaultMapping.attributes, ...overrides.attributeNames },
    providerAliases: { ...defaultMapping.providerAliases, ...overrides.providerAliases },
  };
}
