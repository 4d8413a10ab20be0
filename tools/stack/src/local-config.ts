import { loadConfig, type ConfigOf, type Env, type SectionName } from '#config';
import { withLocalStackCredentials } from './keycloak-admin-credentials.js';
import { localProfileEnv } from './local-profile-env.js';
import { withLocalSealKey } from './local-seal-key.js';

/**
 * The settings of a process on the local stack (`ledger stack`, `ledger demo`, the tests, the
 * benchmarks, any command under LEDGER_PROFILE=local): the local profile's defaults, and the
 * Keycloak administrator the local stack generated unless KEYCLOAK_ADMIN_PASSWORD is set, and its
 * seal key (local-seal-key.ts) unless LEDGER_SEAL_KEY(_FILE) is set. The one place a process reads
 * those files; a production process takes them from its environment.
 */
export async function localConfig<const N extends SectionName>(env: Env, names: readonly N[]): Promise<ConfigOf<N>> {
  let local = localProfileEnv(env);
  if (names.includes('keycloakAdmin' as N)) local = await withLocalStackCredentials(local);
  if (names.includes('seal' as N)) local = await withLocalSealKey(local);
  return loadConfig(local, names);
}
