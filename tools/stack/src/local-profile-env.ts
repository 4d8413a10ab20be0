import type { Env } from '#config';

/** The local stack is the local profile (LEDGER_PROFILE=local), whatever the caller's shell says. */
export function localProfileEnv(env: Env): Env {
  return env.LEDGER_PROFILE === 'local' ? env : { ...env, LEDGER_PROFILE: 'local' };
}
