import { loadConfig, type ConfigOf, type Env, type SectionName } from '#config';
import { withLocalStackCredentials } from './keycloak-admin-credentials.js';
import { localProfileEnv } from './local-profile-env.js';

/**
 * The settings of a process on the local stack (`ledger stack`, `ledger demo`, the tests, the
 * benchmarks, any command under LEDGER_PROFILE=local): the local profile's defaults, and the
 * Keycloak administrator the local stack generated unless KEYCLOAK_ADMIN_PASSWORD is set. The one
 * place a process reads that file; a production process takes the credential from its environment.
 */
export async function localConfig<const N extends SectionName>(env: Env, names: readonly N[]): Promise<ConfigOf<N>> {
  const local = localProfileEnv(env);
  return loadConfig(names.includes('keycloakAdmin' as N) ? await withLocalStackCredentials(local) : local, names);
}
