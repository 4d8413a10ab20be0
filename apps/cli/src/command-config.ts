import { isLocalProfile, loadConfig, type ConfigOf, type Env, type SectionName } from '#config';

/**
 * A command's settings, validated once as it starts: every section it uses in one pass, every
 * problem reported together, before anything connects.
 */
export type CommandConfig = <const N extends SectionName>(env: Env, names: readonly N[]) => Promise<ConfigOf<N>>;

/**
 * Secrets come from the environment; only under LEDGER_PROFILE=local does `local` add the local
 * stack's generated Keycloak administrator. The composition root (main.ts) passes `local` in from
 * the development commands (dev/), so that no production command depends on the local stack.
 */
export function commandConfigOf(local: CommandConfig): CommandConfig {
  return async (env, names) => (isLocalProfile(env) ? local(env, names) : loadConfig(env, names));
}
