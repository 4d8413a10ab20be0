import { section } from '../section.js';
import { nonEmpty } from '../setting-rules.js';

/**
 * The master-realm administrator the import, watcher, reconciler and bridge log in as. The
 * password comes from the environment only; the local profile's composition root puts the local
 * stack's generated one there (see docs/local-stack.md).
 */
export interface KeycloakAdminConfig {
  readonly username: string;
  readonly password: string;
}

export const keycloakAdminSection = section(
  { KEYCLOAK_ADMIN_USERNAME: nonEmpty.default('admin'), KEYCLOAK_ADMIN_PASSWORD: nonEmpty },
  (v): KeycloakAdminConfig => ({ username: v.KEYCLOAK_ADMIN_USERNAME, password: v.KEYCLOAK_ADMIN_PASSWORD }),
);
