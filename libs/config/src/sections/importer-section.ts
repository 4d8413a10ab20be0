import { z } from 'zod';
import { section } from '../section.js';
import { integer, nonEmpty, stringMap } from '../setting-rules.js';

/** How the importer writes users: see docs/importer-mapping.md for the mapping these settings tune. */
export interface ImporterConfig {
  /** Users per partialImport request; a request is one transaction whose cost grows with the square of its size. */
  readonly batchSize: number;
  /** partialImport requests in flight at once. */
  readonly concurrency: number;
  /** Cognito identity provider name -> Keycloak identity provider alias, merged over the defaults. */
  readonly providerAliases: Readonly<Record<string, string>>;
  /** Cognito attribute -> Keycloak attribute name, merged over the defaults. */
  readonly attributeNames: Readonly<Record<string, string>>;
  /** A JSON file with an array of Keycloak identity-provider representations to create in the realm when missing. */
  readonly identityProvidersFile: string | undefined;
  /** What a user confirmed deleted in Cognito becomes in the target during the parallel run: disabled, or deleted. */
  readonly deletionPolicy: 'disable' | 'delete';
}

export const importerSection = section(
  {
    IMPORT_BATCH_SIZE: integer(1, 1000).default(25),
    IMPORT_CONCURRENCY: integer(1, 16).default(3),
    IMPORT_PROVIDER_ALIASES: stringMap('{"Google":"google"}').optional(),
    IMPORT_ATTRIBUTE_NAMES: stringMap('{"phone_number":"phone"}').optional(),
    IMPORT_IDENTITY_PROVIDERS_FILE: nonEmpty.optional(),
    IMPORT_DELETION_POLICY: z.enum(['disable', 'delete'], { error: 'must be disable or delete' }).default('disable'),
  },
  (v): ImporterConfig => ({
    batchSize: v.IMPORT_BATCH_SIZE,
    concurrency: v.IMPORT_CONCURRENCY,
    providerAliases: v.IMPORT_PROVIDER_ALIASES ?? {},
    attributeNames: v.IMPORT_ATTRIBUTE_NAMES ?? {},
    identityProvidersFile: v.IMPORT_IDENTITY_PROVIDERS_FILE,
    deletionPolicy: v.IMPORT_DELETION_POLICY,
  }),
);
