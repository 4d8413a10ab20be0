import { section } from '../section.js';
import { nonEmpty, schemaName } from '../setting-rules.js';
import { sharedVariables } from './shared-variables.js';

/** The reconciler (apps/reconciler): its policy, where it keeps its send journal, what it reads. */
export interface ReconcilerConfig {
  /** YAML or JSON policy (docs/reconciler.md); unset: the documented defaults. */
  readonly policyFile: string | undefined;
  /** PostgreSQL schema of the reconciler's own table (`reset_attempt`, the send journal). */
  readonly schema: string;
  /** The projections it reads (table `migration_user`). */
  readonly projectionSchema: string;
  /** The target realm (KEYCLOAK_REALM) its decisions and reports are about. */
  readonly realm: string;
}

export const reconcilerSection = section(
  {
    RECONCILER_POLICY_FILE: nonEmpty.optional(),
    RECONCILER_SCHEMA: schemaName.default('reconciler'),
    PROJECTION_SCHEMA: sharedVariables.PROJECTION_SCHEMA,
    KEYCLOAK_REALM: sharedVariables.KEYCLOAK_REALM,
  },
  (v): ReconcilerConfig => ({
    policyFile: v.RECONCILER_POLICY_FILE,
    schema: v.RECONCILER_SCHEMA,
    projectionSchema: v.PROJECTION_SCHEMA,
    realm: v.KEYCLOAK_REALM,
  }),
);
