import { z } from 'zod';
import { schemaName } from '../setting-rules.js';

/**
 * Variables read by more than one section, defined once so that each is checked by one rule and
 * defaults the same wherever it is read.
 */
export const sharedVariables = {
  /** The target realm: the Keycloak section's, and the one the reconciler names in its reports. */
  KEYCLOAK_REALM: z
    .string()
    .regex(/^[\w-]+$/, { error: 'must be a realm name of letters, digits, "-" or "_"' })
    .default('migration'),
  /** The projector's schema, read by the projector, the bridge and the reconciler. */
  PROJECTION_SCHEMA: schemaName.default('projection'),
} as const;
