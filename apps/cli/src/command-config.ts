import { isLocalProfile, loadConfig, type ConfigOf, type Env, type SectionName } from '#config';

/**
 * A command's settings, validated once as it starts: every section it uses in one pass, every
 * problem reported together, before anything connects. Secrets come from the environment; only
 * under LEDGER_PROFILE=local is the local stack's generated Keycloak administrator read from its
 * file (libs/stack, loaded for the local profile alone).
 */
export async function commandConfig<const N extends SectionName>(env: Env, names: readonly N[]): Promise<ConfigOf<N>> {
  if (!isLocalProfile(env)) return loadConfig(env, names);
  const { localConfig } = await import('#stack');
  return localConfig(env, names);
}
